import type { Socket } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Holds a socket's writes until the current tick's promise jobs have run, then lets them leave together: one
 * event fanned out to several subscriptions on one connection becomes one write system call instead of one per
 * message. `hold()` before each send; the socket is uncorked once the microtask queue is drained, which is when
 * every subscription that the event reached has sent its message.
 */
export function coalescedWrites(socket: Socket): { hold(): void } {
  let held = false;
  const release = () => {
    held = false;
    socket.uncork();
  };
  return {
    hold() {
      if (held || socket.destroyed) return;
      held = true;
      socket.cork();
      // process.nextTick callbacks queued from a promise job run after the whole microtask queue is drained.
      process.nextTick(release);
    },
  };
}

/**
 * Every WebSocket of `server` sends through coalescedWrites. Register before graphql-ws's `useServer`: this
 * 'connection' listener then runs first and wraps the socket's `send`, which graphql-ws calls once per message
 * (and still gets its callback once the data is written).
 */
export function coalesceWebSocketWrites(server: WebSocketServer): void {
  server.on('connection', (socket: WebSocket, request) => {
    const writes = coalescedWrites(request.socket);
    const send = socket.send.bind(socket) as (...args: unknown[]) => void;
    socket.send = ((...args: unknown[]) => {
      if (socket.readyState === socket.OPEN) writes.hold();
      send(...args);
    }) as WebSocket['send'];
  });
}
