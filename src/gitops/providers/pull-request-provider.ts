/** Opens pull requests on a Git hosting service (GitHub REST today; the interface keeps the sync engine provider-agnostic). */
export interface OpenPullRequestInput {
  /** The repository's remote URL as stored (https://, ssh://, scp-like git@host:owner/repo.git). */
  repositoryUrl: string;
  /** API token of the repository's credentials; sent only in the Authorization header, never logged or put in messages. */
  token: string;
  /** Branch the change should land on. */
  baseBranch: string;
  /** Branch holding the change (same repository). */
  headBranch: string;
  title: string;
  body: string;
  /**
   * owner/repo as already resolved by the provider (GitHubProvider.repositoryFor); when given, `repositoryUrl` is not
   * parsed again (it is only named in messages).
   */
  repository?: { owner: string; repo: string };
}

export interface OpenedPullRequest {
  /** Web URL of the pull request (GitHub's `html_url`). */
  url: string;
  number: number;
}

export interface PullRequestProvider {
  /** Opens a pull request; if one is already open for `headBranch`, returns that one. */
  openPullRequest(input: OpenPullRequestInput): Promise<OpenedPullRequest>;
}
