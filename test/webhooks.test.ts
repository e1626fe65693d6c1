import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { normalizeRepositoryUrl, verifyGitHubSignature } from '../src/server/webhooks';
import { HookCreateFabricDocument, HookCreateRepositoryDocument, HookSyncOperationsDocument } from './generated/operations';
import { startTestServer, type TestServer } from './support/test-server';

interface HookResponse {
  status: number;
  json: Record<string, unknown>;
}

interface RepoNames {
  owner: string;
  name: string;
}

const SECRET_A = 'webhook-secret-for-repo-a';
const SECRET_C = 'another secret, with spaces and ünïcode';
const SECRET_D = 'secret-d';

function sign(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The repository object GitHub puts in every repository event. */
function repositoryPayload({ owner, name }: RepoNames) {
  return {
    id: 123456,
    name,
    full_name: `${owner}/${name}`,
    html_url: `https://github.com/${owner}/${name}`,
    clone_url: `https://github.com/${owner}/${name}.git`,
    ssh_url: `git@github.com:${owner}/${name}.git`,
    git_url: `git://github.com/${owner}/${name}.git`,
    url: `https://api.github.com/repos/${owner}/${name}`,
    default_branch: 'main',
  };
}

function pushPayload(repo: RepoNames, ref: string) {
  return {
    ref,
    before: '0'.repeat(40),
    after: 'a'.repeat(40),
    created: false,
    deleted: false,
    forced: false,
    repository: repositoryPayload(repo),
    pusher: { name: 'someone', email: 'someone@example.com' },
    commits: [],
  };
}

function pullRequestPayload(repo: RepoNames, action: string, merged: boolean, base = 'main') {
  return {
    action,
    number: 7,
    pull_request: { number: 7, state: 'closed', merged, base: { ref: base }, head: { ref: 'hnp/fabric/abc' } },
    repository: repositoryPayload(repo),
  };
}

describe('POST /webhooks/github', () => {
  let server: TestServer;
  const repoA: RepoNames = { owner: 'hnp-test', name: 'fabric-repo' };
  const repoB: RepoNames = { owner: 'hnp-test', name: 'no-secret' };
  const repoC: RepoNames = { owner: 'hnp-test', name: 'pr-repo' };
  const repoD: RepoNames = { owner: 'hnp-test', name: 'race-repo' };
  const fabrics: Record<string, string[]> = {};

  async function post(
    event: string | null,
    body: Buffer | string,
    signature: string | null,
    headers: Record<string, string> = {},
  ): Promise<HookResponse> {
    const response = await fetch(`${server.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-delivery': randomUUID(),
        ...(event ? { 'x-github-event': event } : {}),
        ...(signature ? { 'x-hub-signature-256': signature } : {}),
        ...headers,
      },
      body,
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { raw: text };
    }
    return { status: response.status, json };
  }

  function signedPost(event: string, payload: unknown, secret: string): Promise<HookResponse> {
    const body = JSON.stringify(payload);
    return post(event, body, sign(secret, body));
  }

  async function operations(fabricId?: string) {
    const result = await server.query(HookSyncOperationsDocument, { fabricId });
    return result.syncOperations;
  }

  async function pendingPulls(fabricId: string) {
    const result = await server.query(HookSyncOperationsDocument, {
      fabricId,
      filter: { operationType: ['GITHUB_TO_GUI'], status: ['PENDING'] },
    });
    return result.syncOperations.edges.map((edge) => edge.node);
  }

  async function createRepository(key: string, url: string, extra: { webhookSecret?: string; pushBranch?: string }, fabricCount: number) {
    const created = await server.query(HookCreateRepositoryDocument, { input: { name: `repo-${key}`, url, defaultBranch: 'main', ...extra } });
    assert.deepEqual(created.createGitRepository.userErrors, []);
    const repositoryId = created.createGitRepository.gitRepository!.id;
    fabrics[key] = [];
    for (let i = 0; i < fabricCount; i++) {
      const fabric = await server.query(HookCreateFabricDocument, {
        input: { name: `hook-${key}-${i}`, gitRepositoryId: repositoryId, gitopsDirectory: `fabrics/${key}-${i}` },
      });
      assert.deepEqual(fabric.createFabric.userErrors, []);
      fabrics[key].push(fabric.createFabric.fabric!.id);
    }
  }

  before(async () => {
    server = await startTestServer({ syncWorkers: 0 });
    // Stored URL forms differ from the payload's on purpose: trailing slash without .git, scp-like, ssh:// with a port.
    await createRepository('a', 'https://GitHub.com/hnp-test/fabric-repo/', { webhookSecret: SECRET_A }, 2);
    await createRepository('b', 'git@github.com:hnp-test/no-secret.git', {}, 1);
    await createRepository('c', 'ssh://git@github.com:22/hnp-test/pr-repo.git', { webhookSecret: SECRET_C, pushBranch: 'sync' }, 1);
    await createRepository('d', 'https://github.com/hnp-test/race-repo.git', { webhookSecret: SECRET_D }, 1);
  });
  after(async () => {
    await server.stop();
  });

  test('ping with a valid signature → 200, without a Bearer token', async () => {
    const result = await signedPost('ping', { zen: 'Keep it logically awesome.', hook_id: 1, repository: repositoryPayload(repoA) }, SECRET_A);
    assert.equal(result.status, 200);
    assert.equal(result.json.ok, true);
  });

  test('refused deliveries (401) enqueue nothing: bad signature, missing signature, unknown repository, repository without secret', async () => {
    const before = (await operations()).totalCount;
    const body = JSON.stringify(pushPayload(repoA, 'refs/heads/main'));

    const wrongSecret = await post('push', body, sign('not-the-secret', body));
    assert.equal(wrongSecret.status, 401);
    assert.equal(typeof wrongSecret.json.error, 'string');

    const otherBody = await post('push', body, sign(SECRET_A, body + ' '));
    assert.equal(otherBody.status, 401);

    const malformedSignature = await post('push', body, 'sha256=zzzz');
    assert.equal(malformedSignature.status, 401);

    const sha1Only = await post('push', body, null, { 'x-hub-signature': `sha1=${createHmac('sha1', SECRET_A).update(body).digest('hex')}` });
    assert.equal(sha1Only.status, 401);
    assert.match(String(sha1Only.json.error), /X-Hub-Signature-256/);

    const unknown = await signedPost('push', pushPayload({ owner: 'someone-else', name: 'fabric-repo' }, 'refs/heads/main'), SECRET_A);
    assert.equal(unknown.status, 401);

    const noRepository = await signedPost('push', { ref: 'refs/heads/main' }, SECRET_A);
    assert.equal(noRepository.status, 401);

    // Repository B has no webhook secret: no signature can ever be valid for it (an empty secret included).
    for (const secret of ['', 'anything']) {
      const noSecret = await signedPost('push', pushPayload(repoB, 'refs/heads/main'), secret);
      assert.equal(noSecret.status, 401);
    }

    assert.equal((await operations()).totalCount, before);
  });

  test('a valid push to the default branch → 202 and one pending GITHUB_TO_GUI operation per fabric', async () => {
    const result = await signedPost('push', pushPayload(repoA, 'refs/heads/main'), SECRET_A);
    assert.equal(result.status, 202);
    assert.equal(result.json.skipped, 0);
    const enqueued = result.json.enqueued as string[];
    assert.equal(enqueued.length, 2);

    const seen: string[] = [];
    for (const fabricId of fabrics.a) {
      const pending = await pendingPulls(fabricId);
      assert.equal(pending.length, 1);
      assert.equal(pending[0].fabric.id, fabricId);
      assert.equal(pending[0].operationType, 'GITHUB_TO_GUI');
      assert.equal(pending[0].status, 'PENDING');
      assert.equal(pending[0].details.trigger, 'webhook');
      assert.equal(typeof pending[0].details.deliveryId, 'string');
      seen.push(pending[0].id);
    }
    assert.deepEqual([...seen].sort(), [...enqueued].sort());
  });

  test('a second push while the pulls are pending is deduplicated', async () => {
    const before = (await operations()).totalCount;
    const result = await signedPost('push', pushPayload(repoA, 'refs/heads/main'), SECRET_A);
    assert.equal(result.status, 202);
    assert.deepEqual(result.json.enqueued, []);
    assert.equal(result.json.skipped, 2);
    assert.equal((await operations()).totalCount, before);
    for (const fabricId of fabrics.a) assert.equal((await pendingPulls(fabricId)).length, 1);
  });

  test('concurrent deliveries enqueue one pull', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => signedPost('push', pushPayload(repoD, 'refs/heads/main'), SECRET_D)));
    assert.ok(results.every((r) => r.status === 202));
    assert.equal(results.reduce((sum, r) => sum + (r.json.enqueued as string[]).length, 0), 1);
    assert.equal(results.reduce((sum, r) => sum + Number(r.json.skipped), 0), 5);
    assert.equal((await pendingPulls(fabrics.d[0])).length, 1);
  });

  test('pushes to other branches, tags and branch deletions are ignored (202, nothing enqueued)', async () => {
    const before = (await operations()).totalCount;
    for (const ref of ['refs/heads/feature/x', 'refs/tags/v1.0', 'refs/heads/hnp/hook-c-0/123']) {
      const result = await signedPost('push', pushPayload(repoC, ref), SECRET_C);
      assert.equal(result.status, 202, ref);
      assert.deepEqual(result.json.enqueued, []);
      assert.equal(typeof result.json.ignored, 'string');
    }
    const deletion = await signedPost('push', { ...pushPayload(repoC, 'refs/heads/main'), deleted: true }, SECRET_C);
    assert.equal(deletion.status, 202);
    assert.equal(typeof deletion.json.ignored, 'string');
    const otherEvent = await signedPost('issues', { action: 'opened', repository: repositoryPayload(repoC) }, SECRET_C);
    assert.equal(otherEvent.status, 202);
    assert.equal(typeof otherEvent.json.ignored, 'string');
    assert.equal((await operations()).totalCount, before);
  });

  test('pull_request closed without merge is ignored; merged → pull enqueued; push to the push branch is then deduplicated', async () => {
    const notMerged = await signedPost('pull_request', pullRequestPayload(repoC, 'closed', false), SECRET_C);
    assert.equal(notMerged.status, 202);
    assert.deepEqual(notMerged.json.enqueued, []);
    const opened = await signedPost('pull_request', pullRequestPayload(repoC, 'opened', false), SECRET_C);
    assert.deepEqual(opened.json.enqueued, []);
    const otherBase = await signedPost('pull_request', pullRequestPayload(repoC, 'closed', true, 'release'), SECRET_C);
    assert.deepEqual(otherBase.json.enqueued, []);
    assert.equal((await pendingPulls(fabrics.c[0])).length, 0);

    const merged = await signedPost('pull_request', pullRequestPayload(repoC, 'closed', true), SECRET_C);
    assert.equal(merged.status, 202);
    assert.equal((merged.json.enqueued as string[]).length, 1);
    const pending = await pendingPulls(fabrics.c[0]);
    assert.equal(pending.length, 1);
    assert.equal(pending[0].id, (merged.json.enqueued as string[])[0]);

    const pushBranch = await signedPost('push', pushPayload(repoC, 'refs/heads/sync'), SECRET_C);
    assert.equal(pushBranch.status, 202);
    assert.deepEqual(pushBranch.json.enqueued, []);
    assert.equal(pushBranch.json.skipped, 1);
  });

  test('form-encoded deliveries are verified over the raw body', async () => {
    const body = new URLSearchParams({ payload: JSON.stringify(pushPayload(repoD, 'refs/heads/main')) }).toString();
    const result = await post('push', body, sign(SECRET_D, body), { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(result.status, 202);
    assert.equal(result.json.skipped, 1);
  });

  test('malformed JSON, a missing event header → 400; a 6 MB body → 413 without crashing', async () => {
    const before = (await operations()).totalCount;
    const malformed = '{"ref": "refs/heads/main", "repository": ';
    const bad = await post('push', malformed, sign(SECRET_A, malformed));
    assert.equal(bad.status, 400);
    assert.equal(typeof bad.json.error, 'string');

    const notObject = '[1,2,3]';
    assert.equal((await post('push', notObject, sign(SECRET_A, notObject))).status, 400);

    const body = JSON.stringify(pushPayload(repoA, 'refs/heads/main'));
    assert.equal((await post(null, body, sign(SECRET_A, body))).status, 400);

    const huge = Buffer.alloc(6 * 1024 * 1024, 0x20);
    const tooLarge = await post('push', huge, sign(SECRET_A, huge));
    assert.equal(tooLarge.status, 413);
    assert.equal(typeof tooLarge.json.error, 'string');

    // Still serving.
    const ping = await signedPost('ping', { zen: 'still here', repository: repositoryPayload(repoA) }, SECRET_A);
    assert.equal(ping.status, 200);
    assert.equal((await operations()).totalCount, before);
  });

  test('other routes keep requiring a Bearer token', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    assert.equal(response.status, 401);
  });
});

describe('webhook helpers', () => {
  test('normalizeRepositoryUrl', () => {
    const same = [
      'https://github.com/o/r',
      'https://github.com/o/r.git',
      'https://github.com/o/r/',
      'https://GitHub.COM/o/r.git/',
      'http://github.com/o/r',
      'https://github.com:443/o/r.git',
      'git://github.com/o/r.git',
      'git@github.com:o/r.git',
      'github.com:o/r',
      'ssh://git@github.com/o/r.git',
      'ssh://git@github.com:22/o/r.git',
    ];
    for (const url of same) assert.equal(normalizeRepositoryUrl(url), 'github.com/o/r', url);
    assert.equal(normalizeRepositoryUrl('https://ghe.example.com/team/fabric.git'), 'ghe.example.com/team/fabric');
    assert.equal(normalizeRepositoryUrl('git@ghe.example.com:team/fabric.git'), 'ghe.example.com/team/fabric');
    assert.notEqual(normalizeRepositoryUrl('https://github.com/o/r2'), 'github.com/o/r');
    assert.notEqual(normalizeRepositoryUrl('https://gitlab.com/o/r'), 'github.com/o/r');
    assert.equal(normalizeRepositoryUrl('/srv/git/r.git'), undefined);
    assert.equal(normalizeRepositoryUrl('file:///srv/git/r.git'), undefined);
    assert.equal(normalizeRepositoryUrl(''), undefined);
    assert.equal(normalizeRepositoryUrl('https://github.com/'), undefined);
  });

  test('verifyGitHubSignature', () => {
    // The example from GitHub's "Validating webhook deliveries" documentation.
    const secret = "It's a Secret to Everybody";
    const body = Buffer.from('Hello, World!');
    const documented = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    assert.equal(verifyGitHubSignature(secret, body, documented), true);
    assert.equal(verifyGitHubSignature(secret, body, documented.toUpperCase().replace('SHA256=', 'sha256=')), true);
    assert.equal(verifyGitHubSignature(secret, Buffer.from('Hello, World?'), documented), false);
    assert.equal(verifyGitHubSignature('other', body, documented), false);
    assert.equal(verifyGitHubSignature(secret, body, undefined), false);
    assert.equal(verifyGitHubSignature(secret, body, documented.slice(0, -2)), false);
    assert.equal(verifyGitHubSignature(secret, body, documented.replace('sha256=', 'sha1=')), false);
  });
});
