import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { persistNew } from '../db/persist-new';
import { GitRepository } from '../entities/git-repository';
import { HedgehogFabric } from '../entities/hedgehog-fabric';
import { HedgehogResource } from '../entities/hedgehog-resource';
import type { User } from '../entities/user';
import { directoriesOverlap, normalizeGitopsDirectory } from '../gitops/gitops-directory';
import { decodeIdOfType } from '../graphql/global-id';
import type { CreateFabricInput, UpdateFabricInput } from '../graphql/inputs/fabric-inputs';
import { rfc1123NameProblem } from '../hedgehog/names';
import { recordAudit, type AuditTarget } from './audit-trail';
import { ErrorCollector, MutationError, UserErrorCode } from './mutation-error';
import { mapUniqueViolation } from './unique-violation';

type FabricFields = Partial<CreateFabricInput>;

function checkFields(input: FabricFields, errors: ErrorCollector): string | undefined {
  const V = UserErrorCode.VALIDATION;
  if (input.name !== undefined) {
    const problem = rfc1123NameProblem(input.name, 100);
    if (problem) errors.add(V, ['input', 'name'], `name ${problem}`);
  }
  if (input.syncInterval !== undefined && (input.syncInterval < 0 || input.syncInterval > 86_400 * 7)) {
    errors.add(V, ['input', 'syncInterval'], 'syncInterval must be between 0 (no polling) and 604800 seconds');
  }
  if (input.gitopsDirectory === undefined) return undefined;
  const directory = normalizeGitopsDirectory(input.gitopsDirectory);
  if (!directory.ok) {
    errors.add(V, ['input', 'gitopsDirectory'], `gitopsDirectory ${directory.reason}`);
    return undefined;
  }
  return directory.path;
}

async function resolveRepository(em: EntityManager, globalId: string): Promise<GitRepository> {
  const id = decodeIdOfType(globalId, 'GitRepository');
  // The row lock serialises concurrent directory claims within one repository.
  const repository = id ? await em.findOne(GitRepository, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
  if (!repository) throw MutationError.single(UserErrorCode.NOT_FOUND, ['input', 'gitRepositoryId'], `no GitRepository with id "${globalId}"`);
  return repository;
}

/** A directory must not equal, contain, or sit inside another fabric's directory in the same repository. */
async function ensureDirectoryFree(em: EntityManager, repository: GitRepository, directory: string, exceptFabricId?: string): Promise<void> {
  const others = await em.find(HedgehogFabric, { gitRepository: repository, ...(exceptFabricId ? { id: { $ne: exceptFabricId } } : {}) }, { fields: ['name', 'gitopsDirectory'] });
  const clash = others.find((other) => directoriesOverlap(other.gitopsDirectory, directory));
  if (clash) {
    const shown = (d: string) => (d === '' ? 'the repository root' : `"${d}"`);
    throw MutationError.single(
      clash.gitopsDirectory === directory ? UserErrorCode.ALREADY_EXISTS : UserErrorCode.CONFLICT,
      ['input', 'gitopsDirectory'],
      `gitopsDirectory ${shown(directory)} overlaps fabric "${clash.name}" at ${shown(clash.gitopsDirectory)} in the same repository`,
    );
  }
}

async function ensureNameFree(em: EntityManager, name: string, exceptId?: string): Promise<void> {
  if (await em.count(HedgehogFabric, { name, ...(exceptId ? { id: { $ne: exceptId } } : {}) })) {
    throw MutationError.single(UserErrorCode.ALREADY_EXISTS, ['input', 'name'], `a fabric named "${name}" already exists`);
  }
}

export async function createFabric(em: EntityManager, actor: User, input: CreateFabricInput): Promise<HedgehogFabric> {
  const errors = new ErrorCollector();
  const directory = checkFields(input, errors) ?? '';
  errors.throwIfAny();
  return em.transactional(async (tx) => {
    await ensureNameFree(tx, input.name);
    const repository = input.gitRepositoryId ? await resolveRepository(tx, input.gitRepositoryId) : null;
    if (repository) await ensureDirectoryFree(tx, repository, directory);
    const fabric = persistNew(tx, HedgehogFabric, {
      name: input.name,
      description: input.description,
      status: input.status,
      gitRepository: repository,
      gitopsDirectory: directory,
      syncInterval: input.syncInterval,
      archiveStrategy: input.archiveStrategy,
    });
    recordAudit(tx, actor, 'fabric.create', fabricTarget(fabric), { gitRepositoryId: repository?.id ?? null, gitopsDirectory: directory });
    await mapUniqueViolation(() => tx.flush(), ['input', 'name'], `a fabric named "${input.name}" already exists`);
    return fabric;
  });
}

export async function updateFabric(em: EntityManager, actor: User, fabricId: string, input: UpdateFabricInput): Promise<HedgehogFabric> {
  const errors = new ErrorCollector();
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null)) as FabricFields;
  const directory = checkFields(defined, errors);
  errors.throwIfAny();
  return em.transactional(async (tx) => {
    const fabric = await tx.findOneOrFail(HedgehogFabric, { id: fabricId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (defined.name !== undefined && defined.name !== fabric.name) await ensureNameFree(tx, defined.name, fabric.id);
    let repository = fabric.gitRepository ?? null;
    if (input.gitRepositoryId === null) repository = null;
    else if (input.gitRepositoryId !== undefined) repository = await resolveRepository(tx, input.gitRepositoryId);
    const nextDirectory = directory ?? fabric.gitopsDirectory;
    const repositoryChanged = (repository?.id ?? null) !== (fabric.gitRepository?.id ?? null);
    if (repository && (repositoryChanged || nextDirectory !== fabric.gitopsDirectory)) {
      await ensureDirectoryFree(tx, repository, nextDirectory, fabric.id);
    }
    const { gitRepositoryId: _r, gitopsDirectory: _d, ...plain } = defined;
    tx.assign(fabric, { ...plain, gitRepository: repository, gitopsDirectory: nextDirectory });
    recordAudit(tx, actor, 'fabric.update', fabricTarget(fabric), { changed: Object.keys(defined).sort() });
    await mapUniqueViolation(() => tx.flush(), ['input', 'name'], `a fabric with this name or directory already exists`);
    return fabric;
  });
}

export async function deleteFabric(em: EntityManager, actor: User, fabric: HedgehogFabric): Promise<void> {
  // Resources, conflicts, history and operations go with it (ON DELETE CASCADE); the Git directory is left alone.
  await em.transactional(async (tx) => {
    const resources = await tx.count(HedgehogResource, { fabric: fabric.id });
    await tx.nativeDelete(HedgehogFabric, { id: fabric.id });
    recordAudit(tx, actor, 'fabric.delete', fabricTarget(fabric), { resourcesDeleted: resources });
    await tx.flush();
  });
}

function fabricTarget(fabric: HedgehogFabric): AuditTarget {
  return { type: 'HedgehogFabric', id: fabric.id, name: fabric.name, fabricId: fabric.id };
}
