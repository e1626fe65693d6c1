import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { print } from 'graphql';
import { LimitsCreateFabricDocument, LimitsNestedPagesDocument, LimitsProgressDocument, LimitsViewerDocument, SyncValidateFabricDocument } from './generated/operations';
import { openRawGraphQLWs, type ProtocolMessage, type RawGraphQLWs } from './support/raw-graphql-ws';
import { startTestServer, type TestServer } from './support/test-server';

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

interface ProgressPayload {
  data?: { syncOperationProgress: { operationId: string; status: string } };
}

function progressOf(message: ProtocolMessage) {
  return (message.payload as ProgressPayload | undefined)?.data?.syncOperationProgress;
}

function errorCode(message: ProtocolMessage): string | undefined {
  return (message.payload as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code;
}

describe('graphql-transport-ws protocol (raw sockets)', () => {
  let server: TestServer;
  let fabricId: string;
  const sockets: RawGraphQLWs[] = [];

  async function open(): Promise<RawGraphQLWs> {
    const socket = await openRawGraphQLWs(server.url);
    sockets.push(socket);
    return socket;
  }

  before(async () => {
    server = await startTestServer({ wsConnectionInitTimeoutMs: 300 });
    const created = await server.query(LimitsCreateFabricDocument, { name: 'ws-protocol' });
    fabricId = created.createFabric.fabric!.id;
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await server.stop();
  });

  test('no connection_init within the configured timeout → close 4408', async () => {
    const socket = await open();
    const { code } = await socket.closed;
    assert.equal(code, 4408);
  });

  test('subscribe before connection_ack → close 4401', async () => {
    const socket = await open();
    socket.send({ id: '1', type: 'subscribe', payload: { query: print(LimitsViewerDocument) } });
    assert.equal((await socket.closed).code, 4401);
  });

  test('a bad token in connection_init → close 4403', async () => {
    const socket = await open();
    socket.send({ type: 'connection_init', payload: { authorization: 'Bearer hnp_not_a_token' } });
    assert.equal((await socket.closed).code, 4403);
    const anonymous = await open();
    anonymous.send({ type: 'connection_init', payload: {} });
    assert.equal((await anonymous.closed).code, 4403);
  });

  test('a second connection_init → close 4429', async () => {
    const socket = await open();
    await socket.init(server.adminToken);
    socket.send({ type: 'connection_init', payload: { authorization: `Bearer ${server.adminToken}` } });
    assert.equal((await socket.closed).code, 4429);
  });

  test('an invalid message → close 4400', async () => {
    for (const invalid of ['not json', JSON.stringify({ type: 'nonsense' }), JSON.stringify({ type: 'subscribe', payload: { query: '{ viewer { id } }' } })]) {
      const socket = await open();
      await socket.init(server.adminToken);
      socket.send(invalid);
      assert.equal((await socket.closed).code, 4400, invalid);
    }
  });

  test('ping → pong (with its payload)', async () => {
    const socket = await open();
    await socket.init(server.adminToken);
    socket.send({ type: 'ping', payload: { at: 1 } });
    const pong = await socket.next((message) => message.type === 'pong');
    assert.deepEqual(pong.payload, { at: 1 });
  });

  test('a duplicate operation id while the first is running → close 4409', async () => {
    const socket = await open();
    await socket.init(server.adminToken);
    const subscribe = { id: 'same', type: 'subscribe', payload: { query: print(LimitsProgressDocument), variables: { fabricId } } };
    socket.send(subscribe);
    socket.send({ type: 'ping' });
    await socket.next((message) => message.type === 'pong');
    socket.send(subscribe);
    assert.equal((await socket.closed).code, 4409);
  });

  test('queries run over the socket too: next then complete', async () => {
    const socket = await open();
    await socket.init(server.adminToken);
    socket.send({ id: 'q', type: 'subscribe', payload: { query: print(LimitsViewerDocument) } });
    const next = await socket.next((message) => message.id === 'q' && message.type === 'next');
    assert.equal((next.payload as { data: { viewer: { username: string } } }).data.viewer.username, 'admin');
    await socket.next((message) => message.id === 'q' && message.type === 'complete');
  });

  test('complete from the client stops the events of that operation only', async () => {
    const socket = await open();
    await socket.init(server.adminToken);
    for (const id of ['stopped', 'kept']) socket.send({ id, type: 'subscribe', payload: { query: print(LimitsProgressDocument), variables: { fabricId } } });
    socket.send({ type: 'ping' });
    await socket.next((message) => message.type === 'pong');

    const first = (await server.query(SyncValidateFabricDocument, { fabricId })).validateFabric.syncOperation!.id;
    const finalOf = (id: string, operationId: string) => (message: ProtocolMessage) =>
      message.id === id && message.type === 'next' && progressOf(message)?.operationId === operationId && FINAL.has(progressOf(message)!.status);
    await socket.next(finalOf('stopped', first), 20_000);
    await socket.next(finalOf('kept', first), 20_000);

    socket.send({ id: 'stopped', type: 'complete' });
    socket.send({ type: 'ping' });
    await socket.next((message) => message.type === 'pong' && socket.messages.filter((m) => m.type === 'pong').length >= 2);
    const second = (await server.query(SyncValidateFabricDocument, { fabricId })).validateFabric.syncOperation!.id;
    await socket.next(finalOf('kept', second), 20_000);
    const afterComplete = socket.messages.filter((message) => message.id === 'stopped' && progressOf(message)?.operationId === second);
    assert.deepEqual(afterComplete, []);
  });

  test('the request limits apply to subscribe messages: an error message for that id, the socket stays open', async () => {
    const socket = await open();
    await socket.init(server.adminToken);
    const cases: Array<[string, Record<string, unknown> | undefined, string]> = [
      [`{ viewer { ${Array.from({ length: 31 }, (_, i) => `a${i}: id`).join(' ')} } }`, undefined, 'TOO_MANY_ALIASES'],
      [`{ viewer { ${'id '.repeat(5001)} } }`, undefined, 'TOO_MANY_TOKENS'],
      [print(LimitsNestedPagesDocument), { outer: 500, inner: 500 }, 'QUERY_TOO_COMPLEX'],
      [print(LimitsNestedPagesDocument), { outer: 1, inner: 501 }, 'BAD_USER_INPUT'],
      ['subscription { syncOperationProgress { nope } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
      ['{ viewer { ', undefined, 'GRAPHQL_PARSE_FAILED'],
      [`query { ${Array.from({ length: 21 }, () => 'viewer { id }').join(' ')} }`, undefined, 'TOO_MANY_ROOT_FIELDS'],
    ];
    for (const [index, [query, variables, code]] of cases.entries()) {
      const id = `limit-${index}`;
      socket.send({ id, type: 'subscribe', payload: { query, variables } });
      const error = await socket.next((message) => message.id === id);
      assert.equal(error.type, 'error', query.slice(0, 60));
      assert.equal(errorCode(error), code, JSON.stringify(error.payload));
      assert.equal(JSON.stringify(error.payload).includes('"http"'), false);
    }
    socket.send({ id: 'ok', type: 'subscribe', payload: { query: print(LimitsViewerDocument) } });
    assert.equal((await socket.next((message) => message.id === 'ok')).type, 'next');
  });

  test('a deep subscription is QUERY_TOO_DEEP', async () => {
    const socket = await open();
    await socket.init(server.adminToken);
    let selection = 'id';
    for (let i = 0; i < 4; i++) selection = `fabric { id resources(first: 1) { edges { node { ${selection} } } } }`;
    socket.send({ id: 'deep', type: 'subscribe', payload: { query: `subscription { syncOperationProgress { operation { ${selection} } } }` } });
    const error = await socket.next((message) => message.id === 'deep');
    assert.equal(error.type, 'error');
    assert.equal(errorCode(error), 'QUERY_TOO_DEEP');
  });
});
