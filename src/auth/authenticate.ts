import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiToken } from '../entities/api-token';
import { User } from '../entities/user';
import { rowReader, selectRows } from '../db/entity-rows';
import { hashToken } from './tokens';

export type AuthenticationResult = { user: User; token: ApiToken } | { error: string };

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Resolves `Bearer <token>` to its user. `allowBareToken`: a WebSocket connection_init payload may also
 * carry the token alone; HTTP requires the Bearer scheme (DESIGN §7).
 */
export async function authenticate(em: EntityManager, credential: string | undefined | null, options: { allowBareToken?: boolean } = {}): Promise<AuthenticationResult> {
  if (!credential) return { error: 'Missing credentials: send "Authorization: Bearer <token>"' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(credential.trim());
  const secret = match ? match[1] : options.allowBareToken ? credential.trim() : '';
  if (!secret || /\s/.test(secret)) return { error: 'Malformed Authorization header: expected "Bearer <token>"' };

  // One statement per request, without a QueryBuilder (this runs before every operation): the token as a read-only
  // row, its user as a managed entity of `em` (the caller's user is assigned to rows it creates).
  const tokens = rowReader(em, ApiToken);
  const users = rowReader(em, User);
  const [row] = await selectRows(em, `select ${tokens.columns('t', 't_')}, ${users.columns('u', 'u_')} from ${tokens.table} t join ${users.table} u on u.id = t.user_id where t.token_hash = ?`, [
    hashToken(secret),
  ]);
  if (!row) return { error: 'Invalid API token' };
  const token = tokens.read(row, 't_');
  token.user = em.map(User, users.fields(row, 'u_'));
  const now = new Date();
  if (token.revokedAt) return { error: 'API token has been revoked' };
  if (token.expiresAt && token.expiresAt <= now) return { error: 'API token has expired' };
  if (!token.user.isActive) return { error: 'User is deactivated' };

  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ApiToken, { id: token.id }, { lastUsedAt: now });
  }
  return { user: token.user, token };
}
