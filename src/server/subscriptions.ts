import type { Server } from 'node:http';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticate } from '../auth/authenticate';
import type { SecretBox } from '../auth/secret-box';
import type { RequestLimits } from '../config';
import type { User } from '../entities/user';
import type { GraphQLContext } from '../graphql/context';
import { createLoaders, type Loaders } from '../graphql/loaders';
import type { EventBus } from '../graphql/pubsub/event-bus';
import type { GitRemotes } from '../sync/executors/git-executor-deps';
import type { SyncRuntime } from '../sync/sync-runtime';
import { documentLiteralProblem, inputValueProblem } from './input-limits';
import { RATE_LIMITED, rateLimitMessage, type RateLimiter } from './rate-limit';
import { enforceRequestLimits, tokenLimitError } from './request-limits';
import { redactSecretVariablesInErrors } from '../graphql/secret-variable-redaction';
import { createSharedSubscribe } from './shared-subscription-execution';
import { coalesceWebSocketWrites } from './coalesced-writes';

export interface SubscriptionServerDependencies {
  httpServer: Server;
  schema: GraphQLSchema;
  orm: MikroORM;
  secrets: SecretBox;
  log: Logger;
  sync: SyncRuntime;
  events: EventBus;
  repos: GitRemotes;
  limits: RequestLimits;
  connectionInitTimeoutMs: number;
  rateLimiter?: RateLimiter;
}

interface SubscribePayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** The error as the client sees it over WebSocket: the HTTP status of a limit error means nothing there. */
function clientError(error: unknown): GraphQLError {
  const graphQLError = error instanceof GraphQLError ? error : new GraphQLError(String(error));
  const { http: _http, ...extensions } = graphQLError.extensions;
  return new GraphQLError(graphQLError.message, { nodes: graphQLError.nodes, source: graphQLError.source, positions: graphQLError.positions, extensions });
}

const DOCUMENT_CACHE_SIZE = 500;

type DocumentOrErrors = DocumentNode | readonly GraphQLError[];

/** Parses (token limit) and validates; valid documents are kept by query text, as many clients subscribe with the same few queries (Apollo caches likewise). */
function documentValidator(deps: Pick<SubscriptionServerDependencies, 'schema' | 'limits'>): (query: string) => DocumentOrErrors {
  const documentCache = new Map<string, DocumentNode>();
  return (query) => {
    const cached = documentCache.get(query);
    if (cached) return cached;
    const result = parseAndValidate(deps, query);
    if ('kind' in result) {
      if (documentCache.size >= DOCUMENT_CACHE_SIZE) documentCache.delete(documentCache.keys().next().value!);
      documentCache.set(query, result);
    }
    return result;
  };
}

function parseAndValidate(deps: Pick<SubscriptionServerDependencies, 'schema' | 'limits'>, query: string): DocumentOrErrors {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: deps.limits.maxTokens });
  } catch (error) {
    const parseError = error instanceof GraphQLError ? error : new GraphQLError(String(error));
    const tooLong = tokenLimitError(parseError, deps.limits);
    return [clientError(tooLong ?? new GraphQLError(parseError.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }))];
  }
  const validationErrors = validate(deps.schema, document, specifiedRules);
  if (validationErrors.length > 0) {
    return validationErrors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }));
  }
  return document;
}

/**
 * What HTTP requests go through before execution, for a subscribe message: the rate limit, the token limit while
 * parsing, validation, the request limits and the input checks. Problems become an `error` message for that
 * operation id; the socket and its other operations stay up.
 */
async function checkSubscribe(
  deps: SubscriptionServerDependencies,
  validated: (query: string) => DocumentOrErrors,
  tokenId: string | undefined,
  payload: SubscribePayload,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  if (deps.rateLimiter && tokenId) {
    const decision = await deps.rateLimiter.consume(`token:${tokenId}`);
    if (!decision.allowed) {
      return [new GraphQLError(rateLimitMessage(decision.retryAfterSeconds), { extensions: { code: RATE_LIMITED, retryAfterSeconds: decision.retryAfterSeconds } })];
    }
  }
  const parsed = validated(payload.query);
  if (!('kind' in parsed)) return parsed;
  const document = parsed;
  try {
    enforceRequestLimits(deps.schema, deps.limits, { document, operationName: payload.operationName, variables: payload.variables });
  } catch (error) {
    return [clientError(error)];
  }
  const inputProblem = inputValueProblem(payload.variables ?? {}) ?? documentLiteralProblem(document);
  if (inputProblem) return [new GraphQLError(inputProblem, { extensions: { code: 'BAD_USER_INPUT' } })];
  return { schema: deps.schema, document, operationName: payload.operationName, variableValues: payload.variables };
}

/** The token from connection_init: `{ authorization: "Bearer …" }` (or `Authorization`, or `token`). */
function credentialOf(payload: Record<string, unknown> | undefined): string | undefined {
  const value = payload?.authorization ?? payload?.Authorization ?? payload?.token;
  return typeof value === 'string' ? value : undefined;
}

/**
 * A subscription's context. Its EntityManager fork and loaders are made on first use: a subscription lives as
 * long as its socket, and most never touch them (progress events carry their data), while a fork and a set of
 * loaders for each of thousands of subscriptions made the heap, and every garbage collection, much larger.
 * Each event is executed with `forEvent()`: a context of its own, with its own (lazy) fork and loaders.
 */
function subscriptionContext(deps: SubscriptionServerDependencies, user: User): GraphQLContext {
  let em: EntityManager | undefined;
  let loaders: Loaders | undefined;
  return {
    get em() {
      return (em ??= deps.orm.em.fork());
    },
    get loaders() {
      return (loaders ??= createLoaders(this.em));
    },
    user,
    secrets: deps.secrets,
    log: deps.log,
    sync: deps.sync,
    events: deps.events,
    repos: deps.repos,
    forEvent: () => subscriptionContext(deps, user),
  };
}

/**
 * graphql-ws (protocol graphql-transport-ws) on the same port and path as HTTP. Authentication happens in
 * connection_init; a missing or invalid token closes the socket with 4403 Forbidden, no connection_init within
 * `connectionInitTimeoutMs` with 4408. Subscribe messages get the HTTP limits (checkSubscribe).
 */
export function startSubscriptionServer(deps: SubscriptionServerDependencies) {
  const validated = documentValidator(deps);
  const wsServer = new WebSocketServer({ server: deps.httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  coalesceWebSocketWrites(wsServer);
  const server = useServer<Record<string, unknown>, { user?: User; tokenId?: string }>(
    {
      schema: deps.schema,
      connectionInitWaitTimeout: deps.connectionInitTimeoutMs,
      subscribe: createSharedSubscribe(),
      onConnect: async (ctx) => {
        const result = await authenticate(deps.orm.em.fork(), credentialOf(ctx.connectionParams), { allowBareToken: true });
        if ('error' in result) {
          deps.log.info({ reason: result.error }, 'WebSocket connection refused');
          return false;
        }
        ctx.extra.user = result.user;
        ctx.extra.tokenId = result.token.id;
        return true;
      },
      onSubscribe: (ctx, _id, payload) => checkSubscribe(deps, validated, ctx.extra.tokenId, payload),
      context: (ctx) => subscriptionContext(deps, ctx.extra.user as User),
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
