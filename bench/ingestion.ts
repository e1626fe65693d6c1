/**
 * Ingestion end to end: a generated 10,000-resource fabric dropped into raw/ (10 files) of a file://
 * repository, `ingestRawFiles` timed from the mutation to the operation's completion (fetch, validate,
 * write, commit, push, DB apply), commit size and peak RSS; baseline: `git fast-import` building the same
 * managed tree. Uses TEST_DATABASE_URL / DATABASE_URL when set, embedded PGlite otherwise.
 * Run: npm run build && node dist/bench/ingestion.js
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../src/config';
import { findKind } from '../src/hedgehog/kinds';
import { renderManifestYaml } from '../src/hedgehog/yaml-render';
import { startServer } from '../src/server/server';
import { BareRepository, git } from '../test/support/git-fixtures';
import { createTestDatabase, serverUrl } from '../test/support/test-database';
import { generateFabric } from './generated-fabric';
import { gql } from './graphql-http';
import { writeResult } from './results';

/** The same managed files, written by `git fast-import` into a fresh bare repository. */
async function fastImportBaseline(workdir: string, files: Array<{ path: string; content: string }>): Promise<number> {
  const target = await BareRepository.create(workdir, 'baseline.git');
  const lines: string[] = ['commit refs/heads/main', 'committer Bench <bench@example.net> 1700000000 +0000', 'data 5', 'bench', ''];
  const stream = [lines.join('\n')];
  for (const file of files) {
    const bytes = Buffer.byteLength(file.content);
    stream.push(`M 100644 inline ${file.path}\ndata ${bytes}\n${file.content}\n`);
  }
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet'], { cwd: target.dir });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}`))));
    child.stdin.end(stream.join(''));
  });
  return performance.now() - started;
}

async function main(): Promise<void> {
  const workdir = await mkdtemp(path.join(tmpdir(), 'hnp-bench-ingest-'));
  const database = serverUrl() ? await createTestDatabase() : { url: undefined, drop: async () => {} };
  const token = `hnp_bench_${randomBytes(12).toString('hex')}`;
  const fabric = generateFabric();
  const rawFiles: Record<string, string> = {};
  const perFile = Math.ceil(fabric.length / 10);
  for (let f = 0; f < 10; f++) {
    rawFiles[`fab/raw/part-${f}.yaml`] = fabric.slice(f * perFile, (f + 1) * perFile).map((m) => stringify(m)).join('---\n');
  }
  const remote = await BareRepository.create(workdir, 'fabric.git');
  await remote.commit(rawFiles, 'drop 10,000 resources into raw/');

  const server = await startServer(
    { ...loadConfig({}), port: 0, dataDir: path.join(workdir, 'data'), databaseUrl: database.url, adminToken: token, secretKey: randomBytes(32).toString('hex'), logLevel: 'warn', syncPollIntervalMs: 200, syncPolling: false },
    { log: pino({ level: 'warn' }) },
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
  try {
    const repo = await gql(server.url, token, `mutation($url: String!) { createGitRepository(input: {name: "bench", url: $url}) { gitRepository { id } } }`, { url: remote.url });
    const created = await gql(server.url, token, `mutation($r: ID!) { createFabric(input: {name: "bench", gitRepositoryId: $r, gitopsDirectory: "fab"}) { fabric { id } } }`, {
      r: repo.createGitRepository.gitRepository.id,
    });
    const fabricId = created.createFabric.fabric.id as string;
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const queued = await gql(server.url, token, `mutation($f: ID!) { ingestRawFiles(fabricId: $f) { syncOperation { id } } }`, { f: fabricId });
    const id = queued.ingestRawFiles.syncOperation.id as string;
    let operation: Record<string, any>;
    for (;;) {
      operation = (await gql(server.url, token, `query($id: ID!) { syncOperation(id: $id) { status errorMessage commitSha details filesCreated } }`, { id })).syncOperation;
      if (['COMPLETED', 'FAILED'].includes(operation.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const endToEndMs = performance.now() - started;
    if (operation.status !== 'COMPLETED') throw new Error(`ingestion failed: ${operation.errorMessage}`);
    const summary = operation.details.summary as Record<string, number>;
    const timings = operation.details.stageTimings as Array<{ stage: string; ms: number }>;
    const managed = (await git(remote.dir, 'ls-tree', '-r', '-l', 'main', '--', 'fab/managed')).split('\n').filter(Boolean);
    const managedBytes = managed.reduce((sum, line) => sum + Number(line.split(/\s+/)[3] || 0), 0);
    const objects = await git(remote.dir, 'count-objects', '-v');

    const files = fabric.map((m) => ({ path: `fab/managed/${findKind(m.kind)!.plural}/${m.metadata.name}.yaml`, content: renderManifestYaml(m) }));
    const baselineMs = await fastImportBaseline(workdir, files);

    const result = {
      database: database.url ? 'postgresql' : 'embedded',
      resources: fabric.length,
      summary,
      endToEndMs: Math.round(endToEndMs),
      stageTimings: timings,
      commitFiles: operation.filesCreated,
      managedFiles: managed.length,
      managedBytes,
      repositoryObjects: objects.trim().split('\n').join(', '),
      peakRssMiB: Math.round(peakRss / 1024 / 1024),
      rssBeforeMiB: Math.round(rssBefore / 1024 / 1024),
      baselineGitFastImportMs: Math.round(baselineMs),
      ratioToGitCli: Number((endToEndMs / baselineMs).toFixed(1)),
      target: { description: 'ingest 10,000 resources end to end', limitMs: 10_000, valueMs: Math.round(endToEndMs), pass: endToEndMs < 10_000 },
    };
    console.log(JSON.stringify(result, null, 2));
    writeResult('ingestion', result);
  } finally {
    clearInterval(sampler);
    await server.stop();
    await database.drop();
    await rm(workdir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
