/**
 * Ingestion end to end at 10,000 and 50,000 resources: a generated fabric dropped into raw/ (10 files) of a file://
 * repository, `ingestRawFiles` timed from the mutation to the operation's completion (fetch, validate, write,
 * commit, push, DB apply), and the server's RSS after it. Baseline in the same run: `git fast-import` building the
 * same managed tree into a fresh bare repository. The server runs as its own process on its own database.
 * Run: npm run build && node dist/bench/ingestion.js   (BENCH_SIZES=10000,50000)
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { findKind } from '../src/hedgehog/kinds';
import { renderManifestYaml } from '../src/hedgehog/yaml-render';
import { BareRepository, git } from '../test/support/git-fixtures';
import { generateFabric } from './generated-fabric';
import { GitopsHarness } from './gitops-harness';
import { progress, row, writeResult, type SummaryRow } from './results';

const SIZES = (process.env.BENCH_SIZES ?? '10000,50000').split(',').map(Number);

/** The same managed files, written by `git fast-import` into a fresh bare repository. */
async function fastImportBaseline(workdir: string, name: string, files: Array<{ path: string; content: string }>): Promise<number> {
  const target = await BareRepository.create(workdir, name);
  const stream = ['commit refs/heads/main\ncommitter Bench <bench@example.net> 1700000000 +0000\ndata 5\nbench\n'];
  for (const file of files) stream.push(`M 100644 inline ${file.path}\ndata ${Buffer.byteLength(file.content)}\n${file.content}\n`);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet'], { cwd: target.dir });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}`))));
    child.stdin.end(stream.join(''));
  });
  return performance.now() - started;
}

async function main(): Promise<void> {
  const harness = await GitopsHarness.start('ingest');
  const rows: SummaryRow[] = [];
  const figures: Record<string, unknown> = {};
  try {
    const rssIdle = await harness.rssMiB();
    for (const size of SIZES) {
      const fabric = generateFabric(size);
      const { remote, fabricId } = await harness.fabricWithRawFiles(`ingest-${size}`, fabric);
      progress('ingestion', `ingesting ${size} resources`);
      const ingestion = await harness.ingest(fabricId);
      const rssAfter = await harness.rssMiB();
      const managed = (await git(remote.dir, 'ls-tree', '-r', '--name-only', 'main', '--', 'fab/managed')).split('\n').filter(Boolean).length;
      const files = fabric.map((m) => ({ path: `fab/managed/${findKind(m.kind)!.plural}/${m.metadata.name}.yaml`, content: renderManifestYaml(m) }));
      const baselineMs = await fastImportBaseline(harness.workdir, `baseline-${size}.git`, files);
      progress('ingestion', `${size}: ${Math.round(ingestion.ms)} ms (git fast-import ${Math.round(baselineMs)} ms), ${managed} managed files, server RSS ${rssAfter} MiB`);
      if (managed !== size) throw new Error(`expected ${size} managed files, got ${managed}`);
      figures[size] = {
        endToEndMs: Math.round(ingestion.ms), baselineGitFastImportMs: Math.round(baselineMs), managedFiles: managed,
        summary: ingestion.operation.details.summary, stageTimings: ingestion.operation.details.stageTimings, serverRssAfterMiB: rssAfter,
      };
      const limit = size <= 10_000 ? 10_000 : 60_000;
      rows.push(
        row(`ingest ${size} resources end to end`, ingestion.ms, 'ms', { baseline: baselineMs, baselineName: 'git fast-import of the same tree', target: `< ${limit / 1000} s`, pass: ingestion.ms < limit }),
        row(`server RSS after ingesting ${size}`, rssAfter, 'MiB', { baseline: rssIdle, baselineName: 'idle' }),
      );
    }
    writeResult('ingestion', { database: 'postgresql', serverRssIdleMiB: rssIdle, figures, rows });
  } finally {
    await harness.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
