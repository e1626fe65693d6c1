import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SyncOperationType } from '../entities/enums';
import type { OperationSnapshot } from './operation-snapshot';

export type Counters = Partial<Record<'filesProcessed' | 'filesCreated' | 'filesUpdated' | 'filesDeleted', number>>;

/** What an executor gets to do its work and report on it. */
export interface OperationContext {
  readonly operation: OperationSnapshot;
  /** The operation's `details` when it was claimed: the input its mutation recorded (e.g. `force`). */
  readonly input: Record<string, unknown>;
  /** A fresh EntityManager for this operation. */
  readonly em: EntityManager;
  readonly log: Logger;
  /**
   * Starts a stage: records the previous stage's timing, stops here with CANCELLED if cancellation was asked
   * (unless the point of no return was passed), and emits a stage event.
   */
  stage(name: string, progress?: number, message?: string): Promise<void>;
  /** Progress within the current stage (coalesced events). */
  progress(fraction: number, message?: string): Promise<void>;
  /** Adds to the file counters atomically (`SET x = x + n`). */
  addCounters(counters: Counters): Promise<void>;
  /** Shallow-merges into `details`. */
  mergeDetails(details: Record<string, unknown>): Promise<void>;
  /** From now on the operation cannot be cancelled (call right before a Git push starts). */
  enterPointOfNoReturn(): Promise<void>;
}

export interface OperationExecutor {
  type: SyncOperationType;
  /** Safe to run again from scratch after its process died mid-way. */
  retryAfterInterruption: boolean;
  execute(context: OperationContext): Promise<void>;
}

export class OperationCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}
