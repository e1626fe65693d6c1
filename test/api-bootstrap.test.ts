import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { loadConfig, type Config } from '../src/config';
import { startServer, type RunningServer } from '../src/server/server';
import { AuthUsersDocument, AuthViewerNameDocument } from './generated/operations';
import { postGraphQL, queryOk } from './support/graphql-client';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * First-start admin bootstrap (DESIGN §7): with no HNP_ADMIN_TOKEN the first start creates "admin" and writes its
 * token once to DATA_DIR/admin-token (0600); later starts on the same data directory and database leave it alone.
 * The server is started directly (not through startTestServer) so that it can be restarted on the same state.
 */
describe('first-start admin bootstrap', () => {
  let dataDir: string;
  let database: TestDatabase;
  let config: Config;
  let running: RunningServer | undefined;
  const tokenFile = () => path.join(dataDir, 'admin-token');

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hnp-bootstrap-'));
    database = await createTestDatabase();
    config = {
      ...loadConfig({}),
      port: 0,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: database.url,
      databasePoolSize: 2,
      adminToken: undefined,
      secretKey: randomBytes(32).toString('hex'),
      logLevel: 'silent',
    };
  });
  after(async () => {
    await running?.stop();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Starts the server on the shared data directory and database, runs `work`, and always stops it again. */
  async function withServer(work: (server: RunningServer) => Promise<void>): Promise<void> {
    running = await startServer(config, { log: pino({ level: 'silent' }) });
    try {
      await work(running);
    } finally {
      await running.stop();
      running = undefined;
    }
  }

  let firstToken: string;
  let firstMtime: number;

  test('the first start writes DATA_DIR/admin-token with mode 0600, holding an admin token', async () => {
    await assert.rejects(access(tokenFile()), { code: 'ENOENT' }, 'no token file before the first start');
    await withServer(async (server) => {
      const info = await stat(tokenFile());
      assert.equal(info.mode & 0o777, 0o600, `mode is ${(info.mode & 0o777).toString(8)}`);
      firstMtime = info.mtimeMs;
      firstToken = (await readFile(tokenFile(), 'utf8')).trim();
      assert.match(firstToken, /^hnp_[A-Za-z0-9_-]{40,}$/);

      const data = await queryOk(server.url, firstToken, AuthViewerNameDocument);
      assert.deepEqual(data.viewer, { username: 'admin', role: 'ADMIN' });
      const users = await queryOk(server.url, firstToken, AuthUsersDocument);
      assert.equal(users.users.totalCount, 1, 'exactly one user, the admin');
      const stranger = await postGraphQL(server.url, 'hnp_not_the_bootstrap_token', AuthViewerNameDocument);
      assert.equal(stranger.status, 401);
    });
  });

  test('a second start with the same data directory and database does not rewrite the file; the token still works', async () => {
    await withServer(async (server) => {
      const info = await stat(tokenFile());
      assert.equal(info.mtimeMs, firstMtime, 'the file was not rewritten');
      assert.equal((await readFile(tokenFile(), 'utf8')).trim(), firstToken);
      assert.equal(info.mode & 0o777, 0o600);
      const data = await queryOk(server.url, firstToken, AuthViewerNameDocument);
      assert.deepEqual(data.viewer, { username: 'admin', role: 'ADMIN' });
      const users = await queryOk(server.url, firstToken, AuthUsersDocument);
      assert.equal(users.users.totalCount, 1, 'no second admin was created');
    });
  });

  test('once users exist, a start does not create the file again even when it was removed', async () => {
    await rm(tokenFile());
    await withServer(async (server) => {
      await assert.rejects(access(tokenFile()), { code: 'ENOENT' });
      const users = await queryOk(server.url, firstToken, AuthUsersDocument);
      assert.equal(users.users.totalCount, 1);
    });
  });
});
