import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  GitCreateFabricDocument,
  GitCreateRepositoryDocument,
  GitIngestDocument,
  SfConflictsDocument,
  SfDeleteResourceDocument,
  SfResolveDocument,
  SfResourcesDocument,
  SfSyncDocument,
  SfUpdateResourceDocument,
  type SyncDirection,
} from './generated/operations';
import { BareRepository } from './support/git-fixtures';
import { waitForOperation } from './support/operations';
import { startTestServer, type TestServer } from './support/test-server';

const VPC_FILE = 'f/managed/vpcs/vpc-1.yaml';

// The window DESIGN §5 worries about: Git accepted our commit, the process died before the DB was updated.
// Simulated by putting the row back exactly as it was before the apply (same spec, old base, old blob).
describe('a crash between the push and the database apply', () => {
  let server: TestServer;
  let workdir: string;

  before(async () => {
    server = await startTestServer();
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-recovery-'));
  });
  after(async () => {
    await server.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  async function sync(fabricId: string, direction: SyncDirection) {
    const queued = await server.query(SfSyncDocument, { fabricId, direction });
    return waitForOperation(server, queued.syncFabric.syncOperation!.id);
  }

  test('the next sync converges without a duplicate commit or a false conflict', async () => {
    const remote = await BareRepository.create(workdir, 'r.git');
    await remote.commit({
      'f/raw/all.yaml': [
        'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\nspec:\n  subnets: [10.0.0.0/16]',
        'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\nspec:\n  ranges: [{from: 1000, to: 2999}]',
        'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001',
      ].join('\n---\n'),
    });
    const repo = await server.query(GitCreateRepositoryDocument, { input: { name: 'r', url: remote.url } });
    const fabric = await server.query(GitCreateFabricDocument, { input: { name: 'crash', gitRepositoryId: repo.createGitRepository.gitRepository!.id, gitopsDirectory: 'f' } });
    const fabricId = fabric.createFabric.fabric!.id;
    assert.equal((await waitForOperation(server, (await server.query(GitIngestDocument, { fabricId })).ingestRawFiles.syncOperation!.id)).status, 'COMPLETED');
    assert.equal((await sync(fabricId, 'BIDIRECTIONAL')).status, 'COMPLETED');

    const vpc = (await server.query(SfResourcesDocument, { fabricId })).resources.edges.map((e) => e.node).find((r) => r.name === 'vpc-1')!;
    const connection = server.server.database.orm.em.getConnection();
    const [beforePush] = await connection.execute<Array<{ id: string; base_manifest: unknown; file_hash: string; sync_metadata: unknown }>>(
      `select id, base_manifest, file_hash, sync_metadata from hedgehog_resource where name = 'vpc-1' and fabric_id = (select fabric_id from hedgehog_resource where name = 'vpc-1' limit 1)`,
    );
    await server.query(SfUpdateResourceDocument, { id: vpc.id, input: { spec: { ipv4Namespace: 'default', vlanNamespace: 'default', subnets: { default: { subnet: '10.0.1.0/24', vlan: 1444 } } } } });
    assert.equal((await sync(fabricId, 'GUI_TO_GIT')).status, 'COMPLETED');
    assert.match((await remote.read(VPC_FILE))!, /vlan: 1444/);
    const commits = await remote.commitCount();

    await connection.execute(`update hedgehog_resource set base_manifest = ?::jsonb, file_hash = ?, sync_metadata = ?::jsonb, resource_state = 'draft' where id = ?`, [
      JSON.stringify(beforePush.base_manifest),
      beforePush.file_hash,
      JSON.stringify(beforePush.sync_metadata),
      beforePush.id,
    ]);

    const recovered = await sync(fabricId, 'BIDIRECTIONAL');
    assert.equal(recovered.status, 'COMPLETED', recovered.errorMessage);
    assert.equal(await remote.commitCount(), commits, 'no duplicate commit');
    assert.equal((await server.query(SfConflictsDocument, { fabricId })).conflicts.totalCount, 0, 'no false conflict');
    const after = (await server.query(SfResourcesDocument, { fabricId })).resources.edges.map((e) => e.node).find((r) => r.name === 'vpc-1')!;
    assert.equal(after.resourceState, 'SYNCED');
    assert.equal((recovered.details as { summary: { converged: number } }).summary.converged, 1);
  });
});

describe('a resource deleted through the API while it was edited in Git', () => {
  let server: TestServer;
  let workdir: string;
  before(async () => {
    server = await startTestServer();
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-delmod-'));
  });
  after(async () => {
    await server.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  test('is a delete_modify conflict; GUI_WINS deletes it on both sides, GIT_WINS keeps Git\'s version', async () => {
    const remote = await BareRepository.create(workdir, 'dm.git');
    await remote.commit({
      'd/raw/s.yaml': ['s1', 's2'].map((n) => `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: ${n}\nspec:\n  description: base\n`).join('---\n'),
    });
    const repo = await server.query(GitCreateRepositoryDocument, { input: { name: 'dm', url: remote.url } });
    const fabric = await server.query(GitCreateFabricDocument, { input: { name: 'dm', gitRepositoryId: repo.createGitRepository.gitRepository!.id, gitopsDirectory: 'd' } });
    const fabricId = fabric.createFabric.fabric!.id;
    assert.equal((await waitForOperation(server, (await server.query(GitIngestDocument, { fabricId })).ingestRawFiles.syncOperation!.id)).status, 'COMPLETED');
    const sync = async () => waitForOperation(server, (await server.query(SfSyncDocument, { fabricId, direction: 'BIDIRECTIONAL' })).syncFabric.syncOperation!.id);
    assert.equal((await sync()).status, 'COMPLETED');

    for (const name of ['s1', 's2']) {
      const row = (await server.query(SfResourcesDocument, { fabricId })).resources.edges.map((e) => e.node).find((r) => r.name === name)!;
      assert.deepEqual((await server.query(SfDeleteResourceDocument, { id: row.id })).deleteResource.userErrors, []);
    }
    await remote.commit({
      'd/managed/servers/s1.yaml': 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: s1\nspec:\n  description: changed in git\n',
      'd/managed/servers/s2.yaml': 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: s2\nspec:\n  description: changed in git\n',
    });
    assert.equal((await sync()).status, 'COMPLETED');
    const conflicts = (await server.query(SfConflictsDocument, { fabricId })).conflicts.edges.map((e) => e.node);
    assert.deepEqual(conflicts.map((c) => [c.resource.name, c.conflictType, c.ours]).sort(), [['s1', 'DELETE_MODIFY', null], ['s2', 'DELETE_MODIFY', null]]);
    assert.match((await remote.read('d/managed/servers/s1.yaml'))!, /changed in git/, 'Git keeps its edit meanwhile');

    const resolve = async (name: string, strategy: 'GUI_WINS' | 'GIT_WINS') => {
      const conflict = conflicts.find((c) => c.resource.name === name)!;
      const queued = await server.query(SfResolveDocument, { conflictId: conflict.id, strategy });
      assert.deepEqual(queued.resolveConflict.userErrors, []);
      assert.equal((await waitForOperation(server, queued.resolveConflict.syncOperation!.id)).status, 'COMPLETED');
    };
    await resolve('s1', 'GUI_WINS');
    await resolve('s2', 'GIT_WINS');

    assert.equal(await remote.read('d/managed/servers/s1.yaml'), null, 'GUI_WINS: deleted in Git too');
    const left = (await server.query(SfResourcesDocument, { fabricId })).resources.edges.map((e) => e.node);
    assert.deepEqual(left.map((r) => r.name), ['s2']);
    assert.equal((left[0].spec as { description: string }).description, 'changed in git');
    assert.equal(left[0].resourceState, 'SYNCED');
    const heads = await remote.commitCount();
    assert.equal((await sync()).commitSha ?? null, null, 'nothing left to push: the tombstones are gone');
    assert.equal(await remote.commitCount(), heads);
    const quiet = await sync();
    assert.match(String((quiet.details as { result?: string }).result), /in sync/, JSON.stringify(quiet.details).slice(0, 1500));
  });
});
