import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretBox } from '../auth/secret-box';
import { GitRepository } from '../entities/git-repository';
import { HedgehogFabric } from '../entities/hedgehog-fabric';
import { readCredentials } from '../services/git-repository-service';
import { FabricPaths } from './fabric-paths';
import type { GitSnapshot, RemoteSpec } from './git-types';

export interface FabricRemote {
  fabric: HedgehogFabric;
  repository: GitRepository;
  /** Reads from the default branch. */
  remote: RemoteSpec;
  /** Where commits go: push_branch, or the default branch. */
  pushBranch: string;
  paths: FabricPaths;
  author: { name: string; email: string };
}

export class FabricNotConnected extends Error {}

export function remoteSpec(repository: GitRepository, secrets: SecretBox, branch = repository.defaultBranch): RemoteSpec {
  return {
    repositoryId: repository.id,
    url: repository.url,
    branch,
    authenticationType: repository.authenticationType,
    credentials: readCredentials(secrets, repository),
    validateSsl: repository.validateSsl,
    timeoutSeconds: repository.timeoutSeconds,
  };
}

/** The fabric with its repository, decrypted credentials and paths: what every Git operation starts from. */
export async function loadFabricRemote(em: EntityManager, fabricId: string, secrets: SecretBox): Promise<FabricRemote> {
  const fabric = await em.findOneOrFail(HedgehogFabric, { id: fabricId });
  if (!fabric.gitRepository) throw new FabricNotConnected(`fabric "${fabric.name}" has no Git repository; set gitRepositoryId first`);
  const repository = await em.findOneOrFail(GitRepository, { id: fabric.gitRepository.id }, { populate: ['encryptedCredentials'] });
  return {
    fabric,
    repository,
    remote: remoteSpec(repository, secrets),
    pushBranch: repository.pushBranch || repository.defaultBranch,
    paths: new FabricPaths(fabric.gitopsDirectory),
    author: { name: repository.commitAuthorName, email: repository.commitAuthorEmail },
  };
}

/** The head commits go on top of: the push branch, or the default branch while the push branch does not exist yet. */
export async function fetchPushBase(repos: { fetch(remote: RemoteSpec): Promise<GitSnapshot> }, target: FabricRemote): Promise<GitSnapshot> {
  if (target.pushBranch === target.remote.branch) return repos.fetch(target.remote);
  const pushHead = await repos.fetch({ ...target.remote, branch: target.pushBranch });
  return pushHead.commitSha ? pushHead : repos.fetch(target.remote);
}
