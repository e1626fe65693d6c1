import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { persistNew } from '../db/persist-new';
import type { Logger } from 'pino';
import { ApiToken } from '../entities/api-token';
import { Role } from '../entities/enums';
import { User } from '../entities/user';
import { generateToken, hashToken, tokenDisplayPrefix } from './tokens';

export const ADMIN_TOKEN_FILE = 'admin-token';

/**
 * First start with no users: create `admin` and its token — HNP_ADMIN_TOKEN when given, else a random one
 * written once to DATA_DIR/admin-token (mode 0600). A configured HNP_ADMIN_TOKEN is always honoured.
 */
export async function bootstrapAdmin(em: EntityManager, options: { adminToken?: string; dataDir: string; log: Logger }): Promise<void> {
  await em.transactional(async (tx) => {
    // Serialises concurrent first starts of several instances.
    await tx.execute('select pg_advisory_xact_lock(7260001)');
    const userCount = await tx.count(User, {});
    if (options.adminToken) {
      const hash = hashToken(options.adminToken);
      if (await tx.findOne(ApiToken, { tokenHash: hash })) return;
      const admin = (await tx.findOne(User, { role: Role.ADMIN, isActive: true }, { orderBy: { created: 'asc' } }))
        ?? persistNew(tx, User, { username: userCount === 0 ? 'admin' : `admin-${Date.now()}`, role: Role.ADMIN });
      persistNew(tx, ApiToken, { user: admin, name: 'HNP_ADMIN_TOKEN', tokenHash: hash, prefix: tokenDisplayPrefix(options.adminToken) });
      options.log.info({ username: admin.username }, 'admin token from HNP_ADMIN_TOKEN registered');
      return;
    }
    if (userCount > 0) return;
    const secret = generateToken();
    const admin = persistNew(tx, User, { username: 'admin', role: Role.ADMIN });
    persistNew(tx, ApiToken, { user: admin, name: 'bootstrap', tokenHash: hashToken(secret), prefix: tokenDisplayPrefix(secret) });
    await tx.flush();
    await mkdir(options.dataDir, { recursive: true });
    const file = path.join(options.dataDir, ADMIN_TOKEN_FILE);
    await writeFile(file, secret + '\n', { mode: 0o600 });
    await chmod(file, 0o600);
    options.log.warn({ file }, 'created user "admin"; its API token was written once to this file');
  });
}
