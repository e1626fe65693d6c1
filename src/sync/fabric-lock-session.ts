import { Client } from 'pg';
import type { Logger } from 'pino';

/**
 * A worker's claim connection and its per-fabric locks. On PostgreSQL the locks are session advisory
 * locks on a dedicated connection, so they exclude every instance and vanish when a process dies.
 */
export interface FabricLockSession {
  /** Runs `work` in one transaction on this session; `query` returns rows. */
  transaction<R>(work: (query: QueryFn) => Promise<R>): Promise<R>;
  tryLock(fabricId: string): Promise<boolean>;
  unlock(fabricId: string): Promise<void>;
  /** False once the lock on `fabricId` was lost with the connection and could not be taken again. */
  holds(fabricId: string): boolean;
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
const TRY_LOCK = 'select pg_try_advisory_lock(hashtext($1), hashtext($2)) as locked';
const MAX_RECONNECT_DELAY_MS = 5000;

/**
 * The connection is replaced when it dies (backend terminated, database restarted, network cut): an
 * unhandled 'error' event of a pg Client would otherwise crash the process, and a dead session would stop
 * its worker for good. Advisory locks die with their connection, so the new connection takes the locks
 * of running operations again; a lock someone else took meanwhile is reported lost through `holds`.
 */
export class PostgresFabricLockSession implements FabricLockSession {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly held = new Set<string>();
  private closed = false;

  private constructor(
    private readonly connectionString: string,
    private readonly log?: Logger,
  ) {}

  static async open(connectionString: string, log?: Logger): Promise<PostgresFabricLockSession> {
    const session = new PostgresFabricLockSession(connectionString, log);
    await session.connection();
    return session;
  }

  /** The live connection, (re)connecting first when there is none. */
  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    if (this.closed) throw new Error('fabric lock session is closed');
    const client = new Client({ connectionString: this.connectionString, application_name: 'hnp-graphql-sync-worker' });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.log?.warn({ err: error, locks: this.held.size }, 'sync worker connection lost; reconnecting');
      if (this.held.size > 0) void this.reconnectUntilUp();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      for (const fabricId of [...this.held]) {
        const { rows } = await client.query<{ locked: boolean }>(TRY_LOCK, [LOCK_NAMESPACE, fabricId]);
        if (!rows[0].locked) {
          this.held.delete(fabricId);
          this.log?.error({ fabricId }, 'fabric lock lost with the worker connection; another worker holds it now');
        }
      }
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }

  /** Running operations hold locks: take them back as soon as the database answers again. */
  private async reconnectUntilUp(): Promise<void> {
    for (let attempt = 1; !this.closed && !this.client && this.held.size > 0; attempt++) {
      try {
        await this.connection();
      } catch (error) {
        this.log?.warn({ err: error, attempt }, 'sync worker reconnect failed');
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RECONNECT_DELAY_MS, 200 * attempt)));
      }
    }
  }

  async transaction<R>(work: (query: QueryFn) => Promise<R>): Promise<R> {
    const client = await this.connection();
    await client.query('begin');
    try {
      const result = await work(async (sql, params) => (await client.query(numberedPlaceholders(sql), params)).rows);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  }

  async tryLock(fabricId: string): Promise<boolean> {
    const client = await this.connection();
    const { rows } = await client.query<{ locked: boolean }>(TRY_LOCK, [LOCK_NAMESPACE, fabricId]);
    if (rows[0].locked) this.held.add(fabricId);
    return rows[0].locked;
  }

  async unlock(fabricId: string): Promise<void> {
    const wasHeld = this.held.delete(fabricId);
    // A lost connection released the lock already.
    if (!wasHeld || !this.client) return;
    await this.client.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', [LOCK_NAMESPACE, fabricId]);
  }

  holds(fabricId: string): boolean {
    return this.held.has(fabricId);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end();
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

  holds(fabricId: string): boolean {
    return this.held.has(fabricId);
  }

  async close(): Promise<void> {}
}
