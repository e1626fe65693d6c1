import { CloseCode, DEPRECATED_GRAPHQL_WS_PROTOCOL, handleProtocols, makeServer, type ConnectionInitMessage, type ServerOptions } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import { coalescedWrites } from './coalesced-writes';

function closeReason(error: unknown, isProd: boolean): string {
  const reason = error instanceof Error ? error.message : String(error);
  return isProd || reason.length >= 124 ? 'Internal server error' : reason;
}

/**
 * graphql-ws's `useServer` for `ws` (whose documentation invites copying it), with one change: the messages a
 * connection sends in one tick leave in one write (coalescedWrites). With several subscriptions per connection a
 * progress event otherwise costs one system call per subscription. Sends still resolve once the data is written,
 * so graphql-ws keeps sending each subscription's events one after the other.
 */
export function useGraphQLWsServer<P extends ConnectionInitMessage['payload'], E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, Extra & Partial<E>> & { isProd?: boolean },
  ws: WebSocketServer,
  keepAlive = 12_000,
): { dispose(): Promise<void> } {
  const isProd = typeof options.isProd === 'boolean' ? options.isProd : process.env.NODE_ENV === 'production';
  const server = makeServer(options);
  ws.options.handleProtocols = handleProtocols;
  ws.once('error', (error) => {
    console.error('Internal error emitted on the WebSocket server. Please check your implementation.', error);
    let firstError: unknown = null;
    for (const client of ws.clients) {
      try {
        client.close(CloseCode.InternalServerError, closeReason(error, isProd));
      } catch (closeError) {
        firstError = firstError ?? closeError;
      }
    }
    if (firstError) throw firstError;
  });
  ws.on('connection', (socket, request) => {
    socket.once('error', (error) => {
      console.error('Internal error emitted on a WebSocket socket. Please check your implementation.', error);
      socket.close(CloseCode.InternalServerError, closeReason(error, isProd));
    });
    let pongWait: NodeJS.Timeout | null = null;
    const pingInterval =
      keepAlive > 0 && isFinite(keepAlive)
        ? setInterval(() => {
            if (socket.readyState === socket.OPEN) {
              pongWait = setTimeout(() => socket.terminate(), keepAlive);
              socket.once('pong', () => {
                if (pongWait) {
                  clearTimeout(pongWait);
                  pongWait = null;
                }
              });
              socket.ping();
            }
          }, keepAlive)
        : null;
    const writes = coalescedWrites(request.socket);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            writes.hold();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', async (event) => {
            try {
              await cb(String(event));
            } catch (error) {
              console.error('Internal error occurred during message handling. Please check your implementation.', error);
              socket.close(CloseCode.InternalServerError, closeReason(error, isProd));
            }
          }),
      },
      { socket, request } as Extra & Partial<E>,
    );
    socket.once('close', (code, reason) => {
      if (pongWait) clearTimeout(pongWait);
      if (pingInterval) clearInterval(pingInterval);
      if (!isProd && code === CloseCode.SubprotocolNotAcceptable && socket.protocol === DEPRECATED_GRAPHQL_WS_PROTOCOL) {
        console.warn(
          `Client provided the unsupported and deprecated subprotocol "${socket.protocol}" used by subscriptions-transport-ws.` +
            'Please see https://www.apollographql.com/docs/apollo-server/data/subscriptions/#switching-from-subscriptions-transport-ws.',
        );
      }
      void closed(code, String(reason));
    });
  });
  return {
    async dispose() {
      for (const client of ws.clients) client.close(1001, 'Going away');
      ws.removeAllListeners();
      await new Promise<void>((resolve, reject) => ws.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
