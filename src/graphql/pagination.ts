import type { EntityManager } from '@mikro-orm/postgresql';
import { raw, type EntityName, type FilterQuery } from '@mikro-orm/core';
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
 * Rows strictly after the cursor in the ordering: (a > x) or (a = x and b > y) or …
 *
 * A date key is compared with the cursor row's stored value, read back by its id (the last key): the cursor
 * carries milliseconds, but timestamptz keeps microseconds (rows written by SQL with now()), and comparing with
 * the rounded value would skip the rows within that millisecond. If the cursor row is gone, the cursor's own
 * value is used.
 */
export function afterCursorFilter<T extends object>(em: EntityManager, entity: EntityName<T>, ordering: Ordering, cursor: string): FilterQuery<T> {
  const values = decodeCursor(ordering, cursor);
  const operator = ordering.direction === 'asc' ? '$gt' : '$lt';
  const idKey = ordering.keys[ordering.keys.length - 1];
  const quote = (identifier: string) => em.getPlatform().quoteIdentifier(identifier);
  const table = quote(em.getMetadata(entity).tableName);
  const value = (index: number): unknown => {
    const key = ordering.keys[index];
    if (key.type !== 'date') return values[index];
    return raw(`coalesce((select ${quote(key.column)} from ${table} where ${quote(idKey.column)} = ?), ?)`, [values[values.length - 1], values[index]]);
  };
  const alternatives = ordering.keys.map((key, index) => {
    const clause: Record<string, unknown> = {};
    for (let i = 0; i < index; i++) clause[ordering.keys[i].property] = value(i);
    clause[key.property] = { [operator]: value(index) };
    return clause;
  });
  return { $or: alternatives } as FilterQuery<T>;
}

function orderBy(ordering: Ordering): Record<string, 'asc' | 'desc'> {
  return Object.fromEntries(ordering.keys.map((key) => [key.property, ordering.direction]));
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

/** One keyset page of `entity` matching `where`; totalCount runs only when asked for. */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  ordering: Ordering,
  args: PageArgs,
): Promise<Page<T>> {
  const size = pageSize(args.first);
  const conditions = [where];
  if (args.after) conditions.push(afterCursorFilter<T>(em, entity, ordering, args.after));
  // Even for first: 0, one row is read: hasNextPage tells whether rows exist beyond the (empty) page.
  const rows = await em.find(entity, { $and: conditions } as FilterQuery<T>, { orderBy: orderBy(ordering) as never, limit: size + 1, disableIdentityMap: true });
  return toPage(ordering, rows, size, args, memo(() => em.count(entity, where)));
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
): Promise<Map<string, Page<T>>> {
  const size = pageSize(args.first);
  const conditions: FilterQuery<T>[] = [where, { [parent.property]: { $in: parentIds } } as FilterQuery<T>];
  if (args.after) conditions.push(afterCursorFilter<T>(em, entity, ordering, args.after));
  const inner = em.createQueryBuilder(entity, 'e').select('*').where({ $and: conditions } as FilterQuery<T>).getFormattedQuery();
  const order = ordering.keys.map((key) => `q."${key.column}" ${ordering.direction}`).join(', ');
  const rows: Array<Record<string, unknown>> = await em.execute(
    `select * from (select q.*, row_number() over (partition by q."${parent.column}" order by ${order}) as "__rn" from (${inner}) q) w where "__rn" <= ? order by w."${parent.column}", w."__rn"`,
    [size + 1],
  );
  const grouped = new Map<string, T[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) {
    const parentId = String(row[parent.column]);
    delete row.__rn;
    grouped.get(parentId)?.push(em.map(entity, row as never));
  }

  const counts = memo(async () => {
    const result: Array<{ parent: string; count: string }> = await em
      .createQueryBuilder(entity, 'e')
      .select([`e.${parent.column} as parent`, raw('count(*) as count')])
      .where({ $and: [where, { [parent.property]: { $in: parentIds } }] } as FilterQuery<T>)
      .groupBy(`e.${parent.column}`)
      .execute('all', false);
    return new Map(result.map((r) => [String(r.parent), Number(r.count)]));
  });
  const pages = new Map<string, Page<T>>();
  for (const [parentId, list] of grouped) {
    pages.set(parentId, toPage(ordering, list, size, args, async () => (await counts()).get(parentId) ?? 0));
  }
  return pages;
}
