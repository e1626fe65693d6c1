import type { MappableSubscription, PayloadFilter } from './event-bus';

/** In-process topic registry with eager, bounded per-subscriber queues. */
export class LocalTopics {
  private readonly subscribers = new Map<string, Set<Subscriber>>();

  constructor(private readonly maxQueued = 1000) {}

  deliver(topics: string[], payload: Record<string, unknown>): void {
    const reached = new Set<Subscriber>();
    for (const topic of topics) {
      for (const subscriber of this.subscribers.get(topic) ?? []) reached.add(subscriber);
    }
    for (const subscriber of reached) subscriber.push(payload);
  }

  subscribe<T>(topics: string[], accepts?: PayloadFilter): AsyncIterableIterator<T> {
    const subscriber = new Subscriber(this.maxQueued, accepts, () => {
      for (const topic of topics) {
        const set = this.subscribers.get(topic);
        set?.delete(subscriber);
        if (set?.size === 0) this.subscribers.delete(topic);
      }
    });
    for (const topic of topics) {
      let set = this.subscribers.get(topic);
      if (!set) this.subscribers.set(topic, (set = new Set()));
      set.add(subscriber);
    }
    return subscriber as unknown as AsyncIterableIterator<T>;
  }

  get subscriberCount(): number {
    const all = new Set<Subscriber>();
    for (const set of this.subscribers.values()) for (const s of set) all.add(s);
    return all.size;
  }

  closeAll(): void {
    for (const set of [...this.subscribers.values()]) for (const subscriber of [...set]) void subscriber.return();
  }
}

type QueuedResult = IteratorResult<unknown, undefined> | Promise<IteratorResult<unknown, undefined>>;

const DONE: IteratorResult<never, undefined> = { done: true, value: undefined };

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

class Subscriber implements MappableSubscription<unknown>, AsyncGenerator<unknown, undefined> {
  private queue: QueuedResult[] = [];
  private waiting: ((result: QueuedResult) => void) | undefined;
  private done = false;
  private map: ((event: unknown) => unknown) | undefined;

  constructor(
    private readonly maxQueued: number,
    private readonly accepts: PayloadFilter | undefined,
    private readonly onClose: () => void,
  ) {}

  push(value: Record<string, unknown>): void {
    if (this.done || (this.accepts && !this.accepts(value))) return;
    const result = this.resultOf(value);
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(result);
      return;
    }
    // A subscriber that does not keep up loses its oldest events, never the newest (which carry the final status).
    if (this.queue.length >= this.maxQueued) this.queue.shift();
    this.queue.push(result);
  }

  mapEvents<U>(map: (event: unknown) => U | Promise<U>): AsyncGenerator<U, undefined> {
    this.map = map;
    this.queue = this.queue.map((queued) => this.resultOf((queued as IteratorYieldResult<unknown>).value));
    return this as AsyncGenerator<unknown, undefined> as AsyncGenerator<U, undefined>;
  }

  next(): Promise<IteratorResult<unknown, undefined>> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    if (this.done) return Promise.resolve(DONE);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<unknown, undefined>> {
    if (!this.done) {
      this.done = true;
      this.queue.length = 0;
      this.onClose();
      this.waiting?.(DONE);
      this.waiting = undefined;
    }
    return Promise.resolve(DONE);
  }

  throw(error: unknown): Promise<IteratorResult<unknown, undefined>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The event as the consumer gets it: mapped as it is delivered, a failed mapping as a rejection. */
  private resultOf(event: unknown): QueuedResult {
    if (!this.map) return { value: event, done: false };
    let mapped: unknown;
    try {
      mapped = this.map(event);
    } catch (error) {
      mapped = Promise.reject(error);
    }
    if (!isPromiseLike(mapped)) return { value: mapped, done: false };
    const result = Promise.resolve(mapped).then((value): IteratorResult<unknown, undefined> => (this.done ? DONE : { value, done: false }));
    // The rejection reaches whoever takes this result; one dropped from the queue must not count as unhandled.
    result.catch(() => undefined);
    return result;
  }
}
