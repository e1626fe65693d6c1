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
