import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Where tests get PostgreSQL: TEST_DATABASE_URL (or DATABASE_URL) names a server on which every test file
 * creates and drops its own database; when neither is set, tests run on embedded PGlite.
 */
export function serverUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export interface TestDatabase {
  /** undefined in embedded mode. */
  url: string | undefined;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** One short-lived pg connection to `url` for `work` (database administration, seeding). */
export async function withPgClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = serverUrl();
  if (!base) return { url: undefined, drop: async () => {} };
  const name = `hnp_test_${randomBytes(6).toString('hex')}`;
  await withPgClient(base, (client) => client.query(`create database "${name}"`));
  return {
    url: withDatabase(base, name),
    drop: () => withPgClient(base, (client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}
