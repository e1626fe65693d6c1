import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'hnp_';

/** A new random Bearer token (256 bits). */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The few leading characters shown to help users recognise a token. */
export function tokenDisplayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
