import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { ArchiveStrategy, ResourceState } from '../src/entities/enums';
import { FabricPaths } from '../src/gitops/fabric-paths';
import { gitBlobSha } from '../src/gitops/git-blob';
import { planIngestion, type IngestionInput, type IngestionPlan, type SourceFile, type StoredResource } from '../src/gitops/ingestion-plan';
import { manifestHash, manifestRef, parseManifests, resourceKey } from '../src/hedgehog';
import { baseFabric } from './hedgehog/base-fabric';
import { listSampleFiles, readSample } from './hedgehog/fixtures';
import { FuzzCreateFabricDocument, FuzzCreateGitRepositoryDocument, FuzzIngestRawFilesDocument, FuzzInitializeGitopsDirectoryDocument } from './generated/operations';
import { sql, uuidOf } from './support/db-state';
import { assertProperty, fuzzSeed } from './support/fuzz-values';
import { BareRepository } from './support/git-fixtures';
import { waitForOperation } from './support/operations';
import { aliasBomb, rawFileBytes, rawFileName } from './support/raw-file-mutations';
import { startTestServer, type TestServer } from './support/test-server';

const SEED = fuzzSeed(4122026);
const PLAN_RUNS = Number(process.env.FUZZ_PLAN_RUNS ?? 50);
const E2E_RUNS = Number(process.env.FUZZ_INGEST_RUNS ?? 12);

const SAMPLES: readonly Buffer[] = listSampleFiles().map((file) => Buffer.from(readSample(file), 'utf8'));
const ARCHIVE_LOGS: ReadonlyArray<string | null> = [null, '', 'entries: [', 'entries: 5', '{{{', aliasBomb(9), 'entries:\n  - {file: raw/old.yaml}\n'];

type Batch = Array<{ name: string; bytes: Buffer; labels: string[] }>;

function batch(maxFiles: number): fc.Arbitrary<Batch> {
  return fc
    .uniqueArray(fc.tuple(rawFileName(), rawFileBytes(SAMPLES)), { minLength: 1, maxLength: maxFiles, selector: ([name]) => name.toLowerCase() })
    .map((files) => files.map(([name, { bytes, labels }]) => ({ name, bytes, labels })));
}

const describeBatch = (files: Batch) => files.map((f) => `${f.name} (${f.bytes.length} bytes: ${f.labels.join(', ') || 'as is'})`).join('; ');

/** Indexes of the documents the parser sees in a file; undefined when the file is refused whole. */
function expectedDocumentIndexes(bytes: Buffer): number[] | undefined {
  if (!isUtf8(bytes)) return undefined;
  const parsed = parseManifests(bytes.toString('utf8'));
  if (parsed.issues.some((issue) => issue.documentIndex === undefined)) return undefined;
  const indexes = new Set([...parsed.manifests.map((m) => m.documentIndex), ...parsed.issues.map((i) => i.documentIndex!)]);
  return [...indexes].sort((a, b) => a - b);
}

/** Per document of a file, the lines of its own text (without `---`/`...` markers) that must survive a move to unmanaged/. */
function documentLines(bytes: Buffer): string[][] {
  const text = bytes.toString('utf8');
  const documents = parseAllDocuments(text, { version: '1.2' });
  if (!Array.isArray(documents)) return [];
  return documents.map((document) =>
    text
      .slice(document.range[0], document.range[2])
      .replace(/^---(?=\s|$)/, '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && line !== '---' && line !== '...'),
  );
}

const sorted = (values: Array<number | null>) => [...values].sort((a, b) => (a ?? -1) - (b ?? -1));

/** The invariants of an ingestion plan: every raw document ends up managed or unmanaged (with a report), nothing is lost. */
function checkPlan(input: IngestionInput, plan: IngestionPlan, what: string): void {
  const changes = new Map(plan.changes.map((change) => [change.path, change]));
  const contentOf = (file: string | undefined): Buffer | undefined => {
    const change = file === undefined ? undefined : changes.get(file);
    return change && 'content' in change ? Buffer.from(change.content) : undefined;
  };
  for (const change of plan.changes) {
    assert.ok(change.path.startsWith(`${input.paths.root}/`), `${what}: ${change.path} lies outside the fabric directory`);
    assert.ok(!change.path.split('/').some((segment) => segment === '..' || segment === '.' || segment === ''), `${what}: unsafe path ${change.path}`);
  }

  for (const file of input.rawFiles) {
    assert.ok(changes.get(file.path) && 'delete' in changes.get(file.path)!, `${what}: ${file.path} is not removed from raw/`);
    const archived = plan.archived.find((entry) => entry.file === file.path);
    assert.ok(archived, `${what}: ${file.path} is not in the archive list`);
    if (input.archiveStrategy === ArchiveStrategy.RENAME_WITH_EXTENSION) {
      assert.ok(contentOf(archived.archivedAs ?? undefined)?.equals(file.content), `${what}: the archived copy of ${file.path} differs from the original bytes`);
    } else assert.equal(archived.archivedAs, null);
  }

  for (const file of [...input.rawFiles, ...input.unclaimedManagedFiles]) {
    const results = plan.documents.filter((d) => d.file === file.path);
    const expected = expectedDocumentIndexes(file.content);
    let linesOf: string[][] | undefined;
    if (expected === undefined) {
      assert.equal(results.length, 1, `${what}: ${file.path} is refused whole, so it has one result`);
      assert.equal(results[0].documentIndex, null);
      assert.ok(contentOf(results[0].unmanagedFile)?.equals(file.content), `${what}: unmanaged copy of ${file.path} differs from the original bytes`);
    } else {
      assert.deepEqual(sorted(results.map((d) => d.documentIndex)), expected, `${what}: documents of ${file.path} unaccounted for`);
    }
    for (const result of results) {
      if (result.outcome === 'unmanaged') {
        assert.ok(result.issues.length > 0, `${what}: ${file.path}#${result.documentIndex} went to unmanaged/ without a reason`);
        assert.ok(result.unmanagedFile?.startsWith(`${input.paths.unmanaged}/`), `${what}: ${file.path}#${result.documentIndex} has no unmanaged file`);
        const copy = contentOf(result.unmanagedFile);
        assert.ok(copy, `${what}: ${result.unmanagedFile} is not written`);
        const report = parse(contentOf(`${result.unmanagedFile}.errors.yaml`)?.toString('utf8') ?? 'null') as { source: string; documents: Array<{ documentIndex: number | null; errors: unknown[] }> } | null;
        assert.equal(report?.source, file.path, `${what}: ${result.unmanagedFile}.errors.yaml does not name its source`);
        assert.ok(report.documents.some((d) => d.documentIndex === result.documentIndex && d.errors.length > 0), `${what}: the report lacks document ${result.documentIndex}`);
        if (result.documentIndex !== null) {
          const kept = copy.toString('utf8');
          for (const line of (linesOf ??= documentLines(file.content))[result.documentIndex] ?? []) {
            assert.ok(kept.includes(line), `${what}: line ${JSON.stringify(line.slice(0, 200))} of ${file.path}#${result.documentIndex} is lost (not in ${result.unmanagedFile})`);
          }
        }
      } else {
        assert.ok(plan.resources.some((r) => r.managedFilePath === result.managedFile), `${what}: ${file.path}#${result.documentIndex} has no planned resource`);
      }
    }
  }

  for (const file of input.unclaimedManagedFiles) {
    const results = plan.documents.filter((d) => d.file === file.path);
    const moved = results.length > 0 && results.every((d) => d.outcome === 'unmanaged');
    assert.equal(changes.has(file.path) && 'delete' in changes.get(file.path)!, moved, `${what}: ${file.path} ${moved ? 'stays in managed/ though it moved to unmanaged/' : 'is removed though documents of it were imported'}`);
  }

  const keys = plan.resources.map((r) => resourceKey(manifestRef(r.manifest)));
  assert.equal(new Set(keys).size, keys.length, `${what}: an identity is planned twice`);
  for (const resource of plan.resources) {
    if (resource.outcome === 'created' || resource.outcome === 'updated') {
      const written = contentOf(resource.managedFilePath);
      assert.ok(written, `${what}: ${resource.managedFilePath} is not written`);
      assert.equal(gitBlobSha(written), resource.blobSha);
      const reread = parseManifests(written.toString('utf8'));
      assert.equal(reread.manifests.length, 1, `${what}: ${resource.managedFilePath} does not read back as one manifest`);
      assert.equal(manifestHash(reread.manifests[0].manifest), resource.fileHash, `${what}: ${resource.managedFilePath} reads back differently`);
    } else if (resource.outcome === 'unchanged') {
      assert.equal(input.existingBlobs.get(resource.managedFilePath), resource.blobSha);
    }
  }
  if (input.rawFiles.length > 0) {
    const log = parse(contentOf(input.paths.archiveLog)!.toString('utf8')) as { entries: unknown[] };
    assert.ok(Array.isArray(log.entries) && log.entries.length >= input.rawFiles.length, `${what}: archive log not written`);
  }
}

describe('ingestion parser and planner fuzzing (unit level)', () => {
  const paths = new FabricPaths('fab');
  const storedBase = new Map<string, StoredResource>(
    baseFabric().map((manifest) => [resourceKey(manifestRef(manifest)), { manifest, managedFilePath: paths.managedFile(manifest.kind, 'default', manifest.metadata.name), resourceState: ResourceState.SYNCED, fileHash: manifestHash(manifest) }]),
  );

  test(`planIngestion over mutated real samples (${PLAN_RUNS} runs): never throws, every document managed or unmanaged with a report, no byte lost`, async () => {
    const property = fc.property(
      fc.record({
        files: batch(2),
        managed: fc.option(rawFileBytes(SAMPLES), { nil: undefined, freq: 4 }),
        strategy: fc.constantFrom(ArchiveStrategy.DELETE, ArchiveStrategy.RENAME_WITH_EXTENSION),
        withStored: fc.boolean(),
        takenUnmanaged: fc.boolean(),
        archiveLogText: fc.constantFrom(...ARCHIVE_LOGS),
      }),
      ({ files, managed, strategy, withStored, takenUnmanaged, archiveLogText }) => {
        const rawFiles: SourceFile[] = files.map((f) => ({ path: `fab/raw/${f.name}`, content: f.bytes })).sort((a, b) => a.path.localeCompare(b.path));
        const unclaimedManagedFiles: SourceFile[] = managed ? [{ path: 'fab/managed/vpcs/imported.yaml', content: managed.bytes }] : [];
        const existingBlobs = new Map([...rawFiles, ...unclaimedManagedFiles].map((f) => [f.path, gitBlobSha(f.content)]));
        if (takenUnmanaged) for (const f of files) existingBlobs.set(`fab/unmanaged/${f.name}`, gitBlobSha('older'));
        const input: IngestionInput = {
          paths,
          archiveStrategy: strategy,
          operationId: randomUUID(),
          rawFiles,
          unclaimedManagedFiles,
          existingBlobs,
          stored: withStored ? storedBase : new Map(),
          archiveLogText,
        };
        const what = `${describeBatch(files)}${managed ? `; managed file (${managed.labels.join(', ')})` : ''}`;
        checkPlan(input, planIngestion(input), what);
      },
    );
    await assertProperty('ingestion plan fuzz', property, SEED, PLAN_RUNS);
  });

  const planFor = (files: Record<string, Buffer>, archiveStrategy = ArchiveStrategy.RENAME_WITH_EXTENSION): { input: IngestionInput; plan: IngestionPlan } => {
    const rawFiles = Object.entries(files).map(([name, content]) => ({ path: `fab/raw/${name}`, content }));
    const input: IngestionInput = { paths, archiveStrategy, operationId: randomUUID(), rawFiles, unclaimedManagedFiles: [], existingBlobs: new Map(), stored: new Map(), archiveLogText: null };
    return { input, plan: planIngestion(input) };
  };
  const written = (plan: IngestionPlan, file: string) => {
    const change = plan.changes.find((c) => c.path === file);
    return change && 'content' in change ? Buffer.from(change.content) : undefined;
  };

  test('regression: a rejected document that starts on its "---" line keeps its text in unmanaged/', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n--- {apiVersion: vpc.githedgehog.com/v1beta1, kind: VPC, metadata: {name: Not_Valid}, spec: {}}\n--- |\n  a literal block\n';
    const { input, plan } = planFor({ 'flow.yaml': Buffer.from(text) });
    checkPlan(input, plan, 'flow documents');
    const kept = written(plan, 'fab/unmanaged/flow.yaml')!.toString('utf8');
    assert.match(kept, /\{apiVersion: vpc\.githedgehog\.com\/v1beta1, kind: VPC, metadata: \{name: Not_Valid\}, spec: \{\}\}/);
    assert.match(kept, /a literal block/);
    assert.equal(parseAllDocuments(kept).length, 3, 'the unmanaged file holds the three documents');
  });

  test('regression: an invalid managed file no resource claims moves to unmanaged/ once, instead of being copied at every ingestion', () => {
    const invalid = Buffer.from('apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: Not_Valid\nspec: {}\n');
    const input: IngestionInput = {
      paths,
      archiveStrategy: ArchiveStrategy.DELETE,
      operationId: randomUUID(),
      rawFiles: [],
      unclaimedManagedFiles: [{ path: 'fab/managed/vpcs/not-valid.yaml', content: invalid }],
      existingBlobs: new Map([['fab/managed/vpcs/not-valid.yaml', gitBlobSha(invalid)]]),
      stored: new Map(),
      archiveLogText: null,
    };
    const plan = planIngestion(input);
    checkPlan(input, plan, 'invalid managed file');
    assert.deepEqual(written(plan, 'fab/unmanaged/not-valid.yaml'), invalid);
    assert.ok(plan.changes.some((c) => c.path === 'fab/managed/vpcs/not-valid.yaml' && 'delete' in c), 'the file leaves managed/');
  });

  test('regression: a raw file that is not UTF-8 is refused whole and kept byte for byte (unmanaged/ and archive)', () => {
    const latin1 = Buffer.from('# Fabric für Köln\napiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata: {name: vpc-1}\nspec: {}\n', 'latin1');
    const { input, plan } = planFor({ 'latin1.yaml': latin1 });
    checkPlan(input, plan, 'latin-1 file');
    assert.deepEqual(written(plan, 'fab/unmanaged/latin1.yaml'), latin1);
    assert.deepEqual(written(plan, 'fab/raw/latin1.yaml.archived'), latin1);
    const [result] = plan.documents;
    assert.equal(result.outcome, 'unmanaged');
    assert.equal(result.issues[0].rule, 'ingestion.not-utf8');
    assert.match(written(plan, 'fab/unmanaged/latin1.yaml.errors.yaml')!.toString('utf8'), /not valid UTF-8/);
  });
});

const run = promisify(execFile);

/** A file's bytes at the head of `main` (null when absent). */
async function readBytes(remote: BareRepository, file: string): Promise<Buffer | null> {
  try {
    const { stdout } = await run('git', ['show', `main:${file}`], { cwd: remote.dir, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch {
    return null;
  }
}

interface DocumentReport {
  file: string;
  documentIndex: number | null;
  kind?: string;
  name?: string;
  outcome: string;
  managedFile?: string;
  unmanagedFile?: string;
}

describe('ingestRawFiles end to end (real server, PostgreSQL, bare repository)', () => {
  let server: TestServer;
  let workdir: string;
  let remote: BareRepository;
  const fabrics: Record<'delete' | 'rename', { id: string; dir: string }> = {} as never;

  before(async () => {
    server = await startTestServer();
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-fuzz-ingest-'));
    remote = await BareRepository.create(workdir, 'fabric.git');
    const repository = await server.query(FuzzCreateGitRepositoryDocument, { input: { name: 'fuzz-ingest', url: remote.url } });
    const repositoryId = repository.createGitRepository.gitRepository!.id;
    for (const [key, archiveStrategy] of [['delete', 'DELETE'], ['rename', 'RENAME_WITH_EXTENSION']] as const) {
      const created = await server.query(FuzzCreateFabricDocument, { input: { name: `fuzz-ingest-${key}`, gitRepositoryId: repositoryId, gitopsDirectory: key, archiveStrategy } });
      assert.deepEqual(created.createFabric.userErrors, []);
      const id = created.createFabric.fabric!.id;
      const queued = await server.query(FuzzInitializeGitopsDirectoryDocument, { fabricId: id, force: false });
      assert.equal((await waitForOperation(server, queued.initializeGitopsDirectory.syncOperation!.id)).status, 'COMPLETED');
      fabrics[key] = { id, dir: key };
    }
  });

  after(async () => {
    await server?.stop();
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  test(`raw files dropped into Git and ingested through GraphQL (${E2E_RUNS} runs): completed, nothing lost or half-applied`, async () => {
    const property = fc.asyncProperty(fc.record({ which: fc.constantFrom<'delete' | 'rename'>('delete', 'rename'), files: batch(3) }), async ({ which, files }) => {
      const fabric = fabrics[which];
      const what = `${which}: ${describeBatch(files)}`;
      const dropped = Object.fromEntries(files.map((f) => [`${fabric.dir}/raw/${f.name}`, f.bytes]));
      await remote.commit(dropped, 'drop raw files');

      const queued = await server.query(FuzzIngestRawFilesDocument, { fabricId: fabric.id });
      assert.deepEqual(queued.ingestRawFiles.userErrors, [], what);
      const operation = await waitForOperation(server, queued.ingestRawFiles.syncOperation!.id);
      assert.equal(operation.status, 'COMPLETED', `${what}: ${operation.errorMessage}`);

      const repoFiles = new Set(await remote.files(fabric.dir));
      const details = operation.details as { documents: DocumentReport[]; archived: Array<{ file: string; archivedAs: string | null }> };
      for (const [file, bytes] of Object.entries(dropped)) {
        assert.ok(!repoFiles.has(file), `${what}: ${file} is still in raw/`);
        const archived = details.archived.find((entry) => entry.file === file);
        assert.ok(archived, `${what}: ${file} is not archived`);
        if (which === 'rename') assert.ok((await readBytes(remote, archived.archivedAs!))?.equals(bytes), `${what}: ${archived.archivedAs} differs from the dropped bytes`);
        const results = details.documents.filter((d) => d.file === file);
        for (const result of results) {
          if (result.outcome === 'unmanaged') {
            assert.ok(repoFiles.has(result.unmanagedFile!) && repoFiles.has(`${result.unmanagedFile}.errors.yaml`), `${what}: ${file}#${result.documentIndex} is not in unmanaged/ with a report`);
            if (result.documentIndex === null) assert.ok((await readBytes(remote, result.unmanagedFile!))?.equals(bytes), `${what}: unmanaged copy of ${file} differs`);
          } else assert.ok(repoFiles.has(result.managedFile!), `${what}: ${result.managedFile} missing`);
        }
        if (results.length === 0) assert.equal(expectedDocumentIndexes(bytes)?.length, 0, `${what}: ${file} has documents but no results`);
      }

      // Database and Git agree: every row has its managed file with the same manifest, every managed file has its row.
      const rows = await sql<{ kind: string; name: string; managed_file_path: string; file_hash: string; resource_state: string }>(
        server,
        'select kind, name, managed_file_path, file_hash, resource_state from hedgehog_resource where fabric_id = ?',
        [uuidOf(fabric.id, 'HedgehogFabric')],
      );
      for (const row of rows) {
        assert.equal(row.resource_state, 'synced', `${what}: ${row.kind} ${row.name} is ${row.resource_state}`);
        const text = (await readBytes(remote, row.managed_file_path))?.toString('utf8');
        assert.ok(text, `${what}: ${row.managed_file_path} of ${row.kind} ${row.name} is not in Git`);
        const [manifest] = parseManifests(text).manifests;
        assert.equal(manifest && manifestHash(manifest.manifest), row.file_hash, `${what}: ${row.managed_file_path} and the database disagree`);
      }
      const claimed = new Set(rows.map((row) => row.managed_file_path));
      for (const file of repoFiles) {
        if (/\/managed\/[^/]+\/[^/]+\.ya?ml$/i.test(file)) assert.ok(claimed.has(file), `${what}: ${file} has no database row`);
      }
      for (const result of details.documents) {
        if (['created', 'updated', 'unchanged'].includes(result.outcome)) {
          assert.ok(rows.some((row) => row.kind === result.kind && row.name === result.name && row.managed_file_path === result.managedFile), `${what}: ${result.kind} ${result.name} not in the database`);
        }
      }
      const open = await sql<{ n: number }>(server, `select count(*)::int as n from sync_operation where status in ('pending', 'in_progress')`);
      assert.equal(open[0].n, 0, `${what}: an operation is left open`);
    });
    await assertProperty('ingestion end-to-end fuzz', property, SEED, E2E_RUNS);
  });

  test('regression: a latin-1 raw file ingested through GraphQL keeps its bytes in unmanaged/ and in the archive', async () => {
    const latin1 = Buffer.from('# Fabric für Köln\nkind: VPC\n', 'latin1');
    await remote.commit({ 'rename/raw/koeln.yaml': latin1 }, 'drop a latin-1 file');
    const queued = await server.query(FuzzIngestRawFilesDocument, { fabricId: fabrics.rename.id });
    const operation = await waitForOperation(server, queued.ingestRawFiles.syncOperation!.id);
    assert.equal(operation.status, 'COMPLETED', operation.errorMessage);
    const details = operation.details as { documents: DocumentReport[]; archived: Array<{ file: string; archivedAs: string | null }> };
    const result = details.documents.find((d) => d.file === 'rename/raw/koeln.yaml')!;
    assert.equal(result.outcome, 'unmanaged');
    assert.deepEqual(await readBytes(remote, result.unmanagedFile!), latin1);
    assert.deepEqual(await readBytes(remote, details.archived.find((a) => a.file === 'rename/raw/koeln.yaml')!.archivedAs!), latin1);
    assert.match((await remote.read(`${result.unmanagedFile}.errors.yaml`))!, /ingestion\.not-utf8/);
  });
});
