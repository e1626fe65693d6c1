import { ReferenceKind, type EntityMetadata, type EntityName, type EntityProperty, type Platform } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Read-only entity objects straight from SQL rows, for the read path (connection pages): MikroORM hydration
 * (EntityFactory.create, identity-map registration, reference propagation) cost ~40% of a 100-row page, and
 * GraphQL only reads these objects.
 *
 * An object has the entity class as its prototype (so `instanceof`, `constructor.name` for Node.resolveType and
 * the class's getters such as `globalId` work) and every column as an own data property, which shadows the
 * tracking accessors MikroORM puts on the prototype. A many-to-one relation is `{ id }`, which is all field
 * resolvers use (they load the related object through a DataLoader). Lazy properties (secrets) are not read.
 * These objects are not managed: never persist, assign or flush them.
 */
export interface RowReader<T> {
  /** `"alias"."col", …` for a select list; with a prefix, each column is selected as "<prefix><col>" (for joins). */
  columns(alias: string, prefix?: string): string;
  /** An entity object from a row selected with `columns()` (and the same prefix). */
  read(row: Record<string, unknown>, prefix?: string): T;
  /** The entity's columns of such a row, by column name without the prefix (the shape `em.map` takes). */
  fields(row: Record<string, unknown>, prefix: string): Record<string, unknown>;
  table: string;
  /** The properties this reader reads. */
  properties: readonly string[];
}

type Conversion = (value: unknown) => unknown;

interface Column {
  property: string;
  field: string;
  reference: boolean;
  convert?: Conversion;
}

/** Types whose JavaScript value node-postgres already produces (jsonb → object, text[] → array, float8 → number). */
const NATIVE_CUSTOM_TYPES = new Set(['JsonType', 'ArrayType', 'DoubleType']);

// MikroORM has node-postgres return timestamps as text and converts them when hydrating; so do we.
const toDate: Conversion = (value) => (typeof value === 'string' ? new Date(value) : value);

function conversion(prop: EntityProperty, platform: Platform): Conversion | undefined {
  if (prop.runtimeType === 'Date') return toDate;
  const type = prop.customType;
  if (!type || NATIVE_CUSTOM_TYPES.has(type.constructor.name)) return undefined;
  return (value) => (value === null ? null : type.convertToJSValue(value, platform));
}

function columnsOf(meta: EntityMetadata, platform: Platform): Column[] {
  const columns: Column[] = [];
  for (const prop of meta.props) {
    if (prop.persist === false || prop.lazy || prop.formula || !prop.fieldNames?.length) continue;
    if (prop.kind === ReferenceKind.SCALAR) {
      columns.push({ property: prop.name, field: prop.fieldNames[0], reference: false, convert: conversion(prop, platform) });
    } else if (prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner)) {
      if (prop.fieldNames.length !== 1) throw new Error(`${meta.className}.${prop.name}: composite foreign keys are not supported by the row reader`);
      columns.push({ property: prop.name, field: prop.fieldNames[0], reference: true });
    } else if (prop.kind !== ReferenceKind.ONE_TO_MANY && prop.kind !== ReferenceKind.MANY_TO_MANY && prop.kind !== ReferenceKind.ONE_TO_ONE) {
      throw new Error(`${meta.className}.${prop.name}: ${prop.kind} properties are not supported by the row reader`);
    }
  }
  return columns;
}

const readers = new WeakMap<EntityMetadata, Map<string, RowReader<unknown>>>();
/** Readers kept per entity (one per distinct omission, i.e. per distinct GraphQL selection shape). */
const MAX_READERS_PER_ENTITY = 256;

/**
 * The reader of `entity`'s columns; `omit` leaves out properties the caller knows nobody reads (large JSON columns
 * a GraphQL selection does not ask for): they are then undefined on the objects.
 */
export function rowReader<T extends object>(em: EntityManager, entity: EntityName<T>, omit: readonly string[] = []): RowReader<T> {
  const meta = em.getMetadata().get(entity as string) as EntityMetadata<T>;
  let byOmission = readers.get(meta as EntityMetadata);
  if (!byOmission) readers.set(meta as EntityMetadata, (byOmission = new Map()));
  const key = omit.join(',');
  let reader = byOmission.get(key) as RowReader<T> | undefined;
  if (reader) return reader;
  const platform = em.getPlatform();
  const columns = columnsOf(meta as EntityMetadata, platform).filter((column) => !omit.includes(column.property));
  const prototype = meta.prototype as object;
  const quote = (identifier: string) => platform.quoteIdentifier(identifier);
  reader = {
    table: quote(meta.tableName),
    properties: columns.map((c) => c.property),
    columns: (alias, prefix) => columns.map((c) => `${quote(alias)}.${quote(c.field)}${prefix ? ` as ${quote(prefix + c.field)}` : ''}`).join(', '),
    fields: (row, prefix) => Object.fromEntries(columns.map((c) => [c.field, row[prefix + c.field]])),
    read(row, prefix = '') {
      const object: Record<string, unknown> = {};
      for (const column of columns) {
        const value = row[prefix + column.field];
        if (column.reference) object[column.property] = value === null || value === undefined ? null : { id: value };
        else object[column.property] = column.convert ? column.convert(value) : value;
      }
      return Object.setPrototypeOf(object, prototype) as T;
    },
  };
  if (byOmission.size < MAX_READERS_PER_ENTITY) byOmission.set(key, reader as RowReader<unknown>);
  return reader;
}

/** Runs SQL (with `?` placeholders) on the EntityManager's connection and transaction, counted like every statement. */
export function selectRows(em: EntityManager, sql: string, params: readonly unknown[]): Promise<Array<Record<string, unknown>>> {
  return em.getConnection().execute(sql, params as unknown[], 'all', em.getTransactionContext());
}
