/** JSON-compatible values as they come out of a YAML or JSON parser. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

export function isStringMap(value: unknown): value is Record<string, string> {
  return isJsonObject(value) && Object.values(value).every((item) => typeof item === 'string');
}

/** Freezes `value` and everything in it (a value already frozen is taken as frozen throughout). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Code-point order, independent of the host locale, so that output bytes never depend on the machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deep copy with object keys in code-point order; arrays keep their order. */
export function sortKeysDeep(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isJsonObject(value)) return value;
  const keys = Object.keys(value);
  if (!inOrder(keys)) keys.sort(compareStrings);
  const sorted: JsonObject = {};
  for (const key of keys) sorted[key] = sortKeysDeep(value[key]);
  return sorted;
}

function inOrder(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/**
 * Puts object keys in code-point order in a tree the caller owns (e.g. a fresh sortKeysDeep copy it has since
 * changed): objects already in order are kept, only the others are rebuilt. Much cheaper than a second copy.
 */
export function resortKeysOwned(value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = resortKeysOwned(value[i]);
    return value;
  }
  if (!isJsonObject(value)) return value;
  const keys = Object.keys(value);
  if (inOrder(keys)) {
    for (const key of keys) {
      const child = value[key];
      if (typeof child === 'object' && child !== null) value[key] = resortKeysOwned(child);
    }
    return value;
  }
  keys.sort(compareStrings);
  const sorted: JsonObject = {};
  for (const key of keys) sorted[key] = resortKeysOwned(value[key]);
  return sorted;
}

/** JSON text with keys sorted at every level: the byte form hashed and compared everywhere. */
export function canonicalJson(value: JsonValue): string {
  return JSON.stringify(sortKeysDeep(value));
}

export function deepClone<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/**
 * Converts parser output to plain JSON, reporting the first value JSON cannot represent
 * (dates, binary, non-finite numbers, non-string keys already stringified by the parser).
 */
export function toJsonValue(value: unknown, path = ''): { value?: JsonValue; error?: { path: string; message: string } } {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return { value };
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { value } : { error: { path, message: `number ${String(value)} is not finite` } };
  }
  if (typeof value === 'bigint') {
    return { error: { path, message: `integer ${value.toString()} is too large` } };
  }
  if (Array.isArray(value)) {
    const items: JsonValue[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = toJsonValue(value[i], `${path}[${i}]`);
      if (item.error) return item;
      items.push(item.value as JsonValue);
    }
    return { value: items };
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const result: JsonObject = {};
    for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
      const converted = toJsonValue(entry, path ? `${path}.${key}` : key);
      if (converted.error) return converted;
      result[key] = converted.value as JsonValue;
    }
    return { value: result };
  }
  const description = value instanceof Date ? 'a timestamp' : typeof value === 'object' ? 'a binary or custom-tagged value' : typeof value;
  return { error: { path, message: `${description} is not allowed here; quote it to make it a string` } };
}
