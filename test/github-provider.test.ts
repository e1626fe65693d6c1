import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GitHubProvider, GitHubProviderError, parseGitHubRepository } from '../src/gitops/providers/github-provider';

interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (request: RecordedRequest, res: http.ServerResponse) => void;

const TOKEN = 'ghp_TestTokenThatMustNeverLeak0123456789';

/** Stands in for the GitHub REST API on 127.0.0.1; each test installs its handler and inspects what was sent. */
class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  handler: Handler = (_req, res) => res.writeHead(500).end();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      this.requests.push(recorded);
      this.handler(recorded, res);
    });
  });
  base = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** Every header GitHub documents for `POST /repos/{owner}/{repo}/pulls` (API version 2022-11-28). */
function assertGitHubHeaders(request: RecordedRequest, withBody: boolean): void {
  assert.equal(request.headers.accept, 'application/vnd.github+json');
  assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
  assert.equal(request.headers['x-github-api-version'], '2022-11-28');
  assert.equal(request.headers['user-agent'], 'hnp-graphql');
  if (withBody) assert.equal(request.headers['content-type'], 'application/json');
}

const input = {
  repositoryUrl: 'https://github.com/hedgehog-labs/fabric-gitops.git',
  token: TOKEN,
  baseBranch: 'main',
  headBranch: 'hnp/lab-ci/2f1c9a3e-0000-4000-8000-000000000001',
  title: 'HNP sync: 3 resources from fabric lab-ci',
  body: 'Changes made through HNP GraphQL.\n\nSync-Operation: 2f1c9a3e-0000-4000-8000-000000000001',
};

describe('GitHubProvider against a local stand-in for the GitHub REST API', () => {
  const github = new FakeGitHub();
  let provider: GitHubProvider;

  before(async () => {
    await github.start();
    provider = new GitHubProvider({ apiBaseUrl: github.base, timeoutMs: 2000 });
  });
  after(() => github.stop());
  beforeEach(() => {
    github.requests.length = 0;
  });

  test('POST /repos/{owner}/{repo}/pulls exactly as documented; 201 → html_url and number', async () => {
    github.handler = (_req, res) => json(res, 201, { id: 1, number: 42, html_url: 'https://github.com/hedgehog-labs/fabric-gitops/pull/42', state: 'open' });
    const opened = await provider.openPullRequest(input);
    assert.deepEqual(opened, { url: 'https://github.com/hedgehog-labs/fabric-gitops/pull/42', number: 42 });

    assert.equal(github.requests.length, 1);
    const [request] = github.requests;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/repos/hedgehog-labs/fabric-gitops/pulls');
    assertGitHubHeaders(request, true);
    assert.deepEqual(JSON.parse(request.body), { title: input.title, head: input.headBranch, base: 'main', body: input.body });
  });

  test('GitHub Enterprise: the API root carries the /api/v3 prefix; scp-like URLs of the GHE host work', async () => {
    github.handler = (_req, res) => json(res, 201, { number: 5, html_url: 'https://ghe.example.com/netops/fabric/pull/5' });
    const ghe = new GitHubProvider({ apiBaseUrl: `${github.base}/api/v3/` });
    const opened = await ghe.openPullRequest({ ...input, repositoryUrl: 'git@ghe.example.com:netops/fabric.git' });
    assert.equal(opened.number, 5);
    assert.equal(github.requests[0].url, '/api/v3/repos/netops/fabric/pulls');
    assertGitHubHeaders(github.requests[0], true);
  });

  test('422 because a pull request for the head already exists → it is looked up and returned', async () => {
    github.handler = (req, res) => {
      if (req.method === 'POST') {
        json(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for hedgehog-labs:${input.headBranch}.` }],
          documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
        });
        return;
      }
      json(res, 200, [
        { number: 9, html_url: 'https://github.com/hedgehog-labs/fabric-gitops/pull/9', base: { ref: 'release' } },
        { number: 17, html_url: 'https://github.com/hedgehog-labs/fabric-gitops/pull/17', base: { ref: 'main' } },
      ]);
    };
    const opened = await provider.openPullRequest(input);
    assert.deepEqual(opened, { url: 'https://github.com/hedgehog-labs/fabric-gitops/pull/17', number: 17 });

    assert.equal(github.requests.length, 2);
    const lookup = github.requests[1];
    assert.equal(lookup.method, 'GET');
    const url = new URL(lookup.url, 'http://x');
    assert.equal(url.pathname, '/repos/hedgehog-labs/fabric-gitops/pulls');
    assert.equal(url.searchParams.get('head'), `hedgehog-labs:${input.headBranch}`);
    assert.equal(url.searchParams.get('state'), 'open');
    assertGitHubHeaders(lookup, false);
    assert.equal(lookup.body, '');
  });

  test('422 for another reason (no open pull request found) → error with GitHub\'s messages', async () => {
    github.handler = (req, res) => {
      if (req.method === 'POST') json(res, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: 'No commits between main and hnp/x' }] });
      else json(res, 200, []);
    };
    await assert.rejects(provider.openPullRequest(input), (error: unknown) => {
      assert.ok(error instanceof GitHubProviderError);
      assert.equal(error.status, 422);
      assert.match(error.message, /422/);
      assert.match(error.message, /Validation Failed/);
      assert.match(error.message, /No commits between main and hnp\/x/);
      return true;
    });
  });

  for (const [status, message] of [
    [401, 'Bad credentials'],
    [403, 'Resource not accessible by personal access token'],
    [404, 'Not Found'],
    [500, 'Server Error'],
  ] as const) {
    test(`${status} → an error with the status and GitHub's message, never the token`, async () => {
      // Even a server that echoes the Authorization header back does not get the token into the message.
      github.handler = (req, res) => json(res, status, { message: `${message} (${String(req.headers.authorization)})`, documentation_url: 'https://docs.github.com/rest' });
      await assert.rejects(provider.openPullRequest(input), (error: unknown) => {
        assert.ok(error instanceof GitHubProviderError);
        assert.equal(error.status, status);
        assert.match(error.message, new RegExp(String(status)));
        assert.ok(error.message.includes(message), error.message);
        assert.ok(!error.message.includes(TOKEN), error.message);
        assert.ok(!(error.stack ?? '').includes(TOKEN));
        return true;
      });
    });
  }

  test('a non-JSON error body still gives the status', async () => {
    github.handler = (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
    await assert.rejects(provider.openPullRequest(input), /HTTP 502/);
  });

  test('a 201 without html_url/number is an error', async () => {
    github.handler = (_req, res) => json(res, 201, { id: 3 });
    await assert.rejects(provider.openPullRequest(input), /unexpected response/);
  });

  test('same-origin 307 redirects are followed; redirects to another origin are not (the token stays home)', async () => {
    github.handler = (req, res) => {
      if (req.url === '/repos/hedgehog-labs/fabric-gitops/pulls') res.writeHead(307, { location: '/repositories/99/pulls' }).end();
      else json(res, 201, { number: 3, html_url: 'https://github.com/hedgehog-labs/renamed/pull/3' });
    };
    assert.equal((await provider.openPullRequest(input)).number, 3);
    assert.equal(github.requests[1].url, '/repositories/99/pulls');
    assert.equal(github.requests[1].method, 'POST');
    assertGitHubHeaders(github.requests[1], true);

    github.requests.length = 0;
    github.handler = (_req, res) => res.writeHead(307, { location: 'http://127.0.0.2:9/steal' }).end();
    await assert.rejects(provider.openPullRequest(input), /another origin/);
    assert.equal(github.requests.length, 1);
  });

  test('timeout → a clear error, no hang', async () => {
    github.handler = () => {
      /* never answers */
    };
    const slow = new GitHubProvider({ apiBaseUrl: github.base, timeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(slow.openPullRequest(input), (error: unknown) => {
      assert.ok(error instanceof GitHubProviderError);
      assert.match(error.message, /timed out after 200 ms/);
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
    assert.ok(Date.now() - started < 2000);
  });

  test('connection refused → an error without the token', async () => {
    const closed = new GitHubProvider({ apiBaseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 });
    await assert.rejects(closed.openPullRequest(input), (error: unknown) => {
      assert.ok(error instanceof GitHubProviderError);
      assert.match(error.message, /failed/);
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
  });

  test('bad input is refused before any request: non-GitHub URL, token with a newline, github.com API for a GHE host', async () => {
    await assert.rejects(provider.openPullRequest({ ...input, repositoryUrl: '/srv/git/fabric.git' }), /not a GitHub repository URL/);
    await assert.rejects(provider.openPullRequest({ ...input, token: `${TOKEN}\r\nX-Evil: 1` }), (error: unknown) => {
      assert.ok(error instanceof GitHubProviderError);
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
    await assert.rejects(provider.openPullRequest({ ...input, token: '' }), /token/);
    const dotCom = new GitHubProvider();
    await assert.rejects(dotCom.openPullRequest({ ...input, repositoryUrl: 'https://ghe.example.com/netops/fabric.git' }), /GITHUB_API_URL/);
    assert.equal(github.requests.length, 0);
  });

  test('constructor refuses API URLs with credentials or other schemes', () => {
    assert.throws(() => new GitHubProvider({ apiBaseUrl: 'https://user:pw@api.github.com' }), /credentials/);
    assert.throws(() => new GitHubProvider({ apiBaseUrl: 'ftp://api.github.com' }), /http/);
    assert.throws(() => new GitHubProvider({ apiBaseUrl: 'not a url' }), /valid URL/);
    assert.throws(() => new GitHubProvider({ timeoutMs: 0 }), /timeoutMs/);
    assert.equal(new GitHubProvider().apiBaseUrl, 'https://api.github.com');
  });
});

describe('parseGitHubRepository', () => {
  test('accepted URL forms', () => {
    const cases: Array<[string, string, string, string]> = [
      ['https://github.com/o/r', 'github.com', 'o', 'r'],
      ['https://github.com/o/r.git', 'github.com', 'o', 'r'],
      ['https://github.com/o/r/', 'github.com', 'o', 'r'],
      ['https://GitHub.com/Owner-1/My.Repo_2.git', 'github.com', 'Owner-1', 'My.Repo_2'],
      ['http://github.com/o/r.git', 'github.com', 'o', 'r'],
      ['git@github.com:o/r.git', 'github.com', 'o', 'r'],
      ['git@github.com:o/r', 'github.com', 'o', 'r'],
      ['ssh://git@github.com/o/r.git', 'github.com', 'o', 'r'],
      ['ssh://git@ssh.github.com:443/o/r.git', 'ssh.github.com', 'o', 'r'],
      ['git://github.com/o/r.git', 'github.com', 'o', 'r'],
      ['https://ghe.example.com/netops/fabric.git', 'ghe.example.com', 'netops', 'fabric'],
      ['git@ghe.example.com:netops/fabric.git', 'ghe.example.com', 'netops', 'fabric'],
      ['ssh://git@ghe.example.com:2222/netops/fabric.git', 'ghe.example.com', 'netops', 'fabric'],
      ['  https://github.com/o/r.git  ', 'github.com', 'o', 'r'],
    ];
    for (const [url, host, owner, repo] of cases) assert.deepEqual(parseGitHubRepository(url), { host, owner, repo }, url);
  });

  test('refused URL forms', () => {
    for (const url of [
      '',
      '/srv/git/fabric.git',
      'file:///srv/git/fabric.git',
      'ftp://github.com/o/r.git',
      'https://github.com/o',
      'https://github.com/o/r/tree/main',
      'https://github.com/',
      'https://github.com/o/r?x=1',
      'https://github.com/o/..',
      'https://github.com/-o/r',
      'git@github.com:o',
      'not a url',
    ]) {
      assert.throws(() => parseGitHubRepository(url), GitHubProviderError, url);
    }
  });
});
