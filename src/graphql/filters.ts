import type { FilterQuery } from '@mikro-orm/core';
import type { HedgehogFabric } from '../entities/hedgehog-fabric';
import type { HedgehogResource } from '../entities/hedgehog-resource';
import type { SyncOperation } from '../entities/sync-operation';
import type { FabricFilter } from './inputs/fabric-inputs';
import type { ResourceFilter } from './inputs/resource-inputs';
import type { SyncOperationFilter } from './inputs/sync-operation-inputs';

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// An omitted field and an explicit null both mean "do not filter on this" (GraphQL clients send null for unset variables).

export function fabricWhere(filter: FabricFilter | undefined | null): FilterQuery<HedgehogFabric> {
  const conditions: Array<Record<string, unknown>> = [];
  if (filter?.name != null) conditions.push({ name: filter.name });
  if (filter?.nameContains) conditions.push({ name: { $ilike: `%${escapeLike(filter.nameContains)}%` } });
  if (filter?.status?.length) conditions.push({ status: { $in: filter.status } });
  return (conditions.length ? { $and: conditions } : {}) as FilterQuery<HedgehogFabric>;
}

export function resourceWhere(filter: ResourceFilter | undefined | null): FilterQuery<HedgehogResource> {
  const where: Record<string, unknown> = {};
  if (filter?.kind?.length) where.kind = { $in: filter.kind };
  if (filter?.namespace != null) where.namespace = filter.namespace;
  if (filter?.namePrefix) where.name = { $like: `${escapeLike(filter.namePrefix)}%` };
  if (filter?.resourceState?.length) where.resourceState = { $in: filter.resourceState };
  if (filter?.conflictStatus?.length) where.conflictStatus = { $in: filter.conflictStatus };
  return where as FilterQuery<HedgehogResource>;
}

export function operationWhere(filter: SyncOperationFilter | undefined | null): FilterQuery<SyncOperation> {
  const where: Record<string, unknown> = {};
  if (filter?.operationType?.length) where.operationType = { $in: filter.operationType };
  if (filter?.status?.length) where.status = { $in: filter.status };
  return where as FilterQuery<SyncOperation>;
}
