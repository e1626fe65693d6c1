import { isJsonObject, type JsonObject, type JsonValue } from './json';

/** Typed reads of schema-checked specs: a value of the wrong type reads as absent (the schema check reported it). */

export function getString(parent: JsonObject | undefined, key: string): string | undefined {
  const value = parent?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function getNumber(parent: JsonObject | undefined, key: string): number | undefined {
  const value = parent?.[key];
  return typeof value === 'number' ? value : undefined;
}

export function getBoolean(parent: JsonObject | undefined, key: string): boolean {
  return parent?.[key] === true;
}

export function getObject(parent: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = parent?.[key];
  return isJsonObject(value) ? value : undefined;
}

export function getArray(parent: JsonObject | undefined, key: string): JsonValue[] {
  const value = parent?.[key];
  return Array.isArray(value) ? value : [];
}

export function getStrings(parent: JsonObject | undefined, key: string): string[] {
  return getArray(parent, key).filter((item): item is string => typeof item === 'string');
}

export function getObjects(parent: JsonObject | undefined, key: string): JsonObject[] {
  return getArray(parent, key).filter(isJsonObject);
}

export function getStringMap(parent: JsonObject | undefined, key: string): Record<string, string> {
  const value = getObject(parent, key);
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export function isSet(value: JsonValue | undefined): boolean {
  return value !== undefined && value !== null && value !== '' && value !== 0 && value !== false;
}
