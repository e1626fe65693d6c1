import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { GraphQLContext } from '../graphql/context';
import { isMappableSubscription } from '../graphql/pubsub/event-bus';
import { StoppableMap } from './stoppable-map';

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

  /** The event executed with a context of its own (fresh loaders), so no event answers with an earlier one's rows. */
  function executeEvent(args: ExecutionArgs, event: unknown): ExecutionResult | Promise<ExecutionResult> {
    const context = args.contextValue as GraphQLContext | undefined;
    return execute({ ...args, rootValue: event, contextValue: context?.forEvent?.() ?? context });
  }

  function executeShared(args: ExecutionArgs, key: string, event: unknown): ExecutionResult | Promise<ExecutionResult> {
    if (typeof event !== 'object' || event === null) return executeEvent(args, event);
    let results = resultsByEvent.get(event);
    if (!results) resultsByEvent.set(event, (results = new Map()));
    let result = results.get(key);
    if (!result) {
      result = executeEvent(args, event);
      results.set(key, result);
    }
    return result;
  }

  return async function subscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
    const source = stream as AsyncIterableIterator<unknown>;
    const key = selectionKey(args);
    const executeEvent = (event: unknown) => executeShared(args, key, event);
    return isMappableSubscription(source) ? source.mapEvents(executeEvent) : new StoppableMap(source, executeEvent);
  };
}
