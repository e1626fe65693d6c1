/**
 * The minimal baseline the subscription fan-out benchmark compares with: a node:http server with a plain `ws`
 * WebSocketServer (no graphql-ws, no GraphQL execution, no event bus, no database). Clients speak
 * graphql-transport-ws: `connection_init` is acknowledged, each `subscribe` registers its id. POST /publish
 * `{"operationId","bursts","intervalMs"}` answers 202 and then broadcasts, burst by burst `intervalMs` apart, one
 * progress event per status of the burst (its `at` stamped when it is sent) as a graphql-ws `next` message of the
 * same shape and size to every subscription.
 * GET /subscriptions tells how many subscriptions are registered.
 * Run: PORT=0 node dist/bench/baseline-fanout-server.js   (prints {"msg":"baseline fanout listening","url":…})
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

const subscriptions = new Map<WebSocket, string[]>();

function broadcast(operationId: string, status: string): void {
  const at = new Date().toISOString();
  for (const [socket, ids] of subscriptions) {
    for (const id of ids) socket.send(JSON.stringify({ id, type: 'next', payload: { data: { syncOperationProgress: { operationId, status, at } } } }));
  }
}

async function body(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/subscriptions') {
    let count = 0;
    for (const ids of subscriptions.values()) count += ids.length;
    response.writeHead(200, { 'content-type': 'application/json' });
    return void response.end(JSON.stringify({ subscriptions: count }));
  }
  if (request.method === 'POST' && request.url === '/publish') {
    void body(request).then(({ operationId, bursts, intervalMs }) => {
      response.writeHead(202).end();
      const queue = [...(bursts as string[][])];
      const next = () => {
        for (const status of queue.shift()!) broadcast(String(operationId), status);
        if (queue.length > 0) setTimeout(next, Number(intervalMs ?? 0));
      };
      next();
    });
    return;
  }
  response.writeHead(404).end();
});

const wsServer = new WebSocketServer({ server, path: '/ws', maxPayload: 1024 * 1024 });
wsServer.on('connection', (socket) => {
  subscriptions.set(socket, []);
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type?: string; id?: string };
    if (message.type === 'connection_init') socket.send(JSON.stringify({ type: 'connection_ack' }));
    else if (message.type === 'subscribe' && message.id) subscriptions.get(socket)?.push(message.id);
  });
  socket.on('close', () => subscriptions.delete(socket));
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'baseline fanout listening', url: `http://127.0.0.1:${port}` }));
});
process.on('SIGTERM', () => {
  for (const socket of subscriptions.keys()) socket.terminate();
  server.close(() => process.exit(0));
});
