import { ConflictResolutionStrategy, ConflictStatus, ConflictType, ResourceState, SyncOperationType } from '../../entities/enums';
import { HedgehogResource, type JsonObject } from '../../entities/hedgehog-resource';
import { ResourceConflict } from '../../entities/resource-conflict';
import { ResourceTombstone } from '../../entities/resource-tombstone';
import { StateTransition } from '../../entities/state-transition';
import { User } from '../../entities/user';
import { persistNew } from '../../db/persist-new';
import { fetchPushBase, loadFabricRemote } from '../../gitops/fabric-remote';
import { gitBlobSha } from '../../gitops/git-blob';
import type { FileChange } from '../../gitops/git-types';
import { threeWayMerge } from '../../gitops/three-way-merge';
import { canonicalizeManifest, manifestHash, type Manifest } from '../../hedgehog/manifest';
import { parseManifests } from '../../hedgehog/parse-manifests';
import { resourceManifest } from '../../hedgehog/resource-manifest';
import { validateResource } from '../../hedgehog/validate-resource';
import { renderManifestYaml } from '../../hedgehog/yaml-render';
import { ConflictEventType, conflictTopics, type ConflictEventPayload } from '../../graphql/subscription-events';
import type { OperationContext, OperationExecutor } from '../executor';
import type { SyncExecutorDeps } from './fabric-sync-executor';
import { recordAudit } from '../../services/audit-trail';

export interface ResolutionInput {
  conflictId: string;
  strategy: ConflictResolutionStrategy;
  mergedSpec?: JsonObject;
  resolvedById?: string;
}

/**
 * `resolveConflict`: decides the manifest both sides end with (GUI_WINS: the database's; GIT_WINS: the
 * file at the branch head; MERGE: the automatic merge, refused when paths still overlap; MANUAL: the
 * client's spec), writes it to Git (one commit when the file differs) and to the database with a new base,
 * marks the conflict resolved and publishes RESOLVED.
 */
export function conflictResolutionExecutor(deps: SyncExecutorDeps): OperationExecutor {
  return {
    type: SyncOperationType.CONFLICT_RESOLUTION,
    retryAfterInterruption: true,
    async execute(context: OperationContext): Promise<void> {
      const input = context.input as unknown as ResolutionInput;
      try {
        await resolve(deps, context, input);
      } catch (error) {
        // Back to DETECTED: the conflict stays open for another attempt or strategy.
        await context.em.fork().nativeUpdate(ResourceConflict, { id: input.conflictId, status: ConflictStatus.RESOLVING }, { status: ConflictStatus.DETECTED });
        const conflict = await context.em.fork().findOne(ResourceConflict, { id: input.conflictId });
        if (conflict) await context.em.fork().nativeUpdate(HedgehogResource, { id: conflict.resource.id, conflictStatus: ConflictStatus.RESOLVING }, { conflictStatus: ConflictStatus.DETECTED });
        throw error;
      }
    },
  };
}

async function resolve(deps: SyncExecutorDeps, context: OperationContext, input: ResolutionInput): Promise<void> {
  const { em } = context;
  const conflict = await em.findOneOrFail(ResourceConflict, { id: input.conflictId });
  if (conflict.status === ConflictStatus.RESOLVED) throw new Error('the conflict is already resolved');
  const resource = await em.findOneOrFail(HedgehogResource, { id: conflict.resource.id });
  const target = await loadFabricRemote(em, context.operation.fabricId, deps.secrets);

  await context.stage('fetch', 0.2);
  const head = await fetchPushBase(deps.repos, target);
  const path = resource.managedFilePath || target.paths.managedFile(resource.kind, resource.namespace, resource.name);
  const text = await head.readFile(path);
  const parsed = text ? parseManifests(text.toString('utf8'), { filePath: path }) : undefined;
  const theirs: Manifest | null = parsed?.manifests.length === 1 ? parsed.manifests[0].manifest : null;
  if (text && !theirs) throw new Error(`${path} does not hold one valid Hedgehog resource; fix it in Git or choose GUI_WINS`);
  // A delete_modify conflict whose database side was a deletion (the row only carries the conflict).
  const deletedInDb = conflict.conflictType === ConflictType.DELETE_MODIFY && !conflict.ours;
  const ours = deletedInDb ? null : resourceManifest(resource);
  const base = resource.baseManifest ? canonicalizeManifest(resource.baseManifest as unknown as Manifest) : null;

  await context.stage('decide', 0.4, input.strategy);
  let final: Manifest | null;
  switch (input.strategy) {
    case ConflictResolutionStrategy.GUI_WINS:
      final = ours;
      break;
    case ConflictResolutionStrategy.GIT_WINS:
      final = theirs;
      break;
    case ConflictResolutionStrategy.MERGE: {
      const merge = threeWayMerge(base, ours, theirs);
      if (merge.outcome === 'conflict' || merge.outcome === 'delete_modify' || merge.merged === undefined) {
        throw new Error(`the edits still overlap at ${merge.conflictPaths.join(', ')}; choose another strategy`);
      }
      final = merge.merged;
      break;
    }
    case ConflictResolutionStrategy.MANUAL:
      final = canonicalizeManifest({ ...resourceManifest(resource), spec: (input.mergedSpec ?? {}) as Manifest['spec'] });
      break;
  }
  if (final) {
    const problems = validateResource(final).filter((i) => i.severity === 'error');
    if (problems.length > 0) throw new Error(`the resolved resource is invalid: ${problems.map((p) => `${p.fieldPath}: ${p.message}`).join('; ')}`);
  }

  let commitSha: string | null = null;
  const gitHas = theirs ? manifestHash(theirs) : null;
  const wanted = final ? manifestHash(final) : null;
  let blobSha = text ? gitBlobSha(text) : '';
  if (gitHas !== wanted) {
    const content = final ? renderManifestYaml(final) : null;
    const change: FileChange = content ? { path, content } : { path, delete: true };
    await context.stage('commit', 0.6);
    await context.enterPointOfNoReturn();
    await context.stage('push', 0.7);
    const outcome = await deps.repos.commitAndPush(
      { ...target.remote, branch: target.pushBranch },
      head,
      { changes: [change], message: `Resolve conflict on ${resource.kind} ${resource.name} (${input.strategy.toLowerCase()})`, operationId: context.operation.id, author: target.author },
      target.pushBranch,
    );
    commitSha = outcome.commitSha;
    blobSha = content ? gitBlobSha(content) : '';
    if (commitSha) await em.getConnection().execute('update sync_operation set commit_sha = ? where id = ?', [commitSha, context.operation.id]);
  }

  await context.stage('apply', 0.9);
  await em.transactional(async (tx) => {
    const row = await tx.findOneOrFail(HedgehogResource, { id: resource.id });
    const stored = await tx.findOneOrFail(ResourceConflict, { id: conflict.id });
    const now = new Date();
    const resolvedBy = input.resolvedById ? tx.getReference(User, input.resolvedById) : null;
    stored.status = ConflictStatus.RESOLVED;
    stored.resolvedAt = now;
    stored.resolutionStrategy = input.strategy;
    stored.resolvedBy = resolvedBy;
    // A deletion made through the API is settled either way: done (GUI_WINS) or undone (GIT_WINS, MANUAL).
    await tx.nativeDelete(ResourceTombstone, { fabric: context.operation.fabricId, kind: row.kind, namespace: row.namespace, name: row.name });
    const resolver = input.resolvedById ? await tx.findOne(User, { id: input.resolvedById }) : null;
    recordAudit(
      tx,
      resolver,
      'conflict.resolve',
      { type: 'ResourceConflict', id: conflict.id, name: `${row.kind} ${row.namespace}/${row.name}`, fabricId: context.operation.fabricId },
      { strategy: input.strategy, resourceId: row.id, operationId: context.operation.id, commitSha, result: final ? 'resolved' : 'resource deleted' },
    );
    if (!final) {
      tx.remove(row);
      return;
    }
    const from = row.resourceState;
    Object.assign(row, {
      apiVersion: final.apiVersion,
      spec: final.spec,
      labels: final.metadata.labels ?? {},
      annotations: final.metadata.annotations ?? {},
      baseManifest: final as unknown as JsonObject,
      fileHash: manifestHash(final),
      managedFilePath: path,
      lastFileSync: now,
      resourceState: ResourceState.SYNCED,
      conflictStatus: ConflictStatus.RESOLVED,
      conflictDetails: { ...row.conflictDetails, resolvedAt: now.toISOString(), strategy: input.strategy },
      syncMetadata: { ...row.syncMetadata, blobSha },
    });
    persistNew(tx, StateTransition, {
      resource: row,
      fromState: from,
      toState: ResourceState.SYNCED,
      trigger: 'resolve_conflict',
      reason: input.strategy.toLowerCase(),
      context: { operation: context.operation.id, conflict: conflict.id, commit: commitSha },
      user: resolvedBy,
    });
  });
  const payload: ConflictEventPayload = { kind: 'conflict', type: ConflictEventType.RESOLVED, conflictId: conflict.id, fabricId: context.operation.fabricId, at: new Date().toISOString() };
  await deps.events.publish({ topics: conflictTopics(context.operation.fabricId), payload: payload as unknown as Record<string, unknown> });
  await context.mergeDetails({ conflictId: conflict.id, strategy: input.strategy, commitSha, result: final ? 'resolved' : 'resolved by deleting the resource' });
}
