import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/server';
import type { ExecutorRegistry } from '../../src/sync/executor-registry';
import { postGraphQL, queryOk, type GraphQLResponse } from './graphql-client';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestServer {
  url: string;
  adminToken: string;
  config: Config;
  /** The test database as the test sees it (not mapped); undefined in embedded mode. */
  databaseUrl: string | undefined;
  server: RunningServer;
  /** SQL statements sent so far (reset with resetSqlCount). */
  sqlCount(): number;
  /** The text of the statements counted by sqlCount (the last 1,000). */
  sqlStatements(): string[];
  resetSqlCount(): void;
  /** Query as admin (or another token) and fail on errors. */
  query<T, V>(document: TypedDocumentNode<T, V>, variables?: V, token?: string): Promise<T>;
  /** Raw response, errors included. */
  request<T, V>(document: TypedDocumentNode<T, V>, variables?: V, token?: string | null): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/** A real server on a loopback port, on its own database (PostgreSQL server or embedded) and data directory. */
export interface TestServerOptions {
  /** Use embedded PGlite even when a PostgreSQL server is configured for the tests. */
  embedded?: boolean;
  /** Reuse this data directory and leave it in place on stop (restart tests). */
  dataDir?: string;
  /** Extra sync executors (the built-in ones are always there). */
  registry?: ExecutorRegistry;
  /** Wraps the server's repository cache. */
  wrapRepos?: StartOptions['wrapRepos'];
  /** The server's logger (default: a silent one, or TEST_LOG_LEVEL). */
  log?: StartOptions['log'];
  /** The server reaches its database through this URL instead (e.g. a TCP proxy in front of it). */
  mapDatabaseUrl?: (url: string) => string;
}

export async function startTestServer(overrides: Partial<Config> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'hnp-test-')));
  const database: TestDatabase = options.embedded ? { url: undefined, drop: async () => {} } : await createTestDatabase();
  const adminToken = `hnp_test_${randomBytes(16).toString('hex')}`;
  const config: Config = {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: database.url && options.mapDatabaseUrl ? options.mapDatabaseUrl(database.url) : database.url,
    databasePoolSize: 5,
    adminToken,
    secretKey: randomBytes(32).toString('hex'),
    logLevel: 'silent',
    syncPollIntervalMs: 1000,
    syncHeartbeatMs: 500,
    // Tests queue their syncs themselves; the poll has its own test.
    syncPolling: false,
    // Tests send requests as fast as they can; the rate-limit tests turn it on.
    rateLimit: { perSecond: 0, burst: 0 },
    ...overrides,
  };
  let statements = 0;
  const texts: string[] = [];
  const counted = (sql: string) => {
    statements++;
    texts.push(sql);
    if (texts.length > 1000) texts.shift();
  };
  let server: RunningServer;
  try {
    server = await startServer(config, { log: options.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), onQuery: counted, registry: options.registry, wrapRepos: options.wrapRepos });
  } catch (error) {
    await database.drop();
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.url,
    adminToken,
    config,
    databaseUrl: database.url,
    server,
    sqlCount: () => statements,
    sqlStatements: () => [...texts],
    resetSqlCount: () => {
      statements = 0;
      texts.length = 0;
    },
    query: (document, variables, token) => queryOk(server.url, token ?? adminToken, document, variables),
    request: (document, variables, token) => postGraphQL(server.url, token === null ? undefined : (token ?? adminToken), document, variables),
    async stop() {
      await server.stop();
      await database.drop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
