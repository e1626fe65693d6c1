// Global IDs are base64url("<TypeName>:<uuid>"): opaque to clients, self-describing for node(id:).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeGlobalId(typeName: string, id: string): string {
  return Buffer.from(`${typeName}:${id}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  typeName: string;
  id: string;
}

/** Returns undefined for anything that is not one of our IDs (never throws on client input). */
export function decodeGlobalId(globalId: string): DecodedGlobalId | undefined {
  if (typeof globalId !== 'string' || globalId.length === 0 || globalId.length > 200) return undefined;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return undefined;
  const typeName = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (!/^[A-Za-z]+$/.test(typeName) || !UUID.test(id)) return undefined;
  return { typeName, id };
}

/** The uuid behind a global ID of the expected type, or undefined. */
export function decodeIdOfType(globalId: string, typeName: string): string | undefined {
  const decoded = decodeGlobalId(globalId);
  return decoded?.typeName === typeName ? decoded.id : undefined;
}
