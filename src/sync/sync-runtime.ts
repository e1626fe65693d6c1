import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { SyncOperationStatus, type PushMode, type SyncOperationType } from '../entities/enums';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import type { EventBus } from '../graphql/pubsub/event-bus';
import { auditInsertFromRows } from '../services/audit-trail';
import { MutationError, UserErrorCode } from '../services/mutation-error';
import { OperationCancelled } from './executor';
import type { ExecutorRegistry } from './executor-registry';
import { InProcessFabricLockSession, PostgresFabricLockSession, type FabricLockSession, type QueryFn } from './fabric-lock-session';
import { progressTopics, snapshotFromRow, type OperationSnapshot } from './operation-snapshot';
import { ProgressPublisher } from './progress-publisher';
import { RunningOperation } from './running-operation';

export const WAKEUP_TOPIC = 'sync.wakeup';

// Every state change of an operation leaves an audit event, written by the same statement.
const OPERATION_AUDIT = auditInsertFromRows(
  'source',
  'SyncOperation',
  's.operation_type::text',
  `jsonb_strip_nulls(jsonb_build_object('operationType', s.operation_type, 'status', s.status, 'dryRun', s.dry_run, 'initiatedById', s.initiated_by_id,
     'filesCreated', s.files_created, 'filesUpdated', s.files_updated, 'filesDeleted', s.files_deleted, 'commitSha', s.commit_sha,
     'error', nullif(s.error_message, '')))`,
);

/** Operation details worth keeping in the trail (merged specs of manual resolutions are left out). */
function auditableDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  const { mergedSpec: _spec, ...rest } = details ?? {};
  return rest;
}
const MAX_ATTEMPTS = 3;
const CLAIM_BATCH = 20;

export interface SyncRuntimeOptions {
  orm: MikroORM;
  /** Set on a PostgreSQL server: workers get dedicated connections for advisory locks. Unset: embedded. */
  databaseUrl?: string;
  bus: EventBus;
  registry: ExecutorRegistry;
  log: Logger;
  workers: number;
  pollIntervalMs: number;
  heartbeatMs: number;
  progressIntervalMs?: number;
  /** Queue pulls per fabric.sync_interval. */
  polling?: boolean;
}

export interface EnqueueInput {
  fabricId: string;
  operationType: SyncOperationType;
  initiatedById?: string | null;
  dryRun?: boolean;
  pushMode?: PushMode | null;
  details?: Record<string, unknown>;
}

/**
 * Runs sync operations: claims pending rows (FOR UPDATE SKIP LOCKED), holds a per-fabric lock for the
 * whole run (at most one operation per fabric across all instances), dispatches to the registered
 * executor, and streams progress. Interrupted operations are detected and retried when safe.
 */
export class SyncRuntime {
  readonly publisher: ProgressPublisher;
  private readonly inProcessLocks = new Set<string>();
  private readonly running = new Set<string>();
  private readonly sessions: FabricLockSession[] = [];
  private loops: Promise<void>[] = [];
  private wakeWaiters: Array<() => void> = [];
  private stopping = false;
  private wakeups?: AsyncIterableIterator<unknown>;
  private pollTimer?: NodeJS.Timeout;

  constructor(private readonly options: SyncRuntimeOptions) {
    this.publisher = new ProgressPublisher(options.bus, options.log, options.progressIntervalMs ?? 100);
  }

  private get embedded(): boolean {
    return !this.options.databaseUrl;
  }

  private async openSession(): Promise<FabricLockSession> {
    if (this.options.databaseUrl) return PostgresFabricLockSession.open(this.options.databaseUrl, this.options.log);
    return new InProcessFabricLockSession(this.inProcessLocks, (work) =>
      this.options.orm.em.fork().transactional((tx) => work((sql, params) => tx.execute(sql, params as unknown[]))),
    );
  }

  async start(): Promise<void> {
    const recovery = await this.openSession();
    this.sessions.push(recovery);
    await this.recoverInterrupted(recovery, true);
    this.wakeups = this.options.bus.subscribe([WAKEUP_TOPIC]);
    void this.consumeWakeups(this.wakeups);
    for (let i = 0; i < this.options.workers; i++) {
      const session = await this.openSession();
      this.sessions.push(session);
      this.loops.push(this.workerLoop(session));
    }
    this.pollTimer = setInterval(() => {
      this.recoverInterrupted(recovery, false).catch((error: unknown) => this.options.log.error({ err: error }, 'recovery of interrupted operations failed'));
      this.enqueueScheduledPulls().catch((error: unknown) => this.options.log.error({ err: error }, 'scheduling periodic pulls failed'));
      this.wake();
    }, this.options.pollIntervalMs);
    this.pollTimer.unref();
  }

  /**
   * The polling fallback of webhooks: fabrics with a repository and sync_interval > 0 get a GIT_TO_GUI pull
   * when their last Git sync is older than the interval and no pull is queued or running. One statement, so
   * several instances polling at once queue at most one pull per fabric.
   */
  async enqueueScheduledPulls(): Promise<number> {
    if (this.stopping || this.options.workers === 0 || this.options.polling === false) return 0;
    const rows = await this.options.orm.em.getConnection().execute<Array<Record<string, unknown>>>(
      `with source as (
         insert into sync_operation (id, fabric_id, operation_type, status, details, stage)
         select gen_random_uuid(), f.id, 'github_to_gui', 'pending', '{"trigger":"poll"}'::jsonb, 'queued'
         from hedgehog_fabric f
         where f.git_repository_id is not null and f.sync_interval > 0
           and (f.last_git_sync is null or f.last_git_sync < now() - make_interval(secs => f.sync_interval))
           and pg_try_advisory_xact_lock(hashtext('hnp.poll'), hashtext(f.id::text))
           and not exists (select 1 from sync_operation o where o.fabric_id = f.id
                           and o.operation_type in ('github_to_gui', 'bidirectional_sync') and o.status in ('pending', 'in_progress'))
         returning *
       ), ${OPERATION_AUDIT} select * from source`,
      ['sync_operation.queue', JSON.stringify({ trigger: 'poll' }), null],
    );
    for (const row of rows) {
      const snapshot = snapshotFromRow(row);
      await this.options.bus.publish({ topics: [...progressTopics(snapshot), WAKEUP_TOPIC], payload: { kind: 'progress', operation: snapshot, message: 'queued by the sync_interval poll', at: new Date().toISOString() } });
    }
    return rows.length;
  }

  /** Stops claiming, lets running operations finish, releases the connections. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.wakeups?.return?.();
    this.wake();
    await Promise.all(this.loops);
    await Promise.all(this.sessions.map((session) => session.close().catch(() => undefined)));
  }

  wake(): void {
    const waiters = this.wakeWaiters;
    this.wakeWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async consumeWakeups(iterator: AsyncIterableIterator<unknown>): Promise<void> {
    for await (const _ of iterator) this.wake();
  }

  private waitForWork(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.pollIntervalMs);
      this.wakeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async enqueue(input: EnqueueInput): Promise<OperationSnapshot> {
    const snapshot = await this.insertOperation(input);
    await this.announceQueued(snapshot);
    return snapshot;
  }

  /**
   * Writes the pending operation (and its audit row) in `trx` when given, so that it commits or rolls back with the
   * caller's other changes; call announceQueued after that transaction commits (a worker woken earlier would not
   * see the row yet).
   */
  async insertOperation(input: EnqueueInput, trx?: EntityManager): Promise<OperationSnapshot> {
    const em = trx ?? this.options.orm.em;
    const rows = await em.getConnection().execute<Array<Record<string, unknown>>>(
      `with source as (
         insert into sync_operation (id, fabric_id, operation_type, status, initiated_by_id, dry_run, push_mode, details, stage)
         values (gen_random_uuid(), ?, ?, 'pending', ?, ?, ?, ?::jsonb, 'queued') returning *
       ), ${OPERATION_AUDIT} select * from source`,
      [
        input.fabricId,
        input.operationType,
        input.initiatedById ?? null,
        input.dryRun ?? false,
        input.pushMode ?? null,
        JSON.stringify(input.details ?? {}),
        'sync_operation.queue',
        JSON.stringify(auditableDetails(input.details)),
        input.initiatedById ?? null,
      ],
      'all',
      trx?.getTransactionContext(),
    );
    return snapshotFromRow(rows[0]);
  }

  /** Tells subscribers and idle workers (on every instance) about a committed pending operation. */
  async announceQueued(snapshot: OperationSnapshot): Promise<void> {
    await this.options.bus.publish({
      topics: [...progressTopics(snapshot), WAKEUP_TOPIC],
      payload: { kind: 'progress', operation: snapshot, message: 'queued', at: new Date().toISOString() },
    });
  }

  /** Pending: cancelled at once. Running: stops at its next stage boundary, unless its push has started. */
  async cancel(operationId: string, actorId?: string | null): Promise<OperationSnapshot> {
    const connection = this.options.orm.em.getConnection();
    const pending = await connection.execute<Array<Record<string, unknown>>>(
      `with source as (
         update sync_operation set status = 'cancelled', completed_at = now(), stage = 'cancelled', last_updated = now()
         where id = ? and status = 'pending' returning *
       ), ${OPERATION_AUDIT} select * from source`,
      [operationId, 'sync_operation.cancel', '{}', actorId ?? null],
    );
    if (pending.length > 0) {
      const snapshot = snapshotFromRow(pending[0]);
      this.publisher.report(snapshot, 'cancelled before it started', true);
      return snapshot;
    }
    const running = await connection.execute<Array<Record<string, unknown>>>(
      `with source as (
         update sync_operation set cancel_requested_at = coalesce(cancel_requested_at, now()), last_updated = now()
         where id = ? and status = 'in_progress' and point_of_no_return_at is null returning *
       ), ${OPERATION_AUDIT} select * from source`,
      [operationId, 'sync_operation.request_cancel', '{}', actorId ?? null],
    );
    if (running.length > 0) return snapshotFromRow(running[0]);
    const current = await connection.execute<Array<Record<string, unknown>>>('select * from sync_operation where id = ?', [operationId]);
    if (current.length === 0) throw MutationError.single(UserErrorCode.NOT_FOUND, ['id'], 'sync operation not found');
    const status = String(current[0].status);
    const reason = status === SyncOperationStatus.IN_PROGRESS ? 'its Git push has started' : `it is already ${status}`;
    throw MutationError.single(UserErrorCode.INVALID_STATE, ['id'], `operation cannot be cancelled: ${reason}`);
  }

  private async workerLoop(session: FabricLockSession): Promise<void> {
    while (!this.stopping) {
      let claimed: Record<string, unknown> | undefined;
      try {
        claimed = await this.claim(session);
      } catch (error) {
        this.options.log.error({ err: error }, 'claiming a sync operation failed');
      }
      if (claimed) await this.run(claimed, session);
      else if (!this.stopping) await this.waitForWork();
    }
  }

  private async claim(session: FabricLockSession): Promise<Record<string, unknown> | undefined> {
    const locked: string[] = [];
    try {
      return await session.transaction(async (query: QueryFn) => {
        const candidates = await query(
          `select id, fabric_id from sync_operation where status = 'pending' order by created, id limit ${CLAIM_BATCH} for update skip locked`,
        );
        const skippedFabrics = new Set<string>();
        for (const candidate of candidates) {
          const fabricId = String(candidate.fabric_id);
          if (skippedFabrics.has(fabricId)) continue;
          if (!(await session.tryLock(fabricId))) {
            skippedFabrics.add(fabricId);
            continue;
          }
          locked.push(fabricId);
          // clock_timestamp(), not now(): now() is when this transaction began, which can be before the previous
          // operation of the fabric finished and let go of the lock taken just above.
          const rows = await query(
            `update sync_operation set status = 'in_progress', started_at = clock_timestamp(), heartbeat_at = clock_timestamp(), stage = 'starting',
               last_updated = clock_timestamp()
             where id = ? returning *`,
            [candidate.id],
          );
          return rows[0];
        }
        return undefined;
      });
    } catch (error) {
      for (const fabricId of locked) await session.unlock(fabricId).catch(() => undefined);
      throw error;
    }
  }

  private async run(row: Record<string, unknown>, session: FabricLockSession): Promise<void> {
    const { log, orm, registry } = this.options;
    const em = orm.em.fork();
    const context = new RunningOperation(row, em, log.child({ operationId: row.id, fabricId: row.fabric_id }), this.publisher, () =>
      session.holds(String(row.fabric_id)),
    );
    const { id, fabricId, operationType } = context.operation;
    this.running.add(id);
    const heartbeat = setInterval(() => {
      em.getConnection()
        .execute(`update sync_operation set heartbeat_at = now() where id = ? and status = 'in_progress'`, [id])
        .catch((error: unknown) => log.warn({ err: error, operationId: id }, 'heartbeat failed'));
    }, this.options.heartbeatMs);
    let status = SyncOperationStatus.COMPLETED;
    let errorMessage = '';
    try {
      this.publisher.report(context.operation, 'started', true);
      const executor = registry.get(operationType);
      if (!executor) throw new Error(`no executor is registered for operation type ${operationType}`);
      await executor.execute(context);
    } catch (error) {
      if (error instanceof OperationCancelled) {
        status = SyncOperationStatus.CANCELLED;
      } else {
        status = SyncOperationStatus.FAILED;
        const message = error instanceof Error ? error.message : String(error);
        errorMessage = isDatabaseUnavailable(error) ? `the database connection was lost (${message}); run the operation again` : message;
        log.error({ err: error, operationId: id }, 'sync operation failed');
      }
    } finally {
      clearInterval(heartbeat);
    }
    try {
      await this.finish(context, status, errorMessage);
    } catch (error) {
      log.error({ err: error, operationId: id }, 'recording the end of a sync operation failed');
    } finally {
      await session.unlock(fabricId).catch((error: unknown) => log.error({ err: error }, 'releasing a fabric lock failed'));
      this.running.delete(id);
    }
  }

  private async finish(context: RunningOperation, status: SyncOperationStatus, errorMessage: string): Promise<void> {
    const timings = context.closeTimings();
    const rows = await this.options.orm.em.getConnection().execute<Array<Record<string, unknown>>>(
      `with source as (
         update sync_operation set status = ?, completed_at = now(), error_message = ?, stage = ?,
           progress = case when ? = 'completed' then 1 else progress end,
           details = details || ?::jsonb, last_updated = now()
         where id = ? and status = 'in_progress' returning *
       ), ${OPERATION_AUDIT} select * from source`,
      [status, errorMessage, status, status, JSON.stringify({ stageTimings: timings }), context.operation.id, `sync_operation.${status}`, '{}', null],
    );
    if (rows.length === 0) return;
    const snapshot = snapshotFromRow(rows[0]);
    this.publisher.report(snapshot, errorMessage || status, true);
  }

  /**
   * An in_progress operation whose fabric lock nobody holds lost its process: mark it failed
   * ("interrupted") and queue a fresh attempt when its executor is safe to repeat.
   */
  private recovering = false;

  private async recoverInterrupted(session: FabricLockSession, atStart: boolean): Promise<void> {
    // One pass at a time: the recovery session is a single connection.
    if (this.stopping || this.recovering) return;
    this.recovering = true;
    try {
      await this.recoverInterruptedPass(session, atStart);
    } finally {
      this.recovering = false;
    }
  }

  private async recoverInterruptedPass(session: FabricLockSession, atStart: boolean): Promise<void> {
    const connection = this.options.orm.em.getConnection();
    const candidates = await connection.execute<Array<Record<string, unknown>>>(`select id, fabric_id from sync_operation where status = 'in_progress'`);
    for (const candidate of candidates) {
      const id = String(candidate.id);
      const fabricId = String(candidate.fabric_id);
      if (this.running.has(id)) continue;
      if (this.embedded && !atStart) continue;
      if (!(await session.tryLock(fabricId))) continue;
      try {
        const rows = await connection.execute<Array<Record<string, unknown>>>(
          `with source as (
             update sync_operation set status = 'failed', error_message = 'interrupted', completed_at = now(), stage = 'failed', last_updated = now()
             where id = ? and status = 'in_progress' returning *
           ), ${OPERATION_AUDIT} select * from source`,
          [id, 'sync_operation.failed', '{}', null],
        );
        if (rows.length === 0) continue;
        const snapshot = snapshotFromRow(rows[0]);
        this.options.log.warn({ operationId: id, fabricId }, 'sync operation was interrupted (its process stopped)');
        const executor = this.options.registry.get(snapshot.operationType);
        let retry: OperationSnapshot | undefined;
        try {
          if (executor?.retryAfterInterruption && snapshot.attempt < MAX_ATTEMPTS) retry = await this.insertRetry(rows[0]);
        } finally {
          // Reported once the retry exists: whoever sees the failure can already find its retry.
          this.publisher.report(snapshot, 'interrupted', true);
        }
        if (retry) await this.publishRetry(retry, String(rows[0].id));
      } finally {
        await session.unlock(fabricId);
      }
    }
  }

  private async insertRetry(row: Record<string, unknown>): Promise<OperationSnapshot> {
    const rows = await this.options.orm.em.getConnection().execute<Array<Record<string, unknown>>>(
      `with source as (
         insert into sync_operation (id, fabric_id, operation_type, status, initiated_by_id, dry_run, push_mode, details, stage, attempt, retry_of)
         values (gen_random_uuid(), ?, ?, 'pending', ?, ?, ?, '{}'::jsonb, 'queued', ?, ?) returning *
       ), ${OPERATION_AUDIT} select * from source`,
      [row.fabric_id, row.operation_type, row.initiated_by_id, row.dry_run, row.push_mode, Number(row.attempt) + 1, row.id, 'sync_operation.queue', JSON.stringify({ trigger: 'retry', retryOf: row.id }), null],
    );
    return snapshotFromRow(rows[0]);
  }

  private async publishRetry(snapshot: OperationSnapshot, retryOf: string): Promise<void> {
    await this.options.bus.publish({
      topics: [...progressTopics(snapshot), WAKEUP_TOPIC],
      payload: { kind: 'progress', operation: snapshot, message: `retry of interrupted operation ${retryOf}`, at: new Date().toISOString() },
    });
  }
}
