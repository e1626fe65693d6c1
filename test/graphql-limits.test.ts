import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getIntrospectionQuery, Kind, parse, print, visit, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { loadConfig } from '../src/config';
import { buildGraphQLSchema } from '../src/graphql/schema';
import { operationComplexity } from '../src/server/query-complexity';
import { enforceRequestLimits } from '../src/server/request-limits';
import { LimitsEveryRootConnectionDocument, LimitsFabricsPageDocument, LimitsNestedPagesDocument, LimitsViewerDocument } from './generated/operations';
import { postGraphQL } from './support/graphql-client';
import { startTestServer, type TestServer } from './support/test-server';

const DEFAULTS = loadConfig({}).limits;
const GRAPHQL_DIR = path.resolve(__dirname, '../../test/graphql');

/** `{ a: fabric(id: …) { … } }` nested `levels` deep through resources → fabric. */
function deepQuery(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = `fabric { id resources(first: 1) { edges { node { ${inner} } } } }`;
  return `{ resources(fabricId: "x", first: 1) { edges { node { ${inner} } } } }`;
}

function repeated(count: number, item: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => item(i)).join(' ');
}

/** Required variables become optional, so that the complexity of a test document is measured with the default page sizes. */
function withOptionalVariables(document: DocumentNode): DocumentNode {
  return visit(document, {
    [Kind.VARIABLE_DEFINITION]: (node) => (node.type.kind === Kind.NON_NULL_TYPE ? { ...node, type: node.type.type } : undefined),
  });
}

describe('request limits: the defaults fit every client in the repository', () => {
  const schema = buildGraphQLSchema();

  test('every operation of test/graphql/*.graphql passes the default limits, with page sizes at their default of 50', () => {
    const files = readdirSync(GRAPHQL_DIR).filter((file) => file.endsWith('.graphql'));
    assert.ok(files.length >= 10);
    let highest = { complexity: 0, name: '' };
    for (const file of files) {
      const document = withOptionalVariables(parse(readFileSync(path.join(GRAPHQL_DIR, file), 'utf8'), { maxTokens: DEFAULTS.maxTokens }));
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const name = (definition as OperationDefinitionNode).name!.value;
        assert.doesNotThrow(() => enforceRequestLimits(schema, DEFAULTS, { document, operationName: name }), `${file}: ${name}`);
        const complexity = operationComplexity(schema, document, name, {});
        if (complexity > highest.complexity) highest = { complexity, name: `${file}: ${name}` };
      }
    }
    // The heaviest test operation stays well below the limit (figure for the README).
    assert.ok(highest.complexity * 2 <= DEFAULTS.maxComplexity, JSON.stringify(highest));
  });

  test('the introspection queries of GraphiQL and graphql-codegen pass', () => {
    for (const query of [getIntrospectionQuery(), getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true })]) {
      const document = parse(query, { maxTokens: DEFAULTS.maxTokens });
      assert.doesNotThrow(() => enforceRequestLimits(schema, DEFAULTS, { document }));
    }
  });

  test('connections cost first × their selection; first defaults to 50', () => {
    const cost = (outer: number | undefined, inner: number | undefined) => operationComplexity(schema, LimitsNestedPagesDocument, 'LimitsNestedPages', { outer, inner });
    assert.equal(cost(10, 10), 10 * cost(1, 10) - 9);
    assert.ok(cost(undefined, undefined) === cost(50, 50));
    assert.ok(cost(500, 500) > DEFAULTS.maxComplexity);
    assert.ok(cost(50, 50) <= DEFAULTS.maxComplexity);
  });
});

describe('request limits over HTTP (default configuration)', () => {
  let server: TestServer;
  let fabricId: string;

  before(async () => {
    server = await startTestServer();
    const created = await postGraphQL<{ createFabric: { fabric: { id: string } } }, unknown>(server.url, server.adminToken, 'mutation { createFabric(input: {name: "limits"}) { fabric { id } } }');
    fabricId = created.data!.createFabric.fabric.id;
  });
  after(async () => {
    await server.stop();
  });

  async function refused(query: string, code: string, variables?: Record<string, unknown>) {
    const response = await postGraphQL(server.url, server.adminToken, query, variables);
    assert.equal(response.status, 400, JSON.stringify(response.errors));
    assert.equal(response.data, undefined);
    assert.equal(response.errors?.[0]?.extensions?.code, code, JSON.stringify(response.errors));
    return response.errors![0];
  }

  test('an ordinary query passes', async () => {
    const result = await server.query(LimitsViewerDocument);
    assert.equal(result.viewer?.username, 'admin');
  });

  test('depth beyond GRAPHQL_MAX_DEPTH is QUERY_TOO_DEEP; just below passes validation of the limits', async () => {
    const error = await refused(deepQuery(4), 'QUERY_TOO_DEEP');
    assert.equal(error.extensions?.limit, DEFAULTS.maxDepth);
    assert.match(error.message, /at most 15 levels/);
    const shallow = await postGraphQL(server.url, server.adminToken, deepQuery(2));
    assert.notEqual(shallow.errors?.[0]?.extensions?.code, 'QUERY_TOO_DEEP');
  });

  test('more aliases than GRAPHQL_MAX_ALIASES is TOO_MANY_ALIASES', async () => {
    await refused(`{ viewer { ${repeated(DEFAULTS.maxAliases + 1, (i) => `a${i}: id`)} } }`, 'TOO_MANY_ALIASES');
    const atLimit = await postGraphQL(server.url, server.adminToken, `{ viewer { ${repeated(DEFAULTS.maxAliases, (i) => `a${i}: id`)} } }`);
    assert.equal(atLimit.status, 200);
    assert.equal(atLimit.errors, undefined);
  });

  test('more root fields than GRAPHQL_MAX_ROOT_FIELDS is TOO_MANY_ROOT_FIELDS, also through fragments', async () => {
    await refused(`{ ${repeated(DEFAULTS.maxRootFields + 1, () => 'viewer { id }')} }`, 'TOO_MANY_ROOT_FIELDS');
    const half = repeated(Math.ceil((DEFAULTS.maxRootFields + 1) / 2), () => 'viewer { id }');
    await refused(`query { ...A ...B } fragment A on Query { ${half} } fragment B on Query { ${half} }`, 'TOO_MANY_ROOT_FIELDS');
  });

  test('more tokens than GRAPHQL_MAX_TOKENS is TOO_MANY_TOKENS (the parser stops early)', async () => {
    const error = await refused(`{ viewer { ${repeated(DEFAULTS.maxTokens, () => 'id')} } }`, 'TOO_MANY_TOKENS');
    assert.equal(error.extensions?.limit, DEFAULTS.maxTokens);
  });

  test('more directives than GRAPHQL_MAX_DIRECTIVES is TOO_MANY_DIRECTIVES', async () => {
    await refused(`{ viewer { ${repeated(DEFAULTS.maxDirectives + 1, () => 'id @include(if: true)')} } }`, 'TOO_MANY_DIRECTIVES');
  });

  test('complexity: nested pages of 500 × 500 are QUERY_TOO_COMPLEX, 50 × 50 pass', async () => {
    const error = await refused(print(LimitsNestedPagesDocument), 'QUERY_TOO_COMPLEX', { outer: 500, inner: 500 });
    assert.equal(error.extensions?.limit, DEFAULTS.maxComplexity);
    assert.ok((error.extensions?.actual as number) > DEFAULTS.maxComplexity);
    const fine = await server.request(LimitsNestedPagesDocument, { outer: 50, inner: 50 });
    assert.equal(fine.errors, undefined);
  });

  test('an operation that passed is checked again when its variables change (passes are remembered per variables)', async () => {
    for (let round = 0; round < 2; round++) {
      assert.equal((await server.request(LimitsNestedPagesDocument, { outer: 50, inner: 50 })).errors, undefined);
      await refused(print(LimitsNestedPagesDocument), 'QUERY_TOO_COMPLEX', { outer: 500, inner: 500 });
      await refused(print(LimitsNestedPagesDocument), 'BAD_USER_INPUT', { outer: 50, inner: 501 });
    }
  });

  test('a fragment bomb is QUERY_TOO_COMPLEX', async () => {
    let fragments = 'fragment F0 on User { id username role }';
    for (let i = 1; i <= 8; i++) fragments += ` fragment F${i} on User { ...F${i - 1} ...F${i - 1} ...F${i - 1} ...F${i - 1} }`;
    await refused(`{ viewer { ...F8 } } ${fragments}`, 'QUERY_TOO_COMPLEX');
  });

  test('"first" above 500 or negative is BAD_USER_INPUT on every root connection, in variables and literals; 0 and 500 pass', async () => {
    for (const first of [501, -1, 100_000]) {
      const error = await refused(print(LimitsEveryRootConnectionDocument), 'BAD_USER_INPUT', { first, fabricId });
      assert.match(error.message, /"first"/);
      await refused(`{ users(first: ${first}) { totalCount } }`, 'BAD_USER_INPUT');
    }
    for (const first of [0, 500]) {
      const ok = await server.request(LimitsEveryRootConnectionDocument, { first, fabricId });
      assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
    }
    const empty = await server.query(LimitsFabricsPageDocument, { first: 0 });
    assert.deepEqual(empty.fabrics.edges, []);
  });

  test('"first" above 500 on nested connections is BAD_USER_INPUT too', async () => {
    for (const [outer, inner] of [[1, 501], [501, 1], [1, -5]]) {
      const error = await refused(print(LimitsNestedPagesDocument), 'BAD_USER_INPUT', { outer, inner });
      assert.match(error.message, /"first"/);
    }
  });

  test('stateHistory(last:) above 500 or negative is BAD_USER_INPUT before anything runs', async () => {
    for (const last of [501, -1]) {
      const error = await refused(`query($f: ID!) { resources(fabricId: $f, first: 1) { edges { node { stateHistory(last: ${last}) { id } } } } }`, 'BAD_USER_INPUT', { f: fabricId });
      assert.match(error.message, /"last" must be between 0 and 500/);
    }
  });

  test('a batched request (JSON array) is refused with BATCHING_DISABLED by default', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
      body: JSON.stringify([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }]),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    assert.equal(body.errors[0].extensions.code, 'BATCHING_DISABLED');
  });

  test('a body above MAX_REQUEST_BODY_BYTES is 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
      body: JSON.stringify({ query: '{ viewer { id } }', variables: { pad: 'x'.repeat(server.config.maxRequestBodyBytes) } }),
    });
    assert.equal(response.status, 413);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    assert.equal(body.errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
  });
});

describe('request limits: configured values', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ limits: { ...DEFAULTS, maxDepth: 4, maxAliases: 1, maxRootFields: 2, maxComplexity: 30, maxBatch: 2 }, maxRequestBodyBytes: 2048 });
  });
  after(async () => {
    await server.stop();
  });

  test('the configured limits apply', async () => {
    const codeOf = async (query: string, variables?: Record<string, unknown>) => (await postGraphQL(server.url, server.adminToken, query, variables)).errors?.[0]?.extensions?.code;
    assert.equal(await codeOf('{ viewer { a: id b: id } }'), 'TOO_MANY_ALIASES');
    assert.equal(await codeOf('{ viewer { a: id } }'), undefined);
    assert.equal(await codeOf('{ a: viewer { id } viewer { id } supportedKinds { kind } }'), 'TOO_MANY_ROOT_FIELDS');
    assert.equal(await codeOf('{ fabrics(first: 1) { edges { node { id } } } }'), undefined);
    assert.equal(await codeOf('{ fabrics(first: 1) { edges { node { resources(first: 1) { totalCount } } } } }'), 'QUERY_TOO_DEEP');
    assert.equal(await codeOf('{ fabrics(first: 20) { edges { node { id name } } } }'), 'QUERY_TOO_COMPLEX');
  });

  test('GRAPHQL_MAX_BATCH allows batches up to its size and refuses larger ones with BATCH_TOO_LARGE', async () => {
    const batch = (count: number) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
        body: JSON.stringify(Array.from({ length: count }, () => ({ query: '{ viewer { username } }' }))),
      });
    const two = await batch(2);
    assert.equal(two.status, 200);
    const results = (await two.json()) as Array<{ data: { viewer: { username: string } } }>;
    assert.deepEqual(results.map((r) => r.data.viewer.username), ['admin', 'admin']);
    for (const count of [3, 0]) {
      const refused = await batch(count);
      assert.equal(refused.status, 400);
      const body = (await refused.json()) as { errors: Array<{ extensions: { code: string } }> };
      assert.equal(body.errors[0].extensions.code, 'BATCH_TOO_LARGE');
    }
  });

  test('MAX_REQUEST_BODY_BYTES is the configured size', async () => {
    const response = await postGraphQL(server.url, server.adminToken, '{ viewer { id } }', { pad: 'x'.repeat(2100) });
    assert.equal(response.status, 413);
    assert.equal(response.errors?.[0]?.extensions?.code, 'PAYLOAD_TOO_LARGE');
  });
});

describe('limit settings', () => {
  test('are read from the environment and validated', () => {
    const config = loadConfig({ GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_COMPLEXITY: '1000', GRAPHQL_MAX_ALIASES: '0', GRAPHQL_MAX_ROOT_FIELDS: '3', GRAPHQL_MAX_TOKENS: '900', GRAPHQL_MAX_DIRECTIVES: '4', GRAPHQL_MAX_BATCH: '5' });
    assert.deepEqual(config.limits, { maxDepth: 8, maxComplexity: 1000, maxAliases: 0, maxRootFields: 3, maxTokens: 900, maxDirectives: 4, maxBatch: 5 });
    assert.throws(() => loadConfig({ GRAPHQL_MAX_DEPTH: '0' }), /GRAPHQL_MAX_DEPTH must be an integer between 1 and/);
    assert.throws(() => loadConfig({ GRAPHQL_MAX_COMPLEXITY: 'lots' }), /GRAPHQL_MAX_COMPLEXITY/);
    assert.throws(() => loadConfig({ GRAPHQL_MAX_BATCH: '-1' }), /GRAPHQL_MAX_BATCH/);
  });
});
