import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretBox } from '../auth/secret-box';
import { ConnectionStatus } from '../entities/enums';
import { GitRepository } from '../entities/git-repository';
import { remoteSpec } from '../gitops/fabric-remote';
import { GitError } from '../gitops/git-types';
import type { GitRemotes } from '../sync/executors/git-executor-deps';

/** Contacts the remote for real and records the outcome on the repository (connected / failed + reason). */
export async function testGitRepositoryConnection(em: EntityManager, repos: GitRemotes, secrets: SecretBox, repositoryId: string): Promise<GitRepository> {
  await em.nativeUpdate(GitRepository, { id: repositoryId }, { connectionStatus: ConnectionStatus.TESTING });
  const repository = await em.findOneOrFail(GitRepository, { id: repositoryId }, { populate: ['encryptedCredentials'], refresh: true });
  let status = ConnectionStatus.CONNECTED;
  let error = '';
  try {
    const { headSha } = await repos.testConnection(remoteSpec(repository, secrets));
    if (!headSha) error = `reachable, but branch "${repository.defaultBranch}" does not exist yet`;
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
    // Reachable and authenticated: the connection works even if the branch is still to be created.
    status = failure instanceof GitError && failure.code === 'BRANCH_NOT_FOUND' ? ConnectionStatus.CONNECTED : ConnectionStatus.FAILED;
  }
  repository.connectionStatus = status;
  repository.validationError = error;
  repository.lastValidated = new Date();
  await em.flush();
  return repository;
}
