import { Client } from 'pg';

/**
 * A worker's claim connection and its per-fabric locks. On PostgreSQL the locks are session advisory
 * locks on a dedicated connection, so they exclude every instance and vanish when a process dies.
 */
export interface FabricLockSession {
  /** Runs `work` in one transaction on this session; `query` returns rows. */
  transaction<R>(work: (query: QueryFn) => Promise<R>): Promise<R>;
  tryLock(fabricId: string): Promise<boolean>;
  unlock(fabricId: string): Promise<void>;
  close(): Promise<void>;
}

/** Runs SQL with `?` placeholders (the ORM's style) and returns the rows. */
export type QueryFn = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** `?` → `$1, $2, …` for the plain pg driver (our statements have no `?` inside literals). */
function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// Two-key advisory lock: a namespace for our locks, then the fabric.
const LOCK_NAMESPACE = 'hnp.fabric';

export class PostgresFabricLockSession implements FabricLockSession {
  private constructor(private readonly client: Client) {}

  static async open(connectionString: string): Promise<PostgresFabricLockSession> {
    const client = new Client({ connectionString, application_name: 'hnp-graphql-sync-worker' });
    await client.connect();
    return new PostgresFabricLockSession(client);
  }

  async transaction<R>(work: (query: QueryFn) => Promise<R>): Promise<R> {
    await this.client.query('begin');
    try {
      const result = await work(async (sql, params) => (await this.client.query(numberedPlaceholders(sql), params)).rows);
      await this.client.query('commit');
      return result;
    } catch (error) {
      await this.client.query('rollback');
      throw error;
    }
  }

  async tryLock(fabricId: string): Promise<boolean> {
    const { rows } = await this.client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1), hashtext($2)) as locked', [LOCK_NAMESPACE, fabricId]);
    return rows[0].locked;
  }

  async unlock(fabricId: string): Promise<void> {
    await this.client.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', [LOCK_NAMESPACE, fabricId]);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** Embedded PGlite has one connection for everything: the claim runs on it, fabric locks live in this process. */
export class InProcessFabricLockSession implements FabricLockSession {
  constructor(
    private readonly held: Set<string>,
    private readonly runInTransaction: <R>(work: (query: QueryFn) => Promise<R>) => Promise<R>,
  ) {}

  transaction<R>(work: (query: QueryFn) => Promise<R>): Promise<R> {
    return this.runInTransaction(work);
  }

  async tryLock(fabricId: string): Promise<boolean> {
    if (this.held.has(fabricId)) return false;
    this.held.add(fabricId);
    return true;
  }

  async unlock(fabricId: string): Promise<void> {
    this.held.delete(fabricId);
  }

  async close(): Promise<void> {}
}
