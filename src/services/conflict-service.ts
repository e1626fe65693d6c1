import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictResolutionStrategy, ConflictStatus, SyncOperationType } from '../entities/enums';
import { HedgehogResource, type JsonObject } from '../entities/hedgehog-resource';
import { ResourceConflict } from '../entities/resource-conflict';
import type { User } from '../entities/user';
import { threeWayMerge } from '../gitops/three-way-merge';
import { decodeIdOfType } from '../graphql/global-id';
import { canonicalizeManifest, type Manifest } from '../hedgehog/manifest';
import { resourceManifest } from '../hedgehog/resource-manifest';
import { validateResource } from '../hedgehog/validate-resource';
import type { SyncRuntime } from '../sync/sync-runtime';
import { MutationError, UserErrorCode } from './mutation-error';

const asManifest = (value: JsonObject | null | undefined): Manifest | null => (value ? canonicalizeManifest(value as unknown as Manifest) : null);

/** Checks the request, marks the conflict `resolving` and queues the conflict_resolution operation. */
export async function resolveConflict(
  em: EntityManager,
  sync: SyncRuntime,
  actor: User,
  conflictGlobalId: string,
  strategy: ConflictResolutionStrategy,
  mergedSpec: Record<string, unknown> | undefined,
): Promise<{ conflict: ResourceConflict; operationId: string }> {
  const id = decodeIdOfType(conflictGlobalId, 'ResourceConflict');
  const conflict = id ? await em.findOne(ResourceConflict, { id }) : null;
  if (!conflict) throw MutationError.single(UserErrorCode.NOT_FOUND, ['conflictId'], `no ResourceConflict with id "${conflictGlobalId}"`);
  if (conflict.status === ConflictStatus.RESOLVED) {
    throw MutationError.single(UserErrorCode.INVALID_STATE, ['conflictId'], `the conflict was already resolved (${conflict.resolutionStrategy ?? 'unknown strategy'}) at ${conflict.resolvedAt?.toISOString()}`);
  }
  if (conflict.status === ConflictStatus.RESOLVING) throw MutationError.single(UserErrorCode.INVALID_STATE, ['conflictId'], 'the conflict is being resolved by another operation');

  if (strategy === ConflictResolutionStrategy.MANUAL) {
    if (!mergedSpec) throw MutationError.single(UserErrorCode.VALIDATION, ['mergedSpec'], 'MANUAL needs mergedSpec: the spec both sides should end with');
    const resource = await em.findOneOrFail(HedgehogResource, { id: conflict.resource.id });
    const candidate = canonicalizeManifest({ ...resourceManifest(resource), spec: mergedSpec as Manifest['spec'] });
    const problems = validateResource(candidate).filter((i) => i.severity === 'error');
    if (problems.length > 0) {
      throw new MutationError(problems.map((p) => ({ code: UserErrorCode.VALIDATION, field: ['mergedSpec', ...p.fieldPath.split('.').slice(1)], message: `${p.message} [${p.rule}]` })));
    }
  } else if (mergedSpec) {
    throw MutationError.single(UserErrorCode.VALIDATION, ['mergedSpec'], 'mergedSpec is only used with MANUAL');
  }
  if (strategy === ConflictResolutionStrategy.MERGE) {
    const merge = threeWayMerge(asManifest(conflict.base), asManifest(conflict.ours), asManifest(conflict.theirs));
    if (merge.outcome === 'conflict' || merge.outcome === 'delete_modify') {
      throw MutationError.single(UserErrorCode.CONFLICT, ['strategy'], `both sides changed ${merge.conflictPaths.join(', ')}: choose GUI_WINS, GIT_WINS or MANUAL`);
    }
  }

  // One transaction: a conflict marked resolving always has its operation queued (or neither happened).
  const operation = await em.transactional(async (trx) => {
    const claimed = await trx.nativeUpdate(ResourceConflict, { id: conflict.id, status: ConflictStatus.DETECTED }, { status: ConflictStatus.RESOLVING });
    if (claimed === 0) throw MutationError.single(UserErrorCode.INVALID_STATE, ['conflictId'], 'the conflict changed meanwhile; reload it');
    await trx.nativeUpdate(HedgehogResource, { id: conflict.resource.id }, { conflictStatus: ConflictStatus.RESOLVING });
    return sync.insertOperation(
      {
        fabricId: conflict.fabric.id,
        operationType: SyncOperationType.CONFLICT_RESOLUTION,
        initiatedById: actor.id,
        details: { conflictId: conflict.id, strategy, ...(mergedSpec ? { mergedSpec } : {}), resolvedById: actor.id },
      },
      trx,
    );
  });
  await sync.announceQueued(operation);
  await em.refresh(conflict);
  return { conflict, operationId: operation.id };
}
