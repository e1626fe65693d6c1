import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import {
  FaultsProgressDocument,
  FaultsResourceDocument,
  FaultsResourcesDocument,
  FaultsValidateDocument,
  GitCreateFabricDocument,
  GitCreateRepositoryDocument,
  GitIngestDocument,
} from './generated/operations';
import { sql } from './support/db-state';
import { edit, lostEditProblem, queueSync, send, Tally, type TrackedResource } from './support/fault-clients';
import { BareRepository } from './support/git-fixtures';
import { waitForOperation } from './support/operations';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { serverUrl } from './support/test-database';
import { startTestServer, type TestServer } from './support/test-server';
import { connectWs, type WsClient } from './support/ws-client';

const skip = serverUrl() ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): backends are killed with pg_terminate_backend and the connection is cut by a TCP proxy';
const SERVERS = 6;
// Codes a client may see while the database is being taken away; anything else is a bug.
const EXPECTED_DURING_FAULTS = ['DATABASE_UNAVAILABLE', 'STALE_VERSION'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function readyStatus(server: TestServer): Promise<number> {
  const response = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(20_000) });
  return response.status;
}

describe('PostgreSQL connections killed and cut while clients work', { skip }, () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let admin: Client;
  let workdir: string;
  let remote: BareRepository;
  let fabricId: string;
  let ws: WsClient;
  let databaseName: string;
  const tracked: TrackedResource[] = [];

  /** Terminates every backend of the test database (pool, LISTEN, NOTIFY, worker lock and recovery connections). */
  async function killBackends(): Promise<number> {
    const { rows } = await admin.query<{ killed: boolean }>(
      'select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [databaseName],
    );
    return rows.filter((row) => row.killed).length;
  }

  before(async () => {
    const base = new URL(serverUrl()!);
    proxy = await startTcpProxy(base.hostname, Number(base.port || 5432));
    server = await startTestServer({ syncWorkers: 2, syncPollIntervalMs: 500 }, { mapDatabaseUrl: (url) => proxy.proxiedUrl(url) });
    databaseName = new URL(server.databaseUrl!).pathname.slice(1);
    admin = new Client({ connectionString: serverUrl() });
    await admin.connect();
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-faults-pg-'));
    remote = await BareRepository.create(workdir, 'pg.git');
    await remote.commit({
      'f/raw/servers.yaml': Array.from({ length: SERVERS }, (_, i) => `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: s${i}\nspec:\n  description: seed\n`).join('---\n'),
    });
    const repo = await server.query(GitCreateRepositoryDocument, { input: { name: 'pg', url: remote.url } });
    const fabric = await server.query(GitCreateFabricDocument, { input: { name: 'pg', gitRepositoryId: repo.createGitRepository.gitRepository!.id, gitopsDirectory: 'f' } });
    fabricId = fabric.createFabric.fabric!.id;
    assert.equal((await waitForOperation(server, (await server.query(GitIngestDocument, { fabricId })).ingestRawFiles.syncOperation!.id)).status, 'COMPLETED');
    for (const node of (await server.query(FaultsResourcesDocument, { fabricId })).resources.edges.map((e) => e.node)) {
      tracked.push({ id: node.id, name: node.name, version: node.version, acknowledged: node.spec, acknowledgedVersion: node.version, acknowledgedEdits: 0, uncertain: [] });
    }
    assert.equal(tracked.length, SERVERS);
    ws = connectWs(server.url, server.adminToken);
  });

  after(async () => {
    proxy?.restore();
    await ws?.dispose();
    await server?.stop();
    await admin?.end();
    await proxy?.close();
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  /** Each client owns one resource: reads, edits with expectedVersion, and now and then queues a push. */
  function runClients(tally: Tally, until: () => boolean): Promise<void[]> {
    return Promise.all(
      tracked.map(async (resource, client) => {
        for (let n = 0; !until(); n++) {
          await send(server.url, server.adminToken, FaultsResourceDocument, { id: resource.id }, tally);
          await edit(server.url, server.adminToken, resource, { description: `client ${client} edit ${n}` }, tally);
          if (n % 4 === client % 4) await queueSync(server.url, server.adminToken, fabricId, client % 2 ? 'GUI_TO_GIT' : 'BIDIRECTIONAL', tally);
        }
      }),
    );
  }

  /** After a fault: the API answers, a new subscription event arrives over LISTEN, and a sync runs to the end. */
  async function assertRecovered(what: string): Promise<void> {
    await waitUntil(`${what}: /readyz 200`, async () => (await readyStatus(server)) === 200);
    const events = ws.subscribe(FaultsProgressDocument, { fabricId });
    try {
      await sleep(300);
      const validate = await server.query(FaultsValidateDocument, { fabricId });
      const operationId = validate.validateFabric.syncOperation!.id;
      const done = await events.waitFor((e) => e.syncOperationProgress.operationId === operationId && e.syncOperationProgress.status === 'COMPLETED', 30_000);
      assert.equal(done.syncOperationProgress.status, 'COMPLETED', `${what}: the validation ran (worker connection back) and its events came through LISTEN/NOTIFY`);
    } finally {
      events.unsubscribe();
    }
    await waitUntil(`${what}: no operation left in_progress or pending`, async () => {
      const [row] = await sql<{ n: number }>(server, `select count(*)::int as n from sync_operation where status in ('in_progress', 'pending')`);
      return row.n === 0;
    }, 60_000);
  }

  /** Every resource takes an edit again (with the version the client learned), acknowledged and stored. */
  async function assertEditsWork(): Promise<void> {
    const tally = new Tally();
    for (const resource of tracked) {
      let outcome = await edit(server.url, server.adminToken, resource, { description: `${resource.name} after recovery` }, tally);
      if (outcome.code === 'STALE_VERSION') outcome = await edit(server.url, server.adminToken, resource, { description: `${resource.name} after recovery` }, tally);
      assert.equal(outcome.code, 'OK', `${resource.name}: ${outcome.message}`);
      const stored = (await server.query(FaultsResourceDocument, { id: resource.id })).resource;
      assert.deepEqual(stored?.spec, { description: `${resource.name} after recovery` });
    }
  }

  test('killing every backend several times under load: coded errors only, then recovery without restart', async () => {
    const tally = new Tally();
    let stop = false;
    const clients = runClients(tally, () => stop);
    let killed = 0;
    for (let round = 0; round < 4; round++) {
      // Let the clients get some work done between rounds (the machine may be slow).
      const okBefore = tally.get('OK');
      await waitUntil('progress between kill rounds', async () => tally.get('OK') >= okBefore + tracked.length, 60_000);
      killed += await killBackends();
    }
    await sleep(1000);
    stop = true;
    await clients;
    console.log(`[faults-postgres] kills: ${killed} backends in 4 rounds; outcomes ${JSON.stringify(tally.toJSON())}`);
    assert.ok(killed >= 4 * 4, `every round killed the pool, LISTEN, NOTIFY and worker connections (killed ${killed})`);
    assert.deepEqual(tally.unexpected(EXPECTED_DURING_FAULTS), {}, `unexpected outcomes; samples: ${JSON.stringify(Object.fromEntries(tally.samples))}`);
    for (const [code, message] of tally.samples) assert.doesNotMatch(message, /terminat|ECONN|Connection/i, `${code}: no raw driver message reaches clients`);

    await assertRecovered('after pg_terminate_backend');
    const operations = await sql<{ status: string; error_message: string }>(server, `select status, error_message from sync_operation where status = 'failed'`);
    for (const operation of operations) assert.doesNotMatch(operation.error_message, /^terminating connection/, 'failed operations say that the database connection was lost');
    for (const resource of tracked) {
      const stored = (await server.query(FaultsResourceDocument, { id: resource.id })).resource;
      assert.equal(lostEditProblem(resource, stored), null);
    }
    assert.ok(tracked.some((r) => r.acknowledgedEdits > 0), 'edits went through between the kills');
    await assertEditsWork();
  });

  test('a full outage (TCP proxy cut for 3 s): /readyz 503 and DATABASE_UNAVAILABLE during, everything back after', async () => {
    const tally = new Tally();
    let stop = false;
    const clients = runClients(tally, () => stop);
    await sleep(800);
    proxy.cut();
    const during = new Tally();
    await sleep(300);
    const readyDuring = await readyStatus(server);
    const read = await send(server.url, server.adminToken, FaultsResourceDocument, { id: tracked[0].id }, during);
    await sleep(2500);
    proxy.restore();
    await sleep(1500);
    stop = true;
    await clients;
    console.log(`[faults-postgres] outage: /readyz during ${readyDuring}; outcomes ${JSON.stringify(tally.toJSON())}`);
    assert.equal(readyDuring, 503, '/readyz reports the outage');
    assert.equal(read.code, 'DATABASE_UNAVAILABLE', `a request during the outage fails with a coded error (${read.message})`);
    assert.ok(tally.get('DATABASE_UNAVAILABLE') > 0);
    assert.deepEqual(tally.unexpected(EXPECTED_DURING_FAULTS), {}, `unexpected outcomes; samples: ${JSON.stringify(Object.fromEntries(tally.samples))}`);

    await assertRecovered('after the outage');
    for (const resource of tracked) {
      const stored = (await server.query(FaultsResourceDocument, { id: resource.id })).resource;
      assert.equal(lostEditProblem(resource, stored), null);
    }
    await assertEditsWork();
  });
});
