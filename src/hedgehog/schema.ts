import { isJsonObject, type JsonValue } from './json';
import { joinPath, type IssueSink } from './issues';

/** A small structural schema, enough to express the Go types behind each spec (strict decoding). */
export type Schema =
  | { type: 'string'; enum?: readonly string[] }
  | { type: 'integer'; min: number; max: number }
  | { type: 'boolean' }
  | { type: 'object'; fields: Readonly<Record<string, Schema>>; required?: readonly string[] }
  | { type: 'map'; values: Schema }
  | { type: 'array'; items: Schema; minItems?: number; maxItems?: number };

export const str = (enumValues?: readonly string[]): Schema => ({ type: 'string', ...(enumValues ? { enum: enumValues } : {}) });
export const bool: Schema = { type: 'boolean' };
export const int = (min: number, max: number): Schema => ({ type: 'integer', min, max });
export const uint8 = int(0, 255);
export const uint16 = int(0, 65535);
export const uint32 = int(0, 4294967295);
export const obj = (fields: Record<string, Schema>, required?: readonly string[]): Schema => ({ type: 'object', fields, ...(required ? { required } : {}) });
export const mapOf = (values: Schema): Schema => ({ type: 'map', values });
export const arr = (items: Schema, minItems?: number, maxItems?: number): Schema => ({
  type: 'array',
  items,
  ...(minItems !== undefined ? { minItems } : {}),
  ...(maxItems !== undefined ? { maxItems } : {}),
});

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const TYPE_NAMES: Record<Schema['type'], string> = {
  string: 'a string',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a map',
  map: 'a map',
  array: 'a list',
};

/**
 * Checks types, enums, integer ranges, list sizes, required keys and unknown keys.
 * `null` counts as absent, as in Go's JSON decoding. Returns false when anything failed.
 */
export function checkSchema(schema: Schema, value: JsonValue, path: string, sink: IssueSink): boolean {
  const before = sink.issues.length;
  walk(schema, value, path, sink);
  return sink.issues.length === before;
}

function walk(schema: Schema, value: JsonValue, path: string, sink: IssueSink): void {
  if (value === null) return;
  const typeError = (): void => sink.error('schema.type', path, `${path} must be ${TYPE_NAMES[schema.type]}, got ${describe(value)}`);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return typeError();
      if (schema.enum && !schema.enum.includes(value)) {
        sink.error('schema.enum', path, `${path} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}; got ${JSON.stringify(value)}`);
      }
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return typeError();
      if (value < schema.min || value > schema.max) sink.error('schema.range', path, `${path} must be between ${schema.min} and ${schema.max}, got ${value}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') return typeError();
      return;
    case 'array':
      if (!Array.isArray(value)) return typeError();
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        sink.error('schema.items', path, `${path} needs at least ${schema.minItems} entr${schema.minItems === 1 ? 'y' : 'ies'}, has ${value.length}`);
      }
      if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        sink.error('schema.items', path, `${path} allows at most ${schema.maxItems} entries, has ${value.length}`);
      }
      value.forEach((item, index) => walk(schema.items, item, joinPath(path, index), sink));
      return;
    case 'map':
      if (!isJsonObject(value)) return typeError();
      for (const [key, item] of Object.entries(value)) walk(schema.values, item, joinPath(path, key), sink);
      return;
    case 'object':
      if (!isJsonObject(value)) return typeError();
      for (const key of schema.required ?? []) {
        if (value[key] === undefined || value[key] === null) sink.error('schema.required', joinPath(path, key), `${joinPath(path, key)} is required`);
      }
      for (const [key, item] of Object.entries(value)) {
        const fieldSchema = schema.fields[key];
        if (!fieldSchema) {
          const known = Object.keys(schema.fields);
          sink.error('schema.unknown-field', joinPath(path, key), `unknown field "${key}" in ${path}` + (known.length ? `; allowed: ${known.join(', ')}` : '; no fields are allowed here'));
          continue;
        }
        walk(fieldSchema, item, joinPath(path, key), sink);
      }
      return;
  }
}
