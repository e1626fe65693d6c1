import type { PayloadFilter } from './event-bus';

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

class Subscriber implements AsyncIterableIterator<unknown> {
  private readonly queue: unknown[] = [];
  private waiting: ((result: IteratorResult<unknown>) => void) | undefined;
  private done = false;

  constructor(
    private readonly maxQueued: number,
    private readonly accepts: PayloadFilter | undefined,
    private readonly onClose: () => void,
  ) {}

  push(value: Record<string, unknown>): void {
    if (this.done || (this.accepts && !this.accepts(value))) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    // A subscriber that does not keep up loses its oldest events, never the newest (which carry the final status).
    if (this.queue.length >= this.maxQueued) this.queue.shift();
    this.queue.push(value);
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift(), done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<unknown>> {
    if (!this.done) {
      this.done = true;
      this.queue.length = 0;
      this.onClose();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = undefined;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<unknown>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this;
  }
}
