import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { KINDS } from '../src/hedgehog/kinds';
import { manifestHash } from '../src/hedgehog/manifest';
import { parseManifests } from '../src/hedgehog/parse-manifests';
import {
  GitCreateFabricDocument,
  GitCreateRepositoryDocument,
  GitFabricStateDocument,
  GitIngestDocument,
  GitInitDirectoryDocument,
  GitResourcesDocument,
  GitTestConnectionDocument,
  type CreateGitRepositoryInput,
} from './generated/operations';
import { BareRepository } from './support/git-fixtures';
import { waitForOperation, type FinishedOperation } from './support/operations';
import { startTestServer, type TestServer } from './support/test-server';

const SAMPLES = path.resolve(__dirname, '../../../shared/fixtures/hedgehog/samples');
const sample = (file: string) => readFileSync(path.join(SAMPLES, file), 'utf8');
const AUTHOR = { commitAuthorName: 'Fabric Bot', commitAuthorEmail: 'fabric-bot@example.net' };

describe('GitOps operations on real repositories (file://)', () => {
  let server: TestServer;
  let workdir: string;
  let counter = 0;

  before(async () => {
    server = await startTestServer();
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-gitops-'));
  });
  after(async () => {
    await server.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  async function fabricOn(remote: BareRepository | string, directory: string, repository: Partial<CreateGitRepositoryInput> = {}): Promise<{ fabricId: string; repositoryId: string }> {
    counter++;
    const url = typeof remote === 'string' ? remote : remote.url;
    const repo = await server.query(GitCreateRepositoryDocument, { input: { name: `repo-${counter}`, url, ...AUTHOR, ...repository } });
    assert.deepEqual(repo.createGitRepository.userErrors, []);
    const repositoryId = repo.createGitRepository.gitRepository!.id;
    const fabric = await server.query(GitCreateFabricDocument, { input: { name: `fabric-${counter}`, gitRepositoryId: repositoryId, gitopsDirectory: directory } });
    assert.deepEqual(fabric.createFabric.userErrors, []);
    return { fabricId: fabric.createFabric.fabric!.id, repositoryId };
  }

  async function init(fabricId: string, force = false): Promise<FinishedOperation> {
    const queued = await server.query(GitInitDirectoryDocument, { fabricId, force });
    assert.deepEqual(queued.initializeGitopsDirectory.userErrors, []);
    return waitForOperation(server, queued.initializeGitopsDirectory.syncOperation!.id);
  }

  async function ingest(fabricId: string): Promise<FinishedOperation> {
    const queued = await server.query(GitIngestDocument, { fabricId });
    assert.deepEqual(queued.ingestRawFiles.userErrors, []);
    return waitForOperation(server, queued.ingestRawFiles.syncOperation!.id);
  }

  async function resources(fabricId: string) {
    return (await server.query(GitResourcesDocument, { fabricId })).resources.edges.map((e) => e.node);
  }

  test('initializeGitopsDirectory creates the whole layout in one commit by the configured author', async () => {
    const remote = await BareRepository.create(workdir, 'init.git');
    await remote.commit({ 'README.md': 'repository readme\n', 'fabrics/dc1/README.md': 'our own notes\n' });
    const { fabricId } = await fabricOn(remote, '/fabrics/dc1/');
    const before = await remote.commitCount();

    const operation = await init(fabricId);
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    assert.equal(await remote.commitCount(), before + 1);
    const files = await remote.files('fabrics/dc1');
    for (const expected of ['fabrics/dc1/.hnp/manifest.yaml', 'fabrics/dc1/.hnp/archive-log.yaml', 'fabrics/dc1/raw/.gitkeep', 'fabrics/dc1/unmanaged/.gitkeep']) {
      assert.ok(files.includes(expected), `${expected} missing from ${files.join(', ')}`);
    }
    for (const kind of KINDS) assert.ok(files.includes(`fabrics/dc1/managed/${kind.plural}/.gitkeep`), `managed/${kind.plural} missing`);
    assert.equal(await remote.read('fabrics/dc1/README.md'), 'our own notes\n', 'an existing file is kept');
    const [commit] = await remote.log();
    assert.equal(commit.author, 'Fabric Bot');
    assert.equal(commit.committerEmail, 'fabric-bot@example.net');
    assert.match(commit.message, /^Initialize GitOps directory for fabric/);
    assert.match(commit.message, /Sync-Operation: [0-9a-f-]{36}$/);
    assert.equal(operation.commitSha, await remote.head());

    const state = (await server.query(GitFabricStateDocument, { id: fabricId })).fabric!;
    assert.equal(state.gitopsDirectoryStatus, 'INITIALIZED');
    assert.ok(state.lastDirectorySync);

    const again = await init(fabricId);
    assert.equal(again.status, 'COMPLETED');
    assert.equal(await remote.commitCount(), before + 1, 're-running is a no-op');
  });

  test('a directory that cannot hold the layout is reported as INVALID_STRUCTURE and nothing is written', async () => {
    const remote = await BareRepository.create(workdir, 'invalid.git');
    await remote.commit({ 'dc2/managed': 'a file where a folder must be\n' });
    const { fabricId } = await fabricOn(remote, 'dc2');
    const head = await remote.head();
    const operation = await init(fabricId);
    assert.equal(operation.status, 'FAILED');
    assert.match(operation.errorMessage, /"dc2\/managed" is a file/);
    assert.equal(await remote.head(), head);
    const state = (await server.query(GitFabricStateDocument, { id: fabricId })).fabric!;
    assert.equal(state.gitopsDirectoryStatus, 'INVALID_STRUCTURE');
    assert.match(state.directoryInitError, /is a file/);
  });

  test('ingesting the docs wiring diagram: one managed file per resource, the Gateway document unmanaged with a report', async () => {
    const remote = await BareRepository.create(workdir, 'docs.git');
    const { fabricId } = await fabricOn(remote, '');
    assert.equal((await init(fabricId)).status, 'COMPLETED');
    await remote.commit({ 'raw/wiring_diagram.yaml': sample('docs/wiring_diagram.yaml') }, 'drop the wiring diagram');

    const operation = await ingest(fabricId);
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    const [commit] = await remote.log();
    assert.equal(commit.author, 'Fabric Bot');
    assert.match(commit.message, /^Ingest 1 raw file/);

    const expected = parseManifests(sample('docs/wiring_diagram.yaml')).manifests.map((m) => m.manifest);
    const stored = await resources(fabricId);
    assert.equal(stored.length, expected.length);
    const managed = await remote.files('managed');
    for (const manifest of expected) {
      const plural = KINDS.find((k) => k.kind === manifest.kind)!.plural;
      const file = `managed/${plural}/${manifest.metadata.name}.yaml`;
      assert.ok(managed.includes(file), `${file} missing`);
      const row = stored.find((r) => r.kind === manifest.kind && r.name === manifest.metadata.name)!;
      assert.equal(row.managedFilePath, file);
      assert.equal(row.resourceState, 'SYNCED');
      assert.equal(await remote.read(file), row.yaml, 'the DB row renders to the file');
      assert.equal(row.fileHash, manifestHash(parseManifests(row.yaml).manifests[0].manifest));
    }
    const unmanaged = await remote.files('unmanaged');
    assert.ok(unmanaged.includes('unmanaged/wiring_diagram.yaml'));
    const report = parse((await remote.read('unmanaged/wiring_diagram.yaml.errors.yaml'))!) as { source: string; documents: Array<{ errors: Array<{ kind: string; rule: string }> }> };
    assert.equal(report.source, 'raw/wiring_diagram.yaml');
    assert.ok(report.documents.some((d) => d.errors.some((e) => e.kind === 'Gateway' || /gateway/i.test(e.rule))), JSON.stringify(report));
    assert.match((await remote.read('unmanaged/wiring_diagram.yaml'))!, /kind: Gateway/);
    assert.ok((await remote.files('raw')).includes('raw/wiring_diagram.yaml.archived'));
    assert.ok(!(await remote.files('raw')).includes('raw/wiring_diagram.yaml'));
    const log = parse((await remote.read('.hnp/archive-log.yaml'))!) as { entries: Array<{ file: string; ingested: number; unmanaged: number }> };
    assert.equal(log.entries.at(-1)!.file, 'raw/wiring_diagram.yaml');
    assert.equal(log.entries.at(-1)!.ingested, expected.length);
    assert.equal(operation.filesProcessed, 1);
    assert.equal(operation.filesCreated, expected.length + 2);
    assert.equal(operation.commitSha, await remote.head());

    const head = await remote.head();
    const again = await ingest(fabricId);
    assert.equal(again.status, 'COMPLETED');
    assert.equal(again.commitSha, null);
    assert.equal(await remote.head(), head, 're-ingesting with nothing new makes no commit');
  });

  test('an edited raw file updates the resource and its managed file in place; half-valid files keep their valid half', async () => {
    const remote = await BareRepository.create(workdir, 'edit.git');
    const { fabricId } = await fabricOn(remote, 'fab');
    assert.equal((await init(fabricId)).status, 'COMPLETED');
    const base = [
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\nspec:\n  subnets: [10.0.0.0/16]',
      'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\nspec:\n  ranges: [{from: 1000, to: 2999}]',
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001',
    ].join('\n---\n');
    await remote.commit({ 'fab/raw/base.yaml': base });
    assert.equal((await ingest(fabricId)).status, 'COMPLETED');
    const vpcBefore = await remote.read('fab/managed/vpcs/vpc-1.yaml');
    assert.match(vpcBefore!, /vlan: 1001/);

    const edited = [
      '# the VPC moves to VLAN 1002',
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1002',
      '---',
      'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-with-a-far-too-long-name\nspec:\n  subnets:\n    default:\n      subnet: 10.0.2.0/24',
      '---',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-ours\ndata:\n  key: value',
    ].join('\n');
    await remote.commit({ 'fab/raw/base.yaml': edited });
    const operation = await ingest(fabricId);
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    const managed = await remote.files('fab/managed/vpcs');
    assert.deepEqual(managed.filter((f) => f.endsWith('.yaml')), ['fab/managed/vpcs/vpc-1.yaml'], 'no -1 duplicates');
    assert.match((await remote.read('fab/managed/vpcs/vpc-1.yaml'))!, /vlan: 1002/);
    const vpc = (await resources(fabricId)).find((r) => r.name === 'vpc-1')!;
    assert.equal((vpc.spec as { subnets: { default: { vlan: number } } }).subnets.default.vlan, 1002);
    const unmanagedText = (await remote.read('fab/unmanaged/base.yaml'))!;
    assert.match(unmanagedText, /vpc-with-a-far-too-long-name/);
    assert.match(unmanagedText, /kind: ConfigMap/);
    const report = (await remote.read('fab/unmanaged/base.yaml.errors.yaml'))!;
    assert.match(report, /vpc\.name\.max-length|metadata\.name\.max-length|11/);
    assert.ok((await remote.files('fab/raw')).includes('fab/raw/base.yaml.1.archived'), 'second archive of the same name gets a suffix');
    const details = operation.details as { summary: Record<string, number> };
    assert.equal(details.summary.updated, 1);
    assert.equal(details.summary.unmanaged, 2);
  });

  test('bad input: malformed YAML, an alias bomb, legacy objects, documents without kind/name and duplicate identities are all reported, nothing lost', async () => {
    const remote = await BareRepository.create(workdir, 'bad.git');
    const { fabricId } = await fabricOn(remote, 'bad');
    assert.equal((await init(fabricId)).status, 'COMPLETED');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    const server1 = 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: server-1\nspec:\n  description: first claim';
    const server1b = 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: server-1\nspec:\n  description: second claim';
    await remote.commit({
      'bad/raw/malformed.yaml': 'kind: VPC\nmetadata: [unclosed\n',
      'bad/raw/bomb.yaml': bomb,
      'bad/raw/legacy.yaml': sample('fabric-legacy-v1alpha2/collapsedcore.lab.gen.yaml'),
      'bad/raw/incomplete.yml': 'apiVersion: wiring.githedgehog.com/v1beta1\nspec: {}\n---\nkind: Server\nspec: {}\n',
      'bad/raw/claim-a.yaml': server1,
      'bad/raw/claim-b.yaml': server1b,
    });
    const operation = await ingest(fabricId);
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    assert.equal((await resources(fabricId)).length, 0, 'nothing bad reached the database');
    const unmanaged = await remote.files('bad/unmanaged');
    for (const name of ['malformed.yaml', 'bomb.yaml', 'legacy.yaml', 'incomplete.yml', 'claim-a.yaml', 'claim-b.yaml']) {
      assert.ok(unmanaged.includes(`bad/unmanaged/${name}`), `${name} not in unmanaged/`);
      assert.ok(unmanaged.includes(`bad/unmanaged/${name}.errors.yaml`), `${name} has no report`);
    }
    assert.equal(await remote.read('bad/unmanaged/malformed.yaml'), 'kind: VPC\nmetadata: [unclosed\n', 'the original bytes are kept');
    assert.match((await remote.read('bad/unmanaged/claim-a.yaml.errors.yaml'))!, /duplicate-identity/);
    assert.match((await remote.read('bad/unmanaged/claim-b.yaml.errors.yaml'))!, /duplicate-identity/);
    assert.match((await remote.read('bad/unmanaged/legacy.yaml.errors.yaml'))!, /legacy/);
    assert.match((await remote.read('bad/unmanaged/bomb.yaml.errors.yaml'))!, /alias/i);
    assert.deepEqual((await remote.files('bad/raw')).filter((f) => /\.ya?ml$/.test(f)), [], 'every raw file was archived');
  });

  test('unreachable remotes, missing repositories and missing branches fail the operation clearly and change nothing', async () => {
    const { fabricId, repositoryId } = await fabricOn('http://127.0.0.1:9/nothing.git', 'x', { timeoutSeconds: 5 });
    const operation = await ingest(fabricId);
    assert.equal(operation.status, 'FAILED');
    assert.match(operation.errorMessage, /127\.0\.0\.1:9/);
    const tested = (await server.query(GitTestConnectionDocument, { id: repositoryId })).testGitRepositoryConnection.gitRepository!;
    assert.equal(tested.connectionStatus, 'FAILED');
    assert.ok(tested.validationError.length > 0);
    assert.ok(tested.lastValidated);

    const missing = await fabricOn(`file://${workdir}/does-not-exist.git`, 'x');
    const failed = await init(missing.fabricId);
    assert.equal(failed.status, 'FAILED');
    assert.equal((await server.query(GitFabricStateDocument, { id: missing.fabricId })).fabric!.gitopsDirectoryStatus, 'ERROR');

    const remote = await BareRepository.create(workdir, 'branchless.git');
    await remote.commit({ 'README.md': 'x\n' });
    const other = await fabricOn(remote, 'y', { defaultBranch: 'production' });
    const nothing = await ingest(other.fabricId);
    assert.equal(nothing.status, 'COMPLETED');
    assert.match(String((nothing.details as { result?: string }).result), /does not exist/);
    const ok = (await server.query(GitTestConnectionDocument, { id: other.repositoryId })).testGitRepositoryConnection.gitRepository!;
    assert.equal(ok.connectionStatus, 'CONNECTED');
    assert.match(ok.validationError, /production/);
  });

  test('a 50 MB raw file and a file of 20,000 documents are refused whole, kept in unmanaged/ and reported', async () => {
    const remote = await BareRepository.create(workdir, 'huge.git');
    const { fabricId } = await fabricOn(remote, 'huge');
    assert.equal((await init(fabricId)).status, 'COMPLETED');
    const big = `# padding\n${'x'.repeat(50 * 1024 * 1024)}\n`;
    const many = Array.from({ length: 20_000 }, (_, i) => `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: s-${i}\nspec: {}`).join('\n---\n');
    await remote.commit({ 'huge/raw/big.yaml': big, 'huge/raw/many.yaml': many });
    const operation = await ingest(fabricId);
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    assert.equal((await resources(fabricId)).length, 0);
    assert.match((await remote.read('huge/unmanaged/big.yaml.errors.yaml'))!, /too-large/);
    assert.match((await remote.read('huge/unmanaged/many.yaml.errors.yaml'))!, /too-many-documents/);
    assert.equal((await remote.read('huge/unmanaged/many.yaml'))!, many, 'nothing lost');
    assert.equal((await remote.read('huge/unmanaged/big.yaml'))!.length, big.length);
  });

  test('a fabric directory that does not exist yet has nothing to ingest', async () => {
    const remote = await BareRepository.create(workdir, 'nodir.git');
    await remote.commit({ 'elsewhere/file.txt': 'x\n' });
    const { fabricId } = await fabricOn(remote, 'not/there');
    const head = await remote.head();
    const operation = await ingest(fabricId);
    assert.equal(operation.status, 'COMPLETED');
    assert.match(String((operation.details as { result?: string }).result), /"not\/there" does not exist/);
    assert.equal(await remote.head(), head);
  });

  test('a repository that already holds managed files is imported', async () => {
    const remote = await BareRepository.create(workdir, 'import.git');
    await remote.commit({
      'site/managed/ipv4namespaces/default.yaml': 'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\nspec:\n  subnets: [10.1.0.0/16]\n',
      'site/managed/servers/web-1.yaml': 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata:\n  name: web-1\nspec:\n  description: imported\n',
    });
    const { fabricId } = await fabricOn(remote, 'site');
    const head = await remote.head();
    const operation = await ingest(fabricId);
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    assert.equal(await remote.head(), head, 'importing writes nothing to Git');
    const rows = await resources(fabricId);
    assert.deepEqual(rows.map((r) => `${r.kind}/${r.name}@${r.managedFilePath}`).sort(), [
      'IPv4Namespace/default@site/managed/ipv4namespaces/default.yaml',
      'Server/web-1@site/managed/servers/web-1.yaml',
    ]);
    assert.ok(rows.every((r) => r.resourceState === 'SYNCED'));
  });
});
