import { resourceKey, type ValidationIssue } from '../hedgehog/issues';
import { canonicalizeManifest, manifestHash, manifestRef, type Manifest } from '../hedgehog/manifest';
import { parseManifests } from '../hedgehog/parse-manifests';
import { validateResource } from '../hedgehog/validate-resource';
import { renderManifestYaml } from '../hedgehog/yaml-render';
import type { FabricPaths } from './fabric-paths';
import { gitBlobSha } from './git-blob';
import type { FileChange, GitSnapshot } from './git-types';
import { diffManifests, threeWayMerge, type MergeOutcome } from './three-way-merge';

export type SyncWay = 'pull' | 'push' | 'both';

/** One stored resource as the sync sees it. */
export interface StoredSide {
  id: string;
  version: number;
  manifest: Manifest;
  base: Manifest | null;
  managedFilePath: string;
  /** Blob id of the managed file when it was last synced; '' before the first sync. */
  blobSha: string;
  inConflict: boolean;
  /** State `pending`: this very manifest is in an open pull request (not on the base branch yet). */
  pendingPullRequest?: boolean;
}

export interface TombstoneSide {
  id: string;
  base: Manifest;
  managedFilePath: string;
  /** The deletion is in an open pull request (not on the base branch yet). */
  pendingPullRequest?: boolean;
}

export type ConflictKind = 'concurrent_modification' | 'delete_modify' | 'validation';

export interface PlannedItem {
  key: string;
  path: string;
  outcome: MergeOutcome | 'invalid';
  base: Manifest | null;
  ours: Manifest | null;
  theirs: Manifest | null;
  /** What both sides hold after this sync (null: the resource is deleted). */
  result?: Manifest | null;
  /** Git gets `result` (written or deleted). */
  writeGit: boolean;
  /** The database gets `result` (or only a new base when it already holds it). */
  writeDb: boolean;
  conflict?: { kind: ConflictKind; paths: string[]; issues?: ValidationIssue[] };
  stored?: StoredSide;
  tombstone?: TombstoneSide;
  /** Blob id of the file as it will be after this sync ('' when deleted). */
  blobSha: string;
  /**
   * The change is already in an open pull request and Git's base branch does not have it yet: nothing to push again
   * (pull-request mode) and nothing to pull; the resource stays `pending`.
   */
  awaitingPullRequest?: boolean;
}

export interface SyncPlan {
  items: PlannedItem[];
  changes: FileChange[];
}

interface GitFile {
  path: string;
  blobSha: string;
}

function parseManaged(text: string, path: string): { manifest: Manifest | null; issues: ValidationIssue[] } {
  const parsed = parseManifests(text, { filePath: path });
  const errors = parsed.issues.filter((i) => i.severity === 'error');
  if (parsed.manifests.length !== 1 || errors.length > 0) {
    const issues = errors.length > 0 ? errors : [{ severity: 'error' as const, kind: '', name: '', namespace: '', fieldPath: '', rule: 'document.not-hedgehog' as ValidationIssue['rule'], message: `${path} must hold exactly one Hedgehog resource`, filePath: path }];
    return { manifest: null, issues };
  }
  return { manifest: parsed.manifests[0].manifest, issues: [] };
}

/**
 * Everything one sync would do, decided by the three-way rules of DESIGN §5 per resource: base = the
 * manifest at the last sync, ours = the database, theirs = the file at the branch head. Only files that
 * changed since the last sync (blob id) and resources edited through the API are looked at.
 */
export async function planSync(input: {
  way: SyncWay;
  paths: FabricPaths;
  head: GitSnapshot;
  stored: StoredSide[];
  tombstones: TombstoneSide[];
  /**
   * Pull-request mode: the commit goes to a new branch, so the base branch keeps its files (the blob ids recorded stay
   * those of the base branch) and changes already in an open pull request are not pushed again.
   */
  pullRequest?: boolean;
}): Promise<SyncPlan> {
  const { paths, head, way } = input;
  const gitFiles: GitFile[] = head.commitSha ? (await head.listFiles(paths.managed)).filter((f) => paths.isManagedYaml(f.path)) : [];
  const gitByPath = new Map(gitFiles.map((f) => [f.path, f]));
  const storedByPath = new Map(input.stored.filter((s) => s.managedFilePath).map((s) => [s.managedFilePath, s]));
  const tombstoneByPath = new Map(input.tombstones.map((t) => [t.managedFilePath, t]));

  // Which files to read: new or changed since the last sync, plus the files of API-edited resources.
  const toRead = new Set<string>();
  for (const file of gitFiles) {
    const owner = storedByPath.get(file.path);
    if (!owner || owner.blobSha !== file.blobSha) toRead.add(file.path);
    if (tombstoneByPath.has(file.path)) toRead.add(file.path);
  }
  const editedInDb = new Set(input.stored.filter((s) => !s.base || manifestHash(s.manifest) !== manifestHash(s.base)));
  for (const s of editedInDb) {
    const path = s.managedFilePath || paths.managedFile(s.manifest.kind, s.manifest.metadata.namespace, s.manifest.metadata.name);
    if (gitByPath.has(path)) toRead.add(path);
  }
  const theirsByPath = new Map<string, { manifest: Manifest | null; issues: ValidationIssue[] }>();
  const reading = [...toRead];
  for (let i = 0; i < reading.length; i += 256) {
    const chunk = reading.slice(i, i + 256);
    const texts = await Promise.all(chunk.map((path) => head.readFile(path)));
    chunk.forEach((path, index) => theirsByPath.set(path, parseManaged(texts[index]?.toString('utf8') ?? '', path)));
  }

  // The identities to decide, each with its path, base, ours and theirs.
  interface Subject {
    key: string;
    path: string;
    stored?: StoredSide;
    tombstone?: TombstoneSide;
    theirs: Manifest | null;
    theirsIssues: ValidationIssue[];
  }
  const subjects = new Map<string, Subject>();
  const subjectOf = (key: string, path: string) => subjects.get(key) ?? subjects.set(key, { key, path, theirs: null, theirsIssues: [] }).get(key)!;

  for (const [path, parsed] of theirsByPath) {
    const owner = storedByPath.get(path) ?? tombstoneByPath.get(path);
    const key = parsed.manifest ? resourceKey(manifestRef(parsed.manifest)) : owner && 'version' in owner ? resourceKey(manifestRef(owner.manifest)) : `file:${path}`;
    const subject = subjectOf(key, path);
    subject.theirs = parsed.manifest;
    subject.theirsIssues = parsed.issues;
  }
  for (const s of input.stored) {
    const key = resourceKey(manifestRef(s.manifest));
    const path = s.managedFilePath || paths.managedFile(s.manifest.kind, s.manifest.metadata.namespace, s.manifest.metadata.name);
    const fileGone = s.managedFilePath !== '' && !gitByPath.has(s.managedFilePath);
    const edited = editedInDb.has(s);
    if (!subjects.has(key) && !fileGone && !edited) continue;
    const subject = subjectOf(key, path);
    subject.stored = s;
    if (!theirsByPath.has(path) && !fileGone && gitByPath.has(path)) subject.theirs = s.base; // unchanged in Git
  }
  for (const t of input.tombstones) {
    const key = resourceKey(manifestRef(t.base));
    const subject = subjectOf(key, t.managedFilePath);
    subject.tombstone = t;
  }

  const items: PlannedItem[] = [];
  const changes: FileChange[] = [];
  for (const subject of subjects.values()) {
    const { stored, tombstone } = subject;
    if (stored?.inConflict) continue; // left alone on both sides until resolved
    const base = stored?.base ?? tombstone?.base ?? null;
    const ours = stored ? stored.manifest : null;
    const theirs = subject.theirs;
    const item: PlannedItem = { key: subject.key, path: subject.path, outcome: 'unchanged', base, ours, theirs, writeGit: false, writeDb: false, stored, tombstone, blobSha: '' };
    if (subject.theirsIssues.length > 0) {
      item.outcome = 'invalid';
      item.conflict = { kind: 'validation', paths: [], issues: subject.theirsIssues };
      items.push(item);
      continue;
    }
    const merge = threeWayMerge(base, ours, theirs);
    item.outcome = merge.outcome;
    const result = merge.merged === undefined ? undefined : merge.merged === null ? null : canonicalizeManifest(merge.merged);
    item.result = result;
    switch (merge.outcome) {
      case 'pull':
        item.writeDb = way !== 'push';
        break;
      case 'push':
        // Held while its pull request is open: a pull sees the old base in Git (not a change to pull), and a push in
        // pull-request mode would only open a duplicate. A direct-push plan still pushes it (the way out of a pull
        // request closed without merging); editing the resource again also releases it (state draft).
        if ((stored ?? tombstone)?.pendingPullRequest && (way === 'pull' || input.pullRequest)) {
          item.awaitingPullRequest = true;
          break;
        }
        item.writeGit = way !== 'pull';
        break;
      case 'merged':
        // Pull only: the database takes the merge, Git gets it with the next push (its base stays theirs).
        item.writeDb = true;
        item.writeGit = way !== 'pull';
        break;
      case 'converged':
        item.writeDb = true;
        break;
      case 'conflict':
      case 'delete_modify':
        item.conflict = { kind: merge.outcome === 'conflict' ? 'concurrent_modification' : 'delete_modify', paths: merge.conflictPaths };
        break;
      case 'unchanged':
        // Deleted on both sides: the tombstone has done its job. Otherwise a reformatted file or a first
        // sync still records the blob the resource is now tied to.
        item.writeDb = (tombstone !== undefined && result === null) || (stored !== undefined && theirs !== null && gitByPath.get(subject.path)?.blobSha !== stored.blobSha);
        break;
    }
    if (item.writeDb && result && merge.outcome !== 'unchanged') {
      const problems = validateResource(result).filter((i) => i.severity === 'error');
      if (problems.length > 0) {
        item.outcome = 'invalid';
        item.writeDb = false;
        item.writeGit = false;
        item.conflict = { kind: 'validation', paths: [...new Set(problems.map((p) => p.fieldPath))], issues: problems };
        items.push(item);
        continue;
      }
    }
    if (item.writeGit) {
      if (result) {
        const content = renderManifestYaml(result);
        changes.push({ path: subject.path, content });
        item.blobSha = input.pullRequest ? (gitByPath.get(subject.path)?.blobSha ?? '') : gitBlobSha(content);
      } else {
        changes.push({ path: subject.path, delete: true });
        if (input.pullRequest) item.blobSha = gitByPath.get(subject.path)?.blobSha ?? '';
      }
    } else {
      item.blobSha = gitByPath.get(subject.path)?.blobSha ?? '';
    }
    items.push(item);
  }
  return { items, changes };
}

/** The dry-run view of a plan: per resource what would happen, with field-level differences. */
export function describePlan(plan: SyncPlan): Array<Record<string, unknown>> {
  return plan.items.map((item) => ({
    resource: item.key,
    path: item.path,
    outcome: item.outcome,
    git: item.writeGit ? (item.result ? 'write' : 'delete') : 'none',
    database: item.writeDb ? (item.result === null ? 'delete' : 'update') : 'none',
    ...(item.conflict ? { conflict: item.conflict.kind, fieldPaths: item.conflict.paths } : {}),
    ...(item.awaitingPullRequest ? { awaitingPullRequest: true } : {}),
    gitChanges: item.writeGit ? diffManifests(item.theirs, item.result ?? null) : [],
    databaseChanges: item.writeDb ? diffManifests(item.ours, item.result ?? null) : [],
  }));
}
