import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { print } from 'graphql';
import { ConfigError, loadConfig } from '../src/config';
import { LimitsCreateFabricDocument, LimitsFabricsPageDocument, LimitsViewerDocument } from './generated/operations';
import { startTestServer, type TestServer } from './support/test-server';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

interface Body {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

describe('GraphQL over HTTP', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.stop();
  });

  function post(body: string, headers: Record<string, string>) {
    return fetch(`${server.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, ...headers }, body });
  }

  function get(params: Record<string, string>, headers: Record<string, string> = { 'apollo-require-preflight': 'true' }) {
    return fetch(`${server.url}/graphql?${new URLSearchParams(params)}`, { headers: { authorization: `Bearer ${server.adminToken}`, ...headers } });
  }

  async function fabricCount(): Promise<number> {
    const page = await server.query(LimitsFabricsPageDocument, { first: 500 });
    return page.fabrics.edges.length;
  }

  test('GET runs a query (with a header that forces a CORS preflight)', async () => {
    const response = await get({ query: print(LimitsViewerDocument) });
    assert.equal(response.status, 200);
    const body = (await response.json()) as Body;
    assert.equal((body.data?.viewer as { username: string }).username, 'admin');
  });

  test('GET with variables as JSON in the query string', async () => {
    const response = await get({ query: print(LimitsFabricsPageDocument), variables: JSON.stringify({ first: 0 }) });
    assert.equal(response.status, 200);
    assert.deepEqual(((await response.json()) as Body).data, { fabrics: { edges: [] } });
  });

  test('a mutation over GET is 405 with Allow: POST and changes nothing', async () => {
    const before = await fabricCount();
    const response = await get({ query: print(LimitsCreateFabricDocument), variables: JSON.stringify({ name: 'by-get' }) });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'POST');
    assert.equal(await fabricCount(), before);
  });

  test('CSRF: a GET without a preflight-forcing header is refused and not executed', async () => {
    const response = await get({ query: print(LimitsViewerDocument) }, {});
    assert.equal(response.status, 400);
    const body = (await response.json()) as Body;
    assert.equal(body.data, undefined);
    assert.match(body.errors![0].message, /Cross-Site Request Forgery/);
  });

  test('CSRF: a text/plain POST (a simple request) is 415 and not executed', async () => {
    const before = await fabricCount();
    const query = JSON.stringify({ query: print(LimitsCreateFabricDocument), variables: { name: 'by-text-plain' } });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await post(query, { 'content-type': contentType });
      assert.equal(response.status, 415, contentType);
      const body = (await response.json()) as Body;
      assert.equal(body.errors![0].extensions?.code, 'UNSUPPORTED_MEDIA_TYPE');
    }
    const untyped = await post(query, {});
    assert.equal(untyped.status, 415);
    assert.equal(await fabricCount(), before);
  });

  test('Accept: application/graphql-response+json is answered in that media type; application/json and */* in JSON', async () => {
    const body = JSON.stringify({ query: print(LimitsViewerDocument) });
    const cases: Array<[string | undefined, string]> = [
      [GRAPHQL_RESPONSE, GRAPHQL_RESPONSE],
      ['application/json', 'application/json'],
      [`${GRAPHQL_RESPONSE}, application/json;q=0.9`, GRAPHQL_RESPONSE],
      ['*/*', 'application/json'],
      [undefined, 'application/json'],
    ];
    for (const [accept, expected] of cases) {
      const response = await post(body, { 'content-type': 'application/json', ...(accept ? { accept } : {}) });
      assert.equal(response.status, 200, String(accept));
      assert.equal(response.headers.get('content-type')?.split(';')[0], expected, String(accept));
    }
  });

  test('an Accept header naming neither media type is 406', async () => {
    const response = await post(JSON.stringify({ query: print(LimitsViewerDocument) }), { 'content-type': 'application/json', accept: 'text/html' });
    assert.equal(response.status, 406);
  });

  test('parse and validation errors are 400 with either media type; a request without query is 400', async () => {
    for (const accept of [GRAPHQL_RESPONSE, 'application/json']) {
      const parseError = await post(JSON.stringify({ query: '{ viewer { ' }), { 'content-type': 'application/json', accept });
      assert.equal(parseError.status, 400);
      assert.equal(((await parseError.json()) as Body).errors![0].extensions?.code, 'GRAPHQL_PARSE_FAILED');
      const invalid = await post(JSON.stringify({ query: '{ viewer { nope } }' }), { 'content-type': 'application/json', accept });
      assert.equal(invalid.status, 400);
      const invalidBody = (await invalid.json()) as Body;
      assert.equal(invalidBody.data, undefined);
      assert.equal(invalidBody.errors![0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
      const empty = await post(JSON.stringify({}), { 'content-type': 'application/json', accept });
      assert.equal(empty.status, 400);
    }
  });

  test('an error during execution is 200 with data (here null) and errors', async () => {
    const response = await post(JSON.stringify({ query: '{ viewer { id } resources(fabricId: "bogus") { totalCount } }' }), { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE });
    const body = (await response.json()) as Body;
    assert.ok(body.errors?.length);
    // resources is non-null, so its error nulls data; the request itself was valid and executed: 2xx per the spec.
    assert.equal(body.data, null);
    assert.equal(response.status, 200);
  });

  test('CORS is off by default: no CORS headers, preflights are not answered', async () => {
    const preflight = await fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://ui.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    const response = await post(JSON.stringify({ query: print(LimitsViewerDocument) }), { 'content-type': 'application/json', origin: 'https://ui.example.com' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});

describe('CORS_ORIGINS', () => {
  let server: TestServer;
  const allowed = 'https://ui.example.com';

  before(async () => {
    server = await startTestServer({ corsOrigins: [allowed, 'http://localhost:5173'] });
  });
  after(async () => {
    await server.stop();
  });

  function preflight(origin: string) {
    return fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
  }

  test('a listed origin gets its preflight answered and CORS headers on responses', async () => {
    const answer = await preflight(allowed);
    assert.equal(answer.status, 204);
    assert.equal(answer.headers.get('access-control-allow-origin'), allowed);
    assert.match(answer.headers.get('access-control-allow-headers') ?? '', /authorization/i);
    assert.match(answer.headers.get('access-control-allow-methods') ?? '', /POST/);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { origin: allowed, authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(LimitsViewerDocument) }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), allowed);
  });

  test('another origin gets no CORS headers', async () => {
    const answer = await preflight('https://evil.example.com');
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
  });

  test('CORS_ORIGINS is a comma list of origins, validated', () => {
    assert.deepEqual(loadConfig({ CORS_ORIGINS: ' https://a.example.com , http://localhost:3000 ' }).corsOrigins, ['https://a.example.com', 'http://localhost:3000']);
    assert.equal(loadConfig({}).corsOrigins, undefined);
    assert.equal(loadConfig({ CORS_ORIGINS: '' }).corsOrigins, undefined);
    assert.throws(() => loadConfig({ CORS_ORIGINS: 'https://a.example.com/path' }), ConfigError);
    assert.throws(() => loadConfig({ CORS_ORIGINS: 'not an origin' }), ConfigError);
  });
});
