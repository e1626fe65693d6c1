import type { EntityManager } from '@mikro-orm/postgresql';
import { persistNew } from '../db/persist-new';
import { AuditEvent } from '../entities/audit-event';
import type { User } from '../entities/user';
import type { OperationContext } from '../sync/executor';

export interface AuditTarget {
  type: string;
  id: string;
  name: string;
  fabricId?: string | null;
}

/**
 * Adds an audit event to the unit of work of `em`: it is written by the same flush (one transaction) as the change
 * it records, and disappears with it when that transaction rolls back.
 */
export function recordAudit(em: EntityManager, actor: User | null | undefined, action: string, target: AuditTarget, details: Record<string, unknown> = {}): AuditEvent {
  return persistNew(em, AuditEvent, {
    action,
    actor: actor ?? null,
    actorName: actor?.username ?? null,
    targetType: target.type,
    targetId: target.id,
    targetName: target.name,
    fabricId: target.fabricId ?? null,
    details,
  });
}

/**
 * The same for changes written with plain SQL: a data-modifying CTE over the rows `source` returns
 * (columns `id`, `fabric_id` and those `targetName` uses). Append it to a `with source as (…)` statement so the
 * event is part of that statement. Parameters: action, actor id, details (jsonb merged with `extraDetails`).
 */
export function auditInsertFromRows(source: string, targetType: string, targetName: string, extraDetails = `'{}'::jsonb`): string {
  return `audit as (
    insert into audit_event (id, action, actor_id, actor_name, target_type, target_id, target_name, fabric_id, details)
    select gen_random_uuid(), ?, u.id, u.username, '${targetType}', s.id, ${targetName}, s.fabric_id, ?::jsonb || ${extraDetails}
    from ${source} s left join app_user u on u.id = ?::uuid
  )`;
}

/** The database half of a sync operation (rows created, updated, deleted, conflicts stored), in its transaction. */
export function recordOperationApply(em: EntityManager, context: OperationContext, details: Record<string, unknown>): AuditEvent {
  const { id, fabricId, operationType } = context.operation;
  return recordAudit(em, null, 'sync_operation.apply', { type: 'SyncOperation', id, name: operationType, fabricId }, details);
}
