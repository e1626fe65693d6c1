/**
 * The Git repository layer against real Git: bare repositories over file:// and a smart-HTTP server
 * (git http-backend behind Node http with Basic auth). The git CLI creates, seeds and inspects the remotes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import pino from 'pino';
import { GitAuthenticationType } from '../src/entities/enums';
import { GitError, type GitSnapshot, type RemoteSpec } from '../src/gitops/git-types';
import { RepositoryCache } from '../src/gitops/repository-cache';
import { displayRemoteUrl } from '../src/gitops/remote-url-display';
import { BareRepository, git } from './support/git-fixtures';
import { selfSignedCertificate, startGitHttpServer, type GitHttpServer } from './support/git-http-server';

/** Binary-safe git output (the fixtures' `git` returns text). */
const run = promisify(execFile);

let root: string;
let counter = 0;

/** A fresh bare repository (default branch main) and its file:// URL. */
function bareRepo(name = `r${++counter}`): Promise<BareRepository> {
  return BareRepository.create(path.join(root, 'remotes'), `${name}.git`);
}

/** Commits to `branch` of the bare repository as an outsider would (null deletes); returns the new commit sha. */
function externalCommit(bareDir: string, files: Record<string, string | null>, message = 'external change', branch = 'main'): Promise<string> {
  return BareRepository.at(bareDir).commit(files, message, branch);
}

async function revParse(bareDir: string, rev: string): Promise<string | null> {
  try {
    return (await git(bareDir, 'rev-parse', '--verify', '--quiet', rev)).trim();
  } catch {
    return null;
  }
}

async function lsFiles(bareDir: string, rev = 'main'): Promise<string[]> {
  return (await git(bareDir, 'ls-tree', '-r', '--name-only', rev)).split('\n').filter(Boolean);
}

function spec(url: string, overrides: Partial<RemoteSpec> = {}): RemoteSpec {
  return {
    repositoryId: `repo-${++counter}`,
    url,
    branch: 'main',
    authenticationType: GitAuthenticationType.NONE,
    credentials: null,
    validateSsl: true,
    timeoutSeconds: 10,
    ...overrides,
  };
}

const AUTHOR = { name: 'HNP Bidirectional Sync', email: 'hnp-sync@hedgehog.gitops' };

function request(changes: Parameters<RepositoryCache['commitAndPush']>[2]['changes'], message = 'Sync fabric', operationId = 'op-1') {
  return { changes, message, operationId, author: AUTHOR };
}

/** A pino logger writing to memory, so tests can search every log line. */
function memoryLogger(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

async function rejectsWith(promise: Promise<unknown>, code: GitError['code']): Promise<GitError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GitError, `expected GitError, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected GitError ${code}, but it resolved`);
}

/** Every file of a directory tree, recursively (contents as Buffers). */
async function allFiles(dir: string): Promise<Array<{ file: string; content: Buffer }>> {
  const out: Array<{ file: string; content: Buffer }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    out.push({ file, content: await readFile(file) });
  }
  return out;
}

let reposDir: string;
let cache: RepositoryCache;
let logLines: string[];

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'hnp-git-'));
  reposDir = path.join(root, 'cache');
  const memory = memoryLogger();
  logLines = memory.lines;
  cache = new RepositoryCache(reposDir, memory.log);
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('file:// remotes', () => {
  test('fetch clones the branch into a bare cache and reads files from the object database', async () => {
    const { dir, url } = await bareRepo();
    const head = await externalCommit(dir, {
      'README.md': '# fabric\n',
      'fabric/managed/vpcs/vpc-1.yaml': 'kind: VPC\n',
      'fabric/managed/vpcs/vpc-2.yaml': 'kind: VPC\nname: two\n',
      'fabric/raw/.gitkeep': '',
      'other/x.txt': 'x',
    });
    const remote = spec(url);
    const snapshot = await cache.fetch(remote);
    assert.equal(snapshot.commitSha, head);
    assert.equal(snapshot.branch, 'main');

    const cacheDir = path.join(reposDir, `${remote.repositoryId}.git`);
    assert.equal((await git(cacheDir, 'rev-parse', '--is-bare-repository')).trim(), 'true');
    assert.equal((await git(cacheDir, 'rev-parse', 'refs/remotes/origin/main')).trim(), head);
    const config = await readFile(path.join(cacheDir, 'config'), 'utf8');
    assert.doesNotMatch(config, /\[remote/, 'the cache keeps no remote in its config');

    const all = await snapshot.listFiles('');
    assert.deepEqual(
      all.map((f) => f.path),
      ['README.md', 'fabric/managed/vpcs/vpc-1.yaml', 'fabric/managed/vpcs/vpc-2.yaml', 'fabric/raw/.gitkeep', 'other/x.txt'],
    );
    for (const file of all) {
      assert.equal(file.blobSha, (await git(dir, 'rev-parse', `main:${file.path}`)).trim());
      assert.equal(file.size, Number((await git(dir, 'cat-file', '-s', file.blobSha)).trim()));
    }
    assert.deepEqual(
      (await snapshot.listFiles('fabric/managed')).map((f) => f.path),
      ['fabric/managed/vpcs/vpc-1.yaml', 'fabric/managed/vpcs/vpc-2.yaml'],
    );
    assert.deepEqual((await snapshot.listFiles('/fabric/raw/')).map((f) => f.path), ['fabric/raw/.gitkeep']);
    assert.deepEqual(await snapshot.listFiles('missing'), []);
    assert.deepEqual(await snapshot.listFiles('README.md'), [], 'a file is not a directory');

    assert.equal((await snapshot.readFile('fabric/managed/vpcs/vpc-2.yaml'))?.toString(), 'kind: VPC\nname: two\n');
    assert.equal((await snapshot.readFile('fabric/raw/.gitkeep'))?.length, 0);
    assert.equal(await snapshot.readFile('fabric/managed/vpcs/nope.yaml'), null);
    assert.equal(await snapshot.readFile('fabric/managed'), null, 'a directory is not a file');
    assert.equal(await snapshot.readFile('README.md/x'), null);
    assert.equal(await snapshot.exists('fabric/managed'), true);
    assert.equal(await snapshot.exists('fabric/managed/vpcs/vpc-1.yaml'), true);
    assert.equal(await snapshot.exists('fabric/unmanaged'), false);
    assert.equal(await snapshot.exists(''), true);

    // An outside commit is picked up by the next fetch; the old snapshot still reads its own commit.
    const next = await externalCommit(dir, { 'fabric/managed/vpcs/vpc-1.yaml': 'kind: VPC\nchanged: true\n' });
    const snapshot2 = await cache.fetch(remote);
    assert.equal(snapshot2.commitSha, next);
    assert.equal((await snapshot2.readFile('fabric/managed/vpcs/vpc-1.yaml'))?.toString(), 'kind: VPC\nchanged: true\n');
    assert.equal((await snapshot.readFile('fabric/managed/vpcs/vpc-1.yaml'))?.toString(), 'kind: VPC\n');
  });

  test('an empty repository and a missing branch give commitSha null; the first commit creates the branch', async () => {
    const { dir, url } = await bareRepo();
    const remote = spec(url);
    const empty = await cache.fetch(remote);
    assert.equal(empty.commitSha, null);
    assert.deepEqual(await empty.listFiles(''), []);
    assert.equal(await empty.readFile('README.md'), null);
    assert.equal(await empty.exists(''), false);

    const outcome = await cache.commitAndPush(
      remote,
      empty,
      request([
        { path: 'fabric/README.md', content: '# fabric\n' },
        { path: 'fabric/raw/.gitkeep', content: '' },
      ]),
      'main',
    );
    assert.ok(outcome.commitSha);
    assert.equal(await revParse(dir, 'main'), outcome.commitSha);
    assert.equal((await git(dir, 'log', '-1', '--format=%P', 'main')).trim(), '', 'the first commit has no parent');
    assert.deepEqual(outcome.changedPaths, ['fabric/README.md', 'fabric/raw/.gitkeep']);
    assert.deepEqual(await lsFiles(dir), ['fabric/README.md', 'fabric/raw/.gitkeep']);

    // A branch that does not exist in a non-empty repository.
    const other = await cache.fetch({ ...remote, branch: 'feature/x' });
    assert.equal(other.commitSha, null);
    assert.equal(other.branch, 'feature/x');
    // Deletions only, or nothing at all, on a missing branch: no commit, no branch.
    const none = await cache.commitAndPush(remote, other, request([{ path: 'a.txt', delete: true }]), 'feature/x');
    assert.deepEqual(none, { commitSha: null, changedPaths: [] });
    assert.equal(await revParse(dir, 'refs/heads/feature/x'), null);
  });

  test('commitAndPush: adds, updates, deletes, nested new directories, emptied directories disappear', async () => {
    const { dir, url } = await bareRepo();
    await externalCommit(dir, {
      'fabric/managed/vpcs/a.yaml': 'a: 1\n',
      'fabric/managed/vpcs/b.yaml': 'b: 1\n',
      'fabric/managed/switches/s1.yaml': 's1\n',
      'fabric/raw/only.yaml': 'raw\n',
      'untouched/deep/file.txt': 'keep\n',
    });
    const untouchedBefore = await revParse(dir, 'main:untouched');
    const remote = spec(url);
    const base = await cache.fetch(remote);
    const outcome = await cache.commitAndPush(
      remote,
      base,
      request([
        { path: 'fabric/managed/vpcs/a.yaml', content: 'a: 2\n' },
        { path: 'fabric/managed/vpcs/b.yaml', delete: true },
        { path: 'fabric/raw/only.yaml', delete: true },
        { path: 'fabric/managed/connections/c1.yaml', content: Buffer.from('c1\n') },
        { path: 'fabric/unmanaged/reports/2024/x/report.yaml', content: 'errors: []\n' },
        { path: 'fabric/managed/switches/s1.yaml', content: 's1\n' },
        { path: 'fabric/managed/vpcs/never.yaml', delete: true },
      ]),
      'main',
    );
    assert.ok(outcome.commitSha);
    assert.equal(await revParse(dir, 'main'), outcome.commitSha);
    assert.equal((await git(dir, 'log', '-1', '--format=%P', 'main')).trim(), base.commitSha);
    assert.deepEqual(await lsFiles(dir), [
      'fabric/managed/connections/c1.yaml',
      'fabric/managed/switches/s1.yaml',
      'fabric/managed/vpcs/a.yaml',
      'fabric/unmanaged/reports/2024/x/report.yaml',
      'untouched/deep/file.txt',
    ]);
    assert.equal(await git(dir, 'show', 'main:fabric/managed/vpcs/a.yaml'), 'a: 2\n');
    assert.equal(await git(dir, 'show', 'main:fabric/unmanaged/reports/2024/x/report.yaml'), 'errors: []\n');
    assert.equal(await revParse(dir, 'main:fabric/raw'), null, 'deleting the last file removes the directory');
    assert.equal(await revParse(dir, 'main:untouched'), untouchedBefore, 'untouched subtrees are kept by oid');
    assert.deepEqual(outcome.changedPaths, [
      'fabric/managed/connections/c1.yaml',
      'fabric/managed/vpcs/a.yaml',
      'fabric/managed/vpcs/b.yaml',
      'fabric/raw/only.yaml',
      'fabric/unmanaged/reports/2024/x/report.yaml',
    ]);
    await git(dir, 'fsck', '--strict', '--no-progress');

    // The next round builds on the pushed commit (the cache's tracking ref followed the push).
    const base2 = await cache.fetch(remote);
    assert.equal(base2.commitSha, outcome.commitSha);
    const outcome2 = await cache.commitAndPush(
      remote,
      base2,
      request([
        { path: 'fabric/managed', delete: true },
        { path: 'fabric/managed/vpcs/z.yaml', content: 'z\n' },
        { path: 'untouched/deep/file.txt', delete: true },
      ]),
      'main',
    );
    assert.deepEqual(await lsFiles(dir), ['fabric/managed/vpcs/z.yaml', 'fabric/unmanaged/reports/2024/x/report.yaml']);
    assert.deepEqual(outcome2.changedPaths, [
      'fabric/managed/connections/c1.yaml',
      'fabric/managed/switches/s1.yaml',
      'fabric/managed/vpcs/a.yaml',
      'fabric/managed/vpcs/z.yaml',
      'untouched/deep/file.txt',
    ]);
  });

  test('a large commit writes its blobs as one pack that git verifies', async () => {
    const { dir, url } = await bareRepo();
    await externalCommit(dir, { 'keep.txt': 'keep\n' });
    const remote = spec(url);
    const base = await cache.fetch(remote);
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const big = Buffer.alloc(200_000, 'abcdefghij');
    const changes = [
      ...Array.from({ length: 300 }, (_, i) => ({ path: `fabric/managed/vpcs/vpc-${i}.yaml`, content: `name: vpc-${i}\n`.repeat(1 + (i % 7)) })),
      { path: 'fabric/empty.txt', content: '' },
      { path: 'fabric/big.bin', content: big },
      { path: 'fabric/binary.bin', content: binary },
      { path: 'fabric/dup-a.txt', content: 'same\n' },
      { path: 'fabric/dup-b.txt', content: 'same\n' },
    ];
    const outcome = await cache.commitAndPush(remote, base, request(changes), 'main');
    assert.equal(outcome.changedPaths.length, changes.length);
    const cacheDir = path.join(reposDir, `${remote.repositoryId}.git`);
    const packs = (await readdir(path.join(cacheDir, 'objects', 'pack'))).filter((f) => f.endsWith('.idx'));
    assert.ok(packs.length >= 1);
    for (const idx of packs) await git(cacheDir, 'verify-pack', path.join('objects', 'pack', idx));
    await git(cacheDir, 'fsck', '--strict', '--no-progress', outcome.commitSha!);
    await git(dir, 'fsck', '--strict', '--no-progress');
    assert.equal(await git(dir, 'show', 'main:fabric/managed/vpcs/vpc-13.yaml'), 'name: vpc-13\n'.repeat(7));
    assert.equal(await git(dir, 'show', 'main:fabric/empty.txt'), '');
    const { stdout: bigOut } = await run('git', ['cat-file', 'blob', 'main:fabric/big.bin'], { cwd: dir, encoding: 'buffer', maxBuffer: 1 << 22 });
    assert.ok(Buffer.compare(bigOut, big) === 0);
    const { stdout: binOut } = await run('git', ['cat-file', 'blob', 'main:fabric/binary.bin'], { cwd: dir, encoding: 'buffer' });
    assert.ok(Buffer.compare(binOut, binary) === 0);
    assert.equal(await revParse(dir, 'main:fabric/dup-a.txt'), await revParse(dir, 'main:fabric/dup-b.txt'));
    // The snapshot of the next fetch reads the packed blobs back.
    const next = await cache.fetch(remote);
    assert.equal((await next.listFiles('fabric/managed')).length, 300);
    assert.ok(Buffer.compare((await next.readFile('fabric/big.bin'))!, big) === 0);
  });

  test('author, committer and message with the Sync-Operation trailer', async () => {
    const { dir, url } = await bareRepo();
    await externalCommit(dir, { 'a.txt': 'a' });
    const remote = spec(url);
    const base = await cache.fetch(remote);
    const outcome = await cache.commitAndPush(
      remote,
      base,
      request([{ path: 'b.txt', content: 'b' }], 'Ingest raw files for fabric lab\n\n3 resources created', '7f9c2a1e-0000-4000-8000-000000000001'),
      'main',
    );
    const [an, ae, cn, ce] = (await git(dir, 'log', '-1', '--format=%an%n%ae%n%cn%n%ce', 'main')).trim().split('\n');
    assert.deepEqual([an, ae, cn, ce], [AUTHOR.name, AUTHOR.email, AUTHOR.name, AUTHOR.email]);
    const body = await git(dir, 'log', '-1', '--format=%B', outcome.commitSha!);
    assert.equal(body, 'Ingest raw files for fabric lab\n\n3 resources created\n\nSync-Operation: 7f9c2a1e-0000-4000-8000-000000000001\n\n');
    const trailers = await git(dir, 'log', '-1', '--format=%(trailers:key=Sync-Operation,valueonly)', 'main');
    assert.equal(trailers.trim(), '7f9c2a1e-0000-4000-8000-000000000001');
  });

  test('a change that makes no difference produces no commit and leaves the remote alone', async () => {
    const { dir, url } = await bareRepo();
    const head = await externalCommit(dir, { 'x/a.yaml': 'a\n', 'x/b.yaml': 'b\n' });
    const remote = spec(url);
    const base = await cache.fetch(remote);
    assert.deepEqual(await cache.commitAndPush(remote, base, request([]), 'main'), { commitSha: null, changedPaths: [] });
    assert.deepEqual(
      await cache.commitAndPush(
        remote,
        base,
        request([
          { path: 'x/a.yaml', content: 'a\n' },
          { path: 'x/missing.yaml', delete: true },
          { path: 'x/c.yaml', content: 'c\n' },
          { path: 'x/c.yaml', delete: true },
        ]),
        'main',
      ),
      { commitSha: null, changedPaths: [] },
    );
    assert.equal(await revParse(dir, 'main'), head);
    assert.equal((await git(dir, 'rev-list', '--count', 'main')).trim(), '1');
  });

  test('an outside commit between fetch and push → PUSH_REJECTED, remote unchanged; a refetch then succeeds', async () => {
    const { dir, url } = await bareRepo();
    await externalCommit(dir, { 'a.txt': 'a\n' });
    const remote = spec(url);
    const base = await cache.fetch(remote);
    const theirs = await externalCommit(dir, { 'b.txt': 'theirs\n' });
    const error = await rejectsWith(cache.commitAndPush(remote, base, request([{ path: 'c.txt', content: 'ours\n' }]), 'main'), 'PUSH_REJECTED');
    assert.match(error.message, /fast-forward|rejected/);
    assert.equal(await revParse(dir, 'main'), theirs);

    // Also when the cache already knows the outside commit (diverged history rather than unknown commits).
    await cache.fetch(remote);
    await rejectsWith(cache.commitAndPush(remote, base, request([{ path: 'c.txt', content: 'ours\n' }]), 'main'), 'PUSH_REJECTED');
    assert.equal(await revParse(dir, 'main'), theirs);

    const fresh = await cache.fetch(remote);
    const outcome = await cache.commitAndPush(remote, fresh, request([{ path: 'c.txt', content: 'ours\n' }]), 'main');
    assert.equal(await revParse(dir, 'main'), outcome.commitSha);
    assert.deepEqual(await lsFiles(dir), ['a.txt', 'b.txt', 'c.txt']);
  });

  test('pushing to another branch (push_branch) creates it and leaves the default branch alone', async () => {
    const { dir, url } = await bareRepo();
    const head = await externalCommit(dir, { 'a.txt': 'a\n' });
    const remote = spec(url);
    const base = await cache.fetch(remote);
    const outcome = await cache.commitAndPush(remote, base, request([{ path: 'b.txt', content: 'b\n' }]), 'hnp/lab/op-1');
    assert.equal(await revParse(dir, 'refs/heads/hnp/lab/op-1'), outcome.commitSha);
    assert.equal(await revParse(dir, 'main'), head);
    // A second commit from the same base to the same branch is not a fast-forward.
    await rejectsWith(cache.commitAndPush(remote, base, request([{ path: 'c.txt', content: 'c\n' }]), 'hnp/lab/op-1'), 'PUSH_REJECTED');
  });

  test('operations on one repository are serialized; different repositories run side by side', async () => {
    const one = await bareRepo();
    const two = await bareRepo();
    await externalCommit(one.dir, { 'a.txt': 'a\n' });
    await externalCommit(two.dir, { 'a.txt': 'a\n' });
    const remoteOne = spec(one.url);
    const remoteTwo = spec(two.url);
    const [baseOne, baseTwo] = await Promise.all([cache.fetch(remoteOne), cache.fetch(remoteTwo)]);
    const results = await Promise.allSettled([
      cache.commitAndPush(remoteOne, baseOne, request([{ path: 'first.txt', content: '1' }], 'first', 'op-a'), 'main'),
      cache.commitAndPush(remoteOne, baseOne, request([{ path: 'second.txt', content: '2' }], 'second', 'op-b'), 'main'),
      cache.fetch(remoteOne),
      cache.commitAndPush(remoteTwo, baseTwo, request([{ path: 'other.txt', content: '3' }], 'other', 'op-c'), 'main'),
    ]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    assert.equal((results[1] as PromiseRejectedResult).reason.code, 'PUSH_REJECTED');
    assert.equal(results[2].status, 'fulfilled');
    assert.equal((results[2] as PromiseFulfilledResult<GitSnapshot>).value.commitSha, await revParse(one.dir, 'main'), 'the fetch queued behind the first push');
    assert.equal(results[3].status, 'fulfilled');
    assert.deepEqual(await lsFiles(one.dir), ['a.txt', 'first.txt']);
    assert.deepEqual(await lsFiles(two.dir), ['a.txt', 'other.txt']);
  });

  test('the cache is disposable: deleted or corrupt → re-cloned; a base commit missing from a new cache is fetched again', async () => {
    const { dir, url } = await bareRepo();
    const head = await externalCommit(dir, { 'a.txt': 'a\n' });
    const remote = spec(url);
    const cacheDir = path.join(reposDir, `${remote.repositoryId}.git`);
    const base = await cache.fetch(remote);

    await rm(cacheDir, { recursive: true, force: true });
    const again = await cache.fetch(remote);
    assert.equal(again.commitSha, head);
    assert.equal((await stat(cacheDir)).isDirectory(), true);
    assert.equal((await again.readFile('a.txt'))?.toString(), 'a\n');

    // Deleted between fetch and push: the push still builds on the (re-fetched) base.
    await rm(cacheDir, { recursive: true, force: true });
    const outcome = await cache.commitAndPush(remote, base, request([{ path: 'b.txt', content: 'b\n' }]), 'main');
    assert.equal(await revParse(dir, 'main'), outcome.commitSha);
    assert.equal((await git(dir, 'log', '-1', '--format=%P', 'main')).trim(), head);

    // Corrupt: garbage instead of a repository.
    await writeFile(path.join(cacheDir, 'HEAD'), 'garbage');
    await rm(path.join(cacheDir, 'objects'), { recursive: true, force: true });
    const repaired = await cache.fetch(remote);
    assert.equal(repaired.commitSha, outcome.commitSha);
    assert.deepEqual((await repaired.listFiles('')).map((f) => f.path), ['a.txt', 'b.txt']);
    assert.ok(logLines.some((line) => line.includes('re-creating')));
  });

  test('a missing repository → REPOSITORY_NOT_FOUND; a refused connection → UNREACHABLE, quickly', async () => {
    const missing = path.join(root, 'remotes', 'does-not-exist.git');
    await rejectsWith(cache.fetch(spec(`file://${missing}`)), 'REPOSITORY_NOT_FOUND');
    await rejectsWith(cache.fetch(spec(missing)), 'REPOSITORY_NOT_FOUND');
    await rejectsWith(cache.testConnection(spec(`file://${missing}`)), 'REPOSITORY_NOT_FOUND');
    const notRepo = path.join(root, 'not-a-repo');
    await mkdir(notRepo, { recursive: true });
    await rejectsWith(cache.fetch(spec(`file://${notRepo}`)), 'REPOSITORY_NOT_FOUND');

    const port = await closedPort();
    const started = Date.now();
    const error = await rejectsWith(cache.fetch(spec(`http://127.0.0.1:${port}/x.git`, { timeoutSeconds: 3 })), 'UNREACHABLE');
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    await rejectsWith(cache.testConnection(spec(`http://127.0.0.1:${port}/x.git`, { timeoutSeconds: 3 })), 'UNREACHABLE');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  test('a remote that never answers → TIMEOUT after timeoutSeconds', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = Date.now();
      const error = await rejectsWith(cache.testConnection(spec(`http://127.0.0.1:${port}/x.git`, { timeoutSeconds: 1 })), 'TIMEOUT');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 900 && elapsed < 2500, `took ${elapsed} ms`);
      assert.match(error.message, /within 1 s/);
      const remote = spec(`http://127.0.0.1:${port}/x.git`, { timeoutSeconds: 1 });
      await rejectsWith(cache.fetch(remote), 'TIMEOUT');
    } finally {
      // Ends the stalled native calls (libgit2 has no per-call timeout; the connections close here).
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('testConnection: head of the branch, null for an empty repository, BRANCH_NOT_FOUND otherwise', async () => {
    const { dir, url } = await bareRepo();
    assert.deepEqual(await cache.testConnection(spec(url)), { headSha: null });
    const head = await externalCommit(dir, { 'a.txt': 'a\n' });
    assert.deepEqual(await cache.testConnection(spec(url)), { headSha: head });
    assert.deepEqual(await cache.testConnection(spec(dir)), { headSha: head }, 'a plain path works too');
    assert.equal((await cache.fetch(spec(dir))).commitSha, head);
    const error = await rejectsWith(cache.testConnection(spec(url, { branch: 'develop' })), 'BRANCH_NOT_FOUND');
    assert.match(error.message, /"develop".*branches: main/);
  });

  test('invalid paths and repository ids are refused', async () => {
    const { dir, url } = await bareRepo();
    await externalCommit(dir, { 'a.txt': 'a\n' });
    const remote = spec(url);
    const base = await cache.fetch(remote);
    for (const bad of ['../escape.txt', 'x/../../y', '.git/config', 'a/.GIT/hooks/x', '', '/']) {
      await rejectsWith(cache.commitAndPush(remote, base, request([{ path: bad, content: 'x' }]), 'main'), 'FAILED');
    }
    await assert.rejects(cache.fetch({ ...remote, repositoryId: '../x' }), (error: unknown) => error instanceof GitError && error.code === 'FAILED');
    assert.equal((await git(dir, 'rev-list', '--count', 'main')).trim(), '1');
  });

  test('displayRemoteUrl drops userinfo, query and fragment', () => {
    assert.equal(displayRemoteUrl('https://user:s3cret@git.example.com/org/repo.git?token=abc#x'), 'https://git.example.com/org/repo.git');
    assert.equal(displayRemoteUrl('git@github.com:org/repo.git'), 'github.com:org/repo.git');
    assert.equal(displayRemoteUrl('ssh://git@github.com/org/repo.git'), 'ssh://github.com/org/repo.git');
    assert.equal(displayRemoteUrl('/srv/git/repo.git'), '/srv/git/repo.git');
    assert.equal(displayRemoteUrl('file:///srv/git/repo.git'), 'file:///srv/git/repo.git');
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('smart HTTP with Basic authentication (git http-backend)', () => {
  const TOKEN = 'ghp_TestToken0123456789abcdefSECRET';
  const PASSWORD = 'correct horse battery staple 42!';
  const WRONG = 'wrong-token-SECRET-987654321';
  let server: GitHttpServer;
  let projectRoot: string;
  let httpCache: RepositoryCache;
  let httpCacheDir: string;
  let lines: string[];
  const messages: string[] = [];

  before(async () => {
    projectRoot = path.join(root, 'http-root');
    await mkdir(projectRoot, { recursive: true });
    for (const name of ['fabric.git', 'hooked.git']) {
      const dir = path.join(projectRoot, name);
      await mkdir(dir);
      await git(dir, 'init', '--bare', '--quiet', '--initial-branch=main');
      await git(dir, 'config', 'http.receivepack', 'true');
      await externalCommit(dir, { 'fabric/README.md': '# lab\n' });
    }
    server = await startGitHttpServer({ projectRoot, users: { 'x-access-token': TOKEN, alice: PASSWORD } });
    httpCacheDir = path.join(root, 'http-cache');
    const memory = memoryLogger();
    lines = memory.lines;
    httpCache = new RepositoryCache(httpCacheDir, memory.log);
  });

  after(async () => {
    await server?.close();
  });

  const tokenSpec = (overrides: Partial<RemoteSpec> = {}): RemoteSpec => ({
    repositoryId: 'http-token',
    url: server.repoUrl('fabric.git'),
    branch: 'main',
    authenticationType: GitAuthenticationType.TOKEN,
    credentials: { token: TOKEN },
    validateSsl: true,
    timeoutSeconds: 10,
    ...overrides,
  });

  async function capture(promise: Promise<unknown>, code: GitError['code']): Promise<GitError> {
    const error = await rejectsWith(promise, code);
    messages.push(error.message, String(error.stack));
    return error;
  }

  test('token: testConnection, fetch and push', async () => {
    const dir = path.join(projectRoot, 'fabric.git');
    const head = await revParse(dir, 'main');
    assert.deepEqual(await httpCache.testConnection(tokenSpec()), { headSha: head });
    const remote = tokenSpec();
    const base = await httpCache.fetch(remote);
    assert.equal(base.commitSha, head);
    assert.equal((await base.readFile('fabric/README.md'))?.toString(), '# lab\n');
    const outcome = await httpCache.commitAndPush(remote, base, request([{ path: 'fabric/managed/vpcs/v1.yaml', content: 'kind: VPC\n' }]), 'main');
    assert.equal(await revParse(dir, 'main'), outcome.commitSha);
    assert.equal(await git(dir, 'show', 'main:fabric/managed/vpcs/v1.yaml'), 'kind: VPC\n');
    assert.ok(server.requests.some((r) => r.user === 'x-access-token' && r.path.endsWith('/git-receive-pack')));
  });

  test('basic: fetch and push with user name and password', async () => {
    const dir = path.join(projectRoot, 'fabric.git');
    const remote = tokenSpec({
      repositoryId: 'http-basic',
      authenticationType: GitAuthenticationType.BASIC,
      credentials: { username: 'alice', password: PASSWORD },
    });
    const base = await httpCache.fetch(remote);
    assert.equal(base.commitSha, await revParse(dir, 'main'));
    const outcome = await httpCache.commitAndPush(remote, base, request([{ path: 'fabric/managed/vpcs/v1.yaml', delete: true }]), 'main');
    assert.equal(await revParse(dir, 'main'), outcome.commitSha);
    assert.deepEqual(outcome.changedPaths, ['fabric/managed/vpcs/v1.yaml']);
    assert.ok(server.requests.some((r) => r.user === 'alice' && r.path.endsWith('/git-receive-pack')));
  });

  test('wrong or missing credentials → AUTH_FAILED quickly, without the secret', async () => {
    const started = Date.now();
    const before401 = server.requests.filter((r) => r.status === 401).length;
    const error = await capture(httpCache.fetch(tokenSpec({ repositoryId: 'http-wrong', credentials: { token: WRONG } })), 'AUTH_FAILED');
    assert.match(error.message, /^authentication to http:\/\/127\.0\.0\.1:\d+\/fabric\.git failed/);
    assert.ok(!error.message.includes(WRONG));
    const rejected = server.requests.filter((r) => r.status === 401).length - before401;
    assert.ok(rejected <= 2, `${rejected} rejected requests: the credentials are not retried`);

    await capture(
      httpCache.testConnection(
        tokenSpec({ authenticationType: GitAuthenticationType.BASIC, credentials: { username: 'alice', password: WRONG } }),
      ),
      'AUTH_FAILED',
    );
    const none = await capture(
      httpCache.testConnection(tokenSpec({ authenticationType: GitAuthenticationType.NONE, credentials: null })),
      'AUTH_FAILED',
    );
    assert.match(none.message, /requires authentication/);
    // A wrong token must not be able to push either.
    const remote = tokenSpec();
    const base = await httpCache.fetch(remote);
    await capture(
      httpCache.commitAndPush({ ...remote, credentials: { token: WRONG } }, base, request([{ path: 'x.txt', content: 'x' }]), 'main'),
      'AUTH_FAILED',
    );
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  test('a missing repository over HTTP → REPOSITORY_NOT_FOUND', async () => {
    await capture(httpCache.testConnection(tokenSpec({ url: server.repoUrl('missing.git') })), 'REPOSITORY_NOT_FOUND');
    await capture(httpCache.fetch(tokenSpec({ repositoryId: 'http-missing', url: server.repoUrl('missing.git') })), 'REPOSITORY_NOT_FOUND');
  });

  test('a push refused by the server (per-ref status) → PUSH_REJECTED', async () => {
    const dir = path.join(projectRoot, 'hooked.git');
    const hook = path.join(dir, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "protected branch" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const head = await revParse(dir, 'main');
    const remote = tokenSpec({ repositoryId: 'http-hooked', url: server.repoUrl('hooked.git') });
    const base = await httpCache.fetch(remote);
    const error = await capture(httpCache.commitAndPush(remote, base, request([{ path: 'x.txt', content: 'x' }]), 'main'), 'PUSH_REJECTED');
    assert.match(error.message, /refs\/heads\/main/);
    assert.equal(await revParse(dir, 'main'), head);

    // And the client-side non-fast-forward check over HTTP.
    await rm(hook);
    await externalCommit(dir, { 'theirs.txt': 'theirs' });
    await capture(httpCache.commitAndPush(remote, base, request([{ path: 'x.txt', content: 'x' }]), 'main'), 'PUSH_REJECTED');
  });

  test('HTTPS with a self-signed certificate: CERTIFICATE when validateSsl, works when it is off', async () => {
    const tlsServer = await startGitHttpServer({ projectRoot, users: { 'x-access-token': TOKEN }, tls: await selfSignedCertificate(root) });
    try {
      const remote = tokenSpec({ repositoryId: 'https-self-signed', url: tlsServer.repoUrl('fabric.git') });
      const error = await capture(httpCache.fetch(remote), 'CERTIFICATE');
      assert.match(error.message, /validateSsl/);
      await capture(httpCache.testConnection(remote), 'CERTIFICATE');
      assert.equal(tlsServer.requests.length, 0, 'nothing was sent over the unverified connection');
      const snapshot = await httpCache.fetch({ ...remote, validateSsl: false });
      assert.equal(snapshot.commitSha, await revParse(path.join(projectRoot, 'fabric.git'), 'main'));
      assert.ok(tlsServer.requests.some((r) => r.user === 'x-access-token'));
    } finally {
      await tlsServer.close();
    }
  });

  test('no secret in the cache directories, the log lines or the error messages', async () => {
    assert.ok(lines.length > 0 && messages.length > 0);
    const secrets = [TOKEN, PASSWORD, WRONG];
    for (const { file, content } of await allFiles(httpCacheDir)) {
      for (const secret of secrets) assert.equal(content.includes(secret), false, `${secret} found in ${file}`);
    }
    const config = await readFile(path.join(httpCacheDir, 'http-token.git', 'config'), 'utf8');
    assert.doesNotMatch(config, /remote|url|token|password/i);
    for (const text of [...lines, ...messages]) {
      for (const secret of secrets) assert.equal(text.includes(secret), false, `secret found in: ${text}`);
    }
    assert.ok(lines.some((line) => line.includes('"msg":"git fetch"')));
    assert.ok(lines.some((line) => line.includes('credentials')), 'credential requests are logged (without values)');
  });
});
