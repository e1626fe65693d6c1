/**
 * PostgreSQL for benchmarks: DATABASE_URL / TEST_DATABASE_URL, or the local server. Each benchmark creates its own
 * database `hnp_bench_<purpose>_<random>` and drops it at the end; resources are seeded through SQL
 * (INSERT … SELECT from a JSON batch), far faster than through the API.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Manifest } from '../src/hedgehog';
import { findKind } from '../src/hedgehog/kinds';
import { withPgClient } from '../test/support/test-database';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export function benchServerUrl(): string {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(purpose: string): Promise<BenchDatabase> {
  const base = benchServerUrl();
  const name = `hnp_bench_${purpose.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withPgClient(base, (client) => client.query(`create database "${name}"`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withPgClient(base, (client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

/** Inserts a fabric (no repository) and its resources, as synced rows; returns the fabric's uuid. */
export async function seedFabric(databaseUrl: string, name: string, manifests: Manifest[]): Promise<string> {
  const fabricId = randomUUID();
  await withPgClient(databaseUrl, async (client) => {
    await client.query(`insert into hedgehog_fabric (id, name) values ($1, $2)`, [fabricId, name]);
    const batch = 5000;
    for (let offset = 0; offset < manifests.length; offset += batch) {
      const rows = manifests.slice(offset, offset + batch).map((m) => ({
        api_version: findKind(m.kind)?.apiVersion ?? m.apiVersion,
        kind: m.kind,
        name: m.metadata.name,
        spec: m.spec ?? {},
      }));
      await client.query(
        `insert into hedgehog_resource (id, fabric_id, api_version, kind, name, spec, resource_state)
         select gen_random_uuid(), $1, r.api_version, r.kind, r.name, r.spec, 'synced'
           from jsonb_to_recordset($2::jsonb) as r(api_version text, kind text, name text, spec jsonb)`,
        [fabricId, JSON.stringify(rows)],
      );
    }
    await client.query('analyze hedgehog_resource');
  });
  return fabricId;
}

/** `count` small fabrics with `resourcesEach` resources each (the fabrics-per-instance curve). */
export async function seedSmallFabrics(databaseUrl: string, prefix: string, count: number, resourcesEach: number, manifests: Manifest[]): Promise<void> {
  await withPgClient(databaseUrl, async (client) => {
    await client.query(
      `insert into hedgehog_fabric (id, name) select gen_random_uuid(), $1 || lpad(g::text, 5, '0') from generate_series(1, $2) g`,
      [prefix, count],
    );
    const rows = manifests.slice(0, resourcesEach).map((m) => ({ api_version: m.apiVersion, kind: m.kind, name: m.metadata.name, spec: m.spec ?? {} }));
    await client.query(
      `insert into hedgehog_resource (id, fabric_id, api_version, kind, name, spec, resource_state)
       select gen_random_uuid(), f.id, r.api_version, r.kind, r.name, r.spec, 'synced'
         from hedgehog_fabric f, jsonb_to_recordset($2::jsonb) as r(api_version text, kind text, name text, spec jsonb)
        where f.name like $1 || '%'`,
      [prefix, JSON.stringify(rows)],
    );
    await client.query('analyze hedgehog_fabric; analyze hedgehog_resource');
  });
}

export async function sqlRows<T>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withPgClient(databaseUrl, async (client) => (await client.query(sql, params)).rows as T[]);
}
