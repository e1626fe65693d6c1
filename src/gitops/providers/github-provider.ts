import { remoteLocation } from '../remote-url';
import type { OpenedPullRequest, OpenPullRequestInput, PullRequestProvider } from './pull-request-provider';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
const GITHUB_API_VERSION = '2022-11-28';
const USER_AGENT = 'hnp-graphql';
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 3;
const MAX_MESSAGE_CHARS = 500;
const GITHUB_DOT_COM_HOSTS = new Set(['github.com', 'www.github.com', 'ssh.github.com']);

export class GitHubProviderError extends Error {
  constructor(
    message: string,
    /** HTTP status GitHub answered with; undefined for bad input, timeouts and network errors. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GitHubProviderError';
  }
}

export interface GitHubRepositoryRef {
  /** Lower-cased host name (no port). */
  host: string;
  owner: string;
  repo: string;
}

const OWNER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const REPO = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * `{host, owner, repo}` of a GitHub (or GitHub Enterprise) repository URL: `https://host/o/r(.git)`,
 * `http://…`, `ssh://git@host(:port)/o/r.git`, `git://host/o/r.git`, scp-like `git@host:o/r.git`.
 * Anything else (local paths, file:// URLs, paths that are not exactly owner/repo) is refused.
 */
export function parseGitHubRepository(raw: string): GitHubRepositoryRef {
  const url = raw.trim();
  const refuse = (reason: string): never => {
    throw new GitHubProviderError(`repository URL is not a GitHub repository URL (${reason}); expected https://<host>/<owner>/<repo>, ssh://git@<host>/<owner>/<repo>.git or git@<host>:<owner>/<repo>.git`);
  };
  const location = remoteLocation(url);
  if (!location) return refuse('not a URL');
  if (!['https', 'http', 'ssh', 'git', 'git+ssh', 'ssh+git'].includes(location.scheme)) return refuse(`unsupported scheme "${location.scheme}"`);
  if (location.hasQueryOrFragment) return refuse('it has a query string or fragment');
  const host = location.host.toLowerCase();
  if (!host) return refuse('no host');
  const segments = location.path.split('/');
  if (segments.length !== 2) return refuse('the path must be exactly <owner>/<repo>');
  let owner: string;
  let repo: string;
  try {
    owner = decodeURIComponent(segments[0]);
    repo = decodeURIComponent(segments[1]);
  } catch {
    return refuse('malformed percent-encoding');
  }
  if (!OWNER.test(owner)) return refuse('invalid owner name');
  if (!REPO.test(repo) || repo === '.' || repo === '..') return refuse('invalid repository name');
  return { host, owner, repo };
}

function checkedRepository(ref: { owner: string; repo: string }): { owner: string; repo: string } {
  if (!OWNER.test(ref.owner)) throw new GitHubProviderError(`invalid GitHub owner name "${ref.owner.slice(0, 100)}"`);
  if (!REPO.test(ref.repo) || ref.repo === '.' || ref.repo === '..') throw new GitHubProviderError(`invalid GitHub repository name "${ref.repo.slice(0, 100)}"`);
  return { owner: ref.owner, repo: ref.repo };
}

export interface GitHubProviderOptions {
  /** REST API root: https://api.github.com (default), or https://<host>/api/v3 for GitHub Enterprise Server. */
  apiBaseUrl?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

interface ApiResponse {
  status: number;
  statusText: string;
  json: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Opens pull requests through the GitHub REST API (`POST /repos/{owner}/{repo}/pulls`, API version 2022-11-28). */
export class GitHubProvider implements PullRequestProvider {
  readonly apiBaseUrl: string;
  private readonly origin: string;
  private readonly timeoutMs: number;

  constructor(options: GitHubProviderOptions = {}) {
    const base = (options.apiBaseUrl ?? DEFAULT_GITHUB_API_URL).trim().replace(/\/+$/, '');
    let parsed: URL;
    try {
      parsed = new URL(base);
    } catch {
      throw new GitHubProviderError('GitHub API URL is not a valid URL');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new GitHubProviderError('GitHub API URL must be http(s)');
    if (parsed.username || parsed.password) throw new GitHubProviderError('GitHub API URL must not contain credentials');
    if (parsed.search || parsed.hash) throw new GitHubProviderError('GitHub API URL must not have a query string or fragment');
    this.apiBaseUrl = base;
    this.origin = parsed.origin;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new GitHubProviderError('timeoutMs must be a positive number');
    this.timeoutMs = timeoutMs;
  }

  /**
   * The `{owner, repo}` pull requests for `repositoryUrl` go to, or a GitHubProviderError saying why there is none.
   * A GitHub URL is parsed strictly (parseGitHubRepository; with the default API only github.com hosts). Only when an
   * explicit API root is configured (GITHUB_API_URL: GitHub Enterprise, or a local stand-in of the REST API) may a
   * `file://` URL or an absolute local path name the repository by its last two path segments
   * (`file:///srv/git/netops/fabric.git` → netops/fabric): a mirror reached through the file system whose pull requests
   * live on that API. Real https/ssh URLs never take this path.
   */
  repositoryFor(repositoryUrl: string): { owner: string; repo: string } {
    let parseError: unknown;
    try {
      return this.strictRepository(repositoryUrl);
    } catch (error) {
      if (!(error instanceof GitHubProviderError) || this.apiBaseUrl === DEFAULT_GITHUB_API_URL) throw error;
      parseError = error;
    }
    const url = repositoryUrl.trim();
    let pathname: string | null = null;
    if (/^file:\/\//i.test(url)) {
      try {
        pathname = decodeURIComponent(new URL(url).pathname);
      } catch {
        pathname = null;
      }
    } else if (url.startsWith('/')) {
      pathname = url;
    }
    if (pathname === null) throw parseError;
    const segments = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
    if (segments.length < 2) throw parseError;
    const owner = segments[segments.length - 2];
    const repo = segments[segments.length - 1].replace(/\.git$/i, '');
    return checkedRepository({ owner, repo });
  }

  async openPullRequest(input: OpenPullRequestInput): Promise<OpenedPullRequest> {
    // Without a resolved `repository`, only a real GitHub URL is accepted (no path-segment derivation here).
    const { owner, repo } = input.repository ? checkedRepository(input.repository) : this.strictRepository(input.repositoryUrl);
    // A token with whitespace or control characters would make fetch throw an error that quotes the header value.
    if (!input.token || /[\s\u0000-\u001f\u007f]/.test(input.token)) {
      throw new GitHubProviderError('GitHub token is empty or contains whitespace or control characters');
    }
    if (!input.headBranch || !input.baseBranch) throw new GitHubProviderError('head and base branches are required');
    const pullsPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/pulls`;

    const created = await this.request('POST', pullsPath, input.token, {
      title: input.title,
      head: input.headBranch,
      base: input.baseBranch,
      body: input.body,
    });
    if (created.status === 201) return this.pullRequestFrom(created, 'POST', pullsPath, input.token);

    if (created.status === 422) {
      // Most often "A pull request already exists for owner:branch." — return that one.
      const query = new URLSearchParams({ head: `${owner}:${input.headBranch}`, state: 'open' });
      const lookupPath = `${pullsPath}?${query.toString()}`;
      const found = await this.request('GET', lookupPath, input.token);
      if (found.status !== 200) throw this.failure('GET', pullsPath, found, input.token);
      if (Array.isArray(found.json)) {
        const existing = found.json.find(
          (pull) => isRecord(pull) && isRecord(pull.base) && pull.base.ref === input.baseBranch,
        );
        if (existing !== undefined) return this.pullRequestFrom({ ...found, json: existing }, 'GET', pullsPath, input.token);
      }
    }
    throw this.failure('POST', pullsPath, created, input.token);
  }

  private strictRepository(repositoryUrl: string): { owner: string; repo: string } {
    const { owner, repo, host } = parseGitHubRepository(repositoryUrl);
    if (this.apiBaseUrl === DEFAULT_GITHUB_API_URL && !GITHUB_DOT_COM_HOSTS.has(host)) {
      throw new GitHubProviderError(
        `repository host "${host}" is not github.com; set GITHUB_API_URL to its GitHub Enterprise API (e.g. https://${host}/api/v3)`,
      );
    }
    return { owner, repo };
  }

  private pullRequestFrom(response: ApiResponse, method: string, path: string, token: string): OpenedPullRequest {
    const json = response.json;
    if (!isRecord(json) || typeof json.html_url !== 'string' || typeof json.number !== 'number' || !Number.isInteger(json.number)) {
      throw new GitHubProviderError(`GitHub API ${method} ${path}: unexpected response (no html_url/number)`, response.status);
    }
    return { url: redact(json.html_url, token), number: json.number };
  }

  private failure(method: string, path: string, response: ApiResponse, token: string): GitHubProviderError {
    let detail = '';
    if (isRecord(response.json)) {
      const parts: string[] = [];
      if (typeof response.json.message === 'string') parts.push(response.json.message);
      if (Array.isArray(response.json.errors)) {
        for (const error of response.json.errors) {
          if (typeof error === 'string') parts.push(error);
          else if (isRecord(error)) {
            if (typeof error.message === 'string') parts.push(error.message);
            else parts.push([error.resource, error.field, error.code].filter((p) => typeof p === 'string').join(' '));
          }
        }
      }
      detail = parts.filter(Boolean).join('; ');
    }
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    const message = `GitHub API ${method} ${path} failed with ${status}${detail ? `: ${detail}` : ''}`;
    return new GitHubProviderError(redact(message, token).slice(0, MAX_MESSAGE_CHARS), response.status);
  }

  private async request(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<ApiResponse> {
    const headers: Record<string, string> = {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${token}`,
      'X-GitHub-Api-Version': GITHUB_API_VERSION,
      'User-Agent': USER_AGENT,
    };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    let url = `${this.apiBaseUrl}${path}`;
    const shownPath = path.split('?')[0];
    try {
      for (let hop = 0; ; hop++) {
        // Redirects are followed by hand, and only within the API's origin, so the token never leaves it.
        const response = await fetch(url, { method, headers, body: payload, signal, redirect: 'manual' });
        const location = response.headers.get('location');
        if ([301, 302, 303, 307, 308].includes(response.status) && location) {
          await response.body?.cancel();
          const next = new URL(location, url);
          if (next.origin !== this.origin) {
            throw new GitHubProviderError(`GitHub API ${method} ${shownPath} redirected to another origin (${next.origin}); not following`, response.status);
          }
          if (hop >= MAX_REDIRECTS) throw new GitHubProviderError(`GitHub API ${method} ${shownPath}: too many redirects`, response.status);
          if (method === 'POST' && response.status !== 307 && response.status !== 308) {
            throw new GitHubProviderError(`GitHub API ${method} ${shownPath} answered HTTP ${response.status} (moved?); not re-sending the request as GET`, response.status);
          }
          url = next.toString();
          continue;
        }
        const text = await response.text();
        let json: unknown = undefined;
        if (text) {
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
        }
        return { status: response.status, statusText: response.statusText, json };
      }
    } catch (error) {
      if (error instanceof GitHubProviderError) throw error;
      if (signal.aborted) {
        throw new GitHubProviderError(`GitHub API ${method} ${shownPath} timed out after ${this.timeoutMs} ms`);
      }
      const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new GitHubProviderError(redact(`GitHub API ${method} ${shownPath} failed: ${cause}`, token).slice(0, MAX_MESSAGE_CHARS));
    }
  }
}

function redact(text: string, token: string): string {
  return token.length > 0 ? text.split(token).join('[redacted]') : text;
}
