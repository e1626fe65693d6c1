import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { RequestLimits } from '../config';
import { DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../db/database-unavailable';
import type { GraphQLContext } from '../graphql/context';
import { freshLoadersAfterMutationsPlugin } from './fresh-loaders-plugin';
import { inputLimitsPlugin } from './input-limits';
import { LimitCode, requestLimitsPlugin, tokenLimitError } from './request-limits';
import { secretRedactionPlugin } from './secret-redaction-plugin';

// Codes whose messages are meant for clients; anything else is an internal failure and is masked.
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
  ...Object.values(LimitCode),
]);

const TOO_MANY_VARIABLE_ERRORS = 'Too many errors processing variables';

export function createApollo(schema: GraphQLSchema, httpServer: Server, log: Logger, limits: RequestLimits, plugins: ApolloServerPlugin<GraphQLContext>[]): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema,
    // The parser itself stops at the token limit, before building a huge document.
    parseOptions: { maxTokens: limits.maxTokens },
    allowBatchedHttpRequests: limits.maxBatch > 0,
    // Explicit although it is Apollo's default: a GET needs a header that forces a CORS preflight (non-JSON POSTs
    // never get here: requireJsonPost answers 415).
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: it drains HTTP, then closes the database.
    stopOnTerminationSignals: false,
    // No cache hints are set (answers depend on the caller's token); the default cache-control plugin would only
    // add a hook to every resolved field.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), inputLimitsPlugin(), requestLimitsPlugin(limits), secretRedactionPlugin(), freshLoadersAfterMutationsPlugin(), ...plugins],
    formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
      if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED') {
        const tokens = tokenLimitError(formatted, limits);
        if (tokens) return { message: tokens.message, extensions: { code: LimitCode.TOKENS, limit: limits.maxTokens } };
      }
      const code = formatted.extensions?.code;
      if (typeof code === 'string' && CLIENT_CODES.has(code)) return formatted;
      if (isDatabaseUnavailable(error)) {
        log.warn({ err: error, path: formatted.path }, 'database unavailable while executing GraphQL');
        return { message: DATABASE_UNAVAILABLE_MESSAGE, path: formatted.path, locations: formatted.locations, extensions: { code: DATABASE_UNAVAILABLE } };
      }
      // graphql-js gives up coercing variables after 50 errors (e.g. an input with 60 unknown fields) with an error
      // Apollo reports as INTERNAL_SERVER_ERROR: it is still the client's input, not a server failure.
      if (!formatted.path && formatted.message.startsWith(TOO_MANY_VARIABLE_ERRORS)) {
        return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
      }
      log.error({ err: error, path: formatted.path }, 'unexpected error while executing GraphQL');
      return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
}
