import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { SyncOperationType } from '../src/entities/enums';
import { ExecutorRegistry } from '../src/sync/executor-registry';
import { PostgresFabricLockSession } from '../src/sync/fabric-lock-session';
import { FaultsValidateDocument, SyncCreateFabricDocument, SyncOperationByIdDocument } from './generated/operations';
import { uuidOf } from './support/db-state';
import { startTestServer } from './support/test-server';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { createTestDatabase, serverUrl, type TestDatabase } from './support/test-database';

const skip = serverUrl() ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): advisory locks on dedicated connections';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LOCK = 'select pg_try_advisory_lock(hashtext($1), hashtext($2)) as locked';

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('a sync worker\'s lock connection dies', { skip }, () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let other: Client;

  before(async () => {
    database = await createTestDatabase();
    const base = new URL(database.url!);
    proxy = await startTcpProxy(base.hostname, Number(base.port || 5432));
    other = new Client({ connectionString: database.url });
    await other.connect();
  });
  after(async () => {
    proxy?.restore();
    await other?.end();
    await proxy?.close();
    await database?.drop();
  });

  /** True when another connection can take the fabric's lock (then releases it again). */
  async function lockIsFree(fabricId: string): Promise<boolean> {
    const { rows } = await other.query<{ locked: boolean }>(LOCK, ['hnp.fabric', fabricId]);
    if (rows[0].locked) await other.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', ['hnp.fabric', fabricId]);
    return rows[0].locked;
  }

  test('terminated backend: no crash, the session reconnects and takes its held locks again', async () => {
    const session = await PostgresFabricLockSession.open(proxy.proxiedUrl(database.url!));
    try {
      assert.equal(await session.tryLock('fabric-a'), true);
      assert.equal(await lockIsFree('fabric-a'), false);
      await other.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'hnp-graphql-sync-worker' and datname = current_database()`);
      // Re-taken on a new connection (the old one died with the lock).
      await waitUntil('a new worker connection', async () => {
        const { rows } = await other.query<{ n: number }>(`select count(*)::int as n from pg_locks l join pg_stat_activity a using (pid) where l.locktype = 'advisory' and a.application_name = 'hnp-graphql-sync-worker' and a.datname = current_database()`);
        return rows[0].n === 1;
      });
      assert.equal(session.holds('fabric-a'), true);
      assert.equal(await lockIsFree('fabric-a'), false, 'the lock is held again');
      // The session works on: claims run in transactions, other fabrics can be locked, the lock released.
      assert.deepEqual(await session.transaction(async (query) => (await query('select 1 as one'))[0]), { one: 1 });
      assert.equal(await session.tryLock('fabric-b'), true);
      await session.unlock('fabric-a');
      await session.unlock('fabric-b');
      assert.equal(await lockIsFree('fabric-a'), true);
    } finally {
      await session.close();
    }
  });

  test('a lock taken by someone else during an outage is reported lost, not silently shared', async () => {
    const session = await PostgresFabricLockSession.open(proxy.proxiedUrl(database.url!));
    try {
      assert.equal(await session.tryLock('fabric-c'), true);
      proxy.cut();
      await waitUntil('the lock to be released by the cut connection', () => lockIsFree('fabric-c'));
      const { rows } = await other.query<{ locked: boolean }>(LOCK, ['hnp.fabric', 'fabric-c']);
      assert.equal(rows[0].locked, true, 'another worker took the fabric meanwhile');
      proxy.restore();
      await waitUntil('the session to notice', async () => !session.holds('fabric-c'));
      assert.deepEqual(await session.transaction(async (query) => (await query('select 1 as one'))[0]), { one: 1 }, 'the session itself works again');
      assert.equal(await session.tryLock('fabric-c'), false, 'and does not get the fabric while the other worker has it');
    } finally {
      await other.query('select pg_advisory_unlock_all()');
      await session.close();
    }
  });
});

describe('a running operation whose fabric lock another worker took during an outage', { skip }, () => {
  test('stops at its next stage with a clear error instead of running alongside the other worker', async () => {
    let proxy: TcpProxy | undefined;
    let other: Client | undefined;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reachedGate!: () => void;
    const atGate = new Promise<void>((resolve) => (reachedGate = resolve));
    const registry = new ExecutorRegistry().register({
      type: SyncOperationType.VALIDATION,
      retryAfterInterruption: false,
      async execute(context) {
        await context.stage('first', 0.1);
        reachedGate();
        await released;
        await context.stage('second', 0.5);
      },
    });
    const base = new URL(serverUrl()!);
    proxy = await startTcpProxy(base.hostname, Number(base.port || 5432));
    const server = await startTestServer({ syncWorkers: 1 }, { registry, mapDatabaseUrl: (url) => proxy!.proxiedUrl(url) });
    try {
      other = new Client({ connectionString: server.databaseUrl });
      await other.connect();
      const fabric = await server.query(SyncCreateFabricDocument, { input: { name: 'locked' } });
      const fabricId = uuidOf(fabric.createFabric.fabric!.id, 'HedgehogFabric');
      const queued = await server.query(FaultsValidateDocument, { fabricId: fabric.createFabric.fabric!.id });
      await atGate;

      proxy.cut();
      const client = other;
      await waitUntil('the fabric lock to fall with the cut connection', async () => {
        const { rows } = await client.query<{ locked: boolean }>(LOCK, ['hnp.fabric', fabricId]);
        return rows[0].locked;
      });
      proxy.restore();
      // The worker reconnects, fails to take its lock back, and lets the operation go on to its next stage.
      await sleep(1500);
      release();
      let operation;
      const id = queued.validateFabric.syncOperation!.id;
      const deadline = Date.now() + 20_000;
      do {
        await sleep(200);
        operation = (await server.query(SyncOperationByIdDocument, { id })).syncOperation;
      } while (operation && !['COMPLETED', 'FAILED', 'CANCELLED'].includes(operation.status) && Date.now() < deadline);
      assert.equal(operation?.status, 'FAILED');
      assert.match(operation?.errorMessage ?? '', /fabric lock was lost/);
      assert.notEqual(operation?.stage, 'second');
    } finally {
      release();
      await other?.query('select pg_advisory_unlock_all()').catch(() => undefined);
      await other?.end();
      await server.stop();
      await proxy.close();
    }
  });
});
