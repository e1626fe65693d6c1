import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { persistNew } from '../db/persist-new';
import { ResourceState } from '../entities/enums';
import { HedgehogFabric } from '../entities/hedgehog-fabric';
import { HedgehogResource } from '../entities/hedgehog-resource';
import { ResourceTombstone } from '../entities/resource-tombstone';
import { StateTransition } from '../entities/state-transition';
import type { User } from '../entities/user';
import type { CreateResourceInput, UpdateResourceInput } from '../graphql/inputs/resource-inputs';
import type { ValidationIssue } from '../hedgehog/issues';
import { findKind, KINDS } from '../hedgehog/kinds';
import { manifestRef } from '../hedgehog/manifest';
import { resourceManifest } from '../hedgehog/resource-manifest';
import { throwOnErrors, validateFabricChange } from './fabric-validation';
import { recordAudit, type AuditTarget } from './audit-trail';
import { ErrorCollector, MutationError, UserErrorCode } from './mutation-error';
import { mapUniqueViolation } from './unique-violation';

const MAX_SPEC_BYTES = 256 * 1024;

function checkStringMap(value: Record<string, unknown> | undefined, field: 'labels' | 'annotations', errors: ErrorCollector): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      errors.add(UserErrorCode.VALIDATION, ['input', field, key], `${field}.${key} must be a string (Kubernetes ${field} map strings to strings)`);
    }
    if (key.length === 0 || key.length > 317) errors.add(UserErrorCode.VALIDATION, ['input', field], `${field} keys must be 1 to 317 characters`);
  }
  return value as Record<string, string>;
}

function checkSpec(spec: Record<string, unknown> | undefined, errors: ErrorCollector): void {
  if (spec === undefined) return;
  if (Buffer.byteLength(JSON.stringify(spec)) > MAX_SPEC_BYTES) {
    errors.add(UserErrorCode.VALIDATION, ['input', 'spec'], `spec must be at most ${MAX_SPEC_BYTES} bytes of JSON`);
  }
}

function recordTransition(em: EntityManager, resource: HedgehogResource, from: ResourceState | null, trigger: string, actor: User, reason: string): void {
  persistNew(em, StateTransition, { resource, fromState: from, toState: resource.resourceState, trigger, reason, user: actor });
}

export interface ResourceWriteResult {
  resource: HedgehogResource;
  /** Non-blocking findings of the Hedgehog validation (e.g. deprecated MCLAG, references to unmanaged objects). */
  warnings: ValidationIssue[];
}

/** Locks the fabric row: resource writes of one fabric are serialised, so fabric-wide checks see a stable fabric. */
async function lockFabric(em: EntityManager, fabricId: string): Promise<void> {
  await em.findOneOrFail(HedgehogFabric, { id: fabricId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
}

/** Canonicalizes the resource's manifest in place and runs the Hedgehog checks touching it. */
async function validateAndCanonicalize(em: EntityManager, resource: HedgehogResource): Promise<ValidationIssue[]> {
  const manifest = resourceManifest(resource);
  const warnings = throwOnErrors(await validateFabricChange(em, resource.fabric.id, { upserts: [{ manifest }] }), manifestRef(manifest));
  resource.spec = manifest.spec;
  resource.labels = manifest.metadata.labels ?? {};
  resource.annotations = manifest.metadata.annotations ?? {};
  return warnings;
}

export async function createResource(em: EntityManager, actor: User, fabric: HedgehogFabric, input: CreateResourceInput): Promise<ResourceWriteResult> {
  const errors = new ErrorCollector();
  const V = UserErrorCode.VALIDATION;
  const kind = findKind(input.kind);
  if (!kind) {
    errors.add(V, ['input', 'kind'], `unknown kind "${input.kind}"; supported kinds: ${KINDS.map((k) => k.kind).join(', ')}`);
  } else if (input.apiVersion !== undefined && input.apiVersion !== kind.apiVersion) {
    errors.add(V, ['input', 'apiVersion'], `apiVersion of ${kind.kind} must be "${kind.apiVersion}", got "${input.apiVersion}"`);
  }
  const namespace = input.namespace === undefined || input.namespace === '' ? 'default' : input.namespace;
  checkSpec(input.spec, errors);
  const labels = checkStringMap(input.labels, 'labels', errors) ?? {};
  const annotations = checkStringMap(input.annotations, 'annotations', errors) ?? {};
  errors.throwIfAny();

  const identity = `${input.kind} ${namespace}/${input.name}`;
  return em.transactional(async (tx) => {
    await lockFabric(tx, fabric.id);
    if (await tx.count(HedgehogResource, { fabric, kind: input.kind, namespace, name: input.name })) {
      throw MutationError.single(UserErrorCode.ALREADY_EXISTS, ['input', 'name'], `${identity} already exists in fabric "${fabric.name}"`);
    }
    const resource = persistNew(tx, HedgehogResource, {
      fabric,
      apiVersion: kind!.apiVersion,
      kind: kind!.kind,
      namespace,
      name: input.name,
      spec: input.spec,
      labels,
      annotations,
      resourceState: ResourceState.DRAFT,
      createdBy: actor,
      lastModifiedBy: actor,
    });
    const tombstone = await tx.findOne(ResourceTombstone, { fabric, kind: input.kind, namespace, name: input.name });
    if (tombstone) {
      // Re-created before the deletion reached Git: the file is still there, so this is an update of it.
      resource.managedFilePath = tombstone.managedFilePath;
      resource.baseManifest = tombstone.baseManifest;
      tx.remove(tombstone);
    }
    const warnings = await validateAndCanonicalize(tx, resource);
    recordTransition(tx, resource, null, 'create', actor, 'created through the API');
    recordAudit(tx, actor, 'resource.create', resourceTarget(resource), { apiVersion: resource.apiVersion });
    await mapUniqueViolation(() => tx.flush(), ['input', 'name'], `${identity} already exists in fabric "${fabric.name}"`);
    return { resource, warnings };
  });
}

function staleVersion(currentVersion: number, expected: number | undefined): MutationError {
  const seen = expected === undefined ? 'it changed while your update ran' : `not ${expected}`;
  return MutationError.single(
    UserErrorCode.STALE_VERSION,
    ['expectedVersion'],
    `resource is at version ${currentVersion}, ${seen}; reload it and apply your change again`,
  );
}

/** After a concurrent write: NOT_FOUND when the row is gone, STALE_VERSION otherwise. */
async function concurrentWriteError(em: EntityManager, resourceId: string, expected: number | undefined): Promise<MutationError> {
  const current = await em.fork().findOne(HedgehogResource, { id: resourceId }, { fields: ['version'] });
  return current ? staleVersion(current.version, expected) : MutationError.single(UserErrorCode.NOT_FOUND, ['id'], 'resource not found');
}

export async function updateResource(
  em: EntityManager,
  actor: User,
  resourceId: string,
  input: UpdateResourceInput,
  expectedVersion: number | undefined,
): Promise<ResourceWriteResult> {
  const errors = new ErrorCollector();
  checkSpec(input.spec ?? undefined, errors);
  const labels = checkStringMap(input.labels ?? undefined, 'labels', errors);
  const annotations = checkStringMap(input.annotations ?? undefined, 'annotations', errors);
  errors.throwIfAny();

  try {
    return await em.transactional(async (tx) => {
      const resource = await tx.findOne(HedgehogResource, { id: resourceId });
      if (!resource) throw MutationError.single(UserErrorCode.NOT_FOUND, ['id'], 'resource not found');
      await lockFabric(tx, resource.fabric.id);
      if (expectedVersion !== undefined && expectedVersion !== resource.version) throw staleVersion(resource.version, expectedVersion);
      const previousState = resource.resourceState;
      if (input.spec) resource.spec = input.spec;
      if (labels) resource.labels = labels;
      if (annotations) resource.annotations = annotations;
      const warnings = await validateAndCanonicalize(tx, resource);
      resource.lastModifiedBy = actor;
      resource.resourceState = ResourceState.DRAFT;
      recordTransition(tx, resource, previousState, previousState === ResourceState.DRAFT ? 'update_draft' : 'edit_resource', actor, 'edited through the API');
      const changed = (['spec', 'labels', 'annotations'] as const).filter((field) => input[field] != null);
      recordAudit(tx, actor, 'resource.update', resourceTarget(resource), { fromVersion: resource.version, changed });
      await tx.flush();
      return { resource, warnings };
    });
  } catch (error) {
    if (error instanceof OptimisticLockError) throw await concurrentWriteError(em, resourceId, expectedVersion);
    throw error;
  }
}

/** Deletes a resource unless other resources of the fabric still reference it. */
export async function deleteResource(em: EntityManager, actor: User, resourceId: string, expectedVersion: number | undefined): Promise<void> {
  await em.transactional(async (tx) => {
    const resource = await tx.findOne(HedgehogResource, { id: resourceId });
    if (!resource) throw MutationError.single(UserErrorCode.NOT_FOUND, ['id'], 'resource not found');
    await lockFabric(tx, resource.fabric.id);
    if (expectedVersion !== undefined && expectedVersion !== resource.version) throw staleVersion(resource.version, expectedVersion);
    const ref = { kind: resource.kind, namespace: resource.namespace, name: resource.name };
    const blockers = (await validateFabricChange(tx, resource.fabric.id, { upserts: [], deletes: [ref] })).filter((i) => i.severity === 'error');
    if (blockers.length > 0) {
      throw new MutationError(
        blockers.map((issue) => ({
          code: UserErrorCode.INVALID_STATE,
          field: ['id'],
          message: `still needed: ${issue.kind} ${issue.namespace}/${issue.name} ${issue.fieldPath}: ${issue.message} [${issue.rule}]`,
        })),
      );
    }
    const deleted = await tx.nativeDelete(HedgehogResource, { id: resourceId, version: resource.version });
    if (deleted === 0) throw await concurrentWriteError(em, resourceId, expectedVersion);
    recordAudit(tx, actor, 'resource.delete', resourceTarget(resource), { version: resource.version, inGit: Boolean(resource.managedFilePath) });
    // Once in Git, the file must go too: the next push deletes it against this base.
    if (resource.managedFilePath && resource.baseManifest) {
      persistNew(tx, ResourceTombstone, {
        fabric: resource.fabric,
        apiVersion: resource.apiVersion,
        kind: resource.kind,
        namespace: resource.namespace,
        name: resource.name,
        managedFilePath: resource.managedFilePath,
        baseManifest: resource.baseManifest,
        deletedBy: actor,
      });
    }
    await tx.flush();
  });
}

function resourceTarget(resource: HedgehogResource): AuditTarget {
  return { type: 'HedgehogResource', id: resource.id, name: `${resource.kind} ${resource.namespace}/${resource.name}`, fabricId: resource.fabric.id };
}
