import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { print } from 'graphql';
import { loadConfig } from '../src/config';
import { createRateLimiter } from '../src/server/rate-limit';
import { AuthCreateUserDocument, LimitsViewerDocument } from './generated/operations';
import { openRawGraphQLWs } from './support/raw-graphql-ws';
import { startTestServer, type TestServer } from './support/test-server';

interface Body {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string; retryAfterSeconds?: number } }>;
}

// 1 request per second plus a burst of 3: the first 4 requests of a quick series pass, then 429 until the windows
// refill. A series of 10 sequential requests takes far less than a second, so at most one window boundary (one more
// request) falls inside it.
const RATE = { perSecond: 1, burst: 3 };
const SERIES = 10;

describe('per-token rate limit', () => {
  let server: TestServer;
  let viewerToken: string;

  before(async () => {
    server = await startTestServer({ rateLimit: RATE });
    // Created before the limit is exercised; the admin's allowance refills during the next second.
    const { createUser } = await server.query(AuthCreateUserDocument, { input: { username: 'limited-viewer', role: 'VIEWER' } });
    viewerToken = createUser.token!;
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });
  after(async () => {
    await server.stop();
  });

  function viewerRequest(token: string) {
    return fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(LimitsViewerDocument) }),
    });
  }

  test('over the limit → 429 with Retry-After and a GraphQL-shaped RATE_LIMITED error; other tokens are unaffected', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < SERIES; i++) {
      const response = await viewerRequest(server.adminToken);
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
      else await response.arrayBuffer();
    }
    assert.deepEqual(statuses.slice(0, 4), [200, 200, 200, 200], statuses.join());
    assert.ok(statuses.filter((status) => status === 429).length >= SERIES - 5, statuses.join());
    assert.ok(limited);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3, String(retryAfter));
    const body = (await limited.json()) as Body;
    assert.equal(body.data, undefined);
    assert.equal(body.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    assert.equal(body.errors?.[0]?.extensions?.retryAfterSeconds, retryAfter);

    const other = await viewerRequest(viewerToken);
    assert.equal(other.status, 200);
    await other.arrayBuffer();
  });

  test('failed authentications count against the client address: 401 turns into 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < SERIES; i++) {
      const response = await viewerRequest(`hnp_guess_${i}`);
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    assert.deepEqual(statuses.slice(0, 4), [401, 401, 401, 401], statuses.join());
    assert.ok(statuses.includes(429), statuses.join());
  });

  test('webhook deliveries are limited by client address (apart from failed authentications)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < SERIES; i++) {
      const response = await fetch(`${server.url}/webhooks/github`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'ping' }, body: '{}' });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    assert.ok(statuses.slice(0, 4).every((status) => status !== 429), statuses.join());
    assert.ok(statuses.includes(429), statuses.join());
  });

  test('WebSocket subscribe messages count against the same token: the operation gets a RATE_LIMITED error, the socket stays open', async () => {
    await new Promise((resolve) => setTimeout(resolve, 3100)); // a fresh allowance for the viewer token
    const socket = await openRawGraphQLWs(server.url);
    try {
      await socket.init(viewerToken);
      const types: string[] = [];
      let rateLimited: unknown;
      for (let i = 0; i < SERIES; i++) {
        socket.send({ id: `op-${i}`, type: 'subscribe', payload: { query: print(LimitsViewerDocument) } });
        const reply = await socket.next((message) => message.id === `op-${i}`);
        types.push(reply.type);
        if (reply.type === 'error') rateLimited ??= reply.payload;
      }
      assert.deepEqual(types.slice(0, 4), ['next', 'next', 'next', 'next'], types.join());
      assert.ok(types.includes('error'), types.join());
      const [error] = rateLimited as Array<{ extensions: { code: string; retryAfterSeconds: number } }>;
      assert.equal(error.extensions.code, 'RATE_LIMITED');
      assert.ok(error.extensions.retryAfterSeconds >= 1);
      socket.send({ type: 'ping' });
      await socket.next((message) => message.type === 'pong');
    } finally {
      socket.close();
    }
  });
});

describe('rate limit behind a proxy (TRUST_PROXY)', () => {
  async function webhookStatuses(server: TestServer, forwardedFor: string): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < SERIES; i++) {
      const response = await fetch(`${server.url}/webhooks/github`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-forwarded-for': forwardedFor },
        body: '{}',
      });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    return statuses;
  }

  test('with TRUST_PROXY each forwarded client has its own allowance; without it they share the proxy\'s', async () => {
    const trusting = await startTestServer({ rateLimit: RATE, trustProxy: 'loopback'.split(',') });
    try {
      assert.ok((await webhookStatuses(trusting, '203.0.113.1')).includes(429));
      assert.ok(!(await webhookStatuses(trusting, '203.0.113.2')).slice(0, 4).includes(429), 'a second client behind the proxy is not limited by the first');
    } finally {
      await trusting.stop();
    }
    const direct = await startTestServer({ rateLimit: RATE });
    try {
      assert.ok((await webhookStatuses(direct, '203.0.113.1')).includes(429));
      assert.ok((await webhookStatuses(direct, '203.0.113.2')).slice(0, 4).includes(429), 'X-Forwarded-For is ignored unless the proxy is trusted');
    } finally {
      await direct.stop();
    }
  });
});

describe('rate limit settings', () => {
  test('RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST are read and validated; 0 turns the limit off', async () => {
    assert.deepEqual(loadConfig({}).rateLimit, { perSecond: 50, burst: 100 });
    assert.deepEqual(loadConfig({ RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '0' }).rateLimit, { perSecond: 5, burst: 0 });
    assert.throws(() => loadConfig({ RATE_LIMIT_PER_SECOND: '-1' }), /RATE_LIMIT_PER_SECOND/);
    assert.throws(() => loadConfig({ RATE_LIMIT_BURST: 'x' }), /RATE_LIMIT_BURST/);
    assert.equal(createRateLimiter({ perSecond: 0, burst: 100 }), undefined);
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.deepEqual(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy, ['loopback', '10.0.0.0/8']);
    assert.throws(() => loadConfig({ TRUST_PROXY: 'proxy.example.com' }), /TRUST_PROXY/);
    const limiter = createRateLimiter({ perSecond: 2, burst: 0 })!;
    assert.deepEqual(await limiter.consume('k'), { allowed: true });
    assert.deepEqual(await limiter.consume('k'), { allowed: true });
    const third = await limiter.consume('k');
    assert.equal(third.allowed, false);
    assert.deepEqual(await limiter.consume('other'), { allowed: true });
  });
});
