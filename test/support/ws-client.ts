import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription<T> {
  /** Every `next` payload's data, in arrival order. */
  events: T[];
  errors: unknown[];
  /** Resolves when the server completes the subscription. */
  completed: Promise<void>;
  /** Resolves once `predicate` holds for some event (checks past events too). */
  waitFor(predicate: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  unsubscribe(): void;
}

export interface WsClient {
  client: Client;
  /** Resolves with the close event code when the socket closes. */
  closed: Promise<number>;
  subscribe<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Subscription<T>;
  dispose(): Promise<void>;
}

/** A real graphql-ws client (protocol graphql-transport-ws) against the server's /graphql. */
export function connectWs(httpUrl: string, token: string | undefined): WsClient {
  let closedResolve!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (closedResolve = resolve));
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => closedResolve((event as { code: number }).code) },
    onNonLazyError: () => undefined,
  });
  return {
    client,
    closed,
    subscribe<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Subscription<T> {
      const events: T[] = [];
      const errors: unknown[] = [];
      const watchers: Array<{ predicate: (event: T) => boolean; resolve: (event: T) => void }> = [];
      let completeResolve!: () => void;
      const completed = new Promise<void>((resolve) => (completeResolve = resolve));
      const unsubscribe = client.subscribe<T>(
        { query: print(document), variables: (variables ?? {}) as Record<string, unknown> },
        {
          next: (result) => {
            if (result.errors) errors.push(...result.errors);
            if (!result.data) return;
            const event = result.data as T;
            events.push(event);
            for (const watcher of [...watchers]) {
              if (watcher.predicate(event)) {
                watchers.splice(watchers.indexOf(watcher), 1);
                watcher.resolve(event);
              }
            }
          },
          error: (error) => {
            errors.push(error);
            completeResolve();
          },
          complete: () => completeResolve(),
        },
      );
      return {
        events,
        errors,
        completed,
        waitFor(predicate, timeoutMs = 15_000) {
          const found = events.find(predicate);
          if (found) return Promise.resolve(found);
          return new Promise<T>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; ${events.length} events, the last: ${JSON.stringify(events.slice(-2))}`)), timeoutMs);
            watchers.push({ predicate, resolve: (event) => (clearTimeout(timer), resolve(event)) });
          });
        },
        unsubscribe,
      };
    },
    async dispose() {
      await client.dispose();
    },
  };
}
