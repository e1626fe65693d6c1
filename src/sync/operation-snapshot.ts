import { SyncOperationStatus, type SyncOperationType } from '../entities/enums';
import { SyncOperation } from '../entities/sync-operation';
import { HedgehogFabric } from '../entities/hedgehog-fabric';

/** The scalar state of an operation as carried by progress events (small enough for NOTIFY). */
export interface OperationSnapshot {
  id: string;
  fabricId: string;
  operationType: SyncOperationType;
  status: SyncOperationStatus;
  stage: string;
  progress: number;
  filesProcessed: number;
  filesCreated: number;
  filesUpdated: number;
  filesDeleted: number;
  errorMessage: string;
  commitSha: string | null;
  pullRequestUrl: string | null;
  attempt: number;
  dryRun: boolean;
  created: string;
  startedAt: string | null;
  completedAt: string | null;
  cancelRequestedAt: string | null;
}

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string).toISOString());

/** From a raw `sync_operation` row (snake_case columns, as `returning *` gives). */
export function snapshotFromRow(row: Record<string, unknown>): OperationSnapshot {
  return {
    id: String(row.id),
    fabricId: String(row.fabric_id),
    operationType: row.operation_type as SyncOperationType,
    status: row.status as SyncOperationStatus,
    stage: String(row.stage ?? ''),
    progress: Number(row.progress ?? 0),
    filesProcessed: Number(row.files_processed ?? 0),
    filesCreated: Number(row.files_created ?? 0),
    filesUpdated: Number(row.files_updated ?? 0),
    filesDeleted: Number(row.files_deleted ?? 0),
    errorMessage: String(row.error_message ?? ''),
    commitSha: (row.commit_sha as string | null) ?? null,
    pullRequestUrl: (row.pull_request_url as string | null) ?? null,
    attempt: Number(row.attempt ?? 1),
    dryRun: Boolean(row.dry_run),
    created: iso(row.created)!,
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
    cancelRequestedAt: iso(row.cancel_requested_at),
  };
}

export function snapshotFromEntity(operation: SyncOperation): OperationSnapshot {
  return {
    id: operation.id,
    fabricId: operation.fabric.id,
    operationType: operation.operationType,
    status: operation.status,
    stage: operation.stage,
    progress: operation.progress,
    filesProcessed: operation.filesProcessed,
    filesCreated: operation.filesCreated,
    filesUpdated: operation.filesUpdated,
    filesDeleted: operation.filesDeleted,
    errorMessage: operation.errorMessage,
    commitSha: operation.commitSha ?? null,
    pullRequestUrl: operation.pullRequestUrl ?? null,
    attempt: operation.attempt,
    dryRun: operation.dryRun,
    created: operation.created.toISOString(),
    startedAt: iso(operation.startedAt),
    completedAt: iso(operation.completedAt),
    cancelRequestedAt: iso(operation.cancelRequestedAt),
  };
}

/** A detached SyncOperation object for GraphQL, built from a snapshot without touching the database. */
export function operationFromSnapshot(snapshot: OperationSnapshot): SyncOperation {
  const operation = new SyncOperation();
  const fabric = new HedgehogFabric();
  fabric.id = snapshot.fabricId;
  Object.assign(operation, {
    ...snapshot,
    fabric,
    created: new Date(snapshot.created),
    lastUpdated: new Date(),
    startedAt: snapshot.startedAt ? new Date(snapshot.startedAt) : null,
    completedAt: snapshot.completedAt ? new Date(snapshot.completedAt) : null,
    cancelRequestedAt: snapshot.cancelRequestedAt ? new Date(snapshot.cancelRequestedAt) : null,
    details: {},
  });
  delete (operation as unknown as Record<string, unknown>).fabricId;
  return operation;
}

export const FINAL_STATUSES: readonly SyncOperationStatus[] = [SyncOperationStatus.COMPLETED, SyncOperationStatus.FAILED, SyncOperationStatus.CANCELLED];

export function progressTopics(snapshot: Pick<OperationSnapshot, 'id' | 'fabricId'>): string[] {
  return [`op:${snapshot.id}`, `fabric:${snapshot.fabricId}:ops`, 'ops'];
}
