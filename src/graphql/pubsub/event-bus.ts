/** One event delivered to every subscriber of any of its topics. */
export interface BusEvent {
  topics: string[];
  payload: Record<string, unknown>;
}

export type PayloadFilter = (payload: Record<string, unknown>) => boolean;

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
