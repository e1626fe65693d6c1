import type { Socket } from 'node:net';

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
