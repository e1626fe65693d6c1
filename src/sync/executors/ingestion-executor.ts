import { randomUUID } from 'node:crypto';
import { ResourceState, SyncOperationType } from '../../entities/enums';
import { HedgehogFabric } from '../../entities/hedgehog-fabric';
import { HedgehogResource } from '../../entities/hedgehog-resource';
import { ResourceTombstone } from '../../entities/resource-tombstone';
import { StateTransition } from '../../entities/state-transition';
import { persistNew } from '../../db/persist-new';
import { fetchPushBase, loadFabricRemote } from '../../gitops/fabric-remote';
import type { GitSnapshot } from '../../gitops/git-types';
import { planIngestion, type IngestionPlan, type SourceFile, type StoredResource } from '../../gitops/ingestion-plan';
import { resourceKey } from '../../hedgehog/issues';
import { manifestRef } from '../../hedgehog/manifest';
import { resourceManifest } from '../../hedgehog/resource-manifest';
import type { OperationContext, OperationExecutor } from '../executor';
import { assertTransition } from '../resource-state-machine';
import type { GitExecutorDeps } from './git-executor-deps';
import { recordOperationApply } from '../../services/audit-trail';

/** Per-document results kept in `details.documents`; the counts always cover all of them. */
const MAX_REPORTED_DOCUMENTS = 2000;

async function readAll(snapshot: GitSnapshot, paths: string[]): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  for (let i = 0; i < paths.length; i += 256) {
    const chunk = paths.slice(i, i + 256);
    const contents = await Promise.all(chunk.map((path) => snapshot.readFile(path)));
    chunk.forEach((path, index) => files.push({ path, content: contents[index] ?? Buffer.alloc(0) }));
  }
  return files;
}

async function loadStored(context: OperationContext): Promise<Map<string, StoredResource>> {
  const rows = await context.em.find(
    HedgehogResource,
    { fabric: context.operation.fabricId },
    { fields: ['apiVersion', 'kind', 'namespace', 'name', 'labels', 'annotations', 'spec', 'managedFilePath', 'resourceState', 'fileHash'] },
  );
  const stored = new Map<string, StoredResource>();
  for (const row of rows) {
    const manifest = resourceManifest(row);
    stored.set(resourceKey(manifestRef(manifest)), { manifest, managedFilePath: row.managedFilePath, resourceState: row.resourceState, fileHash: row.fileHash });
  }
  return stored;
}

/** Writes the ingested and imported resources in one transaction, after Git accepted the commit. */
async function applyToDatabase(context: OperationContext, plan: IngestionPlan, commitSha: string | null): Promise<void> {
  const fabricId = context.operation.fabricId;
  await context.em.transactional(async (tx) => {
    const existing = await tx.find(HedgehogResource, { fabric: fabricId });
    const byKey = new Map(existing.map((r) => [`${r.kind}/${r.namespace}/${r.name}`, r]));
    const now = new Date();
    const transitionContext = { operation: context.operation.id, commit: commitSha };
    // New rows go in with multi-row inserts: an initial ingestion of 10,000 resources is one of the common cases.
    const newResources: Array<Record<string, unknown>> = [];
    const newTransitions: Array<Record<string, unknown>> = [];
    for (const planned of plan.resources) {
      const { manifest } = planned;
      const ref = manifestRef(manifest);
      const fields = {
        apiVersion: manifest.apiVersion,
        spec: manifest.spec,
        labels: manifest.metadata.labels ?? {},
        annotations: manifest.metadata.annotations ?? {},
        managedFilePath: planned.managedFilePath,
        fileHash: planned.fileHash,
        baseManifest: manifest as unknown as Record<string, unknown>,
        lastFileSync: now,
        resourceState: ResourceState.SYNCED,
        syncMetadata: { blobSha: planned.blobSha },
      };
      const trigger = planned.outcome === 'imported' ? 'import_from_git' : 'ingest_raw_file';
      const transition = { trigger, reason: `from ${planned.managedFilePath}`, context: transitionContext, toState: ResourceState.SYNCED };
      const row = byKey.get(resourceKey(ref));
      if (row) {
        const from = row.resourceState;
        tx.assign(row, fields);
        if (from !== ResourceState.SYNCED || planned.outcome !== 'unchanged') persistNew(tx, StateTransition, { resource: row, fromState: from, ...transition });
        continue;
      }
      assertTransition(null, ResourceState.SYNCED, trigger);
      const id = randomUUID();
      newResources.push({ id, fabric: fabricId, kind: ref.kind, namespace: ref.namespace, name: ref.name, version: 1, created: now, lastUpdated: now, customFieldData: {}, tags: [], ...fields });
      newTransitions.push({ id: randomUUID(), resource: id, fromState: null, timestamp: now, created: now, lastUpdated: now, customFieldData: {}, tags: [], ...transition });
    }
    await tx.flush();
    for (let i = 0; i < newResources.length; i += 1000) {
      await tx.insertMany(HedgehogResource, newResources.slice(i, i + 1000) as never[]);
      await tx.insertMany(StateTransition, newTransitions.slice(i, i + 1000) as never[]);
    }
    await tx.nativeUpdate(HedgehogFabric, { id: fabricId }, { lastGitSync: now });
    recordOperationApply(tx, context, { commit: commitSha, created: newResources.length, updated: plan.resources.length - newResources.length });
    await tx.flush();
  });
}

/**
 * `ingestRawFiles`: every raw/*.yaml|yml at the branch head becomes managed files (valid Hedgehog
 * documents) or unmanaged files with an error report; raw files are archived; managed files no stored
 * resource claims are imported. One commit, pushed; then the database, in one transaction.
 */
export function ingestionExecutor(deps: GitExecutorDeps): OperationExecutor {
  return {
    type: SyncOperationType.INGESTION,
    retryAfterInterruption: true,
    async execute(context: OperationContext): Promise<void> {
      await context.stage('fetch', 0.05);
      const target = await loadFabricRemote(context.em, context.operation.fabricId, deps.secrets);
      const { paths, fabric } = target;
      const base = await fetchPushBase(deps.repos, target);

      await context.stage('discover', 0.15);
      const files = base.commitSha ? await base.listFiles(paths.root) : [];
      const existingBlobs = new Map(files.map((f) => [f.path, f.blobSha]));
      const stored = await loadStored(context);
      // Files of resources deleted through the API (tombstones) are not new: the sync deletes or disputes them.
      const tombstones = await context.em.find(ResourceTombstone, { fabric: context.operation.fabricId }, { fields: ['managedFilePath'] });
      const claimed = new Set([...[...stored.values()].map((s) => s.managedFilePath), ...tombstones.map((t) => t.managedFilePath)].filter(Boolean));
      const rawPaths = files.filter((f) => paths.isRawYaml(f.path)).map((f) => f.path);
      const unclaimedPaths = files.filter((f) => paths.isManagedYaml(f.path) && !claimed.has(f.path)).map((f) => f.path);
      if (rawPaths.length === 0 && unclaimedPaths.length === 0) {
        await context.mergeDetails({
          result: files.length === 0 ? `nothing to ingest: "${paths.root || '/'}" does not exist on ${base.branch} yet (run initializeGitopsDirectory)` : 'nothing to ingest',
          baseCommit: base.commitSha,
        });
        return;
      }
      const rawFiles = await readAll(base, rawPaths);
      const unclaimedManagedFiles = await readAll(base, unclaimedPaths);
      await context.addCounters({ filesProcessed: rawFiles.length + unclaimedManagedFiles.length });

      await context.stage('validate', 0.3, `${rawFiles.length} raw files, ${unclaimedManagedFiles.length} managed files to import`);
      const archiveLogText = (await base.readFile(paths.archiveLog))?.toString('utf8') ?? null;
      const plan = planIngestion({
        paths,
        archiveStrategy: fabric.archiveStrategy,
        operationId: context.operation.id,
        rawFiles,
        unclaimedManagedFiles,
        existingBlobs,
        stored,
        archiveLogText,
      });

      await context.stage('write', 0.5, `${plan.changes.length} file changes`);
      let commitSha: string | null = null;
      if (plan.changes.length > 0) {
        await context.stage('commit', 0.6);
        await context.enterPointOfNoReturn();
        await context.stage('push', 0.7);
        const ingested = plan.documents.filter((d) => d.outcome === 'created' || d.outcome === 'updated').length;
        const unmanaged = plan.documents.filter((d) => d.outcome === 'unmanaged').length;
        const outcome = await deps.repos.commitAndPush(
          target.remote,
          base,
          {
            changes: plan.changes,
            message: `Ingest ${rawFiles.length} raw file(s) into fabric ${fabric.name}\n\n${ingested} resource(s) written to managed/, ${unmanaged} document(s) moved to unmanaged/.`,
            operationId: context.operation.id,
            author: target.author,
          },
          target.pushBranch,
        );
        commitSha = outcome.commitSha;
        if (commitSha) await context.em.getConnection().execute('update sync_operation set commit_sha = ? where id = ?', [commitSha, context.operation.id]);
      }

      await context.stage('apply', 0.85, `${plan.resources.length} resources`);
      if (plan.resources.length > 0) await applyToDatabase(context, plan, commitSha);
      const { filesProcessed: _p, ...written } = plan.counters;
      await context.addCounters(written);
      const count = (outcome: string) => plan.documents.filter((d) => d.outcome === outcome).length;
      await context.mergeDetails({
        commitSha,
        baseCommit: base.commitSha,
        branch: target.pushBranch,
        documents: plan.documents.slice(0, MAX_REPORTED_DOCUMENTS),
        documentsTruncated: plan.documents.length > MAX_REPORTED_DOCUMENTS,
        summary: {
          created: count('created'),
          updated: count('updated'),
          unchanged: count('unchanged'),
          imported: count('imported'),
          unmanaged: count('unmanaged'),
        },
        archived: plan.archived,
      });
    },
  };
}
