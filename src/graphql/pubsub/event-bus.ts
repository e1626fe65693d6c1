/** One event delivered to every subscriber of any of its topics. */
export interface BusEvent {
  topics: string[];
  payload: Record<string, unknown>;
}

export type PayloadFilter = (payload: Record<string, unknown>) => boolean;

/**
 * A bus subscription that can map its events itself, as they are delivered: a consumer that would wrap every
 * subscriber's stream in a mapping stream (one more promise per subscriber per event) uses this instead. Call
 * mapEvents before the first next(); the result ends a pending next() at once on return(), and after return()
 * never yields a value, not even one whose asynchronous mapping was under way.
 */
export interface MappableSubscription<T> extends AsyncIterableIterator<T> {
  mapEvents<U>(map: (event: T) => U | Promise<U>): AsyncGenerator<U, undefined>;
}

export function isMappableSubscription<T>(stream: AsyncIterator<T>): stream is MappableSubscription<T> {
  return typeof (stream as Partial<MappableSubscription<T>>).mapEvents === 'function';
}

/**
 * Fan-out of events to GraphQL subscriptions. Publish only after the transaction that produced the
 * event committed. `memory` serves one process (embedded mode); `postgres` fans out through
 * LISTEN/NOTIFY to every instance sharing the database.
 */
export interface EventBus {
  publish(event: BusEvent): Promise<void>;
  /**
   * Subscribed at once (not on the first `next()`), so nothing published after this call is missed. `accepts`
   * picks the payloads this subscriber wants while the event is delivered, before anything is queued for it.
   */
  subscribe<T = Record<string, unknown>>(topics: string[], accepts?: PayloadFilter): AsyncIterableIterator<T>;
  close(): Promise<void>;
}
