import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { ViewerDocument } from './generated/operations';
import { postGraphQL } from './support/graphql-client';
import { startTestServer, type TestServer } from './support/test-server';

describe('ops endpoints', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ maxRequestBodyBytes: 4096 });
  });
  after(() => server.stop());

  test('/healthz answers without credentials', async () => {
    const response = await fetch(`${server.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  test('/readyz checks the database and the migrations', async () => {
    const response = await fetch(`${server.url}/readyz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ready' });
  });

  test('/metrics exposes Prometheus metrics of HTTP, GraphQL and SQL', async () => {
    await server.query(ViewerDocument);
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
    const text = await response.text();
    assert.match(text, /hnp_http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} \d+/);
    assert.match(text, /hnp_graphql_operations_total\{operation="query",outcome="ok"\} [1-9]/);
    assert.match(text, /hnp_sql_statements_total [1-9]/);
    assert.match(text, /hnp_process_resident_memory_bytes/);
  });

  test('an oversized request body is refused with 413 and a clear error', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
      body: JSON.stringify({ query: `{ viewer { id } }`, variables: { padding: 'x'.repeat(10_000) } }),
    });
    assert.equal(response.status, 413);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    assert.equal(body.errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
  });

  test('malformed JSON is a 400, not a 500', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
      body: '{"query": ',
    });
    assert.equal(response.status, 400);
  });

  test('an unexpected failure is masked as INTERNAL_SERVER_ERROR without internals', async () => {
    const result = await postGraphQL(server.url, server.adminToken, '{ viewer { id } }');
    assert.equal(result.status, 200);
    const invalid = await postGraphQL(server.url, server.adminToken, '{ nosuchfield }');
    assert.equal(invalid.status, 400);
    assert.equal(invalid.errors?.[0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });
});

describe('npm start on the embedded default', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hnp-main-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  test('starts on PGlite, serves the admin token from DATA_DIR/admin-token, and stops cleanly on SIGTERM', async () => {
    const main = path.resolve(__dirname, '../src/main.js');
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "info" };
    delete env.DATABASE_URL;
    delete env.HNP_ADMIN_TOKEN;
    delete env.HNP_SECRET_KEY;
    const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('server did not report listening within 60 s')), 60_000);
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (!line.startsWith('{')) return;
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'HNP GraphQL listening' && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        });
        child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)));
      });
      const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
      const result = await postGraphQL(url, token, ViewerDocument);
      assert.equal((result.data as { viewer: { role: string } }).viewer.role, 'ADMIN');
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
