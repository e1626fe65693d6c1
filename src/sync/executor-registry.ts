import type { SyncOperationType } from '../entities/enums';
import type { OperationExecutor } from './executor';

/** Operation type → executor; the Git issues register theirs here. */
export class ExecutorRegistry {
  private readonly executors = new Map<SyncOperationType, OperationExecutor>();

  register(executor: OperationExecutor): this {
    if (this.executors.has(executor.type)) throw new Error(`an executor for ${executor.type} is already registered`);
    this.executors.set(executor.type, executor);
    return this;
  }

  get(type: SyncOperationType): OperationExecutor | undefined {
    return this.executors.get(type);
  }

  has(type: SyncOperationType): boolean {
    return this.executors.has(type);
  }
}
