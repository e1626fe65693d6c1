import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { bootstrapAdmin } from '../auth/bootstrap-admin';
import { loadSecretKey, SecretBox } from '../auth/secret-box';
import type { Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import type { EventBus } from '../graphql/pubsub/event-bus';
import { MemoryEventBus } from '../graphql/pubsub/memory-event-bus';
import { PostgresEventBus } from '../graphql/pubsub/postgres-event-bus';
import { GitHubProvider } from '../gitops/providers/github-provider';
import { RepositoryCache } from '../gitops/repository-cache';
import { ExecutorRegistry } from '../sync/executor-registry';
import { directoryInitExecutor } from '../sync/executors/directory-init-executor';
import type { GitRemotes } from '../sync/executors/git-executor-deps';
import { conflictResolutionExecutor } from '../sync/executors/conflict-resolution-executor';
import { fabricSyncExecutors, type SyncExecutorDeps } from '../sync/executors/fabric-sync-executor';
import { ingestionExecutor } from '../sync/executors/ingestion-executor';
import { validationExecutor } from '../sync/executors/validation-executor';
import { SyncRuntime } from '../sync/sync-runtime';
import { createHttpServer } from './app';
import { createLogger } from './logger';
import { createMetrics } from './metrics';

export interface RunningServer {
  url: string;
  port: number;
  database: Database;
  events: EventBus;
  sync: SyncRuntime;
  log: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Observer of every SQL statement (tests count statements with it). */
  onQuery?: (sql: string) => void;
  /** Extra executors (tests); the built-in ones are always registered. */
  registry?: ExecutorRegistry;
  /** Wraps the repository cache (tests interleave remote commits with our pushes through it). */
  wrapRepos?: (repos: GitRemotes) => GitRemotes;
}

/** The built-in executors, added to `registry` (tests may have registered stand-ins for types not built yet). */
export function defaultExecutors(git: SyncExecutorDeps, registry = new ExecutorRegistry()): ExecutorRegistry {
  for (const executor of [validationExecutor, directoryInitExecutor(git), ingestionExecutor(git), ...fabricSyncExecutors(git), conflictResolutionExecutor(git)]) {
    if (!registry.has(executor.type)) registry.register(executor);
  }
  return registry;
}

/** Opens the database (running migrations), bootstraps the admin, starts the sync workers, and listens. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const database = await openDatabase(config, {
    onQuery: (sql) => {
      metrics.sqlStatements.inc();
      options.onQuery?.(sql);
    },
    onPoolWarning: (message) => log.warn({ pool: message }, 'database connection dropped from the pool'),
  });
  const cleanup: Array<() => Promise<void>> = [() => database.close()];
  const runCleanup = async () => {
    for (const step of cleanup.reverse()) await step().catch((error: unknown) => log.error({ err: error }, 'error while stopping'));
  };
  if (database.appliedMigrations.length > 0) log.info({ migrations: database.appliedMigrations }, 'applied database migrations');
  try {
    const secretKey = await loadSecretKey(config.secretKey, config.dataDir);
    if (secretKey.generated) {
      log.warn({ file: `${config.dataDir}/secret-key` }, 'generated HNP_SECRET_KEY; keep it (and share it between instances) or stored credentials become unreadable');
    }
    await bootstrapAdmin(database.orm.em.fork(), { adminToken: config.adminToken, dataDir: config.dataDir, log });

    const secrets = new SecretBox(secretKey.key, config.secretKeyPrevious);
    // Key ids (not keys) let operators check that every instance of a rotation runs with the intended keys.
    log.info({ keyId: secrets.keyId, previousKeyIds: secrets.knownKeyIds.slice(1) }, 'secret keys loaded');
    const cache = new RepositoryCache(path.join(config.dataDir, 'repos'), log);
    const repos = options.wrapRepos ? options.wrapRepos(cache) : cache;
    // Pull requests of GITHUB repositories (pull-request mode); GITHUB_API_URL for GitHub Enterprise.
    const github = new GitHubProvider({ apiBaseUrl: config.githubApiUrl });

    let events: EventBus;
    if (config.databaseUrl) {
      const bus = new PostgresEventBus(config.databaseUrl, log);
      await bus.start();
      events = bus;
    } else {
      events = new MemoryEventBus();
    }
    cleanup.push(() => events.close());

    const sync = new SyncRuntime({
      orm: database.orm,
      databaseUrl: config.databaseUrl,
      bus: events,
      registry: defaultExecutors({ repos, secrets, events, github }, options.registry),
      log,
      workers: config.syncWorkers,
      pollIntervalMs: config.syncPollIntervalMs,
      heartbeatMs: config.syncHeartbeatMs,
      polling: config.syncPolling,
    });
    await sync.start();
    cleanup.push(() => sync.stop());

    const { httpServer, apollo } = await createHttpServer({ config, orm: database.orm, secrets, log, metrics, sync, events, repos });
    cleanup.push(() => apollo.stop());
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
    const { port } = httpServer.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    log.info({ url, database: database.mode }, 'HNP GraphQL listening');

    let stopping: Promise<void> | undefined;
    return { url, port, database, events, sync, log, stop: () => (stopping ??= runCleanup()) };
  } catch (error) {
    await runCleanup();
    throw error;
  }
}
