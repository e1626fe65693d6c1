import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AtomicResolveConflictDocument } from './generated/operations';
import { countRows, sql } from './support/db-state';
import { startTestServer, type TestServer } from './support/test-server';

const ids = { repository: randomUUID(), fabric: randomUUID(), resource: randomUUID(), conflict: randomUUID() };
const conflictGlobalId = Buffer.from(`ResourceConflict:${ids.conflict}`).toString('base64url');

async function statuses(server: TestServer) {
  const [conflict] = await sql<{ status: string }>(server, 'select status from resource_conflict where id = ?', [ids.conflict]);
  const [resource] = await sql<{ conflict_status: string }>(server, 'select conflict_status from hedgehog_resource where id = ?', [ids.resource]);
  return { conflict: conflict.status, resource: resource.conflict_status };
}

describe('resolveConflict is one transaction', () => {
  let server: TestServer;

  before(async () => {
    // No workers: the queued operation stays pending, so the test sees exactly what the mutation wrote.
    server = await startTestServer({ syncWorkers: 0 });
    const manifest = { apiVersion: 'vpc.githedgehog.com/v1beta1', kind: 'IPv4Namespace', metadata: { name: 'default', namespace: 'default' }, spec: { subnets: ['10.0.0.0/16'] } };
    const statements: Array<[string, unknown[]]> = [
      [`insert into git_repository (id, name, url, authentication_type, default_branch) values (?, 'gitops', 'https://git.example.com/fabric.git', 'none', 'main')`, [ids.repository]],
      [`insert into hedgehog_fabric (id, name, status, git_repository_id, gitops_directory, sync_status) values (?, 'dc1', 'active', ?, 'fabrics/dc1', 'in_sync')`, [ids.fabric, ids.repository]],
      [
        `insert into hedgehog_resource (id, fabric_id, api_version, kind, namespace, name, spec, resource_state, version, conflict_status) values (?, ?, 'vpc.githedgehog.com/v1beta1', 'IPv4Namespace', 'default', 'default', ?::jsonb, 'synced', 1, 'detected')`,
        [ids.resource, ids.fabric, JSON.stringify(manifest.spec)],
      ],
      [
        `insert into resource_conflict (id, resource_id, fabric_id, conflict_type, status, field_paths, base, ours, theirs) values (?, ?, ?, 'concurrent_modification', 'detected', '{spec.subnets}', ?::jsonb, ?::jsonb, ?::jsonb)`,
        [ids.conflict, ids.resource, ids.fabric, JSON.stringify(manifest), JSON.stringify({ ...manifest, spec: { subnets: ['10.1.0.0/16'] } }), JSON.stringify({ ...manifest, spec: { subnets: ['10.2.0.0/16'] } })],
      ],
    ];
    for (const [statement, params] of statements) await sql(server, statement, params);
  });
  after(async () => {
    await server?.stop();
  });

  test('when the operation cannot be queued, the conflict and its resource stay detected (no stuck "resolving")', async () => {
    await sql(server, `create function refuse_operation() returns trigger language plpgsql as $$ begin raise exception 'queue refused for the test'; end $$`);
    await sql(server, `create trigger refuse_operation before insert on sync_operation for each row execute function refuse_operation()`);
    try {
      const response = await server.request(AtomicResolveConflictDocument, { conflictId: conflictGlobalId, strategy: 'GUI_WINS' });
      assert.equal(response.status, 200);
      assert.equal(response.errors?.[0]?.extensions?.code, 'INTERNAL_SERVER_ERROR');
      assert.ok(!JSON.stringify(response).includes('queue refused'), 'the database message stays in the log');
    } finally {
      await sql(server, 'drop trigger refuse_operation on sync_operation');
      await sql(server, 'drop function refuse_operation()');
    }
    assert.deepEqual(await statuses(server), { conflict: 'detected', resource: 'detected' });
    assert.equal(await countRows(server, 'sync_operation'), 0);
    assert.equal(await countRows(server, 'audit_event', `action = 'sync_operation.queue'`), 0);
  });

  test('then it can be resolved: conflict and resource resolving, the operation pending and audited', async () => {
    const { resolveConflict } = await server.query(AtomicResolveConflictDocument, { conflictId: conflictGlobalId, strategy: 'GUI_WINS' });
    assert.deepEqual(resolveConflict.userErrors, []);
    assert.equal(resolveConflict.conflict?.status, 'RESOLVING');
    assert.equal(resolveConflict.syncOperation?.status, 'PENDING');
    assert.equal(resolveConflict.syncOperation?.operationType, 'CONFLICT_RESOLUTION');
    assert.deepEqual(await statuses(server), { conflict: 'resolving', resource: 'resolving' });
    assert.equal(await countRows(server, 'audit_event', `action = 'sync_operation.queue'`), 1);
  });
});
