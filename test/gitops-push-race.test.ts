import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { GitRemotes } from '../src/sync/executors/git-executor-deps';
import { GitCreateFabricDocument, GitCreateRepositoryDocument, GitIngestDocument, SfResourcesDocument, SfSyncDocument, SfUpdateResourceDocument } from './generated/operations';
import { BareRepository } from './support/git-fixtures';
import { waitForOperation } from './support/operations';
import { startTestServer, type TestServer } from './support/test-server';

let server: TestServer;
let workdir: string;
let remote: BareRepository;
/** Set by the test: a commit someone else pushes right before our next push reaches the remote. */
let interleave: (() => Promise<unknown>) | undefined;

before(async () => {
  workdir = await mkdtemp(path.join(tmpdir(), 'hnp-race-'));
  remote = await BareRepository.create(workdir, 'race.git');
  const wrapRepos = (repos: GitRemotes): GitRemotes => ({
    fetch: (spec) => repos.fetch(spec),
    testConnection: (spec) => repos.testConnection(spec),
    async commitAndPush(spec, base, request, branch) {
      const other = interleave;
      interleave = undefined;
      if (other) await other();
      return repos.commitAndPush(spec, base, request, branch);
    },
  });
  server = await startTestServer({}, { wrapRepos });
});
after(async () => {
  await server.stop();
  await rm(workdir, { recursive: true, force: true });
});

test('someone pushes between our fetch and our push: ours is rejected, retried on top of theirs, and nothing of theirs is lost', async () => {
  await remote.commit({ 'r/raw/s.yaml': 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: s1\nspec:\n  description: one\n' });
  const repo = await server.query(GitCreateRepositoryDocument, { input: { name: 'race', url: remote.url } });
  const fabric = await server.query(GitCreateFabricDocument, { input: { name: 'race', gitRepositoryId: repo.createGitRepository.gitRepository!.id, gitopsDirectory: 'r' } });
  const fabricId = fabric.createFabric.fabric!.id;
  assert.equal((await waitForOperation(server, (await server.query(GitIngestDocument, { fabricId })).ingestRawFiles.syncOperation!.id)).status, 'COMPLETED');

  const s1 = (await server.query(SfResourcesDocument, { fabricId })).resources.edges[0].node;
  await server.query(SfUpdateResourceDocument, { id: s1.id, input: { spec: { description: 'edited through the API' } } });
  interleave = () => remote.commit({ 'r/managed/servers/s2.yaml': 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: s2\nspec:\n  description: pushed by a colleague\n' }, 'a colleague was faster');

  const operation = await waitForOperation(server, (await server.query(SfSyncDocument, { fabricId, direction: 'GUI_TO_GIT' })).syncFabric.syncOperation!.id);
  assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
  assert.equal((operation.details as { attempts: number }).attempts, 2, 'the first push was rejected and retried');
  const log = await remote.log(3);
  assert.match(log[0].message, /^Sync fabric race/);
  assert.equal(log[1].message, 'a colleague was faster');
  assert.match((await remote.read('r/managed/servers/s2.yaml'))!, /pushed by a colleague/, "their commit is kept");
  assert.match((await remote.read('r/managed/servers/s1.yaml'))!, /edited through the API/);
});
