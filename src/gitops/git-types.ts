import type { GitAuthenticationType } from '../entities/enums';
import type { StoredGitCredentials } from '../services/git-repository-service';

/** Everything needed to reach one repository branch. Secrets travel only in `credentials`, never in the URL. */
export interface RemoteSpec {
  /** GitRepository id: names the bare cache directory under DATA_DIR/repos/. */
  repositoryId: string;
  url: string;
  /** The branch read from (the repository's default branch). */
  branch: string;
  authenticationType: GitAuthenticationType;
  credentials: StoredGitCredentials | null;
  validateSsl: boolean;
  timeoutSeconds: number;
}

export type GitErrorCode =
  | 'AUTH_FAILED'
  | 'REPOSITORY_NOT_FOUND'
  | 'BRANCH_NOT_FOUND'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'PUSH_REJECTED'
  | 'CERTIFICATE'
  | 'FAILED';

/** A Git failure with a message a network engineer can act on (never containing a secret). */
export class GitError extends Error {
  constructor(
    readonly code: GitErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An immutable view of one fetched commit (or of an empty branch). */
export interface GitSnapshot {
  /** null when the branch does not exist yet. */
  readonly commitSha: string | null;
  readonly branch: string;
  /** Files (not directories) under `directory` ('' = root), recursively, repository-relative paths, sorted. */
  listFiles(directory: string): Promise<Array<{ path: string; blobSha: string; size: number }>>;
  readFile(path: string): Promise<Buffer | null>;
  /** True for an existing file or directory. */
  exists(path: string): Promise<boolean>;
}

export type FileChange = { path: string; content: Buffer | string } | { path: string; delete: true };

export interface CommitRequest {
  changes: FileChange[];
  /** Summary line and body; the `Sync-Operation: <id>` trailer is appended by the builder. */
  message: string;
  operationId: string;
  author: { name: string; email: string };
}

export interface PushOutcome {
  /** null when the changes produced no difference (no commit, nothing pushed). */
  commitSha: string | null;
  /** The tree's changed paths, relative to the repository root. */
  changedPaths: string[];
}
