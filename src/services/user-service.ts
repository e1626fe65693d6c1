import type { EntityManager } from '@mikro-orm/postgresql';
import { persistNew } from '../db/persist-new';
import { generateToken, hashToken, tokenDisplayPrefix } from '../auth/tokens';
import { ApiToken } from '../entities/api-token';
import type { Role } from '../entities/enums';
import { User } from '../entities/user';
import { recordAudit, type AuditTarget } from './audit-trail';
import { ErrorCollector, MutationError, UserErrorCode } from './mutation-error';
import { mapUniqueViolation } from './unique-violation';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,149}$/;

function checkTokenName(name: string, field: string[], errors: ErrorCollector): void {
  if (name.trim().length === 0 || name.length > 100) errors.add(UserErrorCode.VALIDATION, field, 'token name must be 1 to 100 characters');
}

function issueToken(em: EntityManager, user: User, name: string, expiresAt?: Date): { apiToken: ApiToken; token: string } {
  const token = generateToken();
  const apiToken = persistNew(em, ApiToken, { user, name: name.trim(), tokenHash: hashToken(token), prefix: tokenDisplayPrefix(token), expiresAt });
  return { apiToken, token };
}

export async function createUser(em: EntityManager, actor: User, input: { username: string; role: Role; tokenName?: string }): Promise<{ user: User; token: string }> {
  const errors = new ErrorCollector();
  if (!USERNAME.test(input.username)) {
    errors.add(UserErrorCode.VALIDATION, ['input', 'username'], 'username must be 1 to 150 characters of letters, digits, ".", "_", "@" or "-"');
  }
  checkTokenName(input.tokenName ?? 'default', ['input', 'tokenName'], errors);
  errors.throwIfAny();
  if (await em.count(User, { username: input.username })) {
    throw MutationError.single(UserErrorCode.ALREADY_EXISTS, ['input', 'username'], `user "${input.username}" already exists`);
  }
  const user = persistNew(em, User, { username: input.username, role: input.role });
  const { apiToken, token } = issueToken(em, user, input.tokenName ?? 'default');
  recordAudit(em, actor, 'user.create', userTarget(user), { role: input.role, tokenId: apiToken.id });
  await mapUniqueViolation(() => em.flush(), ['input', 'username'], `user "${input.username}" already exists`);
  return { user, token };
}

export async function createApiToken(em: EntityManager, actor: User, user: User, name: string, expiresAt?: Date): Promise<{ apiToken: ApiToken; token: string }> {
  const errors = new ErrorCollector();
  checkTokenName(name, ['input', 'name'], errors);
  if (expiresAt && expiresAt.getTime() <= Date.now()) errors.add(UserErrorCode.VALIDATION, ['input', 'expiresAt'], 'expiresAt must be in the future');
  errors.throwIfAny();
  const issued = issueToken(em, user, name, expiresAt);
  recordAudit(em, actor, 'api_token.create', tokenTarget(issued.apiToken), { userId: user.id, username: user.username, expiresAt: expiresAt?.toISOString() ?? null });
  await em.flush();
  return issued;
}

export async function revokeApiToken(em: EntityManager, actor: User, apiToken: ApiToken): Promise<ApiToken> {
  if (apiToken.revokedAt) throw MutationError.single(UserErrorCode.INVALID_STATE, ['id'], 'token is already revoked');
  apiToken.revokedAt = new Date();
  recordAudit(em, actor, 'api_token.revoke', tokenTarget(apiToken), { userId: apiToken.user.id });
  await em.flush();
  return apiToken;
}

function userTarget(user: User): AuditTarget {
  return { type: 'User', id: user.id, name: user.username };
}

function tokenTarget(apiToken: ApiToken): AuditTarget {
  return { type: 'ApiToken', id: apiToken.id, name: `${apiToken.name} (${apiToken.prefix}…)` };
}
