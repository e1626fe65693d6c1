import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MikroORM } from '@mikro-orm/postgresql';
import { EXTENSIONS_MIGRATION, INITIAL_MIGRATION, MIGRATIONS } from '../src/db/migrations-list';
import { openScratchDatabase } from './support/scratch-database';

const ids = {
  user: '00000000-0000-4000-8000-000000000001',
  repository: '00000000-0000-4000-8000-000000000002',
  fabric: '00000000-0000-4000-8000-000000000003',
  resource: '00000000-0000-4000-8000-000000000004',
  transition: '00000000-0000-4000-8000-000000000005',
  conflict: '00000000-0000-4000-8000-000000000006',
};

const REPORT_COLUMNS: Record<string, string[]> = {
  git_repository: ['direct_push_enabled', 'push_branch', 'commit_author_name', 'commit_author_email'],
  hedgehog_fabric: ['gitops_directory_status', 'directory_init_error', 'last_directory_sync'],
  hedgehog_resource: ['managed_file_path', 'file_hash', 'last_file_sync', 'sync_direction', 'conflict_status', 'conflict_details', 'external_modifications', 'sync_metadata'],
};

async function columns(orm: MikroORM, table: string): Promise<string[]> {
  const rows = await orm.em.getConnection().execute<Array<{ column_name: string }>>(
    `select column_name from information_schema.columns where table_schema = 'public' and table_name = ?`,
    [table],
  );
  return rows.map((r) => r.column_name);
}

async function tableExists(orm: MikroORM, table: string): Promise<boolean> {
  const rows = await orm.em.getConnection().execute<Array<{ present: boolean }>>(`select to_regclass(?) is not null as present`, [`public.${table}`]);
  return rows[0].present;
}

async function one(orm: MikroORM, sql: string): Promise<Record<string, unknown>> {
  const rows = await orm.em.getConnection().execute<Array<Record<string, unknown>>>(sql);
  assert.equal(rows.length, 1, `expected one row from: ${sql}`);
  return rows[0];
}

/** Base data as it looked before the bidirectional sync extension existed. */
async function seedBaseData(orm: MikroORM): Promise<void> {
  const sql = [
    `insert into app_user (id, username, role) values ('${ids.user}', 'engineer', 'operator')`,
    `insert into git_repository (id, name, url, authentication_type, default_branch) values ('${ids.repository}', 'gitops', 'https://git.example.com/fabric.git', 'none', 'main')`,
    `insert into hedgehog_fabric (id, name, status, git_repository_id, gitops_directory, sync_status) values ('${ids.fabric}', 'dc1', 'active', '${ids.repository}', 'fabrics/dc1', 'in_sync')`,
    `insert into hedgehog_resource (id, fabric_id, api_version, kind, namespace, name, spec, resource_state, version)
       values ('${ids.resource}', '${ids.fabric}', 'vpc.githedgehog.com/v1beta1', 'VPC', 'default', 'vpc-1', '{"subnets":{"default":{"subnet":"10.0.1.0/24"}}}', 'synced', 3)`,
    `insert into state_transition (id, resource_id, from_state, to_state, trigger) values ('${ids.transition}', '${ids.resource}', 'committed', 'synced', 'sync_complete')`,
    `insert into resource_conflict (id, resource_id, fabric_id, conflict_type, field_paths) values ('${ids.conflict}', '${ids.resource}', '${ids.fabric}', 'concurrent_modification', '{spec.subnets}')`,
  ];
  for (const statement of sql) await orm.em.getConnection().execute(statement);
}

async function assertBaseDataIntact(orm: MikroORM): Promise<void> {
  assert.equal((await one(orm, `select username, role from app_user where id = '${ids.user}'`)).role, 'operator');
  assert.equal((await one(orm, `select url from git_repository where id = '${ids.repository}'`)).url, 'https://git.example.com/fabric.git');
  const fabric = await one(orm, `select name, gitops_directory, sync_status from hedgehog_fabric where id = '${ids.fabric}'`);
  assert.deepEqual(fabric, { name: 'dc1', gitops_directory: 'fabrics/dc1', sync_status: 'in_sync' });
  const resource = await one(orm, `select spec, version, resource_state from hedgehog_resource where id = '${ids.resource}'`);
  assert.deepEqual(resource, { spec: { subnets: { default: { subnet: '10.0.1.0/24' } } }, version: 3, resource_state: 'synced' });
  assert.equal((await one(orm, `select to_state from state_transition where id = '${ids.transition}'`)).to_state, 'synced');
  assert.deepEqual((await one(orm, `select field_paths from resource_conflict where id = '${ids.conflict}'`)).field_paths, ['spec.subnets']);
}

describe('migrations replay the migration report', () => {
  let orm: MikroORM;
  let dispose: () => Promise<void>;

  before(async () => {
    const scratch = await openScratchDatabase({ migrate: false });
    orm = scratch.database.orm;
    dispose = scratch.dispose;
  });
  after(() => dispose());

  test('the migration list starts with initial, then bidirectional_sync_extensions', () => {
    assert.deepEqual(MIGRATIONS.slice(0, 2).map((m) => m.name), [INITIAL_MIGRATION, EXTENSIONS_MIGRATION]);
  });

  test('initial migration creates the base tables without the report fields', async () => {
    await orm.getMigrator().up({ to: INITIAL_MIGRATION });
    for (const [table, reportColumns] of Object.entries(REPORT_COLUMNS)) {
      const present = await columns(orm, table);
      assert.ok(present.length > 0, `${table} exists`);
      for (const column of reportColumns) assert.ok(!present.includes(column), `${table}.${column} is not in the initial migration`);
    }
    assert.equal(await tableExists(orm, 'sync_operation'), false);
    await seedBaseData(orm);
  });

  test('up: old rows survive and the report fields get their defaults', async () => {
    await orm.getMigrator().up({ to: EXTENSIONS_MIGRATION });
    await assertBaseDataIntact(orm);
    assert.deepEqual(
      await one(orm, `select direct_push_enabled, push_branch, commit_author_name, commit_author_email from git_repository where id = '${ids.repository}'`),
      { direct_push_enabled: true, push_branch: '', commit_author_name: 'HNP Bidirectional Sync', commit_author_email: 'hnp-sync@hedgehog.gitops' },
    );
    assert.deepEqual(
      await one(orm, `select gitops_directory_status, directory_init_error, last_directory_sync from hedgehog_fabric where id = '${ids.fabric}'`),
      { gitops_directory_status: 'not_initialized', directory_init_error: '', last_directory_sync: null },
    );
    assert.deepEqual(
      await one(orm, `select managed_file_path, file_hash, last_file_sync, sync_direction, conflict_status, conflict_details, external_modifications, sync_metadata from hedgehog_resource where id = '${ids.resource}'`),
      { managed_file_path: '', file_hash: '', last_file_sync: null, sync_direction: 'bidirectional', conflict_status: 'none', conflict_details: {}, external_modifications: [], sync_metadata: {} },
    );
    await orm.em.getConnection().execute(`insert into sync_operation (id, fabric_id, operation_type) values ('00000000-0000-4000-8000-000000000007', '${ids.fabric}', 'ingestion')`);
    assert.deepEqual(
      await one(orm, `select status, files_processed, progress, attempt, dry_run from sync_operation`),
      { status: 'pending', files_processed: 0, progress: 0, attempt: 1, dry_run: false },
    );
  });

  test('the CHECK constraints reject values outside the enums', async () => {
    await assert.rejects(orm.em.getConnection().execute(`update hedgehog_fabric set sync_status = 'synced' where id = '${ids.fabric}'`), /check constraint/);
    await assert.rejects(orm.em.getConnection().execute(`update hedgehog_resource set conflict_status = 'bogus' where id = '${ids.resource}'`), /check constraint/);
  });

  test('entities and migrations agree: the schema diff is empty', async () => {
    await orm.getMigrator().up();
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    assert.equal(diff.trim(), '', `entities and migrations disagree:\n${diff}`);
  });

  test('down to the initial migration keeps the base data', async () => {
    while ((await orm.getMigrator().getExecutedMigrations()).length > 1) await orm.getMigrator().down();
    const executed = (await orm.getMigrator().getExecutedMigrations()).map((m) => m.name);
    assert.deepEqual(executed, [INITIAL_MIGRATION]);
    for (const [table, reportColumns] of Object.entries(REPORT_COLUMNS)) {
      const present = await columns(orm, table);
      for (const column of reportColumns) assert.ok(!present.includes(column), `${table}.${column} removed by down`);
    }
    assert.equal(await tableExists(orm, 'sync_operation'), false);
    assert.ok(!(await columns(orm, 'resource_conflict')).includes('operation_id'));
    await assertBaseDataIntact(orm);
  });

  test('up again works and the schema matches the entities', async () => {
    await orm.getMigrator().up();
    await assertBaseDataIntact(orm);
    assert.equal((await orm.getMigrator().getPendingMigrations()).length, 0);
    assert.equal((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim(), '');
  });

  test('down of the initial migration removes everything', async () => {
    await orm.getMigrator().down({ to: 0 });
    assert.equal(await tableExists(orm, 'hedgehog_resource'), false);
    assert.equal(await tableExists(orm, 'app_user'), false);
  });
});
