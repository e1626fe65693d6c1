import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { GitRemotes } from '../src/sync/executors/git-executor-deps';
import {
  FaultsResourcesDocument,
  FaultsSyncDocument,
  FaultsUpdateResourceDocument,
  GitCreateFabricDocument,
  GitCreateRepositoryDocument,
  GitIngestDocument,
  type SyncDirection,
} from './generated/operations';
import { dbSnapshot, sql, uuidOf, type DbSnapshot } from './support/db-state';
import { BareRepository, git } from './support/git-fixtures';
import { startGitHttpServer, type GitHttpServer } from './support/git-http-server';
import { waitForOperation, type FinishedOperation } from './support/operations';
import { startTestServer, type TestServer } from './support/test-server';

const run = promisify(execFile);
const RESOURCE_TABLES = ['hedgehog_resource', 'resource_conflict', 'resource_tombstone', 'state_transition'] as const;

function serverYaml(name: string, description: string): string {
  return `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: ${name}\nspec:\n  description: ${description}\n`;
}

async function resourceTables(server: TestServer): Promise<Partial<DbSnapshot>> {
  const snapshot = await dbSnapshot(server);
  return Object.fromEntries(RESOURCE_TABLES.map((table) => [table, snapshot[table]]));
}

/** One server, one fabric per remote; each test gets its own fabric. */
class Scenario {
  fabricId = '';
  repositoryId = '';
  constructor(
    readonly server: TestServer,
    readonly remote: BareRepository,
    readonly url: string,
  ) {}

  static async create(server: TestServer, remote: BareRepository, url: string, name: string): Promise<Scenario> {
    const scenario = new Scenario(server, remote, url);
    // git http-backend refuses anonymous pushes unless receive-pack is enabled.
    await git(remote.dir, 'config', 'http.receivepack', 'true');
    await remote.commit({ 'f/raw/servers.yaml': ['s1', 's2', 's3'].map((n) => serverYaml(n, 'seed')).join('---\n') });
    const repo = await server.query(GitCreateRepositoryDocument, { input: { name, url, timeoutSeconds: 20 } });
    scenario.repositoryId = repo.createGitRepository.gitRepository!.id;
    const fabric = await server.query(GitCreateFabricDocument, { input: { name, gitRepositoryId: scenario.repositoryId, gitopsDirectory: 'f' } });
    scenario.fabricId = fabric.createFabric.fabric!.id;
    const ingest = await waitForOperation(server, (await server.query(GitIngestDocument, { fabricId: scenario.fabricId })).ingestRawFiles.syncOperation!.id);
    assert.equal(ingest.status, 'COMPLETED', ingest.errorMessage ?? '');
    assert.equal((await scenario.sync('BIDIRECTIONAL')).status, 'COMPLETED');
    return scenario;
  }

  async sync(direction: SyncDirection): Promise<FinishedOperation> {
    const queued = await this.server.query(FaultsSyncDocument, { fabricId: this.fabricId, direction });
    assert.deepEqual(queued.syncFabric.userErrors, []);
    return waitForOperation(this.server, queued.syncFabric.syncOperation!.id);
  }

  async descriptions(): Promise<Record<string, string>> {
    const nodes = (await this.server.query(FaultsResourcesDocument, { fabricId: this.fabricId })).resources.edges.map((e) => e.node);
    return Object.fromEntries(nodes.map((n) => [n.name, String((n.spec as { description?: string }).description)]));
  }

  async editInApi(name: string, description: string): Promise<void> {
    const node = (await this.server.query(FaultsResourcesDocument, { fabricId: this.fabricId })).resources.edges.map((e) => e.node).find((n) => n.name === name)!;
    const result = await this.server.query(FaultsUpdateResourceDocument, { id: node.id, spec: { description }, expectedVersion: node.version });
    assert.deepEqual(result.updateResource.userErrors, []);
  }
}

describe('Git faults: remote cut mid-pack, remote gone, cache deleted, edits racing a push', () => {
  let server: TestServer;
  let http: GitHttpServer;
  let workdir: string;
  let cutAfter: number | undefined;
  /** Set by a test: the cache of this repository is deleted right after the next fetch returns. */
  let deleteCacheAfterFetch: string | undefined;
  /** Set by a test: runs once right after the next push was accepted, before the operation applies it to the database. */
  let afterPush: (() => Promise<void>) | undefined;

  before(async () => {
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-faults-git-'));
    http = await startGitHttpServer({
      projectRoot: workdir,
      cutResponseAfterBytes: ({ method, path: requestPath }) => (method === 'POST' && requestPath.endsWith('/git-upload-pack') ? cutAfter : undefined),
    });
    server = await startTestServer(
      {},
      {
        wrapRepos: (repos: GitRemotes): GitRemotes => ({
          fetch: async (remote) => {
            const snapshot = await repos.fetch(remote);
            if (deleteCacheAfterFetch === remote.repositoryId) {
              deleteCacheAfterFetch = undefined;
              await rm(path.join(server.config.dataDir, 'repos', `${remote.repositoryId}.git`), { recursive: true, force: true });
            }
            return snapshot;
          },
          commitAndPush: async (remote, base, request, branch) => {
            const outcome = await repos.commitAndPush(remote, base, request, branch);
            const hook = afterPush;
            afterPush = undefined;
            await hook?.();
            return outcome;
          },
          testConnection: (remote) => repos.testConnection(remote),
        }),
      },
    );
  });
  after(async () => {
    await server?.stop();
    await http?.close();
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  test('a smart-HTTP remote that cuts the connection in the middle of the pack: failed, nothing applied, then the next pull succeeds', async () => {
    const remote = await BareRepository.create(workdir, 'cut.git');
    const scenario = await Scenario.create(server, remote, http.repoUrl('cut.git'), 'cut');
    // A Git change plus 2 MB of incompressible data, so the pack is long enough to be cut in its middle.
    await remote.commit({ 'f/managed/servers/s1.yaml': serverYaml('s1', 'changed in git'), 'assets/blob.bin': randomBytes(2 * 1024 * 1024) });
    const before = await resourceTables(server);

    cutAfter = 256 * 1024;
    const failed = await scenario.sync('GIT_TO_GUI');
    cutAfter = undefined;
    assert.ok(http.requests.some((r) => r.cut), 'the fault hook cut an upload-pack response');
    assert.equal(failed.status, 'FAILED');
    console.log(`[faults-git] cut mid-pack: ${failed.errorMessage}`);
    assert.match(failed.errorMessage ?? '', /unreachable|failed|eof|fetch/i);
    assert.doesNotMatch(failed.errorMessage ?? '', /undefined|\[object/);
    assert.deepEqual(await resourceTables(server), before, 'the database is not half-applied');

    const pulled = await scenario.sync('GIT_TO_GUI');
    assert.equal(pulled.status, 'COMPLETED', pulled.errorMessage ?? '');
    assert.equal((await scenario.descriptions()).s1, 'changed in git');
  });

  test('a remote that disappears between operations: failed with a clear error, DB unchanged, works again once it is back', async () => {
    const remote = await BareRepository.create(workdir, 'gone.git');
    const scenario = await Scenario.create(server, remote, http.repoUrl('gone.git'), 'gone');
    await scenario.editInApi('s2', 'edited through the API');
    const before = await resourceTables(server);
    const hidden = path.join(workdir, 'hidden.git');
    await rename(remote.dir, hidden);
    try {
      for (const direction of ['GIT_TO_GUI', 'GUI_TO_GIT', 'BIDIRECTIONAL'] as const) {
        const failed = await scenario.sync(direction);
        assert.equal(failed.status, 'FAILED', direction);
        console.log(`[faults-git] remote gone, ${direction}: ${failed.errorMessage}`);
        assert.match(failed.errorMessage ?? '', /not found|unreachable|404/i, `${direction}: ${failed.errorMessage}`);
      }
      assert.deepEqual(await resourceTables(server), before, 'nothing applied while the remote was gone');
    } finally {
      await rename(hidden, remote.dir);
    }
    const pushed = await scenario.sync('BIDIRECTIONAL');
    assert.equal(pushed.status, 'COMPLETED', pushed.errorMessage ?? '');
    assert.match((await remote.read('f/managed/servers/s2.yaml'))!, /edited through the API/, 'the pending edit reached Git once the remote was back');
  });

  test('an API edit committed between the push and its database apply: the push completes, the edit stays a draft and goes out next', async () => {
    const remote = await BareRepository.create(workdir, 'race.git');
    const scenario = await Scenario.create(server, remote, http.repoUrl('race.git'), 'race');
    await scenario.editInApi('s1', 'first edit');
    afterPush = () => scenario.editInApi('s1', 'second edit, during the push');
    const pushed = await scenario.sync('GUI_TO_GIT');
    assert.equal(afterPush, undefined, 'the edit was made while the push was in flight');
    assert.equal(pushed.status, 'COMPLETED', `the push reached Git, so the operation must not fail: ${pushed.errorMessage}`);
    assert.match((await remote.read('f/managed/servers/s1.yaml'))!, /first edit/);
    const row = (await server.query(FaultsResourcesDocument, { fabricId: scenario.fabricId })).resources.edges.map((e) => e.node).find((n) => n.name === 's1')!;
    assert.equal((row.spec as { description: string }).description, 'second edit, during the push', 'the later edit is kept');
    assert.equal(row.resourceState, 'DRAFT', 'and still has to be pushed');

    const next = await scenario.sync('BIDIRECTIONAL');
    assert.equal(next.status, 'COMPLETED', next.errorMessage ?? '');
    assert.match((await remote.read('f/managed/servers/s1.yaml'))!, /second edit, during the push/);
    const conflicts = await sql<{ n: number }>(server, `select count(*)::int as n from resource_conflict`);
    assert.equal(conflicts[0].n, 0, 'no false conflict between our own pushes');
  });

  test('the repository cache deleted between operations and in the middle of one: the next operation re-clones and succeeds', async () => {
    const remote = await BareRepository.create(workdir, 'cache.git');
    const scenario = await Scenario.create(server, remote, http.repoUrl('cache.git'), 'cache');
    const cacheDir = path.join(server.config.dataDir, 'repos', `${uuidOf(scenario.repositoryId, 'GitRepository')}.git`);
    assert.ok(existsSync(cacheDir), `the cache is at ${cacheDir}`);

    await rm(cacheDir, { recursive: true, force: true });
    await remote.commit({ 'f/managed/servers/s3.yaml': serverYaml('s3', 'pulled after the cache was deleted') });
    const pulled = await scenario.sync('GIT_TO_GUI');
    assert.equal(pulled.status, 'COMPLETED', pulled.errorMessage ?? '');
    assert.equal((await scenario.descriptions()).s3, 'pulled after the cache was deleted');
    assert.ok(existsSync(cacheDir), 're-cloned');

    // Deleted after the fetch of a push, before its commit is built on the fetched base.
    await scenario.editInApi('s1', 'pushed while the cache vanished');
    deleteCacheAfterFetch = path.basename(cacheDir, '.git');
    const midway = await scenario.sync('GUI_TO_GIT');
    assert.equal(deleteCacheAfterFetch, undefined, 'the cache was deleted mid-operation');
    console.log(`[faults-git] cache deleted mid-push: ${midway.status} ${midway.errorMessage ?? ''}`);
    if (midway.status !== 'COMPLETED') {
      assert.equal(midway.status, 'FAILED');
      const retried = await scenario.sync('GUI_TO_GIT');
      assert.equal(retried.status, 'COMPLETED', retried.errorMessage ?? '');
    }
    assert.match((await remote.read('f/managed/servers/s1.yaml'))!, /pushed while the cache vanished/);
    const quiet = await scenario.sync('BIDIRECTIONAL');
    assert.equal(quiet.status, 'COMPLETED', quiet.errorMessage ?? '');
    assert.equal((await scenario.descriptions()).s1, 'pushed while the cache vanished');
  });
});

// DATA_DIR/repos on a 4 MB tmpfs, filled up with a filler file: pulls and pushes need space for objects.
const canMount = process.getuid?.() === 0;

describe('disk full in DATA_DIR/repos', { skip: canMount ? false : 'needs root to mount a tmpfs (mount -t tmpfs)' }, () => {
  let server: TestServer | undefined;
  let workdir: string;
  let dataDir: string;
  let reposDir: string;
  let mounted = false;

  before(async () => {
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-faults-disk-'));
    dataDir = path.join(workdir, 'data');
    reposDir = path.join(dataDir, 'repos');
    await mkdir(reposDir, { recursive: true });
    try {
      await run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', reposDir]);
      mounted = true;
    } catch (error) {
      console.log(`[faults-git] mounting a tmpfs failed (${(error as Error).message}); the disk-full test is skipped`);
      return;
    }
    server = await startTestServer({}, { dataDir });
  });
  after(async () => {
    await server?.stop();
    // libgit2 may still hold pack files of the stopped server open: detach lazily then.
    if (mounted) await run('umount', [reposDir]).catch(() => run('umount', ['--lazy', reposDir]));
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  test('pull and push fail cleanly while the disk is full and succeed once space is freed', async (t) => {
    if (!server) return t.skip('no tmpfs');
    const remote = await BareRepository.create(workdir, 'disk.git');
    const scenario = await Scenario.create(server, remote, remote.url, 'disk');
    const filler = path.join(reposDir, 'filler');
    try {
      await run('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k', 'count=1000']);
    } catch {
      // dd stops with "No space left on device": that is the point
    }
    const { stdout } = await run('df', ['--output=avail', '-k', reposDir]);
    t.diagnostic(`space left in DATA_DIR/repos: ${stdout.trim().split('\n').pop()} kB`);

    await remote.commit({ 'f/managed/servers/s1.yaml': serverYaml('s1', 'changed in git'), 'assets/blob.bin': randomBytes(512 * 1024) });
    await scenario.editInApi('s2', 'edited through the API');
    const before = await resourceTables(server);
    const commits = await remote.commitCount();

    const failed = await scenario.sync('BIDIRECTIONAL');
    assert.equal(failed.status, 'FAILED');
    console.log(`[faults-git] disk full: ${failed.errorMessage}`);
    assert.match(failed.errorMessage ?? '', /space|write|failed/i);
    assert.deepEqual(await resourceTables(server), before, 'nothing applied while the disk was full');
    assert.equal(await remote.commitCount(), commits, 'nothing pushed');

    await rm(filler);
    const synced = await scenario.sync('BIDIRECTIONAL');
    assert.equal(synced.status, 'COMPLETED', synced.errorMessage ?? '');
    const descriptions = await scenario.descriptions();
    assert.equal(descriptions.s1, 'changed in git');
    assert.equal(descriptions.s2, 'edited through the API');
    assert.match((await remote.read('f/managed/servers/s2.yaml'))!, /edited through the API/);
    assert.ok((await readdir(reposDir)).some((name) => name.endsWith('.git')));
  });
});
