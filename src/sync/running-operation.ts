import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { OperationCancelled, type Counters, type OperationContext } from './executor';
import { snapshotFromRow, type OperationSnapshot } from './operation-snapshot';
import type { ProgressPublisher } from './progress-publisher';

const COUNTER_COLUMNS: Record<keyof Counters, string> = {
  filesProcessed: 'files_processed',
  filesCreated: 'files_created',
  filesUpdated: 'files_updated',
  filesDeleted: 'files_deleted',
};

/** The OperationContext of one claimed operation: every change is written first, then published. */
export class RunningOperation implements OperationContext {
  operation: OperationSnapshot;
  readonly input: Record<string, unknown>;
  private stageName = '';
  private stageStartedAt = Date.now();
  private readonly stageTimings: Array<{ stage: string; ms: number }> = [];
  private pointOfNoReturn = false;

  constructor(
    row: Record<string, unknown>,
    readonly em: EntityManager,
    readonly log: Logger,
    private readonly publisher: ProgressPublisher,
    /** False once this worker lost the fabric's lock (its database connection died and another worker took it). */
    private readonly lockHeld: () => boolean = () => true,
  ) {
    this.operation = snapshotFromRow(row);
    this.input = (row.details as Record<string, unknown> | null) ?? {};
    this.stageName = this.operation.stage;
  }

  private async update(sql: string, params: unknown[]): Promise<OperationSnapshot & { rawCancelRequested: boolean }> {
    const rows = await this.em.getConnection().execute<Array<Record<string, unknown>>>(
      `update sync_operation set ${sql}, heartbeat_at = now(), last_updated = now() where id = ? returning *`,
      [...params, this.operation.id],
    );
    this.operation = snapshotFromRow(rows[0]);
    return { ...this.operation, rawCancelRequested: rows[0].cancel_requested_at !== null };
  }

  /** Closes the current stage's timing entry. */
  private closeStage(): void {
    if (this.stageName) this.stageTimings.push({ stage: this.stageName, ms: Date.now() - this.stageStartedAt });
  }

  /** Per-stage durations, the current stage included (call once, when the operation ends). */
  closeTimings(): Array<{ stage: string; ms: number }> {
    this.closeStage();
    this.stageName = '';
    return this.stageTimings;
  }

  async stage(name: string, progress?: number, message = ''): Promise<void> {
    if (!this.lockHeld() && !this.pointOfNoReturn) throw new FabricLockLost();
    this.closeStage();
    this.stageName = name;
    this.stageStartedAt = Date.now();
    const fraction = progress ?? this.operation.progress;
    const result = await this.update(`stage = ?, progress = ?, details = details || ?::jsonb`, [
      name,
      clamp(fraction),
      JSON.stringify({ stageTimings: this.stageTimings }),
    ]);
    if (result.rawCancelRequested && !this.pointOfNoReturn) throw new OperationCancelled();
    this.publisher.report(this.operation, message || `stage ${name}`, true);
  }

  async progress(fraction: number, message = ''): Promise<void> {
    await this.update('progress = ?', [clamp(fraction)]);
    this.publisher.report(this.operation, message, false);
  }

  async addCounters(counters: Counters): Promise<void> {
    const entries = Object.entries(counters).filter(([, n]) => n) as Array<[keyof Counters, number]>;
    if (entries.length === 0) return;
    await this.update(entries.map(([key]) => `${COUNTER_COLUMNS[key]} = ${COUNTER_COLUMNS[key]} + ?`).join(', '), entries.map(([, n]) => n));
    this.publisher.report(this.operation, '', false);
  }

  async mergeDetails(details: Record<string, unknown>): Promise<void> {
    await this.em.getConnection().execute('update sync_operation set details = details || ?::jsonb, last_updated = now() where id = ?', [
      JSON.stringify(details),
      this.operation.id,
    ]);
  }

  async enterPointOfNoReturn(): Promise<void> {
    if (!this.lockHeld()) throw new FabricLockLost();
    const result = await this.update('point_of_no_return_at = now()', []);
    if (result.rawCancelRequested) throw new OperationCancelled();
    this.pointOfNoReturn = true;
  }
}

/** Another worker may run on this fabric now: stop before touching Git or the database any further. */
export class FabricLockLost extends Error {
  constructor() {
    super('the fabric lock was lost with the database connection; stopped so that no other operation on this fabric runs at the same time');
  }
}

function clamp(fraction: number): number {
  return Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
}
