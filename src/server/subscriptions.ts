import type { Server } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { authenticate } from '../auth/authenticate';
import type { SecretBox } from '../auth/secret-box';
import type { User } from '../entities/user';
import type { GraphQLContext } from '../graphql/context';
import { createLoaders } from '../graphql/loaders';
import type { EventBus } from '../graphql/pubsub/event-bus';
import type { GitRemotes } from '../sync/executors/git-executor-deps';
import type { SyncRuntime } from '../sync/sync-runtime';
import { redactSecretVariablesInErrors } from '../graphql/secret-variable-redaction';
import { createSharedSubscribe } from './shared-subscription-execution';

export interface SubscriptionServerDependencies {
  httpServer: Server;
  schema: GraphQLSchema;
  orm: MikroORM;
  secrets: SecretBox;
  log: Logger;
  sync: SyncRuntime;
  events: EventBus;
  repos: GitRemotes;
}

/** The token from connection_init: `{ authorization: "Bearer …" }` (or `Authorization`, or `token`). */
function credentialOf(payload: Record<string, unknown> | undefined): string | undefined {
  const value = payload?.authorization ?? payload?.Authorization ?? payload?.token;
  return typeof value === 'string' ? value : undefined;
}

/**
 * graphql-ws (protocol graphql-transport-ws) on the same port and path as HTTP. Authentication happens in
 * connection_init; a missing or invalid token closes the socket with 4403 Forbidden.
 */
export function startSubscriptionServer(deps: SubscriptionServerDependencies) {
  const wsServer = new WebSocketServer({ server: deps.httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  const server = useServer<Record<string, unknown>, { user?: User }>(
    {
      schema: deps.schema,
      subscribe: createSharedSubscribe(),
      onConnect: async (ctx) => {
        const result = await authenticate(deps.orm.em.fork(), credentialOf(ctx.connectionParams), { allowBareToken: true });
        if ('error' in result) {
          deps.log.info({ reason: result.error }, 'WebSocket connection refused');
          return false;
        }
        ctx.extra.user = result.user;
        return true;
      },
      context: (ctx): GraphQLContext => {
        const em = deps.orm.em.fork();
        return { em, user: ctx.extra.user as User, loaders: createLoaders(em), secrets: deps.secrets, log: deps.log, sync: deps.sync, events: deps.events, repos: deps.repos };
      },
      onNext: (_ctx, _id, payload, _args, result) => {
        if (!result.errors) return undefined;
        return { ...result, errors: redactSecretVariablesInErrors(result.errors.map((error) => error.toJSON()), payload.variables) };
      },
      onError: (_ctx, _id, payload, errors) => {
        const formatted = redactSecretVariablesInErrors(errors.map((error) => error.toJSON()), payload.variables);
        deps.log.debug({ errors: formatted.map((e) => e.message) }, 'subscription error');
        return formatted;
      },
    },
    wsServer,
  );
  return {
    wsServer,
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
