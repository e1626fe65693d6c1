import DataLoader from 'dataloader';
import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictStatus } from '../entities/enums';
import { GitRepository } from '../entities/git-repository';
import { HedgehogFabric } from '../entities/hedgehog-fabric';
import { HedgehogResource } from '../entities/hedgehog-resource';
import { ResourceConflict } from '../entities/resource-conflict';
import { StateTransition } from '../entities/state-transition';
import { SyncOperation } from '../entities/sync-operation';
import { User } from '../entities/user';
import { OPERATION_ORDER, RESOURCE_ORDER } from './orderings';
import type { Ordering, Page, PageArgs } from './pagination';
import { paginateByParent } from './pagination';
import { rowReader, selectRows } from '../db/entity-rows';

export interface KindCount {
  kind: string;
  count: number;
}

export const OPEN_CONFLICT_STATUSES = [ConflictStatus.DETECTED, ConflictStatus.RESOLVING];

/** Managed entities by id, for mutations that hand them to services (which may assign them to other entities). */
function byId<T extends { id: string }>(em: EntityManager, entity: new () => T): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const rows = await em.find(entity, { id: { $in: [...ids] } } as unknown as FilterQuery<T>);
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** A DataLoader that can also answer synchronously for ids it has already loaded. */
export interface PeekableLoader<T> extends DataLoader<string, T | null> {
  /** The object if this request has loaded it already (a field resolver can then return it without a promise). */
  peek(id: string): T | undefined;
}

/**
 * Read-only objects by id (db/entity-rows), for queries and field resolvers: no hydration, no identity map.
 * `peek` lets the many rows of a page that point to the same parent (every resource's `fabric`) resolve
 * synchronously, so graphql-js completes the page without a promise per row.
 */
function readOnlyById<T extends { id: string }>(em: EntityManager, entity: new () => T): PeekableLoader<T> {
  const reader = rowReader(em, entity);
  const loaded = new Map<string, T>();
  const loader = new DataLoader<string, T | null>(async (ids) => {
    const rows = await selectRows(em, `select ${reader.columns('e')} from ${reader.table} e where e.id in (${ids.map(() => '?').join(', ')})`, ids);
    for (const row of rows) loaded.set(String(row.id), reader.read(row));
    return ids.map((id) => loaded.get(id) ?? null);
  });
  const clearAll = loader.clearAll.bind(loader);
  return Object.assign(loader, {
    peek: (id: string) => loaded.get(id),
    clearAll() {
      loaded.clear();
      return clearAll();
    },
  });
}

/**
 * Forgets everything the request's loaders have read. After each mutation of a request: read-only objects are
 * snapshots, and a later field of the same request (the next mutation's payload) must see what the mutation wrote.
 */
export function clearLoaders(loaders: Loaders): void {
  const clear = (group: object) => {
    for (const value of Object.values(group)) {
      if (value instanceof DataLoader) value.clearAll();
      else if (typeof value === 'object' && value !== null) clear(value);
    }
  };
  clear(loaders);
}

interface NestedPageKey<T> {
  parentId: string;
  where: FilterQuery<T>;
  args: PageArgs;
  /** Properties the selection does not need (entity-rows). */
  omit?: readonly string[];
}

/** Requests of nested pages with the same filter, page arguments and columns are answered together. */
function groupOf<T>(key: NestedPageKey<T>): string {
  return JSON.stringify([key.where, key.args, key.omit ?? []]);
}

/** Nested connections: requests with equal arguments are answered by one window query over all parents. */
function nestedPages<T extends object>(
  em: EntityManager,
  entity: new () => T,
  parent: { property: string; column: string },
  ordering: Ordering,
): DataLoader<NestedPageKey<T>, Page<T>, string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, NestedPageKey<T>[]>();
      for (const key of keys) {
        const group = groupOf(key);
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const results = new Map<string, Page<T>>();
      for (const [group, members] of groups) {
        const { where, args, omit } = members[0];
        const pages = await paginateByParent(em, entity, parent, [...new Set(members.map((m) => m.parentId))], where, ordering, args, { omit });
        for (const [parentId, page] of pages) results.set(`${parentId}|${group}`, page);
      }
      return keys.map((key) => results.get(`${key.parentId}|${groupOf(key)}`)!);
    },
    { cacheKeyFn: (key) => `${key.parentId}|${groupOf(key)}` },
  );
}

/** Request-scoped batching for every nested field, so a page costs a fixed number of statements. */
export function createLoaders(em: EntityManager) {
  return {
    user: readOnlyById(em, User),
    gitRepository: readOnlyById(em, GitRepository),
    fabric: readOnlyById(em, HedgehogFabric),
    resource: readOnlyById(em, HedgehogResource),
    syncOperation: readOnlyById(em, SyncOperation),
    managed: {
      user: byId(em, User),
      gitRepository: byId(em, GitRepository),
      fabric: byId(em, HedgehogFabric),
      resource: byId(em, HedgehogResource),
      syncOperation: byId(em, SyncOperation),
    },

    resourceCounts: new DataLoader<string, KindCount[]>(async (fabricIds) => {
      const rows = (await selectRows(
        em,
        `select fabric_id, kind, count(*) as count from hedgehog_resource where fabric_id in (${fabricIds.map(() => '?').join(', ')}) group by fabric_id, kind order by kind`,
        fabricIds,
      )) as Array<{ fabric_id: string; kind: string; count: string }>;
      return fabricIds.map((id) => rows.filter((r) => r.fabric_id === id).map((r) => ({ kind: r.kind, count: Number(r.count) })));
    }),

    openConflictCount: new DataLoader<string, number>(async (fabricIds) => {
      const rows: Array<{ fabric_id: string; count: string }> = await em
        .createQueryBuilder(ResourceConflict, 'c')
        .select(['c.fabric_id', raw('count(*) as count')])
        .where({ fabric: { $in: [...fabricIds] }, status: { $in: OPEN_CONFLICT_STATUSES } })
        .groupBy('c.fabric_id')
        .execute('all', false);
      const counts = new Map(rows.map((r) => [r.fabric_id, Number(r.count)]));
      return fabricIds.map((id) => counts.get(id) ?? 0);
    }),

    conflictsOfResource: new DataLoader<string, ResourceConflict[]>(async (resourceIds) => {
      const rows = await em.find(ResourceConflict, { resource: { $in: [...resourceIds] } }, { orderBy: { detectedAt: 'desc', id: 'desc' } });
      return resourceIds.map((id) => rows.filter((c) => c.resource.id === id));
    }),

    stateHistory: new DataLoader<{ resourceId: string; limit: number }, StateTransition[], string>(
      async (keys) => {
        const limit = Math.max(...keys.map((k) => k.limit));
        const ids = [...new Set(keys.map((k) => k.resourceId))];
        // em.execute inlines an array parameter as a comma-separated list, so it goes into "in (?)", not "any(?)".
        const rows: Array<Record<string, unknown>> = await em.execute(
          `select * from (select t.*, row_number() over (partition by t.resource_id order by t.timestamp desc, t.id desc) as "__rn"
             from state_transition t where t.resource_id in (?)) w where "__rn" <= ? order by w.resource_id, "__rn"`,
          [ids, limit],
        );
        const transitions = rows.map((row) => {
          delete row.__rn;
          return em.map(StateTransition, row);
        });
        return keys.map((key) => transitions.filter((t) => t.resource.id === key.resourceId).slice(0, key.limit));
      },
      { cacheKeyFn: (key) => `${key.resourceId}|${key.limit}` },
    ),

    fabricResources: nestedPages(em, HedgehogResource, { property: 'fabric', column: 'fabric_id' }, RESOURCE_ORDER),
    fabricOperations: nestedPages(em, SyncOperation, { property: 'fabric', column: 'fabric_id' }, OPERATION_ORDER),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
