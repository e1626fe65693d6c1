import { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from './migrations-list';

export interface OrmConfigInput {
  clientUrl: string;
  poolSize: number;
  /** Called with every SQL statement sent (used by metrics and tests that count statements). */
  onQuery?: (sql: string) => void;
  /** Receives the connection pool's warnings (e.g. a pooled connection that died), which knex would print to the console. */
  onPoolWarning?: (message: string) => void;
}

export function ormConfig(input: OrmConfigInput): Options<PostgreSqlDriver> {
  return {
    driver: PostgreSqlDriver,
    clientUrl: input.clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    pool: { min: input.poolSize === 1 ? 1 : 0, max: input.poolSize },
    driverOptions: { log: { warn: (message: string) => input.onPoolWarning?.(message) } },
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      // Applied migrations are logged by the server as JSON, not printed by the migrator.
      silent: true,
    },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
    discovery: { warnWhenNoEntities: false },
    onQuery: (sql: string) => {
      input.onQuery?.(sql);
      return sql;
    },
  };
}
