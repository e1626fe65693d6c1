import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { GraphQLContext } from '../graphql/context';

type Results = Map<string, ExecutionResult | Promise<ExecutionResult>>;

/**
 * graphql-js `subscribe`, except that one source event executed for one selection (same document,
 * variables and caller role) is executed once and the result shared by every such subscriber. A progress
 * event reaching 1,000 dashboards watching the same fabric then costs one execution, not 1,000.
 */
export function createSharedSubscribe() {
  const resultsByEvent = new WeakMap<object, Results>();
  const keys = new WeakMap<object, string>();

  function selectionKey(args: ExecutionArgs): string {
    let documentText = keys.get(args.document);
    if (documentText === undefined) {
      documentText = print(args.document);
      keys.set(args.document, documentText);
    }
    const role = (args.contextValue as GraphQLContext | undefined)?.user?.role ?? '';
    return `${role}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${documentText}`;
  }

  function executeShared(args: ExecutionArgs, key: string, event: unknown): ExecutionResult | Promise<ExecutionResult> {
    if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
    let results = resultsByEvent.get(event);
    if (!results) resultsByEvent.set(event, (results = new Map()));
    let result = results.get(key);
    if (!result) {
      result = execute({ ...args, rootValue: event });
      results.set(key, result);
    }
    return result;
  }

  return async function subscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
    const source = stream as AsyncIterableIterator<unknown>;
    const key = selectionKey(args);
    return stoppableMap(source, (event) => executeShared(args, key, event));
  };
}

const DONE: IteratorResult<never, undefined> = { done: true, value: undefined };

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * `source` mapped through `map`, as an async generator whose return() takes effect at once. An `async function*`
 * queues return() behind the pending next(), so after a client's `complete` the next event was still sent for
 * that id (graphql-transport-ws forbids that) and the source stayed open until that event came.
 * Runs once per subscriber per event, so it is written with as few promises as it takes (no Promise.race, no
 * async functions): with a thousand subscribers their allocation was a good part of the fan-out time.
 */
function stoppableMap<T>(source: AsyncIterator<unknown>, map: (event: unknown) => T | Promise<T>): AsyncGenerator<T, undefined> {
  let stopped = false;
  /** Settles the pending next() with DONE when return() comes first. */
  let finishPending: (() => void) | undefined;
  const generator: AsyncGenerator<T, undefined> = {
    next() {
      if (stopped) return Promise.resolve(DONE);
      return new Promise<IteratorResult<T, undefined>>((resolve, reject) => {
        finishPending = () => resolve(DONE);
        const settle = (value: T) => {
          finishPending = undefined;
          resolve(stopped ? DONE : { done: false, value });
        };
        source.next().then((result) => {
          if (stopped || result.done) {
            finishPending = undefined;
            return resolve(DONE);
          }
          try {
            const mapped = map(result.value);
            if (isPromiseLike(mapped)) mapped.then(settle, reject);
            else settle(mapped);
          } catch (error) {
            reject(error);
          }
        }, reject);
      });
    },
    return() {
      if (!stopped) {
        stopped = true;
        finishPending?.();
        finishPending = undefined;
        // Not awaited: a source generator finishes only once its own pending next() settles.
        void Promise.resolve(source.return?.()).catch(() => undefined);
      }
      return Promise.resolve(DONE);
    },
    async throw(error: unknown) {
      await generator.return(undefined);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return generator;
    },
  };
  return generator;
}
