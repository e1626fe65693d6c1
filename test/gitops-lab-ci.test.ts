import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { GitCreateFabricDocument, GitCreateRepositoryDocument, GitIngestDocument, SfResourcesDocument, SfSyncDocument, SfUpdateResourceDocument } from './generated/operations';
import { BareRepository } from './support/git-fixtures';
import { waitForOperation } from './support/operations';
import { startTestServer, type TestServer } from './support/test-server';

const SAMPLE = path.resolve(__dirname, '../../../shared/fixtures/hedgehog/samples/lab-ci/wiring.yaml');
const CONNECTION_FILE = 'lab/managed/connections/server-7--unbundled--ds3000-03.yaml';
const EXTERNAL_FILE = 'lab/managed/externals/default.yaml';

let server: TestServer;
let workdir: string;
before(async () => {
  server = await startTestServer();
  workdir = await mkdtemp(path.join(tmpdir(), 'hnp-labci-'));
});
after(async () => {
  await server.stop();
  await rm(workdir, { recursive: true, force: true });
});

test('lab-ci end to end: ingest, edit an External through the API and a Connection in Git, sync both ways', async () => {
  const remote = await BareRepository.create(workdir, 'lab.git');
  await remote.commit({ 'lab/raw/wiring.yaml': readFileSync(SAMPLE, 'utf8') });
  const repo = await server.query(GitCreateRepositoryDocument, { input: { name: 'lab', url: remote.url, commitAuthorName: 'Lab Bot', commitAuthorEmail: 'lab@example.net' } });
  const fabric = await server.query(GitCreateFabricDocument, { input: { name: 'lab-ci', gitRepositoryId: repo.createGitRepository.gitRepository!.id, gitopsDirectory: 'lab' } });
  const fabricId = fabric.createFabric.fabric!.id;

  const ingested = await waitForOperation(server, (await server.query(GitIngestDocument, { fabricId })).ingestRawFiles.syncOperation!.id);
  assert.equal(ingested.status, 'COMPLETED', ingested.errorMessage);
  const resources = () => server.query(SfResourcesDocument, { fabricId }).then((r) => r.resources.edges.map((e) => e.node));
  assert.equal((await resources()).length, 51);

  const external = (await resources()).find((r) => r.kind === 'External' && r.name === 'default')!;
  const edited = await server.query(SfUpdateResourceDocument, {
    id: external.id,
    input: { spec: { ipv4Namespace: 'default', inboundCommunity: '65101:3101', outboundCommunity: '3101:65101' } },
  });
  assert.deepEqual(edited.updateResource.userErrors, []);
  const connectionText = (await remote.read(CONNECTION_FILE))!;
  await remote.commit({ [CONNECTION_FILE]: connectionText.replace('server-7/enp2s1', 'server-7/enp2s2') }, 'rewire server-7 in Git');
  const before = await remote.commitCount();

  const synced = await waitForOperation(server, (await server.query(SfSyncDocument, { fabricId, direction: 'BIDIRECTIONAL' })).syncFabric.syncOperation!.id);
  assert.equal(synced.status, 'COMPLETED', synced.errorMessage);
  const summary = (synced.details as { summary: Record<string, number> }).summary;
  assert.deepEqual([summary.pulled, summary.pushed, summary.conflicts], [1, 1, 0]);

  assert.equal(await remote.commitCount(), before + 1, 'one commit for the API edit');
  assert.match((await remote.read(EXTERNAL_FILE))!, /inboundCommunity: 65101:3101|inboundCommunity: "65101:3101"/);
  const connection = (await resources()).find((r) => r.name === 'server-7--unbundled--ds3000-03')!;
  assert.equal((connection.spec as { unbundled: { link: { server: { port: string } } } }).unbundled.link.server.port, 'server-7/enp2s2');
  const all = await resources();
  assert.ok(all.every((r) => r.resourceState === 'SYNCED'), 'both sides are equal');
  for (const r of all.filter((x) => x.name === 'default' || x.name === 'server-7--unbundled--ds3000-03')) {
    assert.equal(await remote.read(r.managedFilePath), r.yaml);
  }
  const quiet = await waitForOperation(server, (await server.query(SfSyncDocument, { fabricId, direction: 'BIDIRECTIONAL' })).syncFabric.syncOperation!.id);
  assert.match(String((quiet.details as { result?: string }).result), /in sync/);
});
