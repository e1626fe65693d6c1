import type { SecretBox } from '../../auth/secret-box';
import type { CommitRequest, GitSnapshot, PushOutcome, RemoteSpec } from '../../gitops/git-types';

/** The repository cache (src/gitops/repository-cache.ts), as the executors and resolvers use it. */
export interface GitRemotes {
  fetch(remote: RemoteSpec): Promise<GitSnapshot>;
  commitAndPush(remote: RemoteSpec, base: GitSnapshot, request: CommitRequest, targetBranch: string): Promise<PushOutcome>;
  testConnection(remote: RemoteSpec): Promise<{ headSha: string | null }>;
}

/** What Git-backed executors need from the server: the repository cache and the key to read credentials. */
export interface GitExecutorDeps {
  repos: GitRemotes;
  secrets: SecretBox;
}
