import { ConflictStatus, ConflictType, FabricSyncStatus, ResourceState, SyncOperationType } from '../../entities/enums';
import { HedgehogFabric } from '../../entities/hedgehog-fabric';
import { HedgehogResource, type JsonObject } from '../../entities/hedgehog-resource';
import { ResourceConflict } from '../../entities/resource-conflict';
import { ResourceTombstone } from '../../entities/resource-tombstone';
import { StateTransition } from '../../entities/state-transition';
import { SyncOperation } from '../../entities/sync-operation';
import { persistNew } from '../../db/persist-new';
import { fetchPushBase, loadFabricRemote, type FabricRemote } from '../../gitops/fabric-remote';
import { GitError, type GitSnapshot } from '../../gitops/git-types';
import { describePlan, planSync, type PlannedItem, type StoredSide, type SyncPlan, type SyncWay, type TombstoneSide } from '../../gitops/sync-plan';
import { canonicalizeManifest, manifestHash, type Manifest } from '../../hedgehog/manifest';
import type { EventBus } from '../../graphql/pubsub/event-bus';
import { conflictTopics, ConflictEventType, type ConflictEventPayload } from '../../graphql/subscription-events';
import type { OperationContext, OperationExecutor } from '../executor';
import type { GitExecutorDeps } from './git-executor-deps';
import { ingestionExecutor } from './ingestion-executor';

/** A push rejected because someone pushed first is retried this many times (fetch, re-plan, push). */
const PUSH_ATTEMPTS = 3;

export interface SyncExecutorDeps extends GitExecutorDeps {
  events: EventBus;
}

function asManifest(value: unknown): Manifest | null {
  return value && typeof value === 'object' ? canonicalizeManifest(value as Manifest) : null;
}

async function loadSides(context: OperationContext): Promise<{ stored: StoredSide[]; tombstones: TombstoneSide[] }> {
  const rows = await context.em.find(HedgehogResource, { fabric: context.operation.fabricId });
  const stored = rows.map((row) => ({
    id: row.id,
    version: row.version,
    manifest: canonicalizeManifest({
      apiVersion: row.apiVersion,
      kind: row.kind,
      metadata: { name: row.name, namespace: row.namespace, labels: row.labels, annotations: row.annotations },
      spec: row.spec as Manifest['spec'],
    }),
    base: asManifest(row.baseManifest),
    managedFilePath: row.managedFilePath,
    blobSha: typeof row.syncMetadata?.blobSha === 'string' ? row.syncMetadata.blobSha : '',
    inConflict: row.conflictStatus === ConflictStatus.DETECTED || row.conflictStatus === ConflictStatus.RESOLVING,
  }));
  const tombstones = (await context.em.find(ResourceTombstone, { fabric: context.operation.fabricId })).map((t) => ({
    id: t.id,
    base: canonicalizeManifest(t.baseManifest as unknown as Manifest),
    managedFilePath: t.managedFilePath,
  }));
  return { stored, tombstones };
}

function count(plan: SyncPlan, predicate: (item: PlannedItem) => boolean): number {
  return plan.items.filter(predicate).length;
}

/** Applies the database half of a plan in one transaction, after Git accepted the commit (or nothing had to be pushed). */
async function applyPlan(context: OperationContext, plan: SyncPlan, way: SyncWay, headCommit: string | null): Promise<string[]> {
  const fabricId = context.operation.fabricId;
  const conflictIds: string[] = [];
  await context.em.transactional(async (tx) => {
    const now = new Date();
    const transition = (resource: HedgehogResource | string, from: ResourceState | null, to: ResourceState, trigger: string, item: PlannedItem) =>
      persistNew(tx, StateTransition, {
        resource: typeof resource === 'string' ? tx.getReference(HedgehogResource, resource) : resource,
        fromState: from,
        toState: to,
        trigger,
        reason: `${item.outcome}: ${item.path}`,
        context: { operation: context.operation.id, commit: headCommit },
      });
    for (const item of plan.items) {
      const row = item.stored ? await tx.findOne(HedgehogResource, { id: item.stored.id }) : null;
      if (item.conflict) {
        if (!row) continue; // a deletion through the API against a Git edit: reported in details, the tombstone stays
        const conflict = persistNew(tx, ResourceConflict, {
          resource: row,
          fabric: tx.getReference(HedgehogFabric, fabricId),
          conflictType: item.conflict.kind as ConflictType,
          status: ConflictStatus.DETECTED,
          fieldPaths: item.conflict.paths,
          base: item.base as unknown as JsonObject | null,
          ours: item.ours as unknown as JsonObject | null,
          theirs: item.theirs as unknown as JsonObject | null,
          gitCommit: headCommit,
          operation: tx.getReference(SyncOperation, context.operation.id),
        });
        row.conflictStatus = ConflictStatus.DETECTED;
        row.conflictDetails = { conflictId: conflict.id, type: item.conflict.kind, fieldPaths: item.conflict.paths, detectedAt: now.toISOString(), ...(item.conflict.issues ? { issues: item.conflict.issues } : {}) };
        row.externalModifications = [...row.externalModifications, { at: now.toISOString(), commit: headCommit, fileHash: item.theirs ? manifestHash(item.theirs) : null, detection: 'three_way' }];
        conflictIds.push(conflict.id);
        continue;
      }
      const result = item.result;
      const gitHolds = item.writeGit ? result ?? null : item.theirs;
      // The new base is what Git holds after this sync.
      const base = gitHolds;
      if (result === null && (item.writeDb || item.writeGit)) {
        if (item.writeDb && row) tx.remove(row);
        if (item.tombstone) await tx.nativeDelete(ResourceTombstone, { id: item.tombstone.id });
        continue;
      }
      if (!row && item.writeDb && result) {
        const created = persistNew(tx, HedgehogResource, {
          fabric: tx.getReference(HedgehogFabric, fabricId),
          apiVersion: result.apiVersion,
          kind: result.kind,
          namespace: result.metadata.namespace,
          name: result.metadata.name,
          spec: result.spec,
          labels: result.metadata.labels ?? {},
          annotations: result.metadata.annotations ?? {},
          baseManifest: base as unknown as JsonObject,
          managedFilePath: item.path,
          fileHash: base ? manifestHash(base) : '',
          lastFileSync: now,
          resourceState: ResourceState.SYNCED,
          syncMetadata: { blobSha: item.blobSha },
        });
        transition(created, null, ResourceState.SYNCED, 'pull_from_git', item);
        continue;
      }
      if (!row) continue;
      const changedMeanwhile = row.version !== item.stored!.version;
      const from = row.resourceState;
      if (item.writeDb && result && !changedMeanwhile) {
        row.apiVersion = result.apiVersion;
        row.spec = result.spec;
        row.labels = result.metadata.labels ?? {};
        row.annotations = result.metadata.annotations ?? {};
      }
      if (base) {
        row.baseManifest = base as unknown as JsonObject;
        row.fileHash = manifestHash(base);
      }
      row.managedFilePath = item.path;
      row.lastFileSync = now;
      row.syncMetadata = { ...row.syncMetadata, blobSha: item.blobSha };
      const inSync = !changedMeanwhile && base !== null && manifestHash(canonicalizeManifest({
        apiVersion: row.apiVersion,
        kind: row.kind,
        metadata: { name: row.name, namespace: row.namespace, labels: row.labels, annotations: row.annotations },
        spec: row.spec as Manifest['spec'],
      })) === manifestHash(base);
      const to = inSync ? ResourceState.SYNCED : ResourceState.DRAFT;
      if (to !== from) {
        row.resourceState = to;
        transition(row, from, to, way === 'push' ? 'commit_to_git' : 'sync_from_git', item);
      }
    }
    const fabricUpdate: Partial<HedgehogFabric> = { lastGitSync: now, syncStatus: conflictIds.length > 0 ? FabricSyncStatus.OUT_OF_SYNC : FabricSyncStatus.IN_SYNC };
    if (way !== 'push' && headCommit) fabricUpdate.lastSyncedCommit = headCommit;
    await tx.nativeUpdate(HedgehogFabric, { id: fabricId }, fabricUpdate);
  });
  return conflictIds;
}

async function publishConflicts(deps: SyncExecutorDeps, fabricId: string, conflictIds: string[]): Promise<void> {
  for (const conflictId of conflictIds) {
    const payload: ConflictEventPayload = { kind: 'conflict', type: ConflictEventType.DETECTED, conflictId, fabricId, at: new Date().toISOString() };
    await deps.events.publish({ topics: conflictTopics(fabricId), payload: payload as unknown as Record<string, unknown> });
  }
}

async function headFor(deps: SyncExecutorDeps, target: FabricRemote, way: SyncWay): Promise<GitSnapshot> {
  // Pulls read the default branch; pushes build on the push branch (the default branch until it exists).
  return way === 'pull' ? deps.repos.fetch(target.remote) : fetchPushBase(deps.repos, target);
}

async function runSync(deps: SyncExecutorDeps, context: OperationContext, way: SyncWay): Promise<void> {
  const target = await loadFabricRemote(context.em, context.operation.fabricId, deps.secrets);
  const dryRun = context.operation.dryRun;
  if (way !== 'push' && !dryRun) await ingestionExecutor(deps).execute(context);

  for (let attempt = 1; ; attempt++) {
    await context.stage('fetch', 0.4, attempt > 1 ? `retry ${attempt} after a rejected push` : undefined);
    const head = await headFor(deps, target, way);
    await context.stage('diff', 0.5);
    const sides = await loadSides(context);
    const noLocalChanges = sides.tombstones.length === 0 && sides.stored.every((s) => s.base && manifestHash(s.base) === manifestHash(s.manifest));
    if (way !== 'push' && head.commitSha !== null && head.commitSha === target.fabric.lastSyncedCommit && noLocalChanges) {
      await context.mergeDetails({ result: 'in sync: no change on either side', headCommit: head.commitSha });
      return;
    }
    const plan = await planSync({ way, paths: target.paths, head, ...sides });
    const summary = {
      pulled: count(plan, (i) => i.outcome === 'pull' && i.writeDb),
      pushed: count(plan, (i) => i.writeGit),
      merged: count(plan, (i) => i.outcome === 'merged'),
      converged: count(plan, (i) => i.outcome === 'converged'),
      conflicts: count(plan, (i) => i.conflict !== undefined),
    };
    if (dryRun) {
      await context.mergeDetails({ dryRun: true, headCommit: head.commitSha, summary, plan: describePlan(plan), changedPaths: plan.changes.map((c) => c.path) });
      return;
    }
    let commitSha: string | null = null;
    if (plan.changes.length > 0 && way !== 'pull') {
      await context.stage('commit', 0.6);
      await context.enterPointOfNoReturn();
      await context.stage('push', 0.7, `${plan.changes.length} files`);
      try {
        const outcome = await deps.repos.commitAndPush(
          { ...target.remote, branch: target.pushBranch },
          head,
          {
            changes: plan.changes,
            message: `Sync fabric ${target.fabric.name}: ${summary.pushed} resource file(s) from the API${summary.merged ? `, ${summary.merged} merged` : ''}`,
            operationId: context.operation.id,
            author: target.author,
          },
          target.pushBranch,
        );
        commitSha = outcome.commitSha;
      } catch (error) {
        if (error instanceof GitError && error.code === 'PUSH_REJECTED' && attempt < PUSH_ATTEMPTS) continue;
        throw error;
      }
      if (commitSha) await context.em.getConnection().execute('update sync_operation set commit_sha = ? where id = ?', [commitSha, context.operation.id]);
    }
    await context.stage('apply', 0.85);
    const conflicts = await applyPlan(context, plan, way, commitSha ?? head.commitSha);
    await context.addCounters({
      filesProcessed: plan.items.length,
      filesCreated: plan.changes.filter((c) => !('delete' in c)).length,
      filesDeleted: plan.changes.filter((c) => 'delete' in c).length,
    });
    await publishConflicts(deps, context.operation.fabricId, conflicts);
    await context.mergeDetails({
      headCommit: head.commitSha,
      commitSha,
      attempts: attempt,
      summary,
      resources: describePlan(plan).slice(0, 1000),
      conflictIds: conflicts,
    });
    return;
  }
}

/** syncFabric: GIT_TO_GUI (github_to_gui), GUI_TO_GIT (gui_to_github) and BIDIRECTIONAL (bidirectional_sync). */
export function fabricSyncExecutors(deps: SyncExecutorDeps): OperationExecutor[] {
  const executor = (type: SyncOperationType, way: SyncWay, retry: boolean): OperationExecutor => ({
    type,
    retryAfterInterruption: retry,
    execute: (context) => runSync(deps, context, way),
  });
  return [
    executor(SyncOperationType.GITHUB_TO_GUI, 'pull', true),
    // A push interrupted after Git accepted it converges on the next sync (three-way "both equal"), so a retry is safe.
    executor(SyncOperationType.GUI_TO_GITHUB, 'push', true),
    executor(SyncOperationType.BIDIRECTIONAL_SYNC, 'both', true),
  ];
}
