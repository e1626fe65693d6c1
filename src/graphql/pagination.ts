import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityName, FilterQuery, Platform } from '@mikro-orm/core';
import { rowReader, selectRows } from '../db/entity-rows';
import { compileWhere, type SqlFragment } from '../db/sql-where';
import { badUserInput } from './errors';

export const DEFAULT_PAGE_SIZE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_PAGE_SIZE = 500;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface SortKey {
  /** Entity property (also its column through the naming strategy). */
  property: string;
  /** SQL column, for the batched window query. */
  column: string;
  type: 'string' | 'date' | 'uuid';
}

/** A keyset ordering: the keys, all ascending or all descending, ending with a unique key (the id). */
export interface Ordering {
  /** Distinguishes cursors of different lists so that one list's cursor is rejected by another. */
  name: string;
  keys: SortKey[];
  direction: 'asc' | 'desc';
}

export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: () => Promise<number>;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) throw badUserInput('"first" must be a non-negative integer', 'first');
  if (first > MAX_PAGE_SIZE) throw badUserInput(`"first" may be at most ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  return first;
}

export function encodeCursor(ordering: Ordering, node: object): string {
  const values = ordering.keys.map((key) => {
    const value = (node as Record<string, unknown>)[key.property];
    return value instanceof Date ? value.toISOString() : value;
  });
  return Buffer.from(JSON.stringify([ordering.name, ...values]), 'utf8').toString('base64url');
}

export function decodeCursor(ordering: Ordering, cursor: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed[0] !== ordering.name || parsed.length !== ordering.keys.length + 1) {
    throw badUserInput('"after" is not a cursor of this list', 'after');
  }
  return ordering.keys.map((key, index) => {
    const value = parsed[index + 1];
    // Anything PostgreSQL would reject (a NUL byte, a malformed uuid) is the client's mistake, not a 500.
    if (typeof value !== 'string' || value.includes('\u0000')) throw badUserInput('"after" is not a cursor of this list', 'after');
    if (key.type === 'uuid' && !UUID.test(value)) throw badUserInput('"after" is not a cursor of this list', 'after');
    if (key.type === 'date') {
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) throw badUserInput('"after" is not a cursor of this list', 'after');
      return date;
    }
    return value;
  });
}

/**
 * Rows strictly after the cursor in the ordering, as one row comparison `(a, b, id) > (x, y, z)` (every key has the
 * same direction and none is nullable), which PostgreSQL answers from the ordering's index.
 *
 * A date key is compared with the cursor row's stored value, read back by its id (the last key): the cursor
 * carries milliseconds, but timestamptz keeps microseconds (rows written by SQL with now()), and comparing with
 * the rounded value would skip the rows within that millisecond. If the cursor row is gone, the cursor's own
 * value is used.
 */
function afterCursorCondition(platform: Platform, table: string, alias: string, ordering: Ordering, cursor: string): SqlFragment {
  const values = decodeCursor(ordering, cursor);
  const quote = (identifier: string) => platform.quoteIdentifier(identifier);
  const idColumn = quote(ordering.keys[ordering.keys.length - 1].column);
  const params: unknown[] = [];
  const placeholders = ordering.keys.map((key, index) => {
    if (key.type !== 'date') {
      params.push(values[index]);
      return '?';
    }
    params.push(values[values.length - 1], values[index]);
    return `coalesce((select c.${quote(key.column)} from ${table} c where c.${idColumn} = ?), ?)`;
  });
  const columns = ordering.keys.map((key) => `${quote(alias)}.${quote(key.column)}`);
  return { sql: `(${columns.join(', ')}) ${ordering.direction === 'asc' ? '>' : '<'} (${placeholders.join(', ')})`, params };
}

function orderBy(platform: Platform, alias: string, ordering: Ordering): string {
  return ordering.keys.map((key) => `${platform.quoteIdentifier(alias)}.${platform.quoteIdentifier(key.column)} ${ordering.direction}`).join(', ');
}

/** The filter compiled over alias `e`. */
function compileFilter<T extends object>(em: EntityManager, entity: EntityName<T>, where: FilterQuery<T>): SqlFragment {
  return compileWhere(em.getMetadata().get(entity as string), em.getPlatform(), 'e', where);
}

function and(...parts: SqlFragment[]): SqlFragment {
  return { sql: parts.map((p) => p.sql).join(' and '), params: parts.flatMap((p) => p.params) };
}

/** The filter, and the cursor condition when the page starts after one (totalCount counts without it). */
function pageCondition<T extends object>(em: EntityManager, entity: EntityName<T>, filter: SqlFragment, ordering: Ordering, after: string | null | undefined): SqlFragment {
  return after ? and(filter, afterCursorCondition(em.getPlatform(), rowReader(em, entity).table, 'e', ordering, after)) : filter;
}

function toPage<T extends object>(ordering: Ordering, rows: T[], size: number, args: PageArgs, totalCount: () => Promise<number>): Page<T> {
  const nodes = rows.slice(0, size);
  return {
    nodes,
    cursors: nodes.map((node) => encodeCursor(ordering, node)),
    hasNextPage: rows.length > size,
    hasPreviousPage: Boolean(args.after),
    totalCount,
  };
}

function memo<R>(fn: () => Promise<R>): () => Promise<R> {
  let result: Promise<R> | undefined;
  return () => (result ??= fn());
}

/** One keyset page of `entity` matching `where`; totalCount runs only when asked for. Nodes are read-only (entity-rows). */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  ordering: Ordering,
  args: PageArgs,
  options: { omit?: readonly string[] } = {},
): Promise<Page<T>> {
  const size = pageSize(args.first);
  const reader = rowReader(em, entity, options.omit);
  const filter = compileFilter(em, entity, where);
  const condition = pageCondition(em, entity, filter, ordering, args.after);
  // Even for first: 0, one row is read: hasNextPage tells whether rows exist beyond the (empty) page.
  const rows = await selectRows(em, `select ${reader.columns('e')} from ${reader.table} e where ${condition.sql} order by ${orderBy(em.getPlatform(), 'e', ordering)} limit ?`, [
    ...condition.params,
    size + 1,
  ]);
  const count = memo(async () => {
    const [row] = await selectRows(em, `select count(*) as count from ${reader.table} e where ${filter.sql}`, filter.params);
    return Number(row.count);
  });
  return toPage(ordering, rows.map((row) => reader.read(row)), size, args, count);
}

/**
 * The same page for many parents in one statement (window function partitioned by the parent column),
 * so nested connections such as `fabrics { resources }` cost one query, not one per parent.
 */
export async function paginateByParent<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  parent: { property: string; column: string },
  parentIds: readonly string[],
  where: FilterQuery<T>,
  ordering: Ordering,
  args: PageArgs,
  options: { omit?: readonly string[] } = {},
): Promise<Map<string, Page<T>>> {
  const size = pageSize(args.first);
  const platform = em.getPlatform();
  const reader = rowReader(em, entity, options.omit);
  const parentColumn = `e.${platform.quoteIdentifier(parent.column)}`;
  const parents: SqlFragment = { sql: `${parentColumn} in (${parentIds.map(() => '?').join(', ') || 'null'})`, params: [...parentIds] };
  const filter = and(compileFilter(em, entity, where), parents);
  const condition = pageCondition(em, entity, filter, ordering, args.after);
  const rows = await selectRows(
    em,
    `select * from (select ${reader.columns('e')}, row_number() over (partition by ${parentColumn} order by ${orderBy(platform, 'e', ordering)}) as "__rn"
       from ${reader.table} e where ${condition.sql}) w
     where "__rn" <= ? order by w.${platform.quoteIdentifier(parent.column)}, "__rn"`,
    [...condition.params, size + 1],
  );
  const grouped = new Map<string, T[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) grouped.get(String(row[parent.column]))?.push(reader.read(row));

  const counts = memo(async () => {
    const result = await selectRows(em, `select ${parentColumn} as parent, count(*) as count from ${reader.table} e where ${filter.sql} group by ${parentColumn}`, filter.params);
    return new Map(result.map((r) => [String(r.parent), Number(r.count)]));
  });
  const pages = new Map<string, Page<T>>();
  for (const [parentId, list] of grouped) {
    pages.set(parentId, toPage(ordering, list, size, args, async () => (await counts()).get(parentId) ?? 0));
  }
  return pages;
}
