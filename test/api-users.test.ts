import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  MutCreateApiTokenDocument,
  MutCreateUserDocument,
  MutRevokeApiTokenDocument,
  MutUsersDocument,
  MutViewerDocument,
  type CreateUserInput,
} from './generated/operations';
import { assertNoWrites, assertUserError, countRows, dbSnapshot, missingId, sql, uuidOf } from './support/db-state';
import type { GraphQLResponse } from './support/graphql-client';
import { startTestServer, type TestServer } from './support/test-server';
import { connectWs } from './support/ws-client';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('users and API tokens', () => {
  let server: TestServer;
  /** Every token secret issued in this file, and every response after its issuing one, to prove none comes back twice. */
  const issued: string[] = [];
  const laterResponses: string[] = [];

  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.stop());

  /** Opens a graphql-ws connection with `token`: 'connected' once connection_ack arrives, else the close code. */
  async function wsOutcome(token: string): Promise<'connected' | number> {
    const ws = connectWs(server.url, token);
    const acknowledged = new Promise<'connected'>((resolve) => ws.client.on('connected', () => resolve('connected')));
    try {
      return await Promise.race([acknowledged, ws.closed]);
    } finally {
      await ws.dispose();
    }
  }

  async function send<T, V>(document: TypedDocumentNode<T, V>, variables: V, token?: string | null): Promise<GraphQLResponse<T>> {
    const response = await server.request(document, variables, token);
    laterResponses.push(JSON.stringify(response));
    return response;
  }

  async function call<T, V>(document: TypedDocumentNode<T, V>, variables: V, token?: string): Promise<T> {
    const response = await send(document, variables, token);
    assert.ok(!response.errors?.length && response.data, `GraphQL request failed (HTTP ${response.status}): ${JSON.stringify(response.errors)}`);
    return response.data;
  }

  async function rejected<R>(what: string, run: () => Promise<R>): Promise<R> {
    const before = await dbSnapshot(server);
    const result = await run();
    await assertNoWrites(server, before, what);
    return result;
  }

  async function createUser(input: CreateUserInput) {
    const response = await server.request(MutCreateUserDocument, { input });
    assert.ok(!response.errors?.length && response.data, JSON.stringify(response.errors));
    const payload = response.data.createUser;
    assert.deepEqual(payload.userErrors, []);
    assert.ok(payload.user && payload.token);
    issued.push(payload.token);
    return { user: payload.user, token: payload.token };
  }

  /** The viewer behind `token`, or the HTTP status and error code when it is refused. */
  async function whoAmI(token: string): Promise<{ username: string; role: string } | { status: number; code: string | undefined }> {
    const response = await send(MutViewerDocument, {}, token);
    if (response.data?.viewer) return { username: response.data.viewer.username, role: response.data.viewer.role };
    return { status: response.status, code: response.errors?.[0]?.extensions?.code };
  }

  test('createUser returns a token once; the token works with the given role', async () => {
    for (const role of ['VIEWER', 'OPERATOR', 'ADMIN'] as const) {
      const username = `user-${role.toLowerCase()}`;
      const { user, token } = await createUser({ username, role });
      assert.equal(user.username, username);
      assert.equal(user.role, role);
      assert.equal(user.isActive, true);
      assert.match(token, /^hnp_[A-Za-z0-9_-]{40,}$/);
      assert.equal(user.apiTokens.length, 1);
      assert.equal(user.apiTokens[0].name, 'default');
      assert.ok(token.startsWith(user.apiTokens[0].prefix), 'the prefix helps recognise the token');
      assert.ok(user.apiTokens[0].prefix.length < token.length / 2, 'the prefix is not the token');
      assert.deepEqual(await whoAmI(token), { username, role });
    }
  });

  test('createUser with a tokenName names the first token', async () => {
    const { user } = await createUser({ username: 'ci.bot@example.com', role: 'OPERATOR', tokenName: 'ci pipeline' });
    assert.deepEqual(user.apiTokens.map((t) => t.name), ['ci pipeline']);
  });

  test('only the SHA-256 hash of a token is stored, never the token', async () => {
    const { user, token } = await createUser({ username: 'hash-check', role: 'VIEWER' });
    const rows = await sql<{ token_hash: string; whole: string }>(
      server,
      'select token_hash, to_jsonb(t)::text as whole from api_token t where user_id = ?',
      [uuidOf(user.id, 'User')],
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0].token_hash, sha256(token));
    assert.ok(!rows[0].whole.includes(token));
    const [everything] = await sql<{ text: string }>(
      server,
      `select (select string_agg(to_jsonb(t)::text, ',') from api_token t) || (select string_agg(to_jsonb(u)::text, ',') from app_user u) as text`,
    );
    for (const secret of issued) assert.ok(!everything.text.includes(secret), 'no issued token is stored in plaintext');
  });

  test('duplicate username → ALREADY_EXISTS; no user and no token are written', async () => {
    await createUser({ username: 'taken', role: 'VIEWER' });
    const { createUser: payload } = await rejected('duplicate user', () => call(MutCreateUserDocument, { input: { username: 'taken', role: 'ADMIN' } }));
    assert.equal(payload.user, null);
    assert.equal(payload.token, null);
    assertUserError(payload.userErrors, 'ALREADY_EXISTS', ['input', 'username']);
  });

  const badUsernames = ['', ' padded', 'has space', '-dash-first', '.dot-first', 'ümlaut', 'semi;colon', 'slash/name', 'u'.repeat(151)];
  for (const username of badUsernames) {
    test(`invalid username ${JSON.stringify(username.length > 20 ? `${username.slice(0, 5)}…(${username.length})` : username)} → VALIDATION`, async () => {
      const { createUser: payload } = await rejected(`username ${username}`, () => call(MutCreateUserDocument, { input: { username, role: 'VIEWER' } }));
      assert.equal(payload.user, null);
      assert.equal(payload.token, null);
      assertUserError(payload.userErrors, 'VALIDATION', ['input', 'username']);
    });
  }

  test('invalid tokenName → VALIDATION', async () => {
    for (const tokenName of ['', '   ', 't'.repeat(101)]) {
      const { createUser: payload } = await rejected(`tokenName ${tokenName}`, () => call(MutCreateUserDocument, { input: { username: `tn-${tokenName.length}`, role: 'VIEWER', tokenName } }));
      assertUserError(payload.userErrors, 'VALIDATION', ['input', 'tokenName']);
    }
  });

  test('createApiToken issues another working token; the user sees both in viewer { apiTokens }', async () => {
    const { user, token: first } = await createUser({ username: 'multi', role: 'OPERATOR' });
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const { createApiToken } = await call(MutCreateApiTokenDocument, { input: { userId: user.id, name: 'laptop', expiresAt } });
    assert.deepEqual(createApiToken.userErrors, []);
    const second = createApiToken.token;
    assert.ok(second && createApiToken.apiToken);
    issued.push(second);
    assert.notEqual(second, first);
    assert.equal(createApiToken.apiToken.name, 'laptop');
    assert.equal(new Date(createApiToken.apiToken.expiresAt!).getTime(), new Date(expiresAt).getTime());
    assert.deepEqual(await whoAmI(second), { username: 'multi', role: 'OPERATOR' });
    assert.deepEqual(await whoAmI(first), { username: 'multi', role: 'OPERATOR' });
    const { viewer } = await call(MutViewerDocument, {}, second);
    assert.deepEqual(viewer?.apiTokens.map((t) => t.name).sort(), ['default', 'laptop']);
    const [row] = await sql<{ token_hash: string }>(server, 'select token_hash from api_token where id = ?', [uuidOf(createApiToken.apiToken.id, 'ApiToken')]);
    assert.equal(row.token_hash, sha256(second));
  });

  test('createApiToken with expiresAt in the past (or now) → VALIDATION; unknown user → NOT_FOUND; blank name → VALIDATION', async () => {
    const { user } = await createUser({ username: 'past', role: 'VIEWER' });
    for (const expiresAt of [new Date(Date.now() - 60_000).toISOString(), '2001-01-01T00:00:00Z']) {
      const { createApiToken } = await rejected(`expiresAt ${expiresAt}`, () => call(MutCreateApiTokenDocument, { input: { userId: user.id, name: 'old', expiresAt } }));
      assert.equal(createApiToken.token, null);
      assert.equal(createApiToken.apiToken, null);
      assertUserError(createApiToken.userErrors, 'VALIDATION', ['input', 'expiresAt']);
    }
    const blank = await rejected('blank name', () => call(MutCreateApiTokenDocument, { input: { userId: user.id, name: ' ' } }));
    assertUserError(blank.createApiToken.userErrors, 'VALIDATION', ['input', 'name']);
    for (const userId of [missingId('User'), 'who', missingId('GitRepository')]) {
      const { createApiToken } = await rejected(`user ${userId}`, () => call(MutCreateApiTokenDocument, { input: { userId, name: 'x' } }));
      assert.equal(createApiToken.token, null);
      assertUserError(createApiToken.userErrors, 'NOT_FOUND', ['input', 'userId']);
    }
  });

  test('malformed expiresAt → BAD_USER_INPUT, never 500', async () => {
    const { user } = await createUser({ username: 'baddate', role: 'VIEWER' });
    const response = await rejected('bad date', () => send(MutCreateApiTokenDocument, { input: { userId: user.id, name: 'x', expiresAt: 'next tuesday' } }));
    assert.ok(response.status === 400 || response.status === 200, `HTTP ${response.status}`);
    assert.equal(response.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  test('an expired token → HTTP 401 UNAUTHENTICATED, WebSocket close 4403', async () => {
    const { user } = await createUser({ username: 'expiring', role: 'OPERATOR' });
    const { createApiToken } = await call(MutCreateApiTokenDocument, {
      input: { userId: user.id, name: 'short-lived', expiresAt: new Date(Date.now() + 600_000).toISOString() },
    });
    const token = createApiToken.token!;
    issued.push(token);
    assert.deepEqual(await whoAmI(token), { username: 'expiring', role: 'OPERATOR' });
    assert.equal(await wsOutcome(token), 'connected');
    // Let it expire (moving its expiry into the past stands in for waiting).
    await sql(server, `update api_token set expires_at = now() - interval '1 second' where id = ?`, [uuidOf(createApiToken.apiToken!.id, 'ApiToken')]);
    const response = await send(MutViewerDocument, {}, token);
    assert.equal(response.status, 401);
    assert.equal(response.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.match(response.errors?.[0]?.message ?? '', /expired/i);
    assert.ok(!response.data);
    assert.equal(await wsOutcome(token), 4403);
  });

  test('revokeApiToken: the token stops working at once (HTTP 401, WebSocket 4403), the user\'s other tokens keep working', async () => {
    const { user, token: kept } = await createUser({ username: 'revoker', role: 'OPERATOR' });
    const { createApiToken } = await call(MutCreateApiTokenDocument, { input: { userId: user.id, name: 'to-revoke' } });
    const doomed = createApiToken.token!;
    issued.push(doomed);
    assert.deepEqual(await whoAmI(doomed), { username: 'revoker', role: 'OPERATOR' });
    assert.equal(await wsOutcome(doomed), 'connected');

    const { revokeApiToken } = await call(MutRevokeApiTokenDocument, { id: createApiToken.apiToken!.id });
    assert.deepEqual(revokeApiToken.userErrors, []);
    assert.equal(revokeApiToken.apiToken?.id, createApiToken.apiToken!.id);
    assert.ok(revokeApiToken.apiToken?.revokedAt, 'revokedAt is set');

    const refused = await send(MutViewerDocument, {}, doomed);
    assert.equal(refused.status, 401);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.match(refused.errors?.[0]?.message ?? '', /revoked/i);
    assert.equal(await wsOutcome(doomed), 4403);
    assert.deepEqual(await whoAmI(kept), { username: 'revoker', role: 'OPERATOR' });
    assert.equal(await wsOutcome(kept), 'connected');
    const [row] = await sql<{ revoked_at: Date | null }>(server, 'select revoked_at from api_token where id = ?', [uuidOf(createApiToken.apiToken!.id, 'ApiToken')]);
    assert.ok(row.revoked_at);

    const again = await rejected('revoke twice', () => call(MutRevokeApiTokenDocument, { id: createApiToken.apiToken!.id }));
    assertUserError(again.revokeApiToken.userErrors, 'INVALID_STATE', ['id']);
    for (const id of [missingId('ApiToken'), 'nope', user.id]) {
      const missing = await rejected(`revoke ${id}`, () => call(MutRevokeApiTokenDocument, { id }));
      assert.equal(missing.revokeApiToken.apiToken, null);
      assertUserError(missing.revokeApiToken.userErrors, 'NOT_FOUND', ['id']);
    }
  });

  test('an admin can revoke its own token: the next request with it is refused', async () => {
    const { user, token } = await createUser({ username: 'self-revoker', role: 'ADMIN' });
    const { viewer } = await call(MutViewerDocument, {}, token);
    assert.equal(viewer?.id, user.id);
    const { revokeApiToken } = await call(MutRevokeApiTokenDocument, { id: viewer!.apiTokens[0].id }, token);
    assert.deepEqual(revokeApiToken.userErrors, []);
    assert.deepEqual(await whoAmI(token), { status: 401, code: 'UNAUTHENTICATED' });
  });

  test('users lists every user; no issued token ever came back after its creating response', async () => {
    const { users } = await call(MutUsersDocument, {});
    const names = users.edges.map((edge) => edge.node.username);
    for (const name of ['admin', 'user-viewer', 'user-operator', 'user-admin', 'multi', 'revoker']) assert.ok(names.includes(name), name);
    assert.equal(users.totalCount, await countRows(server, 'app_user'));
    assert.ok(issued.length >= 8);
    // Only the issuing responses (createUser / createApiToken payloads) may carry a token.
    const others = laterResponses.filter((response) => !/"(createUser|createApiToken)":\{/.test(response));
    assert.ok(others.length > 20);
    for (const response of others) {
      for (const token of issued) assert.ok(!response.includes(token), 'a token secret was returned again');
    }
  });
});
