import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { bootstrapAdmin } from '../auth/bootstrap-admin';
import { loadSecretKey, SecretBox } from '../auth/secret-box';
import type { Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import { createHttpServer } from './app';
import { createLogger } from './logger';
import { createMetrics } from './metrics';

export interface RunningServer {
  url: string;
  port: number;
  database: Database;
  log: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Observer of every SQL statement (tests count statements with it). */
  onQuery?: (sql: string) => void;
}

/** Opens the database (running migrations), bootstraps the admin, and listens. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const database = await openDatabase(config, {
    onQuery: (sql) => {
      metrics.sqlStatements.inc();
      options.onQuery?.(sql);
    },
  });
  try {
    const secretKey = await loadSecretKey(config.secretKey, config.dataDir);
    if (secretKey.generated) {
      log.warn({ file: `${config.dataDir}/secret-key` }, 'generated HNP_SECRET_KEY; keep it (and share it between instances) or stored credentials become unreadable');
    }
    await bootstrapAdmin(database.orm.em.fork(), { adminToken: config.adminToken, dataDir: config.dataDir, log });
    const { httpServer, apollo } = await createHttpServer({ config, orm: database.orm, secrets: new SecretBox(secretKey.key), log, metrics });
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
    const { port } = httpServer.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    log.info({ url, database: database.mode }, 'HNP GraphQL listening');

    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      database,
      log,
      stop: () =>
        (stopping ??= (async () => {
          await apollo.stop();
          await database.close();
        })()),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
