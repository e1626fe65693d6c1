import { ReferenceKind, type EntityMetadata, type Platform } from '@mikro-orm/core';

/** SQL text with `?` placeholders and their values, in order. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

const COMPARISONS: Record<string, string> = { $eq: '=', $ne: '<>', $gt: '>', $gte: '>=', $lt: '<', $lte: '<=', $like: 'like', $ilike: 'ilike' };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * The MikroORM filter objects our list filters build ({prop: value}, $and/$or, $in/$nin/$eq/$ne/$gt/$gte/$lt/$lte/
 * $like/$ilike, a many-to-one compared by id), compiled to a WHERE condition over `alias` without a QueryBuilder
 * (building one cost more than running the statement on small pages). Anything else is a programming error and
 * throws, rather than being silently misread.
 */
export function compileWhere(meta: EntityMetadata, platform: Platform, alias: string, where: unknown): SqlFragment {
  const params: unknown[] = [];
  const column = (property: string): { sql: string; reference: boolean } => {
    const prop = meta.properties[property as never] as EntityMetadata['props'][number] | undefined;
    if (!prop?.fieldNames?.length) throw new Error(`${meta.className} has no column property "${property}" to filter on`);
    const reference = prop.kind === ReferenceKind.MANY_TO_ONE || prop.kind === ReferenceKind.ONE_TO_ONE;
    if (prop.kind !== ReferenceKind.SCALAR && !reference) throw new Error(`${meta.className}.${property}: cannot filter on a ${prop.kind} relation`);
    return { sql: `${platform.quoteIdentifier(alias)}.${platform.quoteIdentifier(prop.fieldNames[0])}`, reference };
  };
  const scalar = (value: unknown, reference: boolean): unknown => {
    if (reference && typeof value === 'object' && value !== null && 'id' in value) return (value as { id: unknown }).id;
    if (typeof value === 'object' && value !== null && !(value instanceof Date)) throw new Error(`unsupported filter value ${JSON.stringify(value)}`);
    return value;
  };
  const list = (sql: string, values: unknown, reference: boolean, negate: boolean): string => {
    if (!Array.isArray(values)) throw new Error('$in/$nin need an array');
    if (values.length === 0) return negate ? 'true' : 'false';
    for (const value of values) params.push(scalar(value, reference));
    return `${sql} ${negate ? 'not in' : 'in'} (${values.map(() => '?').join(', ')})`;
  };
  const condition = (property: string, value: unknown): string => {
    const { sql, reference } = column(property);
    if (value === null) return `${sql} is null`;
    if (Array.isArray(value)) return list(sql, value, reference, false);
    if (!isPlainObject(value) || (reference && 'id' in value && !Object.keys(value).some((k) => k.startsWith('$')))) {
      params.push(scalar(value, reference));
      return `${sql} = ?`;
    }
    const parts = Object.entries(value).filter(([, operand]) => operand !== undefined).map(([operator, operand]) => {
      if (operator === '$in' || operator === '$nin') return list(sql, operand, reference, operator === '$nin');
      const comparison = COMPARISONS[operator];
      if (!comparison) throw new Error(`unsupported filter operator ${operator}`);
      if (operand === null && (operator === '$eq' || operator === '$ne')) return `${sql} is ${operator === '$ne' ? 'not ' : ''}null`;
      params.push(scalar(operand, reference));
      return `${sql} ${comparison} ?`;
    });
    return parts.length ? parts.join(' and ') : 'true';
  };
  const group = (clauses: unknown, joiner: 'and' | 'or'): string => {
    if (!Array.isArray(clauses)) throw new Error(`$${joiner} needs an array`);
    if (clauses.length === 0) return joiner === 'and' ? 'true' : 'false';
    return `(${clauses.map(node).join(` ${joiner} `)})`;
  };
  const node = (filter: unknown): string => {
    if (!isPlainObject(filter)) throw new Error(`unsupported filter ${JSON.stringify(filter)}`);
    const parts: string[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      if (key === '$and') parts.push(group(value, 'and'));
      else if (key === '$or') parts.push(group(value, 'or'));
      else if (key.startsWith('$')) throw new Error(`unsupported filter operator ${key}`);
      else parts.push(condition(key, value));
    }
    return parts.length === 0 ? 'true' : parts.length === 1 ? parts[0] : `(${parts.join(' and ')})`;
  };
  return { sql: node(where), params };
}
