/**
 * Git repository layer on nodegit (libgit2): one bare cache per GitRepository under `reposDir/<id>.git`,
 * snapshots read straight from the object database, commits built from blobs and trees without a worktree,
 * fast-forward-only pushes.
 *
 * Secrets travel only through libgit2's credential callback: never in a URL, in the cache's `config`, in a log
 * line, in an error message or in a process argument (nothing is spawned). The cache holds no remote at all —
 * every network call uses an anonymous remote built from the RemoteSpec — so a changed URL or credential is
 * picked up on the next call and nothing about the remote is persisted.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Blob, Credential, Diff, Enums, Oid, Reference, Remote, Repository, Signature, Tree, Treebuilder } from 'nodegit';
import type { RemoteCallbacks, TreeEntry } from 'nodegit';
import type { Logger } from 'pino';
import { GitAuthenticationType } from '../entities/enums';
import { GitError, type CommitRequest, type FileChange, type GitSnapshot, type PushOutcome, type RemoteSpec } from './git-types';
import { writeBlobPack } from './pack-writer';
import { branchNameProblem } from './remote-url';
import { displayRemoteUrl, isLocalRemote } from './remote-url-display';

/** libgit2 numbers used below (git2/errors.h, git2/credential.h, git2/types.h). */
const GIT_PASSTHROUGH = -30;
const CRED_USERPASS_PLAINTEXT = 1;
const CRED_SSH_KEY = 2;
const CRED_USERNAME = 32;
const CRED_SSH_MEMORY = 64;
const ERR_NONFASTFORWARD = -11;
const ERR_AUTH = -16;
const ERR_CERTIFICATE = -17;
const ERR_TIMEOUT = -37;
const MODE_TREE = 0o040000;
const MODE_BLOB = 0o100644;
const MODE_EXECUTABLE = 0o100755;

/** How many object reads/writes are kept in flight at once (each nodegit call hops to a worker thread). */
const IN_FLIGHT = 256;
/** From this many blobs on, a commit's blobs are written as one pack instead of loose objects. */
const PACK_THRESHOLD = 64;
/** The remote-tracking namespace of the bare cache (refs/remotes/origin/<branch>). */
const TRACKING_PREFIX = 'refs/remotes/origin/';
const REPOSITORY_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export interface SnapshotFile {
  path: string;
  blobSha: string;
  size: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Per-repository mutex

class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Remote sessions: credential callbacks, rejection tracking, cancellation, error mapping

type CredentialResult = Credential | Promise<Credential> | Error;

/** One conversation with a remote (connect + transfer). Counts credential attempts and collects ref rejections. */
class RemoteSession {
  private credentialAttempts = 0;
  /** Set when the remote turned down the credentials (or wants some and none are configured). */
  authRejected = false;
  /** Set when the configured authentication type cannot work with what the remote offers. */
  authProblem: string | undefined;
  cancelled = false;
  readonly rejectedRefs: Array<{ ref: string; status: string }> = [];
  private readonly remotes: Remote[] = [];

  constructor(
    readonly spec: RemoteSpec,
    private readonly log: Logger,
  ) {}

  track(remote: Remote): Remote {
    this.remotes.push(remote);
    return remote;
  }

  cancel(): void {
    this.cancelled = true;
    for (const remote of this.remotes) {
      try {
        remote.stop();
      } catch {
        // best effort: stop() only interrupts a transfer in progress
      }
    }
  }

  callbacks(): RemoteCallbacks {
    const callbacks: RemoteCallbacks = {
      credentials: (_url: string, usernameFromUrl: string, allowedTypes: number): CredentialResult =>
        this.credentials(usernameFromUrl, allowedTypes),
    };
    // 0 = accept the certificate (or SSH host key) whatever libgit2 thinks of it; GIT_PASSTHROUGH = let libgit2
    // decide (system CA store for TLS, ~/.ssh/known_hosts for SSH). Any positive value would mean "rejected".
    callbacks.certificateCheck = this.spec.validateSsl ? () => GIT_PASSTHROUGH : () => 0;
    (callbacks as RemoteCallbacks & { pushUpdateReference: (ref: string, status: string | null) => number }).pushUpdateReference = (
      ref: string,
      status: string | null,
    ): number => {
      if (status) this.rejectedRefs.push({ ref, status });
      return 0;
    };
    return callbacks;
  }

  private credentials(usernameFromUrl: string, allowedTypes: number): CredentialResult {
    const { spec } = this;
    const stored = spec.credentials ?? {};
    if (this.cancelled) return new Error('cancelled');
    // SSH asks for the user name first when the URL carries none; that is not an authentication attempt.
    if (allowedTypes === CRED_USERNAME) {
      return Credential.usernameNew(stored.username || usernameFromUrl || 'git');
    }
    this.credentialAttempts += 1;
    this.log.debug({ attempt: this.credentialAttempts, allowedTypes }, 'git remote asked for credentials');
    if (this.credentialAttempts > 1) {
      // libgit2 asks again after each rejection; the first answer was refused, so stop here.
      this.authRejected = true;
      return new Error('credentials rejected');
    }
    const userpass = (allowedTypes & CRED_USERPASS_PLAINTEXT) !== 0;
    switch (spec.authenticationType) {
      case GitAuthenticationType.NONE:
        this.authRejected = true;
        this.authProblem = 'the remote requires authentication but the repository is configured without credentials';
        return new Error('no credentials configured');
      case GitAuthenticationType.TOKEN:
        if (!userpass) return this.problem('token authentication needs an HTTP(S) remote');
        if (!stored.token) return this.problem('no token is stored for this repository');
        return Credential.userpassPlaintextNew(stored.username || 'x-access-token', stored.token);
      case GitAuthenticationType.BASIC:
        if (!userpass) return this.problem('basic authentication needs an HTTP(S) remote');
        if (!stored.username || !stored.password) return this.problem('no user name and password are stored for this repository');
        return Credential.userpassPlaintextNew(stored.username, stored.password);
      case GitAuthenticationType.SSH_KEY: {
        if (!stored.privateKey) return this.problem('no private key is stored for this repository');
        const user = stored.username || usernameFromUrl || 'git';
        if ((allowedTypes & CRED_SSH_MEMORY) !== 0 || (allowedTypes & CRED_SSH_KEY) !== 0) {
          return Credential.sshKeyMemoryNew(user, '', stored.privateKey, stored.passphrase ?? '');
        }
        return this.problem('SSH key authentication needs an SSH remote (ssh:// or user@host:path)');
      }
      default:
        return this.problem(`unsupported authentication type "${String(spec.authenticationType)}"`);
    }
  }

  private problem(reason: string): Error {
    this.authProblem = reason;
    return new Error(reason);
  }
}

/** Replaces every stored secret that might appear in a message with "***" (defence in depth). */
function scrubSecrets(text: string, spec: RemoteSpec): string {
  let out = text;
  const c = spec.credentials;
  if (!c) return out;
  for (const secret of [c.token, c.password, c.passphrase, c.privateKey]) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  for (const line of (c.privateKey ?? '').split('\n')) {
    const trimmed = line.trim();
    if (trimmed.length >= 16 && !trimmed.startsWith('-----')) out = out.split(trimmed).join('***');
  }
  return out;
}

interface NativeError {
  message?: unknown;
  errno?: unknown;
}

/** Maps a libgit2 failure (or our own session state) to a GitError with a message that carries no secret. */
function toGitError(error: unknown, spec: RemoteSpec, action: string, session?: RemoteSession): GitError {
  if (error instanceof GitError) return error;
  const where = displayRemoteUrl(spec.url);
  const native = (error ?? {}) as NativeError;
  const raw = typeof native.message === 'string' ? native.message : String(error);
  const message = scrubSecrets(raw, spec).replace(/\s+$/, '');
  const errno = typeof native.errno === 'number' ? native.errno : undefined;

  if (session?.authProblem) return new GitError('AUTH_FAILED', `authentication to ${where} failed: ${session.authProblem}`);
  if (session?.authRejected) {
    return new GitError('AUTH_FAILED', `authentication to ${where} failed: the remote rejected the ${describeAuth(spec)}`);
  }
  if (errno === ERR_AUTH || /authentication required|authentication failed|failed to authenticate|too many redirects or authentication replays|status code: 401/i.test(message)) {
    return new GitError('AUTH_FAILED', `authentication to ${where} failed: ${message}`);
  }
  if (/status code: 403/.test(message)) {
    return new GitError('AUTH_FAILED', `authentication to ${where} failed: access denied (HTTP 403) for the ${describeAuth(spec)}`);
  }
  if (errno === ERR_CERTIFICATE || /certificate|ssl error|tls|hostkey|host key/i.test(message)) {
    return new GitError(
      'CERTIFICATE',
      `the identity of ${where} could not be verified (${message}); fix the server certificate / known host key, or disable validateSsl`,
    );
  }
  if (errno === ERR_NONFASTFORWARD || /non-fastforward|not present locally|fetch first/i.test(message)) {
    return new GitError('PUSH_REJECTED', `push to ${where} was rejected as not fast-forward: ${message}`);
  }
  if (errno === ERR_TIMEOUT || /timed out/i.test(message)) {
    return new GitError('TIMEOUT', `${action} ${where} timed out: ${message}`);
  }
  if (
    /status code: 404|could not find repository|failed to resolve path|repository not found|does not appear to be a git repository|not a git repository/i.test(
      message,
    ) ||
    (isLocalRemote(spec.url) && /unsupported URL protocol|no such file or directory/i.test(message))
  ) {
    return new GitError('REPOSITORY_NOT_FOUND', `repository ${where} was not found (${message})`);
  }
  if (
    /failed to connect|connection refused|failed to resolve address|name or service not known|could not resolve|network is unreachable|no route to host|unexpected eof|connection reset|broken pipe|failed to send request|early eof/i.test(
      message,
    )
  ) {
    return new GitError('UNREACHABLE', `${where} is unreachable: ${message}`);
  }
  return new GitError('FAILED', `${action} ${where} failed: ${message}`);
}

/** A failure that did not come from the network (the cache, object writes): FAILED, secrets scrubbed. */
function localError(error: unknown, spec: RemoteSpec, action: string): GitError {
  if (error instanceof GitError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  return new GitError('FAILED', `${action} failed: ${scrubSecrets(raw, spec)}`);
}

function checkBranch(name: string): void {
  const problem = branchNameProblem(name);
  if (problem) throw new GitError('FAILED', `invalid branch name "${name}": ${problem}`);
}

function describeAuth(spec: RemoteSpec): string {
  switch (spec.authenticationType) {
    case GitAuthenticationType.TOKEN:
      return 'token';
    case GitAuthenticationType.BASIC:
      return 'user name and password';
    case GitAuthenticationType.SSH_KEY:
      return 'SSH key';
    default:
      return 'anonymous access';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Paths

/** Repository-relative path: no leading/trailing '/', no '.', '..' or '.git' segments, no empty segments. */
function normalizeRepoPath(raw: string, allowRoot: boolean): string {
  const segments = raw.split('/').filter((segment) => segment !== '' && segment !== '.');
  for (const segment of segments) {
    // eslint-disable-next-line no-control-regex
    if (segment === '..' || segment.toLowerCase() === '.git' || /[\u0000]/.test(segment)) {
      throw new GitError('FAILED', `invalid repository path "${raw}"`);
    }
  }
  if (!allowRoot && segments.length === 0) throw new GitError('FAILED', `invalid repository path "${raw}"`);
  return segments.join('/');
}

function joinPath(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** Tree entry by name, or undefined (nodegit's `entryByName` throws for a missing name). */
function entryNamed(tree: Tree, name: string): TreeEntry | undefined {
  const entry = (tree as unknown as { _entryByName(name: string): TreeEntry | undefined })._entryByName(name);
  return entry ?? undefined;
}

async function inChunks<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  for (let start = 0; start < items.length; start += IN_FLIGHT) {
    const chunk = items.slice(start, start + IN_FLIGHT);
    const results = await Promise.all(chunk.map(fn));
    for (let i = 0; i < results.length; i++) out[start + i] = results[i];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Snapshots

/** A fetched commit read from the bare cache's object database (objects are immutable, so no lock is needed). */
class OdbSnapshot implements GitSnapshot {
  private readonly trees = new Map<string, Promise<Tree>>();
  private rootTree: Promise<Tree | null> | undefined;

  constructor(
    private readonly repo: Repository,
    readonly commitSha: string | null,
    readonly branch: string,
  ) {}

  /** Root tree of the commit (null for a missing branch). */
  root(): Promise<Tree | null> {
    if (!this.rootTree) {
      const sha = this.commitSha;
      this.rootTree = sha === null ? Promise.resolve(null) : this.repo.getCommit(sha).then((commit) => commit.getTree());
    }
    return this.rootTree;
  }

  private tree(oid: Oid): Promise<Tree> {
    const key = oid.tostrS();
    let tree = this.trees.get(key);
    if (!tree) {
      tree = Tree.lookup(this.repo, oid);
      this.trees.set(key, tree);
    }
    return tree;
  }

  /** The entry at `path` (undefined when missing); '' is the root, reported as { tree }. */
  private async resolve(repoPath: string): Promise<{ tree?: Tree; entry?: TreeEntry } | undefined> {
    const root = await this.root();
    if (!root) return undefined;
    if (repoPath === '') return { tree: root };
    const segments = repoPath.split('/');
    let tree = root;
    for (let i = 0; i < segments.length; i++) {
      const entry = entryNamed(tree, segments[i]);
      if (!entry) return undefined;
      if (i === segments.length - 1) {
        return entry.isTree() ? { tree: await this.tree(entry.id()), entry } : { entry };
      }
      if (!entry.isTree()) return undefined;
      tree = await this.tree(entry.id());
    }
    return undefined;
  }

  async listFiles(directory: string): Promise<SnapshotFile[]> {
    const dir = normalizeRepoPath(directory, true);
    const start = await this.resolve(dir);
    if (!start?.tree) return [];
    const files: Array<{ path: string; oid: Oid }> = [];
    let level: Array<{ prefix: string; tree: Tree }> = [{ prefix: dir, tree: start.tree }];
    while (level.length > 0) {
      const subtrees: Array<{ prefix: string; oid: Oid }> = [];
      for (const { prefix, tree } of level) {
        const count = tree.entryCount();
        for (let i = 0; i < count; i++) {
          const entry = tree._entryByIndex(i);
          const entryPath = joinPath(prefix, entry.name());
          if (entry.isTree()) subtrees.push({ prefix: entryPath, oid: entry.id() });
          else if (entry.isBlob()) files.push({ path: entryPath, oid: entry.id() });
          // submodule (commit) entries are not files of this repository
        }
      }
      level = await inChunks(subtrees, async ({ prefix, oid }) => ({ prefix, tree: await this.tree(oid) }));
    }
    const odb = await this.repo.odb();
    const sizes = await inChunks(files, async ({ oid }) => (await odb.read(oid)).size());
    const out = files.map(({ path: filePath, oid }, i) => ({ path: filePath, blobSha: oid.tostrS(), size: sizes[i] }));
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return out;
  }

  async readFile(filePath: string): Promise<Buffer | null> {
    const found = await this.resolve(normalizeRepoPath(filePath, true));
    if (!found?.entry || !found.entry.isBlob()) return null;
    const blob = await Blob.lookup(this.repo, found.entry.id());
    return blob.content();
  }

  async exists(filePath: string): Promise<boolean> {
    return (await this.resolve(normalizeRepoPath(filePath, true))) !== undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Commit building

interface DirPlan {
  /** Start from an empty directory instead of the existing one (it was deleted, then written into). */
  reset: boolean;
  files: Map<string, Buffer | null>;
  dirs: Map<string, DirPlan>;
}

function newPlan(reset = false): DirPlan {
  return { reset, files: new Map(), dirs: new Map() };
}

/** Folds the changes into a directory tree; later changes of the same path win. */
function planChanges(changes: FileChange[]): DirPlan {
  const root = newPlan();
  for (const change of changes) {
    const segments = normalizeRepoPath(change.path, false).split('/');
    let node = root;
    for (const segment of segments.slice(0, -1)) {
      let child = node.dirs.get(segment);
      if (!child) {
        // A file of this name deleted earlier in the request: the directory starts empty.
        const deleted = node.files.has(segment) && node.files.get(segment) === null;
        child = newPlan(deleted);
        node.dirs.set(segment, child);
      }
      // A file of this name written earlier in the request is replaced by the directory.
      node.files.delete(segment);
      node = child;
    }
    const name = segments[segments.length - 1];
    node.dirs.delete(name);
    if ('delete' in change && change.delete) node.files.set(name, null);
    else {
      const content = (change as { content: Buffer | string }).content;
      node.files.set(name, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
    }
  }
  return root;
}

class CommitBuilder {
  private readonly blobOids = new Map<Buffer, Oid>();

  constructor(private readonly repo: Repository) {}

  async writeBlobs(plan: DirPlan): Promise<void> {
    const buffers: Buffer[] = [];
    const collect = (node: DirPlan): void => {
      for (const content of node.files.values()) if (content) buffers.push(content);
      for (const child of node.dirs.values()) collect(child);
    };
    collect(plan);
    // Many blobs: one pack file written directly (see pack-writer.ts); few: libgit2 loose objects.
    const oids =
      buffers.length >= PACK_THRESHOLD
        ? (await writeBlobPack(this.repo.path(), buffers)).map((hex) => Oid.fromString(hex))
        : await inChunks(buffers, (buffer) => Blob.createFromBuffer(this.repo, buffer, buffer.length));
    buffers.forEach((buffer, i) => this.blobOids.set(buffer, oids[i]));
  }

  /** Writes the directory's new tree bottom-up; null when it ends up empty (the parent drops it). */
  async build(plan: DirPlan, existing: Tree | null): Promise<Oid | null> {
    const source = plan.reset ? null : existing;
    const builder = await Treebuilder.create(this.repo, source ?? (null as unknown as undefined));
    const children = [...plan.dirs.entries()];
    const childOids = await Promise.all(
      children.map(async ([name, child]) => {
        const entry = source ? entryNamed(source, name) : undefined;
        const subtree = entry?.isTree() ? await Tree.lookup(this.repo, entry.id()) : null;
        return this.build(child, subtree);
      }),
    );
    children.forEach(([name], i) => {
      const oid = childOids[i];
      if (oid) builder.insert(name, oid, MODE_TREE);
      else if (builder.get(name)) builder.remove(name);
    });
    for (const [name, content] of plan.files) {
      if (content === null) {
        if (builder.get(name)) builder.remove(name);
        continue;
      }
      const previous = source ? entryNamed(source, name) : undefined;
      const mode = previous?.isBlob() && previous.filemodeRaw() === MODE_EXECUTABLE ? MODE_EXECUTABLE : MODE_BLOB;
      const oid = this.blobOids.get(content);
      if (!oid) throw new Error(`blob for ${name} was not written`);
      builder.insert(name, oid, mode);
    }
    if (builder.entrycount() === 0) return null;
    return builder.write();
  }
}

async function changedPathsBetween(repo: Repository, oldTree: Tree | null, newTree: Tree): Promise<string[]> {
  const diff = await Diff.treeToTree(repo, oldTree ?? undefined, newTree);
  const paths = new Set<string>();
  const count = diff.numDeltas();
  for (let i = 0; i < count; i++) {
    const delta = diff.getDelta(i);
    paths.add(delta.newFile().path());
    paths.add(delta.oldFile().path());
  }
  return [...paths].sort();
}

function withTrailer(message: string, operationId: string): string {
  return `${message.replace(/\s+$/, '')}\n\nSync-Operation: ${operationId}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// The cache

/**
 * Bare caches of the GitRepositories under `reposDir`, one `<repositoryId>.git` each. Operations on one repository
 * run one at a time (in this process); different repositories run side by side. Snapshots are read without the
 * lock (objects never change). Deleting a cache directory loses nothing: the next call re-creates it.
 *
 * Error codes (GitError): AUTH_FAILED — credentials refused (after one attempt), missing, unusable with the remote's
 * transport, or HTTP 403; REPOSITORY_NOT_FOUND — HTTP 404, no repository at a local path; UNREACHABLE — connection
 * refused, DNS failure, connection reset/EOF; TIMEOUT — no answer within timeoutSeconds; CERTIFICATE — TLS
 * certificate or SSH host key not trusted while validateSsl; PUSH_REJECTED — not a fast-forward (libgit2's check,
 * errno -11) or a ref refused by the server (pushUpdateReference status, e.g. a hook), or the base commit is gone
 * from the remote; BRANCH_NOT_FOUND — testConnection only, see there; FAILED — anything else (invalid path, branch
 * name or repository id, local I/O), with the libgit2 message.
 */
export class RepositoryCache {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly reposDir: string,
    private readonly log: Logger,
  ) {}

  /** Directory of the bare cache of one repository. */
  cachePath(repositoryId: string): string {
    if (!REPOSITORY_ID.test(repositoryId)) throw new GitError('FAILED', `invalid repository id "${repositoryId}"`);
    return path.join(this.reposDir, `${repositoryId}.git`);
  }

  /**
   * Fetches the branch into the bare cache (created on first use) and returns a snapshot of the remote branch
   * head; commitSha is null when the remote is reachable but has no such branch.
   */
  async fetch(remote: RemoteSpec): Promise<GitSnapshot> {
    const cacheDir = this.cachePath(remote.repositoryId);
    checkBranch(remote.branch);
    return this.mutex.run(remote.repositoryId, async () => {
      const started = Date.now();
      let snapshot: OdbSnapshot;
      try {
        snapshot = await this.fetchInto(await this.openCache(cacheDir, remote), remote);
      } catch (error) {
        if (error instanceof GitError) throw error;
        // Not a network failure: the cache itself is unusable (corrupt objects, broken refs). It is only a
        // cache, so start over once.
        this.log.warn({ repositoryId: remote.repositoryId, err: scrubSecrets(String(error), remote) }, 'git cache unusable, re-cloning');
        await rm(cacheDir, { recursive: true, force: true });
        try {
          snapshot = await this.fetchInto(await this.openCache(cacheDir, remote), remote);
        } catch (retryError) {
          throw localError(retryError, remote, `fetch into the cache of repository ${remote.repositoryId}`);
        }
      }
      this.log.info(
        { repositoryId: remote.repositoryId, url: displayRemoteUrl(remote.url), branch: remote.branch, commitSha: snapshot.commitSha, ms: Date.now() - started },
        'git fetch',
      );
      return snapshot;
    });
  }

  /**
   * Builds one commit with the changes on top of `base` and pushes it fast-forward only to `targetBranch`.
   * No difference → no commit and nothing pushed. A non-fast-forward push → GitError('PUSH_REJECTED'), remote unchanged.
   */
  async commitAndPush(remote: RemoteSpec, base: GitSnapshot, request: CommitRequest, targetBranch: string): Promise<PushOutcome> {
    const cacheDir = this.cachePath(remote.repositoryId);
    checkBranch(base.branch);
    checkBranch(targetBranch);
    const plan = planChanges(request.changes); // invalid paths fail here, before any I/O
    return this.mutex.run(remote.repositoryId, async () => {
      try {
        return await this.commitAndPushLocked(cacheDir, remote, base, plan, request, targetBranch);
      } catch (error) {
        throw localError(error, remote, `commit for operation ${request.operationId}`);
      }
    });
  }

  private async commitAndPushLocked(
    cacheDir: string,
    remote: RemoteSpec,
    base: GitSnapshot,
    plan: DirPlan,
    request: CommitRequest,
    targetBranch: string,
  ): Promise<PushOutcome> {
    const started = Date.now();
    const repo = await this.openCache(cacheDir, remote);
    const baseCommit = await this.baseCommit(repo, remote, base);
    const baseTree = baseCommit ? await baseCommit.getTree() : null;

    const builder = new CommitBuilder(repo);
    await builder.writeBlobs(plan);
    const blobsWritten = Date.now();
    const treeOid = (await builder.build(plan, baseTree)) ?? (await (await Treebuilder.create(repo, null as unknown as undefined)).write());
    const built = Date.now();

    if (baseTree ? baseTree.id().equal(treeOid) : (await Tree.lookup(repo, treeOid)).entryCount() === 0) {
      this.log.info({ repositoryId: remote.repositoryId, branch: targetBranch, operationId: request.operationId }, 'git commit: no changes');
      return { commitSha: null, changedPaths: [] };
    }
    const newTree = await Tree.lookup(repo, treeOid);
    const changedPaths = await changedPathsBetween(repo, baseTree, newTree);

    const signature = Signature.now(request.author.name, request.author.email);
    const parents = baseCommit ? [baseCommit.id()] : [];
    const commitOid = await repo.createCommit(
      null as unknown as string,
      signature,
      signature,
      withTrailer(request.message, request.operationId),
      treeOid,
      parents,
    );
    const commitSha = commitOid.tostrS();
    const committed = Date.now();

    await this.push(repo, remote, commitSha, targetBranch);
    await Reference.create(repo, TRACKING_PREFIX + targetBranch, commitOid, 1, `push ${request.operationId}`);
    this.log.info(
      {
        repositoryId: remote.repositoryId,
        url: displayRemoteUrl(remote.url),
        branch: targetBranch,
        commitSha,
        operationId: request.operationId,
        files: changedPaths.length,
        blobsMs: blobsWritten - started,
        treesMs: built - blobsWritten,
        commitMs: committed - built,
        pushMs: Date.now() - committed,
      },
      'git commit pushed',
    );
    return { commitSha, changedPaths };
  }

  /**
   * Contacts the remote for real (ls-remote over the configured transport and credentials) within timeoutSeconds.
   * headSha is the branch head, or null when the repository is empty (no branches at all: the first push creates
   * the branch). A repository that has branches but not this one → GitError('BRANCH_NOT_FOUND').
   */
  async testConnection(remote: RemoteSpec): Promise<{ headSha: string | null }> {
    checkBranch(remote.branch);
    const session = new RemoteSession(remote, this.log);
    const heads = await this.network(session, 'connect to', '', async () => {
      const detached = session.track(await Remote.createDetached(remote.url));
      return this.listHeads(detached, session);
    });
    const head = heads.get(`refs/heads/${remote.branch}`);
    if (head) return { headSha: head };
    const branches = [...heads.keys()].filter((name) => name.startsWith('refs/heads/')).map((name) => name.slice('refs/heads/'.length));
    if (branches.length > 0) {
      const shown = branches.slice(0, 10).join(', ') + (branches.length > 10 ? ', …' : '');
      throw new GitError('BRANCH_NOT_FOUND', `branch "${remote.branch}" does not exist on ${displayRemoteUrl(remote.url)} (branches: ${shown})`);
    }
    return { headSha: null };
  }

  // -------------------------------------------------------------------------------------------------------------

  private async openCache(cacheDir: string, remote: RemoteSpec): Promise<Repository> {
    if (existsSync(cacheDir)) {
      try {
        const repo = await Repository.openBare(cacheDir);
        if (repo.isBare()) return repo;
      } catch {
        // fall through: re-create
      }
      this.log.warn({ repositoryId: remote.repositoryId }, 'git cache unreadable, re-creating it');
      await rm(cacheDir, { recursive: true, force: true });
    }
    await mkdir(this.reposDir, { recursive: true });
    this.log.info({ repositoryId: remote.repositoryId }, 'git cache created');
    return Repository.init(cacheDir, 1);
  }

  private async fetchInto(repo: Repository, remote: RemoteSpec): Promise<OdbSnapshot> {
    const session = new RemoteSession(remote, this.log);
    const branchRef = `refs/heads/${remote.branch}`;
    const trackingRef = TRACKING_PREFIX + remote.branch;
    const headSha = await this.network(session, 'fetch from', '', async () => {
      const anonymous = session.track(await Remote.createAnonymous(repo, remote.url));
      const heads = await this.listHeads(anonymous, session, true);
      const sha = heads.get(branchRef) ?? null;
      if (sha && !(await hasCommit(repo, sha))) {
        if (session.cancelled) throw new Error('cancelled');
        await anonymous.download([`+${branchRef}:${trackingRef}`], { callbacks: session.callbacks(), downloadTags: 2 });
      }
      await anonymous.disconnect();
      return sha;
    });
    if (headSha) {
      // The ref is set from the advertised head, not by update-tips: nothing else writes refs in the cache.
      if (!(await hasCommit(repo, headSha))) throw new Error(`commit ${headSha} is missing after the fetch`);
      await Reference.create(repo, trackingRef, Oid.fromString(headSha), 1, 'fetch');
    } else {
      Reference.remove(repo, trackingRef);
    }
    return new OdbSnapshot(repo, headSha, remote.branch);
  }

  /** Connects (fetch direction) and returns the advertised refs; leaves the remote connected when `keep`. */
  private async listHeads(remote: Remote, session: RemoteSession, keep = false): Promise<Map<string, string>> {
    await remote.connect(Enums.DIRECTION.FETCH, session.callbacks());
    const list = (await remote.referenceList()) as Array<{ name(): string; oid(): Oid }>;
    const heads = new Map<string, string>();
    for (const head of list) heads.set(head.name(), head.oid().tostrS());
    if (!keep) await remote.disconnect();
    return heads;
  }

  /** The base commit in this cache (fetching it again if the cache was re-created since the snapshot was taken). */
  private async baseCommit(repo: Repository, remote: RemoteSpec, base: GitSnapshot) {
    if (base.commitSha === null) return null;
    if (!(await hasCommit(repo, base.commitSha))) {
      await this.fetchInto(repo, { ...remote, branch: base.branch });
      if (!(await hasCommit(repo, base.commitSha))) {
        throw new GitError(
          'PUSH_REJECTED',
          `the base commit ${base.commitSha} is no longer on branch "${base.branch}" of ${displayRemoteUrl(remote.url)}`,
        );
      }
    }
    return repo.getCommit(base.commitSha);
  }

  private async push(repo: Repository, remote: RemoteSpec, commitSha: string, targetBranch: string): Promise<void> {
    const session = new RemoteSession(remote, this.log);
    const note = '; the push may still reach the remote: fetch to find out';
    await this.network(session, 'push to', note, async () => {
      const anonymous = session.track(await Remote.createAnonymous(repo, remote.url));
      await anonymous.push([`${commitSha}:refs/heads/${targetBranch}`], { callbacks: session.callbacks(), pbParallelism: 0 });
    });
    if (session.rejectedRefs.length > 0) {
      const reasons = session.rejectedRefs.map((r) => `${r.ref}: ${scrubSecrets(r.status, remote)}`).join('; ');
      throw new GitError('PUSH_REJECTED', `push to ${displayRemoteUrl(remote.url)} was rejected (${reasons})`);
    }
  }

  /**
   * Runs one network conversation bounded by timeoutSeconds. On timeout the caller gets GitError('TIMEOUT') at
   * once; the session is cancelled (credential callbacks refuse, transfers are stopped) and the late result, if
   * any, is ignored.
   */
  private async network<T>(session: RemoteSession, action: string, timeoutNote: string, fn: () => Promise<T>): Promise<T> {
    const spec = session.spec;
    const seconds = Math.max(1, spec.timeoutSeconds);
    let timer: NodeJS.Timeout | undefined;
    const work = fn();
    work.catch(() => undefined);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        session.cancel();
        reject(new GitError('TIMEOUT', `${action} ${displayRemoteUrl(spec.url)} did not complete within ${seconds} s${timeoutNote}`));
      }, seconds * 1000);
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      const mapped = toGitError(error, spec, action, session);
      this.log.warn({ repositoryId: spec.repositoryId, url: displayRemoteUrl(spec.url), code: mapped.code, err: mapped.message }, `git ${action} failed`);
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
  }
}

async function hasCommit(repo: Repository, sha: string): Promise<boolean> {
  try {
    await repo.getCommit(sha);
    return true;
  } catch {
    return false;
  }
}
