import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { persistNew } from '../db/persist-new';
import { ResourceState } from '../entities/enums';
import { HedgehogFabric } from '../entities/hedgehog-fabric';
import { HedgehogResource } from '../entities/hedgehog-resource';
import { StateTransition } from '../entities/state-transition';
import type { User } from '../entities/user';
import type { CreateResourceInput, UpdateResourceInput } from '../graphql/inputs/resource-inputs';
import { findKind, KINDS } from '../hedgehog/kinds';
import { rfc1123NameProblem } from '../hedgehog/names';
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

export async function createResource(em: EntityManager, actor: User, fabric: HedgehogFabric, input: CreateResourceInput): Promise<HedgehogResource> {
  const errors = new ErrorCollector();
  const V = UserErrorCode.VALIDATION;
  const kind = findKind(input.kind);
  if (!kind) {
    errors.add(V, ['input', 'kind'], `unknown kind "${input.kind}"; supported kinds: ${KINDS.map((k) => k.kind).join(', ')}`);
  } else if (input.apiVersion !== undefined && input.apiVersion !== kind.apiVersion) {
    errors.add(V, ['input', 'apiVersion'], `apiVersion of ${kind.kind} must be "${kind.apiVersion}", got "${input.apiVersion}"`);
  }
  const nameProblem = rfc1123NameProblem(input.name);
  if (nameProblem) errors.add(V, ['input', 'name'], `name ${nameProblem}`);
  const namespace = input.namespace === undefined || input.namespace === '' ? 'default' : input.namespace;
  const namespaceProblem = rfc1123NameProblem(namespace, 63);
  if (namespaceProblem) errors.add(V, ['input', 'namespace'], `namespace ${namespaceProblem}`);
  checkSpec(input.spec, errors);
  const labels = checkStringMap(input.labels, 'labels', errors) ?? {};
  const annotations = checkStringMap(input.annotations, 'annotations', errors) ?? {};
  errors.throwIfAny();

  const identity = `${input.kind} ${namespace}/${input.name}`;
  if (await em.count(HedgehogResource, { fabric, kind: input.kind, namespace, name: input.name })) {
    throw MutationError.single(UserErrorCode.ALREADY_EXISTS, ['input', 'name'], `${identity} already exists in fabric "${fabric.name}"`);
  }
  const resource = persistNew(em, HedgehogResource, {
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
  recordTransition(em, resource, null, 'create', actor, 'created through the API');
  await mapUniqueViolation(() => em.flush(), ['input', 'name'], `${identity} already exists in fabric "${fabric.name}"`);
  return resource;
}

function staleVersion(resource: { version: number }, expected: number): MutationError {
  return MutationError.single(
    UserErrorCode.STALE_VERSION,
    ['expectedVersion'],
    `resource is at version ${resource.version}, not ${expected}; reload it and apply your change again`,
  );
}

export async function updateResource(
  em: EntityManager,
  actor: User,
  resource: HedgehogResource,
  input: UpdateResourceInput,
  expectedVersion: number | undefined,
): Promise<HedgehogResource> {
  if (expectedVersion !== undefined && expectedVersion !== resource.version) throw staleVersion(resource, expectedVersion);
  const errors = new ErrorCollector();
  checkSpec(input.spec ?? undefined, errors);
  const labels = checkStringMap(input.labels ?? undefined, 'labels', errors);
  const annotations = checkStringMap(input.annotations ?? undefined, 'annotations', errors);
  errors.throwIfAny();

  const previousState = resource.resourceState;
  if (input.spec) resource.spec = input.spec;
  if (labels) resource.labels = labels;
  if (annotations) resource.annotations = annotations;
  resource.lastModifiedBy = actor;
  resource.resourceState = ResourceState.DRAFT;
  recordTransition(em, resource, previousState, previousState === ResourceState.DRAFT ? 'update_draft' : 'edit_resource', actor, 'edited through the API');
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof OptimisticLockError) {
      const current = await em.fork().findOne(HedgehogResource, { id: resource.id }, { fields: ['version'] });
      throw staleVersion(current ?? resource, expectedVersion ?? resource.version);
    }
    throw error;
  }
  return resource;
}

export async function deleteResource(em: EntityManager, resourceId: string, expectedVersion: number | undefined): Promise<void> {
  const deleted = await em.nativeDelete(HedgehogResource, { id: resourceId, ...(expectedVersion !== undefined ? { version: expectedVersion } : {}) });
  if (deleted > 0) return;
  const current = await em.findOne(HedgehogResource, { id: resourceId }, { fields: ['version'] });
  if (!current) throw MutationError.single(UserErrorCode.NOT_FOUND, ['id'], 'resource not found');
  throw staleVersion(current, expectedVersion!);
}
