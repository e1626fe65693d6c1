import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiToken } from '../entities/api-token';
import type { User } from '../entities/user';
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

  const token = await em.findOne(ApiToken, { tokenHash: hashToken(secret) }, { populate: ['user'] });
  if (!token) return { error: 'Invalid API token' };
  const now = new Date();
  if (token.revokedAt) return { error: 'API token has been revoked' };
  if (token.expiresAt && token.expiresAt <= now) return { error: 'API token has expired' };
  if (!token.user.isActive) return { error: 'User is deactivated' };

  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await em.nativeUpdate(ApiToken, { id: token.id }, { lastUsedAt: now });
  }
  return { user: token.user, token };
}
