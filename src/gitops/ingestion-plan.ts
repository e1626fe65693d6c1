import { isUtf8 } from 'node:buffer';
import { parse, stringify } from 'yaml';
import { ArchiveStrategy, ResourceState } from '../entities/enums';
import { resourceKey, type ValidationIssue } from '../hedgehog/issues';
import { manifestHash, manifestRef, type Manifest } from '../hedgehog/manifest';
import { parseManifests } from '../hedgehog/parse-manifests';
import { validateFabric, type FabricEntry } from '../hedgehog/validate-fabric';
import { renderManifestYaml } from '../hedgehog/yaml-render';
import { documentSources } from './document-sources';
import { FabricPaths } from './fabric-paths';
import { gitBlobSha } from './git-blob';
import type { FileChange } from './git-types';

/** The archive log keeps this many entries (oldest dropped). */
export const ARCHIVE_LOG_LIMIT = 1000;

export interface SourceFile {
  path: string;
  /** The file's bytes as stored in Git: archived and moved to unmanaged/ unchanged. */
  content: Buffer;
}

export interface StoredResource {
  manifest: Manifest;
  managedFilePath: string;
  resourceState: ResourceState;
  fileHash: string;
}

export interface IngestionInput {
  paths: FabricPaths;
  archiveStrategy: ArchiveStrategy;
  operationId: string;
  /** raw/*.yaml|yml files at the base commit, sorted by path. */
  rawFiles: SourceFile[];
  /** managed/ files no stored resource claims (a repository that already had managed files): imported. */
  unclaimedManagedFiles: SourceFile[];
  /** Blob ids of every file under managed/ and unmanaged/ and raw/ at the base commit, by path. */
  existingBlobs: Map<string, string>;
  /** The fabric's stored resources, by kind/namespace/name. */
  stored: Map<string, StoredResource>;
  archiveLogText: string | null;
}

export type DocumentOutcome = 'created' | 'updated' | 'unchanged' | 'imported' | 'unmanaged';

export interface DocumentResult {
  file: string;
  documentIndex: number | null;
  kind?: string;
  name?: string;
  outcome: DocumentOutcome;
  managedFile?: string;
  unmanagedFile?: string;
  issues: ValidationIssue[];
}

export interface PlannedResource {
  manifest: Manifest;
  managedFilePath: string;
  fileHash: string;
  /** Blob id of the managed file after this ingestion. */
  blobSha: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'imported';
}

export interface IngestionPlan {
  changes: FileChange[];
  resources: PlannedResource[];
  documents: DocumentResult[];
  archived: Array<{ file: string; archivedAs: string | null }>;
  counters: { filesProcessed: number; filesCreated: number; filesUpdated: number; filesDeleted: number };
}

interface Candidate {
  entry: FabricEntry & { filePath: string; documentIndex: number };
  /** The document's original text (computed only when the document is rejected). */
  source: () => string;
  origin: 'raw' | 'managed';
}

function issue(file: string, documentIndex: number | undefined, rule: string, message: string, manifest?: Manifest): ValidationIssue {
  return {
    severity: 'error',
    kind: manifest?.kind ?? '',
    name: manifest?.metadata.name ?? '',
    namespace: manifest?.metadata.namespace ?? '',
    fieldPath: '',
    rule: rule as ValidationIssue['rule'],
    message,
    filePath: file,
    ...(documentIndex !== undefined ? { documentIndex } : {}),
  };
}

/** A path not taken yet (at the base commit or earlier in this plan): name, name.1, name.2 … before the extension. */
function freePath(wanted: string, taken: (path: string) => boolean): string {
  if (!taken(wanted)) return wanted;
  const dot = wanted.lastIndexOf('.');
  const slash = wanted.lastIndexOf('/');
  const [stem, extension] = dot > slash + 1 ? [wanted.slice(0, dot), wanted.slice(dot)] : [wanted, ''];
  for (let n = 1; ; n++) {
    const candidate = `${stem}.${n}${extension}`;
    if (!taken(candidate)) return candidate;
  }
}

/**
 * Decides everything one ingestion does, without touching Git or the database: which documents become
 * managed files (created, updated or unchanged), which go to unmanaged/ with an error report, how raw files
 * are archived, and what the archive log records. One bad document never blocks the others, and every
 * document ends up somewhere.
 */
export function planIngestion(input: IngestionInput): IngestionPlan {
  const { paths } = input;
  const changes = new Map<string, FileChange>();
  const written = new Set<string>();
  const taken = (path: string) => input.existingBlobs.has(path) || written.has(path);
  const write = (path: string, content: string | Buffer) => {
    changes.set(path, { path, content });
    written.add(path);
  };
  const remove = (path: string) => changes.set(path, { path, delete: true });

  const documents: DocumentResult[] = [];
  const rejected = new Map<string, Array<{ index: number | null; source: string | Buffer; issues: ValidationIssue[] }>>();
  const reject = (file: string, index: number | null, source: string | Buffer, issues: ValidationIssue[], manifest?: Manifest) => {
    const list = rejected.get(file);
    if (list) list.push({ index, source, issues });
    else rejected.set(file, [{ index, source, issues }]);
    documents.push({ file, documentIndex: index, kind: manifest?.kind, name: manifest?.metadata.name, outcome: 'unmanaged', issues });
  };

  // 1. Parse every raw file and every unclaimed managed file into candidate documents.
  const candidates: Candidate[] = [];
  const parseInto = (file: SourceFile, origin: Candidate['origin']) => {
    // Decoding would replace invalid bytes with U+FFFD: such a file is kept whole, byte for byte.
    if (!isUtf8(file.content)) {
      reject(file.path, null, file.content, [issue(file.path, undefined, 'ingestion.not-utf8', 'the file is not valid UTF-8 text; save it as UTF-8 and drop it into raw/ again')]);
      return;
    }
    const text = file.content.toString('utf8');
    const parsed = parseManifests(text, { filePath: file.path });
    // Splitting a file into document sources costs a second parse: only files with rejections need it.
    let texts: string[] | undefined;
    const sourceOf = (index: number) => (texts ??= documentSources(text))[index];
    const byIndex = new Map<number, ValidationIssue[]>();
    const fileIssues: ValidationIssue[] = [];
    for (const found of parsed.issues) {
      if (found.documentIndex === undefined) fileIssues.push(found);
      else byIndex.set(found.documentIndex, [...(byIndex.get(found.documentIndex) ?? []), found]);
    }
    if (fileIssues.length > 0 && parsed.manifests.length === 0) {
      reject(file.path, null, file.content, fileIssues);
      return;
    }
    const withManifest = new Set(parsed.manifests.map((m) => m.documentIndex));
    for (const [index, found] of byIndex) {
      // Errors, or a document that is no Hedgehog resource at all (e.g. a Gateway): it goes to unmanaged/.
      if (found.some((i) => i.severity === 'error') || !withManifest.has(index)) reject(file.path, index, sourceOf(index) ?? '', found);
    }
    for (const manifest of parsed.manifests) {
      if (byIndex.get(manifest.documentIndex)?.some((i) => i.severity === 'error')) continue;
      candidates.push({
        entry: { manifest: manifest.manifest, filePath: file.path, documentIndex: manifest.documentIndex },
        source: () => sourceOf(manifest.documentIndex) ?? renderManifestYaml(manifest.manifest),
        origin,
      });
    }
  };
  for (const file of input.rawFiles) parseInto(file, 'raw');
  for (const file of input.unclaimedManagedFiles) parseInto(file, 'managed');

  // 2. Identities claimed twice in this batch: every claimant is reported, none wins.
  const byIdentity = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const key = resourceKey(manifestRef(candidate.entry.manifest));
    const list = byIdentity.get(key);
    if (list) list.push(candidate);
    else byIdentity.set(key, [candidate]);
  }
  let accepted: Candidate[] = [];
  for (const [key, claimants] of byIdentity) {
    if (claimants.length > 1) {
      const where = claimants.map((c) => `${c.entry.filePath}#${c.entry.documentIndex}`).join(', ');
      for (const c of claimants) {
        reject(c.entry.filePath, c.entry.documentIndex, c.source(), [
          issue(c.entry.filePath, c.entry.documentIndex, 'ingestion.duplicate-identity', `${key} is defined more than once in this batch (${where}); keep one`, c.entry.manifest),
        ], c.entry.manifest);
      }
      continue;
    }
    const [candidate] = claimants;
    const stored = input.stored.get(key);
    if (candidate.origin === 'raw' && stored && (stored.resourceState === ResourceState.DRAFT || stored.resourceState === ResourceState.COMMITTED) && stored.fileHash !== '') {
      reject(candidate.entry.filePath, candidate.entry.documentIndex, candidate.source(), [
        issue(candidate.entry.filePath, candidate.entry.documentIndex, 'ingestion.unsynced-api-change',
          `${key} has changes made through the API that are not in Git yet; sync the fabric, then ingest again`, candidate.entry.manifest),
      ], candidate.entry.manifest);
      continue;
    }
    accepted.push(candidate);
  }

  // 3. Validate against the fabric as it would be; drop the invalid and re-check until stable.
  for (let round = 0; round < 5 && accepted.length > 0; round++) {
    const entries = new Map<string, FabricEntry>();
    for (const [key, stored] of input.stored) entries.set(key, { manifest: stored.manifest });
    for (const c of accepted) entries.set(resourceKey(manifestRef(c.entry.manifest)), c.entry);
    const focus = accepted.map((c) => manifestRef(c.entry.manifest));
    const errors = new Map<string, ValidationIssue[]>();
    for (const found of validateFabric([...entries.values()], { focus })) {
      if (found.severity !== 'error') continue;
      const key = resourceKey(found);
      errors.set(key, [...(errors.get(key) ?? []), found]);
    }
    const stillValid: Candidate[] = [];
    for (const c of accepted) {
      const found = errors.get(resourceKey(manifestRef(c.entry.manifest)));
      if (found) reject(c.entry.filePath, c.entry.documentIndex, c.source(), found.map((f) => ({ ...f, filePath: c.entry.filePath, documentIndex: c.entry.documentIndex })), c.entry.manifest);
      else stillValid.push(c);
    }
    if (stillValid.length === accepted.length) break;
    accepted = stillValid;
  }

  // 4. Valid documents become managed files (raw) or are adopted where they are (managed).
  const resources: PlannedResource[] = [];
  let filesCreated = 0;
  let filesUpdated = 0;
  for (const c of accepted) {
    const manifest = c.entry.manifest;
    const ref = manifestRef(manifest);
    const fileHash = manifestHash(manifest);
    if (c.origin === 'managed') {
      resources.push({ manifest, managedFilePath: c.entry.filePath, fileHash, blobSha: input.existingBlobs.get(c.entry.filePath) ?? '', outcome: 'imported' });
      documents.push({ file: c.entry.filePath, documentIndex: c.entry.documentIndex, kind: ref.kind, name: ref.name, outcome: 'imported', managedFile: c.entry.filePath, issues: [] });
      continue;
    }
    const target = input.stored.get(resourceKey(ref))?.managedFilePath || paths.managedFile(ref.kind, ref.namespace, ref.name);
    const content = renderManifestYaml(manifest);
    const existing = input.existingBlobs.get(target);
    const blobSha = gitBlobSha(content);
    const outcome = existing === undefined ? 'created' : existing === blobSha ? 'unchanged' : 'updated';
    if (outcome !== 'unchanged') write(target, content);
    if (outcome === 'created') filesCreated++;
    if (outcome === 'updated') filesUpdated++;
    resources.push({ manifest, managedFilePath: target, fileHash, blobSha, outcome });
    documents.push({ file: c.entry.filePath, documentIndex: c.entry.documentIndex, kind: ref.kind, name: ref.name, outcome, managedFile: target, issues: [] });
  }

  // 5. Rejected documents: their source goes to unmanaged/<file>, the reasons to unmanaged/<file>.errors.yaml.
  for (const [file, entries] of rejected) {
    const name = FabricPaths.basename(file);
    const target = freePath(`${paths.unmanaged}/${name}`, taken);
    const whole = entries.length === 1 && entries[0].index === null;
    write(target, whole ? entries[0].source : entries.map((e) => e.source.toString()).join('\n---\n') + '\n');
    write(`${target}.errors.yaml`, stringify({
      source: file,
      operation: input.operationId,
      documents: entries.map((e) => ({
        documentIndex: e.index,
        errors: e.issues.map((i) => ({ kind: i.kind, name: i.name, fieldPath: i.fieldPath, rule: i.rule, message: i.message })),
      })),
    }, { lineWidth: 0 }));
    filesCreated += 2;
    for (const d of documents) if (d.file === file && d.outcome === 'unmanaged') d.unmanagedFile = target;
  }

  // A managed file none of whose documents could be imported now lives in unmanaged/: it leaves managed/, or every
  // later ingestion would find it unclaimed again and copy it to unmanaged/ once more.
  for (const file of input.unclaimedManagedFiles) {
    const ofFile = documents.filter((d) => d.file === file.path);
    if (ofFile.length > 0 && ofFile.every((d) => d.outcome === 'unmanaged')) remove(file.path);
  }

  // 6. Archive every raw file that was read, and log it.
  const archived: IngestionPlan['archived'] = [];
  for (const file of input.rawFiles) {
    remove(file.path);
    let archivedAs: string | null = null;
    if (input.archiveStrategy === ArchiveStrategy.RENAME_WITH_EXTENSION) {
      archivedAs = freePath(`${file.path}.archived`, taken);
      write(archivedAs, file.content);
    }
    archived.push({ file: file.path, archivedAs });
  }
  if (archived.length > 0) {
    const previous = readArchiveLog(input.archiveLogText);
    const entries = [
      ...previous,
      ...archived.map(({ file, archivedAs }) => {
        const ofFile = documents.filter((d) => d.file === file);
        return {
          file,
          archivedAs,
          operation: input.operationId,
          documents: ofFile.length,
          ingested: ofFile.filter((d) => d.outcome !== 'unmanaged').length,
          unmanaged: ofFile.filter((d) => d.outcome === 'unmanaged').length,
        };
      }),
    ].slice(-ARCHIVE_LOG_LIMIT);
    write(paths.archiveLog, stringify({ entries }, { lineWidth: 0 }));
  }

  return {
    changes: [...changes.values()],
    resources,
    documents,
    archived,
    counters: {
      filesProcessed: input.rawFiles.length + input.unclaimedManagedFiles.length,
      filesCreated,
      filesUpdated,
      filesDeleted: input.archiveStrategy === ArchiveStrategy.DELETE ? archived.length : 0,
    },
  };
}

function readArchiveLog(text: string | null): unknown[] {
  if (!text) return [];
  try {
    const parsed = parse(text, { maxAliasCount: 0 }) as { entries?: unknown };
    return Array.isArray(parsed?.entries) ? parsed.entries : [];
  } catch {
    return [];
  }
}
