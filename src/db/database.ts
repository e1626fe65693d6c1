import { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { ormConfig } from './orm-config';

export interface Database {
  orm: MikroORM;
  /** 'server' when DATABASE_URL points at PostgreSQL, 'embedded' for PGlite. */
  mode: 'server' | 'embedded';
  /** Migrations applied by this start. */
  appliedMigrations: string[];
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  onQuery?: (sql: string) => void;
  onPoolWarning?: (message: string) => void;
  /** Run pending migrations before returning (the server always does). */
  migrate?: boolean;
}

export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let clientUrl = config.databaseUrl;
  if (!clientUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir);
    clientUrl = embedded.url;
  }
  try {
    const orm = await MikroORM.init(
      ormConfig({ clientUrl, poolSize: embedded ? 1 : config.databasePoolSize, onQuery: options.onQuery, onPoolWarning: options.onPoolWarning }),
    );
    const applied = options.migrate !== false ? (await orm.getMigrator().up()).map((m) => m.name) : [];
    return {
      orm,
      appliedMigrations: applied,
      mode: embedded ? 'embedded' : 'server',
      async close() {
        await orm.close(true);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}
