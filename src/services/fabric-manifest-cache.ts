import type { EntityManager } from '@mikro-orm/postgresql';
import { deepFreeze, type JsonObject } from '../hedgehog/json';
import { canonicalizeManifest, manifestRef, type Manifest } from '../hedgehog/manifest';
import { resourceKey } from '../hedgehog/issues';
import type { FabricEntry } from '../hedgehog/validate-fabric';

interface StoredRow {
  id: string;
  tuple: string;
}

interface ContentRow extends StoredRow {
  api_version: string;
  kind: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: JsonObject;
}

interface CachedManifest {
  tuple: string;
  key: string;
  manifest: Manifest;
  /** The manifest as validateFabric takes it, made once per row version rather than per validation. */
  entry: FabricEntry;
}

/** Cached manifests across all fabrics; the least recently validated fabrics are dropped beyond this. */
const MAX_CACHED_MANIFESTS = 120_000;
/** Reading changed rows by id pays off only while few changed. */
const MAX_ROWS_BY_ID = 2_000;

/**
 * Canonical manifests of the stored resources of fabrics, kept between validations. Every API change validates the
 * whole fabric; instead of reading and canonicalizing every row each time, rows are identified by their tuple
 * version: PostgreSQL gives every inserted or updated row version a new (xmin, ctid) pair — also for a second update
 * within the same transaction, and a ctid is only reused once the old version is dead to every transaction — so a
 * row whose pair is unchanged has unchanged content. Only new or changed rows are read and canonicalized. The cached
 * manifests are frozen: callers must not modify them.
 */
export class FabricManifestCache {
  private readonly fabrics = new Map<string, Map<string, CachedManifest>>();

  /** Canonical manifests of the fabric as `em` (a transaction or not) sees it, keyed by kind/namespace/name. */
  load(em: EntityManager, fabricId: string): Promise<Map<string, Manifest>> {
    return this.current(em, fabricId, (cached) => cached.manifest);
  }

  /** The same as validateFabric entries (marked canonical), in a new map the caller may change. */
  loadEntries(em: EntityManager, fabricId: string): Promise<Map<string, FabricEntry>> {
    return this.current(em, fabricId, (cached) => cached.entry);
  }

  /** The fabric's current manifests, as `pick` makes them, in a new map by key (built in the same pass as the cache's). */
  private async current<T>(em: EntityManager, fabricId: string, pick: (cached: CachedManifest) => T): Promise<Map<string, T>> {
    const tuples: StoredRow[] = await em.execute(`select id, xmin::text || '/' || ctid::text as tuple from hedgehog_resource where fabric_id = ?`, [fabricId]);
    const cached = this.fabrics.get(fabricId);
    const current = new Map<string, CachedManifest>();
    const picked = new Map<string, T>();
    const missing: string[] = [];
    for (const row of tuples) {
      const hit = cached?.get(row.id);
      if (hit && hit.tuple === row.tuple) {
        current.set(row.id, hit);
        picked.set(hit.key, pick(hit));
      } else missing.push(row.id);
    }
    if (missing.length > 0) {
      const columns = `id, xmin::text || '/' || ctid::text as tuple, api_version, kind, namespace, name, labels, annotations, spec`;
      const rows: ContentRow[] =
        missing.length <= MAX_ROWS_BY_ID
          ? await em.execute(`select ${columns} from hedgehog_resource where id in (?)`, [missing])
          : await em.execute(`select ${columns} from hedgehog_resource where fabric_id = ?`, [fabricId]);
      const wanted = new Set(missing);
      for (const row of rows) {
        // A row read by fabric_id that was already current keeps its cached manifest; rows gone since are left out.
        if (!wanted.has(row.id) && current.has(row.id)) continue;
        const manifest = deepFreeze(
          canonicalizeManifest({
            apiVersion: row.api_version,
            kind: row.kind,
            metadata: { name: row.name, namespace: row.namespace, labels: row.labels, annotations: row.annotations },
            spec: row.spec,
          }),
        );
        const fresh: CachedManifest = { tuple: row.tuple, key: resourceKey(manifestRef(manifest)), manifest, entry: Object.freeze({ manifest, canonical: true }) };
        current.set(row.id, fresh);
        picked.set(fresh.key, pick(fresh));
      }
    }
    this.fabrics.delete(fabricId);
    this.fabrics.set(fabricId, current);
    this.evict();
    return picked;
  }

  private evict(): void {
    let total = 0;
    for (const manifests of this.fabrics.values()) total += manifests.size;
    for (const [fabricId, manifests] of this.fabrics) {
      if (total <= MAX_CACHED_MANIFESTS || this.fabrics.size === 1) break;
      this.fabrics.delete(fabricId);
      total -= manifests.size;
    }
  }
}

/** The process's cache (fabric ids are UUIDs, so servers on different databases in one process cannot collide). */
export const fabricManifestCache = new FabricManifestCache();
