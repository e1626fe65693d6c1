import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EntityManager } from '@mikro-orm/postgresql';
import { HedgehogFabric } from '../src/entities';
import { FabricManifestCache } from '../src/services/fabric-manifest-cache';
import { READ_ONLY_SERVER, Seed } from './support/read-seed';
import { startTestServer, type TestServer } from './support/test-server';

describe('FabricManifestCache', () => {
  let server: TestServer;
  let fabric: HedgehogFabric;
  const em = (): EntityManager => server.server.database.orm.em.fork();
  const sql = (query: string, params: unknown[] = []) => em().execute(query, params);

  before(async () => {
    server = await startTestServer(READ_ONLY_SERVER);
    const seed = new Seed(server);
    fabric = seed.fabric('cached');
    seed.resource(fabric, 'VLANNamespace', 'default', { spec: { ranges: [{ to: 2999, from: 1000 }] } });
    seed.resource(fabric, 'VPC', 'vpc-1', { spec: { subnets: { default: { vlan: 1001, subnet: '10.0.1.0/24' } } } });
    seed.resource(fabric, 'Server', 'server-1', { spec: { description: 'one' } });
    await seed.flush();
  });
  after(() => server.stop());

  test('serves canonical, frozen manifests and reuses those of unchanged rows', async () => {
    const cache = new FabricManifestCache();
    const first = await cache.load(em(), fabric.id);
    assert.deepEqual([...first.keys()].sort(), ['Server/default/server-1', 'VLANNamespace/default/default', 'VPC/default/vpc-1']);
    const vpc = first.get('VPC/default/vpc-1')!;
    // Canonical: webhook defaults applied, keys in code-point order.
    assert.equal((vpc.spec as { vlanNamespace?: string }).vlanNamespace, 'default');
    assert.deepEqual(Object.keys((first.get('VLANNamespace/default/default')!.spec.ranges as object[])[0]), ['from', 'to']);
    assert.ok(Object.isFrozen(vpc) && Object.isFrozen(vpc.spec));

    await sql(`update hedgehog_resource set spec = '{"description": "two"}' where fabric_id = ? and name = 'server-1'`, [fabric.id]);
    const second = await cache.load(em(), fabric.id);
    assert.equal(second.get('VPC/default/vpc-1'), vpc, 'an unchanged row is not read again');
    assert.deepEqual(second.get('Server/default/server-1')!.spec, { description: 'two' });
  });

  test('sees every change: without a version bump, twice in one transaction, inserts and deletes', async () => {
    const cache = new FabricManifestCache();
    await cache.load(em(), fabric.id);
    await em().transactional(async (tx) => {
      await tx.execute(`update hedgehog_resource set spec = '{"description": "in tx 1"}' where fabric_id = ? and name = 'server-1'`, [fabric.id]);
      assert.deepEqual((await cache.load(tx, fabric.id)).get('Server/default/server-1')!.spec, { description: 'in tx 1' });
      await tx.execute(`update hedgehog_resource set spec = '{"description": "in tx 2"}' where fabric_id = ? and name = 'server-1'`, [fabric.id]);
      assert.deepEqual((await cache.load(tx, fabric.id)).get('Server/default/server-1')!.spec, { description: 'in tx 2' });
    });
    await sql(`delete from hedgehog_resource where fabric_id = ? and name = 'vpc-1'`, [fabric.id]);
    await sql(
      `insert into hedgehog_resource (id, fabric_id, api_version, kind, name, spec) values (gen_random_uuid(), ?, 'wiring.githedgehog.com/v1beta1', 'Server', 'server-2', '{}')`,
      [fabric.id],
    );
    const latest = await cache.load(em(), fabric.id);
    assert.deepEqual([...latest.keys()].sort(), ['Server/default/server-1', 'Server/default/server-2', 'VLANNamespace/default/default']);
    assert.deepEqual(latest.get('Server/default/server-1')!.spec, { description: 'in tx 2' });
  });

  test('a rolled-back change is not served afterwards', async () => {
    const cache = new FabricManifestCache();
    await assert.rejects(
      em().transactional(async (tx) => {
        await tx.execute(`update hedgehog_resource set spec = '{"description": "rolled back"}' where fabric_id = ? and name = 'server-1'`, [fabric.id]);
        assert.deepEqual((await cache.load(tx, fabric.id)).get('Server/default/server-1')!.spec, { description: 'rolled back' });
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual((await cache.load(em(), fabric.id)).get('Server/default/server-1')!.spec, { description: 'in tx 2' });
  });
});
