import WebSocket from 'ws';

export interface ProtocolMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

/** A bare `ws` socket speaking graphql-transport-ws by hand, to check the server's side of the protocol. */
export interface RawGraphQLWs {
  socket: WebSocket;
  messages: ProtocolMessage[];
  /** Close code and reason, once the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: ProtocolMessage | string): void;
  /** The first message (past or future) that matches. */
  next(predicate: (message: ProtocolMessage) => boolean, timeoutMs?: number): Promise<ProtocolMessage>;
  /** connection_init with the token, then waits for connection_ack. */
  init(token: string): Promise<void>;
  close(): void;
}

export async function openRawGraphQLWs(httpUrl: string): Promise<RawGraphQLWs> {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  const messages: ProtocolMessage[] = [];
  const waiters: Array<{ predicate: (message: ProtocolMessage) => boolean; resolve: (message: ProtocolMessage) => void }> = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ProtocolMessage;
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const raw: RawGraphQLWs = {
    socket,
    messages,
    closed,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next(predicate, timeoutMs = 10_000) {
      const seen = messages.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)), timeoutMs);
        waiters.push({ predicate, resolve: (message) => (clearTimeout(timer), resolve(message)) });
      });
    },
    async init(token) {
      raw.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      await raw.next((message) => message.type === 'connection_ack');
    },
    close: () => socket.close(),
  };
  return raw;
}
