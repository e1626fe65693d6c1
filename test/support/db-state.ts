import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { TestServer } from './test-server';

/** Every table of the data model (DESIGN §3). */
export const TABLES = [
  'app_user',
  'api_token',
  'git_repository',
  'hedgehog_fabric',
  'hedgehog_resource',
  'state_transition',
  'resource_conflict',
  'sync_operation',
  'resource_tombstone',
  'audit_event',
] as const;
export type Table = (typeof TABLES)[number];

/** Runs SQL directly on the server's database (`?` placeholders), outside the API. */
export async function sql<T extends object>(server: TestServer, query: string, params: unknown[] = []): Promise<T[]> {
  return server.server.database.orm.em.fork().getConnection().execute<T[]>(query, params);
}

export async function countRows(server: TestServer, table: Table, where = 'true', params: unknown[] = []): Promise<number> {
  const rows = await sql<{ n: number }>(server, `select count(*)::int as n from "${table}" where ${where}`, params);
  return rows[0].n;
}

export type DbSnapshot = Record<Table, { count: number; hash: string }>;

/**
 * Row count and a digest of every row of every table. Token bookkeeping that authentication itself updates
 * (api_token.last_used_at / last_updated) is left out, so that only writes of the mutation under test show up.
 */
export async function dbSnapshot(server: TestServer): Promise<DbSnapshot> {
  const snapshot = {} as DbSnapshot;
  for (const table of TABLES) {
    const ignored = table === 'api_token' ? ` - 'last_used_at' - 'last_updated'` : '';
    const [row] = await sql<{ count: number; hash: string }>(
      server,
      `select count(*)::int as count, coalesce(md5(string_agg((to_jsonb(t)${ignored})::text, ',' order by t.id)), '') as hash from "${table}" t`,
    );
    snapshot[table] = row;
  }
  return snapshot;
}

/** Fails unless nothing in the database changed since `before` was taken. */
export async function assertNoWrites(server: TestServer, before: DbSnapshot, what: string): Promise<void> {
  const after = await dbSnapshot(server);
  const changed = TABLES.filter((table) => !isDeepStrictEqual(before[table], after[table]));
  assert.deepEqual(changed, [], `${what}: expected no database writes, but these tables changed: ${changed.join(', ')}`);
}

export interface UserErrorLike {
  field: readonly string[];
  message: string;
  code: string;
}

/** Fails unless `errors` holds an error with `code` at exactly `field`. */
export function assertUserError(errors: readonly UserErrorLike[] | undefined, code: string, field: readonly string[], what = ''): UserErrorLike {
  const found = (errors ?? []).find((error) => error.code === code && isDeepStrictEqual([...error.field], [...field]));
  assert.ok(found, `${what ? `${what}: ` : ''}expected a ${code} user error at ${JSON.stringify(field)}, got ${JSON.stringify(errors)}`);
  assert.ok(found.message.length > 0, 'user errors carry a message');
  return found;
}

/** The uuid behind one of the API's opaque global IDs (base64url "<Type>:<uuid>"), for direct SQL checks. */
export function uuidOf(globalId: string, typeName: string): string {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const prefix = `${typeName}:`;
  assert.ok(decoded.startsWith(prefix), `${globalId} is not a ${typeName} ID`);
  return decoded.slice(prefix.length);
}

/** A well-formed global ID of `typeName` that names no row. */
export function missingId(typeName: string): string {
  return Buffer.from(`${typeName}:00000000-0000-4000-8000-000000000000`, 'utf8').toString('base64url');
}
