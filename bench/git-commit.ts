/**
 * Commit builder speed: 10,000 generated YAML files (~300 bytes) under fabric/managed/<plural>/ committed into a
 * fresh bare repository over file:// by RepositoryCache.commitAndPush (blobs, trees, commit, push), against the
 * git CLI building the same tree with `git fast-import` (the near-physical baseline). Also: reading the tree back
 * (listFiles + readFile of every file from a fresh cache) and an incremental commit touching 110 files.
 * `ratio` compares commitAndPush (including the push over file://) with fast-import; `ratioWithoutPush` compares
 * the same work fast-import does (objects + commit).
 * Run: npx tsc -p tsconfig.json && node dist/bench/git-commit.js   (BENCH_GIT_FILES=… to change the count)
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { GitAuthenticationType } from '../src/entities/enums';
import type { FileChange, RemoteSpec } from '../src/gitops/git-types';
import { RepositoryCache } from '../src/gitops/repository-cache';
import { row, writeResult } from './results';

const FILES = Number(process.env.BENCH_GIT_FILES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_GIT_ROUNDS ?? 3);
const PLURALS = [
  'vpcs', 'vpcattachments', 'vpcpeerings', 'ipv4namespaces', 'externals', 'externalattachments', 'externalpeerings',
  'connections', 'servers', 'switches', 'switchgroups', 'vlannamespaces', 'switchprofiles', 'serverprofiles',
];
const AUTHOR = { name: 'HNP Bidirectional Sync', email: 'hnp-sync@hedgehog.gitops' };
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const run = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, env: GIT_ENV, maxBuffer: 256 * 1024 * 1024 })).stdout;
}

function generateFiles(count: number): Array<{ path: string; content: Buffer }> {
  const files: Array<{ path: string; content: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    const plural = PLURALS[i % PLURALS.length];
    const name = `${plural.slice(0, 6)}-${String(i).padStart(5, '0')}`;
    const yaml =
      `apiVersion: vpc.githedgehog.com/v1beta1\nkind: ${plural}\nmetadata:\n  name: ${name}\n  namespace: default\n` +
      `  labels:\n    fabric: bench\n    index: "${i}"\nspec:\n  ipv4Namespace: default\n  vlanNamespace: default\n` +
      `  subnets:\n    default:\n      subnet: 10.${(i >> 8) & 255}.${i & 255}.0/24\n      gateway: 10.${(i >> 8) & 255}.${i & 255}.1\n` +
      `      vlan: ${1000 + (i % 3000)}\n      dhcp:\n        enable: true\n`;
    files.push({ path: `fabric/managed/${plural}/${name}.yaml`, content: Buffer.from(yaml) });
  }
  return files;
}

async function bareRepo(root: string, name: string): Promise<string> {
  const dir = path.join(root, `${name}.git`);
  await mkdir(dir, { recursive: true });
  await git(dir, 'init', '--bare', '--quiet', '--initial-branch=main');
  return dir;
}

/** `git fast-import` of the same files as one commit on main; returns the elapsed milliseconds. */
async function fastImport(dir: string, files: Array<{ path: string; content: Buffer }>): Promise<number> {
  const started = performance.now();
  const child = spawn('git', ['fast-import', '--quiet', '--date-format=now'], { cwd: dir, env: GIT_ENV, stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}`))));
  });
  const message = Buffer.from('bench\n');
  const chunks: Buffer[] = [
    Buffer.from(`commit refs/heads/main\ncommitter ${AUTHOR.name} <${AUTHOR.email}> now\ndata ${message.length}\n`),
    message,
  ];
  for (const file of files) {
    chunks.push(Buffer.from(`M 100644 inline ${file.path}\ndata ${file.content.length}\n`), file.content, Buffer.from('\n'));
  }
  chunks.push(Buffer.from('\n'));
  child.stdin.end(Buffer.concat(chunks));
  await done;
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function line(label: string, value: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'git-commit', step: label, ...value }));
}

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'hnp-bench-git-'));
  try {
    const files = generateFiles(FILES);
    const bytes = files.reduce((sum, f) => sum + f.content.length, 0);
    line('generated', { files: files.length, bytes, avgBytes: Math.round(bytes / files.length) });

    const remoteFor = (dir: string, repositoryId: string): RemoteSpec => ({
      repositoryId,
      url: `file://${dir}`,
      branch: 'main',
      authenticationType: GitAuthenticationType.NONE,
      credentials: null,
      validateSsl: true,
      timeoutSeconds: 120,
    });
    // The cache logs its phase timings (blobs, trees, commit, push) on 'git commit pushed'; collect them.
    const phases: Array<Record<string, number>> = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const entry = JSON.parse(chunk.toString('utf8')) as Record<string, unknown>;
        if (entry.msg === 'git commit pushed') {
          phases.push({ blobsMs: Number(entry.blobsMs), treesMs: Number(entry.treesMs), commitMs: Number(entry.commitMs), pushMs: Number(entry.pushMs) });
        }
        if (process.env.BENCH_LOG_LEVEL) process.stdout.write(chunk);
        callback();
      },
    });
    const cache = new RepositoryCache(path.join(root, 'cache'), pino({ level: 'info' }, logStream));
    const changes: FileChange[] = files.map((f) => ({ path: f.path, content: f.content }));

    // Small files on this disk make single timings noisy: several rounds on fresh repositories, alternating which
    // side goes first; medians are compared.
    const cliTimes: number[] = [];
    const nodegitTimes: number[] = [];
    /** blobs + trees + commit object, without the push: what fast-import does. */
    const localTimes: number[] = [];
    let cliTree = '';
    let remote = remoteFor('', '');
    for (let round = 0; round < ROUNDS; round++) {
      const measureCli = async () => {
        const cliDir = await bareRepo(root, `cli-${round}`);
        cliTimes.push(await fastImport(cliDir, files));
        cliTree = (await git(cliDir, 'rev-parse', 'main^{tree}')).trim();
        line('git fast-import', { round, ms: Math.round(cliTimes[cliTimes.length - 1]), tree: cliTree });
      };
      const measureNodegit = async () => {
        const dir = await bareRepo(root, `nodegit-${round}`);
        remote = remoteFor(dir, `bench-${round}`);
        const t0 = performance.now();
        const base = await cache.fetch(remote);
        const t1 = performance.now();
        const outcome = await cache.commitAndPush(remote, base, { changes, message: 'bench', operationId: `bench-${round}`, author: AUTHOR }, 'main');
        const t2 = performance.now();
        nodegitTimes.push(t2 - t1);
        const tree = (await git(dir, 'rev-parse', 'main^{tree}')).trim();
        const phase = phases[phases.length - 1];
        localTimes.push(phase.blobsMs + phase.treesMs + phase.commitMs);
        line('commitAndPush', { round, fetchMs: Math.round(t1 - t0), commitAndPushMs: Math.round(t2 - t1), ...phase, changedPaths: outcome.changedPaths.length, tree });
        if (outcome.changedPaths.length !== files.length) throw new Error(`changedPaths ${outcome.changedPaths.length} ≠ ${files.length}`);
        return tree;
      };
      let tree: string;
      if (round % 2 === 0) {
        await measureCli();
        tree = await measureNodegit();
      } else {
        tree = await measureNodegit();
        await measureCli();
      }
      if (tree !== cliTree) throw new Error(`tree ${tree} differs from git's ${cliTree}`);
    }
    const cliMs = median(cliTimes);
    const commitMs = median(nodegitTimes);
    const ratio = commitMs / cliMs;
    line('summary', {
      rounds: ROUNDS,
      gitFastImportMedianMs: Math.round(cliMs),
      gitFastImportMinMs: Math.round(Math.min(...cliTimes)),
      commitAndPushMedianMs: Math.round(commitMs),
      commitAndPushMinMs: Math.round(Math.min(...nodegitTimes)),
      commitWithoutPushMedianMs: Math.round(median(localTimes)),
      sameTreeAsGit: true,
      ratio: Number(ratio.toFixed(2)),
      ratioWithoutPush: Number((median(localTimes) / cliMs).toFixed(2)),
    });

    // Reading back through a fresh cache: fetch (clone), listFiles, readFile of everything.
    const reader = new RepositoryCache(path.join(root, 'cache-reader'), pino({ level: 'warn' }));
    const r0 = performance.now();
    const snapshot = await reader.fetch({ ...remote, repositoryId: 'reader' });
    const r1 = performance.now();
    const listed = await snapshot.listFiles('fabric/managed');
    const r2 = performance.now();
    let readBytes = 0;
    for (let i = 0; i < listed.length; i += 256) {
      const contents = await Promise.all(listed.slice(i, i + 256).map((f) => snapshot.readFile(f.path)));
      for (const content of contents) readBytes += content?.length ?? 0;
    }
    const r3 = performance.now();
    if (listed.length !== files.length || readBytes !== bytes) throw new Error('read-back mismatch');
    line('read back', { cloneMs: Math.round(r1 - r0), listFilesMs: Math.round(r2 - r1), readAllMs: Math.round(r3 - r2), files: listed.length });

    // Incremental: 100 updates + 10 deletions on top of the 10,000-file tree.
    // (the git CLI baseline below starts from a working clone of the same tree, its own bare copy as remote)
    const cliRemote = path.join(root, 'cli-incremental.git');
    const cliWork = path.join(root, 'cli-incremental-work');
    await git(root, 'clone', '--bare', '--quiet', '--branch', 'main', remote.url, cliRemote);
    await git(root, 'clone', '--quiet', '--branch', 'main', `file://${cliRemote}`, cliWork);
    const i0 = performance.now();
    const head = await cache.fetch(remote);
    const i1 = performance.now();
    const incremental: FileChange[] = [
      ...files.slice(0, 100).map((f) => ({ path: f.path, content: Buffer.concat([f.content, Buffer.from('# edited\n')]) })),
      ...files.slice(100, 110).map((f) => ({ path: f.path, delete: true as const })),
    ];
    const inc = await cache.commitAndPush(remote, head, { changes: incremental, message: 'bench 2', operationId: 'bench-2', author: AUTHOR }, 'main');
    const i2 = performance.now();
    line('incremental', { fetchMs: Math.round(i1 - i0), commitAndPushMs: Math.round(i2 - i1), changedPaths: inc.changedPaths.length });

    // Baseline for the incremental commit: the git CLI in that working clone writes the same 110 changes, then
    // `git add -A && git commit && git push` over file://.
    const c0 = performance.now();
    for (const change of incremental) {
      const target = path.join(cliWork, change.path);
      if ('delete' in change) await unlink(target);
      else await writeFile(target, change.content);
    }
    await git(cliWork, 'add', '-A');
    await git(cliWork, '-c', `user.name=${AUTHOR.name}`, '-c', `user.email=${AUTHOR.email}`, 'commit', '--quiet', '-m', 'bench 2');
    await git(cliWork, 'push', '--quiet', 'origin', 'main');
    const c1 = performance.now();
    const cliChanged = (await git(cliRemote, 'diff', '--name-only', 'main~1', 'main')).split('\n').filter(Boolean).length;
    if (cliChanged !== incremental.length) throw new Error(`git CLI incremental commit changed ${cliChanged} paths, not ${incremental.length}`);
    line('incremental git CLI', { addCommitPushMs: Math.round(c1 - c0), changedPaths: cliChanged });

    writeResult('git-commit', {
      files: files.length,
      bytes,
      rounds: ROUNDS,
      gitFastImportMs: { median: Math.round(cliMs), all: cliTimes.map(Math.round) },
      commitAndPushMs: { median: Math.round(commitMs), all: nodegitTimes.map(Math.round) },
      commitWithoutPushMs: { median: Math.round(median(localTimes)), all: localTimes },
      ratio: Number(ratio.toFixed(2)),
      ratioWithoutPush: Number((median(localTimes) / cliMs).toFixed(2)),
      sameTree: true,
      readBack: { cloneMs: Math.round(r1 - r0), listFilesMs: Math.round(r2 - r1), readAllMs: Math.round(r3 - r2) },
      incremental: { changes: incremental.length, fetchMs: Math.round(i1 - i0), commitAndPushMs: Math.round(i2 - i1), gitCliAddCommitPushMs: Math.round(c1 - c0) },
      rows: [
        row(`commit ${files.length} files (blobs, trees, commit; median)`, median(localTimes), 'ms', { baseline: cliMs, baselineName: 'git fast-import', target: '≤ 2× git', pass: median(localTimes) / cliMs <= 2 }),
        row(`commit and push ${files.length} files over file:// (median)`, commitMs, 'ms', { baseline: cliMs, baselineName: 'git fast-import (no push)' }),
        row(`incremental commit and push of ${incremental.length} changes`, i2 - i1, 'ms', { baseline: c1 - c0, baselineName: 'git add -A && commit && push' }),
      ],
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
