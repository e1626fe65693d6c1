import http from 'node:http';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { authenticate } from '../auth/authenticate';
import type { SecretBox } from '../auth/secret-box';
import type { Config } from '../config';
import { DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../db/database-unavailable';
import type { User } from '../entities/user';
import type { GraphQLContext } from '../graphql/context';
import { createLoaders } from '../graphql/loaders';
import type { EventBus } from '../graphql/pubsub/event-bus';
import { buildGraphQLSchema } from '../graphql/schema';
import type { GitRemotes } from '../sync/executors/git-executor-deps';
import type { SyncRuntime } from '../sync/sync-runtime';
import { createApollo } from './graphql-http';
import { opsRouter } from './health';
import { batchLimit, operationCount, requireJsonPost } from './http-request-guards';
import { clientAddressKey, createRateLimiter, rateLimitMiddleware, sendRateLimited } from './rate-limit';
import { startSubscriptionServer } from './subscriptions';
import { webhooksRouter } from './webhooks';
import { CREDENTIAL_HEADERS } from './logger';
import { graphqlMetricsPlugin, httpMetricsMiddleware, type Metrics } from './metrics';

export interface AppDependencies {
  config: Config;
  orm: MikroORM;
  secrets: SecretBox;
  log: Logger;
  metrics: Metrics;
  sync: SyncRuntime;
  events: EventBus;
  repos: GitRemotes;
}

function withoutCredentialHeaders(req: { headers?: Record<string, unknown> }) {
  if (!req.headers) return req;
  const headers = { ...req.headers };
  for (const name of CREDENTIAL_HEADERS) if (name in headers) headers[name] = '[redacted]';
  return { ...req, headers };
}

function unauthenticated(res: Response, message: string): void {
  res
    .status(401)
    .set('WWW-Authenticate', 'Bearer realm="hnp-graphql"')
    .json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
}

/** Express app with /graphql (Bearer auth) and the ops endpoints, on an http.Server that is not yet listening. */
export async function createHttpServer(deps: AppDependencies) {
  const app = express();
  const httpServer = http.createServer(app);
  const schema = buildGraphQLSchema();
  const rateLimiter = createRateLimiter(deps.config.rateLimit);
  const subscriptions = startSubscriptionServer({ ...deps, httpServer, schema, rateLimiter, limits: deps.config.limits, connectionInitTimeoutMs: deps.config.wsConnectionInitTimeoutMs });
  const apollo = createApollo(schema, httpServer, deps.log, deps.config.limits, [
    graphqlMetricsPlugin(deps.metrics),
    { async serverWillStart() { return { drainServer: () => subscriptions.close() }; } },
  ]);
  await apollo.start();

  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.use(httpMetricsMiddleware(deps.metrics));
  app.use(opsRouter(deps.orm, deps.metrics));
  app.use(
    pinoHttp({
      logger: deps.log,
      autoLogging: { ignore: (req) => req.url !== '/graphql' },
      // Whatever logger the server was given (tests pass their own), Bearer tokens never reach a log line.
      serializers: { req: withoutCredentialHeaders },
    }),
  );
  app.use('/webhooks', rateLimitMiddleware(rateLimiter, (req) => clientAddressKey('webhook', req)));
  app.use(webhooksRouter(deps));
  // Off unless CORS_ORIGINS lists origins: then only those get CORS headers (and preflights an answer).
  if (deps.config.corsOrigins) app.use('/graphql', cors({ origin: deps.config.corsOrigins.includes('*') ? '*' : deps.config.corsOrigins, maxAge: 600 }));

  const authenticateRequest = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const result = await authenticate(deps.orm.em.fork(), req.headers.authorization);
      if ('error' in result) {
        // Failed attempts count against the client address, which slows down token guessing.
        const decision = await rateLimiter?.consume(clientAddressKey('unauthenticated', req));
        if (decision && !decision.allowed) sendRateLimited(res, decision.retryAfterSeconds);
        else unauthenticated(res, result.error);
        return;
      }
      res.locals.tokenId = result.token.id;
      res.locals.user = result.user;
      next();
    } catch (error) {
      next(error);
    }
  };

  app.use(
    '/graphql',
    authenticateRequest,
    requireJsonPost,
    express.json({ limit: deps.config.maxRequestBodyBytes }),
    batchLimit(deps.config.limits.maxBatch),
    rateLimitMiddleware(rateLimiter, (_req, res) => `token:${res.locals.tokenId as string}`, operationCount),
    expressMiddleware(apollo, {
      context: async ({ res }): Promise<GraphQLContext> => {
        const em = deps.orm.em.fork();
        return { em, user: res.locals.user as User, loaders: createLoaders(em), secrets: deps.secrets, log: deps.log, sync: deps.sync, events: deps.events, repos: deps.repos };
      },
    }),
  );

  app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === 'entity.too.large') {
      res.status(413).json({ errors: [{ message: `request body exceeds ${deps.config.maxRequestBodyBytes} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
      return;
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    if (isDatabaseUnavailable(error)) {
      deps.log.warn({ err: error }, 'database unavailable');
      res.status(503).set('Retry-After', '1').json({ errors: [{ message: DATABASE_UNAVAILABLE_MESSAGE, extensions: { code: DATABASE_UNAVAILABLE } }] });
      return;
    }
    deps.log.error({ err: error }, 'unhandled HTTP error');
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });

  return { app, httpServer, apollo };
}
