import type { Ordering } from './pagination';

const id = { property: 'id', column: 'id', type: 'uuid' } as const;

export const FABRIC_ORDER: Ordering = { name: 'fabric', keys: [{ property: 'name', column: 'name', type: 'string' }, id], direction: 'asc' };

export const REPOSITORY_ORDER: Ordering = {
  name: 'repo',
  keys: [{ property: 'name', column: 'name', type: 'string' }, id],
  direction: 'asc',
};

/** Resources by identity: kind, namespace, name (unique within the fabric). */
export const RESOURCE_ORDER: Ordering = {
  name: 'res',
  keys: [
    { property: 'kind', column: 'kind', type: 'string' },
    { property: 'namespace', column: 'namespace', type: 'string' },
    { property: 'name', column: 'name', type: 'string' },
    id,
  ],
  direction: 'asc',
};

/** Newest first. */
export const OPERATION_ORDER: Ordering = { name: 'op', keys: [{ property: 'created', column: 'created', type: 'date' }, id], direction: 'desc' };

export const CONFLICT_ORDER: Ordering = { name: 'conflict', keys: [{ property: 'detectedAt', column: 'detected_at', type: 'date' }, id], direction: 'desc' };

export const USER_ORDER: Ordering = { name: 'user', keys: [{ property: 'username', column: 'username', type: 'string' }, id], direction: 'asc' };

export const AUDIT_ORDER: Ordering = { name: 'audit', keys: [{ property: 'created', column: 'created', type: 'date' }, id], direction: 'desc' };
