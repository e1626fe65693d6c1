const DONE: IteratorResult<never, undefined> = { done: true, value: undefined };

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * `source` mapped through `map`, as an async generator whose return() takes effect at once. An `async function*`
 * queues return() behind the pending next(), so after a client's `complete` the next event was still sent for
 * that id (graphql-transport-ws forbids that) and the source stayed open until that event came.
 * next() runs once per subscriber per event, so it allocates one promise of its own and no closures: the
 * callbacks are bound once per stream (with a thousand subscribers these allocations were a good part of the
 * fan-out time, garbage collection included).
 */
export class StoppableMap<T> implements AsyncGenerator<T, undefined> {
  private stopped = false;
  private resolvePending: ((result: IteratorResult<T, undefined>) => void) | undefined;
  private rejectPending: ((error: unknown) => void) | undefined;

  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly map: (event: unknown) => T | Promise<T>,
  ) {}

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.stopped) return Promise.resolve(DONE);
    return new Promise(this.awaitSource);
  }

  return(): Promise<IteratorResult<T, undefined>> {
    if (!this.stopped) {
      this.stopped = true;
      this.settle(DONE);
      // Not awaited: a source generator finishes only once its own pending next() settles.
      void Promise.resolve(this.source.return?.()).catch(() => undefined);
    }
    return Promise.resolve(DONE);
  }

  async throw(error: unknown): Promise<IteratorResult<T, undefined>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private readonly awaitSource = (resolve: (result: IteratorResult<T, undefined>) => void, reject: (error: unknown) => void) => {
    this.resolvePending = resolve;
    this.rejectPending = reject;
    this.source.next().then(this.onSourceResult, this.fail);
  };

  private readonly onSourceResult = (result: IteratorResult<unknown>) => {
    if (this.stopped || result.done) return this.settle(DONE);
    try {
      const mapped = this.map(result.value);
      if (isPromiseLike(mapped)) mapped.then(this.deliver, this.fail);
      else this.deliver(mapped);
    } catch (error) {
      this.fail(error);
    }
  };

  private readonly deliver = (value: T) => this.settle(this.stopped ? DONE : { done: false, value });

  private readonly fail = (error: unknown) => {
    const reject = this.rejectPending;
    this.resolvePending = this.rejectPending = undefined;
    reject?.(error);
  };

  private settle(result: IteratorResult<T, undefined>): void {
    const resolve = this.resolvePending;
    this.resolvePending = this.rejectPending = undefined;
    resolve?.(result);
  }
}
