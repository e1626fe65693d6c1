import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import WebSocket from 'ws';
import {
  MultiCreateUserDocument,
  MultiViewerMutationDocument,
  SyncCancelDocument,
  SyncCreateFabricDocument,
  SyncProgressDocument,
  SyncValidateFabricDocument,
} from './generated/operations';
import { postGraphQL, queryOk } from './support/graphql-client';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { createTestDatabase, serverUrl, type TestDatabase } from './support/test-database';
import { connectWs, type WsClient } from './support/ws-client';

const skip = serverUrl() ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): embedded mode is single-process';
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];
const gid = (type: string, uuid: string) => Buffer.from(`${type}:${uuid}`).toString('base64url');

interface Cluster {
  database: TestDatabase;
  dataDirs: string[];
  env: Record<string, string>;
  token: string;
}

async function newCluster(): Promise<Cluster> {
  const database = await createTestDatabase();
  const token = `hnp_multi_${randomBytes(12).toString('hex')}`;
  return {
    database,
    dataDirs: [],
    token,
    env: { DATABASE_URL: database.url!, HNP_ADMIN_TOKEN: token, HNP_SECRET_KEY: randomBytes(32).toString('hex'), SYNC_POLL_INTERVAL_MS: '300', SYNC_HEARTBEAT_MS: '300' },
  };
}

async function instance(cluster: Cluster, extra: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hnp-multi-'));
  cluster.dataDirs.push(dataDir);
  return startServerProcess({ ...cluster.env, DATA_DIR: dataDir, ...extra });
}

async function disposeCluster(cluster: Cluster): Promise<void> {
  await cluster.database.drop();
  for (const dir of cluster.dataDirs) await rm(dir, { recursive: true, force: true });
}

/** Seeds `count` Server resources straight into the table, so that validating the fabric takes a while. */
async function seedServers(url: string, fabricId: string, count: number): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(
    `insert into hedgehog_resource (id, fabric_id, api_version, kind, namespace, name, spec)
     select gen_random_uuid(), $1, 'wiring.githedgehog.com/v1beta1', 'Server', 'default', 'server-' || g, jsonb_build_object('description', 'seeded ' || g)
     from generate_series(1, $2) g`,
    [fabricId, count],
  );
  await client.end();
}

async function operationRows(url: string): Promise<Array<{ id: string; fabric_id: string; status: string; started_at: Date; completed_at: Date; error_message: string; retry_of: string | null }>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query('select id, fabric_id, status, started_at, completed_at, error_message, retry_of from sync_operation order by created');
  await client.end();
  return rows;
}

async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('two server processes sharing one PostgreSQL', { skip }, () => {
  let cluster: Cluster;
  let a: ServerProcess;
  let b: ServerProcess;
  let fabricA: string;
  let fabricB: string;

  before(async () => {
    cluster = await newCluster();
    a = await instance(cluster);
    b = await instance(cluster);
    fabricA = (await queryOk(a.url, cluster.token, SyncCreateFabricDocument, { input: { name: 'fabric-a' } })).createFabric.fabric!.id;
    fabricB = (await queryOk(b.url, cluster.token, SyncCreateFabricDocument, { input: { name: 'fabric-b' } })).createFabric.fabric!.id;
    await seedServers(cluster.database.url!, uuidOf(fabricA), 15_000);
    await seedServers(cluster.database.url!, uuidOf(fabricB), 15_000);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await disposeCluster(cluster);
  });

  test('an operation queued through A runs exactly once; a subscriber on B sees every stage in order and the final status', async () => {
    const ws = connectWs(b.url, cluster.token);
    try {
      const feed = ws.subscribe(SyncProgressDocument, { fabricId: fabricA });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const queued = await queryOk(a.url, cluster.token, SyncValidateFabricDocument, { fabricId: fabricA });
      const id = queued.validateFabric.syncOperation!.id;
      const final = await feed.waitFor((e) => e.syncOperationProgress.operationId === id && e.syncOperationProgress.status === 'COMPLETED', 60_000);
      assert.equal(final.syncOperationProgress.filesProcessed, 15_000);
      const stages = feed.events.filter((e) => e.syncOperationProgress.operationId === id).map((e) => e.syncOperationProgress.stage);
      const kindStages = stages.filter((s) => s.startsWith('validate:'));
      assert.equal(new Set(kindStages).size, kindStages.length, `a stage repeated: ${kindStages.join(', ')}`);
      assert.deepEqual(kindStages, ['validate:Server', 'validate:fabric']);
      assert.equal(stages[0], 'queued');
      const rows = (await operationRows(cluster.database.url!)).filter((r) => r.id === uuidOf(id));
      assert.equal(rows.length, 1);
      assert.equal(rows[0].status, 'completed');
    } finally {
      await ws.dispose();
    }
  });

  test('operations of one fabric never overlap; operations of two fabrics run in parallel', async () => {
    const before = new Set((await operationRows(cluster.database.url!)).map((r) => r.id));
    const queued = await Promise.all([
      queryOk(a.url, cluster.token, SyncValidateFabricDocument, { fabricId: fabricA }),
      queryOk(b.url, cluster.token, SyncValidateFabricDocument, { fabricId: fabricA }),
      queryOk(a.url, cluster.token, SyncValidateFabricDocument, { fabricId: fabricB }),
      queryOk(b.url, cluster.token, SyncValidateFabricDocument, { fabricId: fabricA }),
    ]);
    assert.equal(queued.length, 4);
    const done = await waitUntil(async () => {
      const rows = (await operationRows(cluster.database.url!)).filter((r) => !before.has(r.id));
      return rows.length === 4 && rows.every((r) => r.status === 'completed') ? rows : undefined;
    }, 120_000);
    const ofA = done.filter((r) => r.fabric_id === uuidOf(fabricA)).sort((x, y) => x.started_at.getTime() - y.started_at.getTime());
    for (let i = 1; i < ofA.length; i++) {
      assert.ok(ofA[i].started_at >= ofA[i - 1].completed_at, `operations ${ofA[i - 1].id} and ${ofA[i].id} of one fabric overlapped`);
    }
    const onB = done.find((r) => r.fabric_id === uuidOf(fabricB))!;
    const overlapping = ofA.some((r) => r.started_at < onB.completed_at && onB.started_at < r.completed_at);
    assert.ok(overlapping, 'the operation of fabric B did not run while fabric A was busy');
  });

  test('an operation running on one instance is cancelled through the other', async () => {
    const ws = connectWs(a.url, cluster.token);
    try {
      // The validation takes well under a second: when it finishes before the cancel arrives, try again.
      for (let attempt = 1; ; attempt++) {
        const queued = await queryOk(a.url, cluster.token, SyncValidateFabricDocument, { fabricId: fabricB });
        const id = queued.validateFabric.syncOperation!.id;
        const feed = ws.subscribe(SyncProgressDocument, { operationId: id });
        await feed.waitFor((e) => e.syncOperationProgress.status === 'IN_PROGRESS', 30_000);
        const cancelled = await queryOk(b.url, cluster.token, SyncCancelDocument, { id });
        await feed.completed;
        if (cancelled.cancelSyncOperation.userErrors.length > 0) {
          assert.match(cancelled.cancelSyncOperation.userErrors[0].message, /already completed/);
          assert.ok(attempt < 10, 'the cancel never arrived while the operation ran');
          continue;
        }
        const final = feed.events.at(-1)!.syncOperationProgress.status;
        // Asked after the last stage boundary: the operation rightly finishes.
        if (final === 'COMPLETED' && attempt < 10) continue;
        assert.equal(final, 'CANCELLED');
        break;
      }
    } finally {
      await ws.dispose();
    }
  });

  test('500 concurrent subscribers on one instance all receive the final event', async () => {
    const sockets: WsClient[] = Array.from({ length: 50 }, () => connectWs(b.url, cluster.token));
    try {
      const feeds = sockets.flatMap((socket) => Array.from({ length: 10 }, () => socket.subscribe(SyncProgressDocument, { fabricId: fabricB })));
      // graphql-transport-ws does not acknowledge a subscribe: warm-up operations run until every feed has seen
      // an event, so the measured operation does not race the 500 subscriptions being registered (slow under load).
      for (let attempt = 0; feeds.some((feed) => feed.events.length === 0); attempt++) {
        assert.ok(attempt < 30, `${feeds.filter((feed) => feed.events.length === 0).length} feeds never received an event`);
        const warmUp = await queryOk(a.url, cluster.token, SyncValidateFabricDocument, { fabricId: fabricB });
        await feeds[0].waitFor((e) => e.syncOperationProgress.operationId === warmUp.validateFabric.syncOperation!.id && e.syncOperationProgress.status === 'COMPLETED', 60_000).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const queued = await queryOk(a.url, cluster.token, SyncValidateFabricDocument, { fabricId: fabricB });
      const id = queued.validateFabric.syncOperation!.id;
      const finals = await Promise.all(
        feeds.map((feed) => feed.waitFor((e) => e.syncOperationProgress.operationId === id && e.syncOperationProgress.status === 'COMPLETED', 60_000)),
      );
      assert.equal(finals.length, 500);
    } finally {
      await Promise.all(sockets.map((socket) => socket.dispose()));
    }
  });

  test('refused, malformed and forbidden subscription traffic gets the protocol close codes; others keep being served', async () => {
    const anonymous = connectWs(b.url, undefined);
    assert.equal(await anonymous.closed, 4403);
    const wrong = connectWs(b.url, 'hnp_not_a_token');
    assert.equal(await wrong.closed, 4403);

    const raw = new WebSocket(b.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    const rawClosed = new Promise<number>((resolve) => raw.once('close', (code) => resolve(code)));
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send('{ this is not json');
    assert.equal(await rawClosed, 4400);

    const created = await queryOk(b.url, cluster.token, MultiCreateUserDocument, { input: { username: 'watcher', role: 'VIEWER' } });
    const viewer = connectWs(b.url, created.createUser.token!);
    try {
      const denied = viewer.subscribe(MultiViewerMutationDocument, { input: { name: 'not-allowed' } });
      await denied.completed;
      const error = denied.errors[0] as Array<{ extensions?: { code?: string } }> | { extensions?: { code?: string } };
      const first = Array.isArray(error) ? error[0] : error;
      assert.equal(first.extensions?.code, 'FORBIDDEN');
      const viewerFeed = viewer.subscribe(SyncProgressDocument, { fabricId: fabricA });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const queued = await queryOk(a.url, cluster.token, SyncValidateFabricDocument, { fabricId: fabricA });
      await viewerFeed.waitFor((e) => e.syncOperationProgress.operationId === queued.validateFabric.syncOperation!.id && e.syncOperationProgress.status === 'COMPLETED', 60_000);
    } finally {
      await viewer.dispose();
    }
    const health = await postGraphQL(b.url, cluster.token, SyncCancelDocument, { id: gid('SyncOperation', '00000000-0000-4000-8000-000000000000') });
    assert.equal(health.status, 200);
  });
});

describe('an instance killed mid-operation', { skip }, () => {
  let cluster: Cluster;
  let observer: ServerProcess;

  before(async () => {
    cluster = await newCluster();
    observer = await instance(cluster, { SYNC_WORKERS: '0' });
  });
  after(async () => {
    await observer?.stop();
    await disposeCluster(cluster);
  });

  test('the operation is marked interrupted, retried on restart, and nothing stays in_progress', async () => {
    const fabric = (await queryOk(observer.url, cluster.token, SyncCreateFabricDocument, { input: { name: 'doomed' } })).createFabric.fabric!.id;
    await seedServers(cluster.database.url!, uuidOf(fabric), 40_000);
    let worker = await instance(cluster);
    const ws = connectWs(observer.url, cluster.token);
    try {
      const queued = await queryOk(observer.url, cluster.token, SyncValidateFabricDocument, { fabricId: fabric });
      const id = queued.validateFabric.syncOperation!.id;
      const feed = ws.subscribe(SyncProgressDocument, { operationId: id });
      await feed.waitFor((e) => e.syncOperationProgress.status === 'IN_PROGRESS', 30_000);
      worker.child.kill('SIGKILL');
      await worker.exited;

      const interrupted = await feed.waitFor((e) => e.syncOperationProgress.status === 'FAILED', 30_000);
      assert.equal(interrupted.syncOperationProgress.operation.status, 'FAILED');
      const afterKill = await operationRows(cluster.database.url!);
      const original = afterKill.find((r) => r.id === uuidOf(id))!;
      assert.equal(original.error_message, 'interrupted');
      const retry = afterKill.find((r) => r.retry_of === uuidOf(id));
      assert.ok(retry, 'a retry was queued');

      worker = await instance(cluster);
      const finished = await waitUntil(async () => {
        const rows = await operationRows(cluster.database.url!);
        return rows.find((r) => r.id === retry.id && r.status === 'completed');
      }, 60_000);
      assert.equal(finished.status, 'completed');
      assert.deepEqual((await operationRows(cluster.database.url!)).filter((r) => r.status === 'in_progress'), []);
    } finally {
      await ws.dispose();
      await worker.stop();
    }
  });
});
