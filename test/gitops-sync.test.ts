import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  GitCreateFabricDocument,
  GitCreateRepositoryDocument,
  GitIngestDocument,
  GitInitDirectoryDocument,
  SfConflictsDocument,
  SfDeleteResourceDocument,
  SfResolveDocument,
  SfResourcesDocument,
  SfSyncDocument,
  SfUpdateResourceDocument,
  SyncConflictEventsDocument,
  type SyncDirection,
} from './generated/operations';
import { BareRepository } from './support/git-fixtures';
import { waitForOperation, type FinishedOperation } from './support/operations';
import { startTestServer, type TestServer } from './support/test-server';
import { connectWs } from './support/ws-client';

const BASE = {
  'fab/raw/base.yaml': [
    'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\nspec:\n  subnets: [10.0.0.0/16]',
    'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\nspec:\n  ranges: [{from: 1000, to: 2999}]',
    'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001\n    backend:\n      subnet: 10.0.2.0/24\n      vlan: 1002',
    'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: server-1\nspec:\n  description: rack 1',
  ].join('\n---\n'),
};
const VPC_FILE = 'fab/managed/vpcs/vpc-1.yaml';

describe('syncFabric on real repositories', () => {
  let server: TestServer;
  let workdir: string;
  let counter = 0;

  before(async () => {
    server = await startTestServer();
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-sync-'));
  });
  after(async () => {
    await server.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  /** A fabric whose repository holds the base resources, ingested and synced. */
  async function syncedFabric(): Promise<{ remote: BareRepository; fabricId: string }> {
    counter++;
    const remote = await BareRepository.create(workdir, `sync-${counter}.git`);
    const repo = await server.query(GitCreateRepositoryDocument, { input: { name: `sync-${counter}`, url: remote.url, commitAuthorName: 'Sync Bot', commitAuthorEmail: 'sync@example.net' } });
    const fabric = await server.query(GitCreateFabricDocument, { input: { name: `sync-${counter}`, gitRepositoryId: repo.createGitRepository.gitRepository!.id, gitopsDirectory: 'fab' } });
    const fabricId = fabric.createFabric.fabric!.id;
    const init = await server.query(GitInitDirectoryDocument, { fabricId });
    assert.equal((await waitForOperation(server, init.initializeGitopsDirectory.syncOperation!.id)).status, 'COMPLETED');
    await remote.commit(BASE);
    const ingest = await server.query(GitIngestDocument, { fabricId });
    assert.equal((await waitForOperation(server, ingest.ingestRawFiles.syncOperation!.id)).status, 'COMPLETED');
    assert.equal((await sync(fabricId, 'BIDIRECTIONAL')).status, 'COMPLETED');
    return { remote, fabricId };
  }

  async function sync(fabricId: string, direction: SyncDirection, dryRun = false): Promise<FinishedOperation> {
    const queued = await server.query(SfSyncDocument, { fabricId, direction, dryRun });
    assert.deepEqual(queued.syncFabric.userErrors, []);
    return waitForOperation(server, queued.syncFabric.syncOperation!.id);
  }

  async function resource(fabricId: string, name: string) {
    return (await server.query(SfResourcesDocument, { fabricId })).resources.edges.map((e) => e.node).find((r) => r.name === name)!;
  }

  function vpcSpec(vlanDefault: number, vlanBackend: number) {
    return { ipv4Namespace: 'default', vlanNamespace: 'default', subnets: { default: { subnet: '10.0.1.0/24', vlan: vlanDefault }, backend: { subnet: '10.0.2.0/24', vlan: vlanBackend } } };
  }

  test('an edit made in Git is pulled into the database without a commit of ours', async () => {
    const { remote, fabricId } = await syncedFabric();
    const text = (await remote.read(VPC_FILE))!;
    await remote.commit({ [VPC_FILE]: text.replace('vlan: 1001', 'vlan: 1501') }, 'edit in git');
    const head = await remote.head();
    const operation = await sync(fabricId, 'GIT_TO_GUI');
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    assert.equal(await remote.head(), head, 'a pull makes no commit');
    const vpc = await resource(fabricId, 'vpc-1');
    assert.equal((vpc.spec as ReturnType<typeof vpcSpec>).subnets.default.vlan, 1501);
    assert.equal(vpc.resourceState, 'SYNCED');
    const again = await sync(fabricId, 'GIT_TO_GUI');
    assert.match(String((again.details as { result?: string }).result), /in sync/);
  });

  test('an edit made through the API is pushed as exactly one commit by the configured author', async () => {
    const { remote, fabricId } = await syncedFabric();
    const vpc = await resource(fabricId, 'vpc-1');
    const updated = await server.query(SfUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(1001, 1700) } });
    assert.deepEqual(updated.updateResource.userErrors, []);
    const before = await remote.commitCount();
    const operation = await sync(fabricId, 'GUI_TO_GIT');
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    assert.equal(await remote.commitCount(), before + 1);
    const [commit] = await remote.log();
    assert.equal(commit.author, 'Sync Bot');
    assert.match(commit.message, /Sync-Operation: /);
    const after = await resource(fabricId, 'vpc-1');
    assert.equal(await remote.read(VPC_FILE), after.yaml, 'the file holds exactly the rendered resource');
    assert.equal(after.resourceState, 'SYNCED');
    const noop = await sync(fabricId, 'GUI_TO_GIT');
    assert.equal(noop.commitSha, null);
    assert.equal(await remote.commitCount(), before + 1);
  });

  test('edits of different fields on both sides merge; the same field edited differently is a stored, streamed conflict', async () => {
    const { remote, fabricId } = await syncedFabric();
    const ws = connectWs(server.url, server.adminToken);
    try {
      const events = ws.subscribe(SyncConflictEventsDocument, { fabricId });
      const vpc = await resource(fabricId, 'vpc-1');
      await server.query(SfUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(1001, 1800) } });
      await remote.commit({ [VPC_FILE]: (await remote.read(VPC_FILE))!.replace('vlan: 1001', 'vlan: 1600') }, 'other field in git');
      const merged = await sync(fabricId, 'BIDIRECTIONAL');
      assert.equal(merged.status, 'COMPLETED', merged.errorMessage);
      const both = await resource(fabricId, 'vpc-1');
      const subnets = (both.spec as ReturnType<typeof vpcSpec>).subnets;
      assert.deepEqual([subnets.default.vlan, subnets.backend.vlan], [1600, 1800]);
      assert.equal(await remote.read(VPC_FILE), both.yaml);

      await server.query(SfUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(1650, 1800) } });
      await remote.commit({ [VPC_FILE]: (await remote.read(VPC_FILE))!.replace('vlan: 1600', 'vlan: 1660') }, 'same field in git');
      const conflicted = await sync(fabricId, 'BIDIRECTIONAL');
      assert.equal(conflicted.status, 'COMPLETED', conflicted.errorMessage);
      const conflicts = (await server.query(SfConflictsDocument, { fabricId })).conflicts;
      assert.equal(conflicts.totalCount, 1);
      const conflict = conflicts.edges[0].node;
      assert.equal(conflict.conflictType, 'CONCURRENT_MODIFICATION');
      assert.equal(conflict.status, 'DETECTED');
      assert.ok(conflict.fieldPaths.some((p) => p.includes('subnets.default')), conflict.fieldPaths.join(', '));
      assert.equal((await resource(fabricId, 'vpc-1')).conflictStatus, 'DETECTED');
      assert.match((await remote.read(VPC_FILE))!, /vlan: 1660/, 'Git keeps its side');
      assert.equal(((await resource(fabricId, 'vpc-1')).spec as ReturnType<typeof vpcSpec>).subnets.default.vlan, 1650, 'the DB keeps its side');
      const event = await events.waitFor((e) => e.conflictEvents.type === 'DETECTED');
      assert.equal(event.conflictEvents.conflict.id, conflict.id);
    } finally {
      await ws.dispose();
    }
  });

  test('conflicts are resolved with GIT_WINS, GUI_WINS and MANUAL; MERGE of overlapping edits is refused; each ends with both sides equal', async () => {
    const { remote, fabricId } = await syncedFabric();
    const ws = connectWs(server.url, server.adminToken);
    try {
      const events = ws.subscribe(SyncConflictEventsDocument, { fabricId });
      const vlanInGit = async () => Number(/default:\n(?:.*\n)*?\s+vlan: (\d+)/.exec((await remote.read(VPC_FILE))!)?.[1]);
      const vlanInDb = async () => ((await resource(fabricId, 'vpc-1')).spec as ReturnType<typeof vpcSpec>).subnets.default.vlan;
      const conflictOn = async (db: number, git: number) => {
        const vpc = await resource(fabricId, 'vpc-1');
        await server.query(SfUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(db, 1002) } });
        await remote.commit({ [VPC_FILE]: (await remote.read(VPC_FILE))!.replace(/vlan: \d+\n(\s+)backend/, `vlan: ${git}\n$1backend`).replace(/(default:\n(?:.*\n)*?\s+vlan: )\d+/, `$1${git}`) }, 'conflicting edit');
        assert.equal((await sync(fabricId, 'BIDIRECTIONAL')).status, 'COMPLETED');
        const open = (await server.query(SfConflictsDocument, { fabricId })).conflicts.edges.map((e) => e.node).find((c) => c.status === 'DETECTED');
        assert.ok(open, 'a conflict was detected');
        return open.id;
      };
      const resolve = async (conflictId: string, strategy: 'GUI_WINS' | 'GIT_WINS' | 'MERGE' | 'MANUAL', mergedSpec?: Record<string, unknown>) => {
        const result = await server.query(SfResolveDocument, { conflictId, strategy, mergedSpec });
        if (result.resolveConflict.userErrors.length > 0) return result.resolveConflict.userErrors;
        const operation = await waitForOperation(server, result.resolveConflict.syncOperation!.id);
        assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
        return [];
      };

      const first = await conflictOn(1101, 1201);
      const merge = await resolve(first, 'MERGE');
      assert.equal(merge[0].code, 'CONFLICT');
      assert.deepEqual(await resolve(first, 'GIT_WINS'), []);
      assert.deepEqual([await vlanInDb(), await vlanInGit()], [1201, 1201]);
      assert.equal((await resource(fabricId, 'vpc-1')).resourceState, 'SYNCED');
      const again = await resolve(first, 'GUI_WINS');
      assert.equal(again[0].code, 'INVALID_STATE');
      await events.waitFor((e) => e.conflictEvents.type === 'RESOLVED' && e.conflictEvents.conflict.id === first);

      const second = await conflictOn(1102, 1202);
      assert.deepEqual(await resolve(second, 'GUI_WINS'), []);
      assert.deepEqual([await vlanInDb(), await vlanInGit()], [1102, 1102]);

      const third = await conflictOn(1103, 1203);
      const invalid = await resolve(third, 'MANUAL', { subnets: { default: { subnet: 'not-a-cidr' } } });
      assert.equal(invalid[0].code, 'VALIDATION');
      assert.deepEqual(await resolve(third, 'MANUAL', vpcSpec(1333, 1002)), []);
      assert.deepEqual([await vlanInDb(), await vlanInGit()], [1333, 1333]);
      const quiet = await sync(fabricId, 'BIDIRECTIONAL');
      assert.equal(quiet.commitSha ?? null, null, 'after resolution both sides are equal: nothing to sync');
      assert.equal((await resource(fabricId, 'vpc-1')).conflictStatus, 'RESOLVED');
    } finally {
      await ws.dispose();
    }
  });

  test('a file deleted in Git while the resource was edited in the DB is a delete_modify conflict; deleted in Git alone, it is deleted in the DB', async () => {
    const { remote, fabricId } = await syncedFabric();
    const vpc = await resource(fabricId, 'vpc-1');
    await server.query(SfUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(1001, 1900) } });
    await remote.commit({ [VPC_FILE]: null, 'fab/managed/servers/server-1.yaml': null }, 'delete in git');
    const operation = await sync(fabricId, 'BIDIRECTIONAL');
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    const conflicts = (await server.query(SfConflictsDocument, { fabricId })).conflicts.edges.map((e) => e.node);
    assert.deepEqual(conflicts.map((c) => [c.resource.name, c.conflictType]), [['vpc-1', 'DELETE_MODIFY']]);
    assert.equal(await resource(fabricId, 'server-1'), undefined, 'a deletion in Git alone is pulled');
    assert.equal(await remote.read(VPC_FILE), null, 'the conflicting file is not re-created');
  });

  test('a resource deleted through the API has its file deleted by the next push', async () => {
    const { remote, fabricId } = await syncedFabric();
    const server1 = await resource(fabricId, 'server-1');
    assert.deepEqual((await server.query(SfDeleteResourceDocument, { id: server1.id })).deleteResource.userErrors, []);
    const operation = await sync(fabricId, 'GUI_TO_GIT');
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    assert.equal(await remote.read('fab/managed/servers/server-1.yaml'), null);
    const again = await sync(fabricId, 'BIDIRECTIONAL');
    assert.equal(again.status, 'COMPLETED');
    assert.equal(await resource(fabricId, 'server-1'), undefined);
  });

  test('a dry run reports the plan with field-level changes and changes nothing', async () => {
    const { remote, fabricId } = await syncedFabric();
    const vpc = await resource(fabricId, 'vpc-1');
    await server.query(SfUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(1001, 1333) } });
    const head = await remote.head();
    const operation = await sync(fabricId, 'GUI_TO_GIT', true);
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    assert.equal(await remote.head(), head);
    const details = operation.details as { dryRun: boolean; changedPaths: string[]; plan: Array<{ path: string; git: string; gitChanges: Array<{ path: string }> }> };
    assert.equal(details.dryRun, true);
    assert.deepEqual(details.changedPaths, [VPC_FILE]);
    const entry = details.plan.find((p) => p.path === VPC_FILE)!;
    assert.equal(entry.git, 'write');
    assert.ok(entry.gitChanges.some((c) => c.path.includes('backend')), JSON.stringify(entry.gitChanges));
    assert.equal((await resource(fabricId, 'vpc-1')).resourceState, 'DRAFT');
  });
});

describe('periodic pulls (sync_interval)', () => {
  let server: TestServer;
  let workdir: string;
  before(async () => {
    server = await startTestServer({ syncPolling: true, syncPollIntervalMs: 200 });
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-poll-'));
  });
  after(async () => {
    await server.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  test('a fabric with sync_interval gets a pull when its last Git sync is older than the interval, one at a time', async () => {
    const remote = await BareRepository.create(workdir, 'poll.git');
    await remote.commit({ 'p/managed/servers/s1.yaml': 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: s1\nspec:\n  description: polled\n' });
    const repo = await server.query(GitCreateRepositoryDocument, { input: { name: 'poll', url: remote.url } });
    const fabric = await server.query(GitCreateFabricDocument, { input: { name: 'polled', gitRepositoryId: repo.createGitRepository.gitRepository!.id, gitopsDirectory: 'p', syncInterval: 3600 } });
    const fabricId = fabric.createFabric.fabric!.id;
    const deadline = Date.now() + 15_000;
    let names: string[] = [];
    while (Date.now() < deadline && names.length === 0) {
      names = (await server.query(SfResourcesDocument, { fabricId })).resources.edges.map((e) => e.node.name);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(names, ['s1'], 'the poll pulled the repository');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rows = await server.server.database.orm.em.getConnection().execute<Array<{ n: string }>>(
      `select count(*) as n from sync_operation where operation_type = 'github_to_gui' and details->>'trigger' = 'poll'`,
    );
    assert.equal(Number(rows[0].n), 1, 'no second pull within the interval');
  });
});
