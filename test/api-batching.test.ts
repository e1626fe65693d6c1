import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ConflictStatus, ConflictType, ResourceState, Role, SyncOperationStatus, SyncOperationType } from '../src/entities/enums';
import { HedgehogFabric, HedgehogResource, ResourceConflict, StateTransition, SyncOperation, User } from '../src/entities';
import {
  ReadConflictsWithRelationsDocument,
  ReadFabricsWithNestedDocument,
  ReadOperationsWithRelationsDocument,
  ReadResourcesWithFabricDocument,
  ReadResourcesWithHistoryDocument,
  ReadViewerDocument,
} from './generated/operations';
import { at, READ_ONLY_SERVER, Seed } from './support/read-seed';
import { startTestServer, type TestServer } from './support/test-server';

// N+1 checks: the number of SQL statements a request costs must not depend on the page size.
// (Authentication costs statements too, so counts are compared between page sizes, not against a constant.)

const KINDS = ['Connection', 'Server', 'Switch', 'VPC', 'VPCAttachment', 'IPv4Namespace', 'SwitchGroup'];

describe('nested lists are batched (no N+1)', () => {
  let server: TestServer;
  const base = new Date('2025-02-01T00:00:00.000Z');
  let big: HedgehogFabric;
  const fabrics: HedgehogFabric[] = [];
  const resourcesByFabric = new Map<string, HedgehogResource[]>();
  const users: User[] = [];
  const operations: SyncOperation[] = [];
  const conflicts: ResourceConflict[] = [];
  const measured: string[] = [];

  before(async () => {
    server = await startTestServer(READ_ONLY_SERVER);
    const seed = new Seed(server);
    for (let i = 0; i < 4; i++) users.push(seed.user(`user-${i}`, Role.OPERATOR).user);
    big = seed.fabric('big');
    fabrics.push(big);
    for (let i = 0; i < 6; i++) fabrics.push(seed.fabric(`small-${i}`));
    // 520 resources in the big fabric; 3 to 8 in each small one.
    fabrics.forEach((fabric, f) => {
      const count = f === 0 ? 520 : 3 + f;
      const list: HedgehogResource[] = [];
      for (let i = 0; i < count; i++) {
        list.push(
          seed.resource(fabric, KINDS[(i + f) % KINDS.length], `res-${String(i).padStart(3, '0')}`, {
            createdBy: users[i % users.length],
            resourceState: ResourceState.SYNCED,
          }),
        );
      }
      resourcesByFabric.set(fabric.id, list);
    });
    // Two state transitions per resource of the big fabric.
    for (const [i, resource] of resourcesByFabric.get(big.id)!.entries()) {
      seed.add(StateTransition, { resource, toState: ResourceState.DRAFT, trigger: 'create', user: users[i % users.length], timestamp: at(base, i) });
      seed.add(StateTransition, { resource, fromState: ResourceState.DRAFT, toState: ResourceState.SYNCED, trigger: 'commit_to_git', timestamp: at(base, 1_000_000 + i) });
    }
    // Operations on every fabric, by different users.
    for (let i = 0; i < 60; i++) {
      operations.push(
        seed.add(SyncOperation, {
          fabric: fabrics[i % fabrics.length],
          operationType: SyncOperationType.BIDIRECTIONAL_SYNC,
          status: SyncOperationStatus.COMPLETED,
          initiatedBy: i % 5 === 4 ? null : users[i % users.length],
          created: at(base, i * 1_000),
        }),
      );
    }
    // Conflicts on every tenth resource of the big fabric (and a few on small fabrics).
    const bigResources = resourcesByFabric.get(big.id)!;
    for (let i = 0; i < bigResources.length; i += 10) {
      const resolved = i % 20 === 0;
      conflicts.push(
        seed.add(ResourceConflict, {
          resource: bigResources[i],
          fabric: big,
          conflictType: ConflictType.CONCURRENT_MODIFICATION,
          status: resolved ? ConflictStatus.RESOLVED : ConflictStatus.DETECTED,
          resolvedBy: resolved ? users[(i / 10) % users.length] : null,
          operation: operations[(i / 10) % operations.length],
          detectedAt: at(base, i * 1_000),
        }),
      );
    }
    for (const fabric of fabrics.slice(1, 4)) {
      const [resource] = resourcesByFabric.get(fabric.id)!;
      seed.add(ResourceConflict, { resource, fabric, conflictType: ConflictType.VALIDATION, status: ConflictStatus.RESOLVING, detectedAt: base });
    }
    await seed.flush();
  });

  after(async () => {
    if (measured.length) console.log(`SQL statements per request:\n  ${measured.join('\n  ')}`);
    await server?.stop();
  });

  /** Runs the query for every page size and returns the statement counts (after one warm-up request). */
  async function countStatements<T, V>(
    t: TestContext,
    label: string,
    document: TypedDocumentNode<T, V>,
    sizes: number[],
    variables: (first: number) => V,
    check: (data: T, first: number) => void,
  ): Promise<number[]> {
    await server.query(ReadViewerDocument); // the token's lastUsedAt update happens here, not in a measured request
    const counts: number[] = [];
    for (const first of sizes) {
      server.resetSqlCount();
      const data = await server.query(document, variables(first));
      counts.push(server.sqlCount());
      check(data, first);
    }
    const line = `${label}: ${sizes.map((size, i) => `first ${size} → ${counts[i]}`).join(', ')}`;
    measured.push(line);
    t.diagnostic(line);
    assert.ok(counts.every((count) => count === counts[0]), `statement count grows with the page size: ${line}`);
    return counts;
  }

  test('resources(fabricId, first: N) { fabric { name } }', async (t) => {
    await countStatements(
      t,
      'resources { fabric }',
      ReadResourcesWithFabricDocument,
      [10, 100, 500],
      (first) => ({ fabricId: big.globalId, first }),
      (data, first) => {
        assert.equal(data.resources.edges.length, first);
        assert.ok(data.resources.edges.every((e) => e.node.fabric.name === 'big'));
      },
    );
  });

  test('syncOperations(first: N) { fabric initiatedBy } across fabrics and users', async (t) => {
    await countStatements(
      t,
      'syncOperations { fabric initiatedBy }',
      ReadOperationsWithRelationsDocument,
      [5, 20, 60],
      (first) => ({ first }),
      (data, first) => {
        assert.equal(data.syncOperations.edges.length, first);
        const expected = [...operations].reverse().slice(0, first);
        assert.deepEqual(
          data.syncOperations.edges.map((e) => [e.node.id, e.node.fabric.name, e.node.initiatedBy?.username ?? null]),
          expected.map((o) => [o.globalId, o.fabric.name, o.initiatedBy?.username ?? null]),
        );
      },
    );
  });

  test('fabrics(first: N) { resourceCounts conflictCount resources(first: 5) syncOperations(first: 3) }', async (t) => {
    await countStatements(
      t,
      'fabrics { resourceCounts conflictCount resources syncOperations }',
      ReadFabricsWithNestedDocument,
      [1, 3, 7],
      (first) => ({ first }),
      (data, first) => {
        const expected = [...fabrics].sort((a, b) => (a.name < b.name ? -1 : 1)).slice(0, first);
        assert.deepEqual(data.fabrics.edges.map((e) => e.node.name), expected.map((f) => f.name));
        for (const [i, { node }] of data.fabrics.edges.entries()) {
          const fabric = expected[i];
          const resources = resourcesByFabric.get(fabric.id)!;
          const byKind = new Map<string, number>();
          for (const r of resources) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
          assert.deepEqual(
            [...node.resourceCounts].sort((a, b) => (a.kind < b.kind ? -1 : 1)),
            [...byKind].map(([kind, count]) => ({ kind, count })).sort((a, b) => (a.kind < b.kind ? -1 : 1)),
            fabric.name,
          );
          const open = fabric === big ? conflicts.filter((c) => c.status === ConflictStatus.DETECTED).length : fabrics.slice(1, 4).includes(fabric) ? 1 : 0;
          assert.equal(node.conflictCount, open, fabric.name);
          assert.equal(node.resources.totalCount, resources.length, fabric.name);
          const firstFive = [...resources].sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.name < b.name ? -1 : 1)).slice(0, 5);
          assert.deepEqual(node.resources.edges.map((e) => e.node.name), firstFive.map((r) => r.name), fabric.name);
          const ops = operations.filter((o) => o.fabric === fabric).reverse();
          assert.equal(node.syncOperations.totalCount, ops.length, fabric.name);
          assert.deepEqual(node.syncOperations.edges.map((e) => e.node.id), ops.slice(0, 3).map((o) => o.globalId), fabric.name);
        }
      },
    );
  });

  test('resources(fabricId, first: N) { stateHistory conflicts { operation resolvedBy } createdBy }', async (t) => {
    const ordered = [...resourcesByFabric.get(big.id)!].sort((a, b) => (a.kind !== b.kind ? (a.kind < b.kind ? -1 : 1) : a.name < b.name ? -1 : 1));
    await countStatements(
      t,
      'resources { stateHistory conflicts createdBy }',
      ReadResourcesWithHistoryDocument,
      [10, 100, 500],
      (first) => ({ fabricId: big.globalId, first }),
      (data, first) => {
        assert.equal(data.resources.edges.length, first);
        let withConflicts = 0;
        for (const [i, { node }] of data.resources.edges.entries()) {
          const resource = ordered[i];
          assert.equal(node.id, resource.globalId);
          assert.deepEqual(node.stateHistory.map((h) => h.toState), ['SYNCED', 'DRAFT'], resource.name);
          assert.equal(node.createdBy?.id, resource.createdBy?.globalId);
          const expected = conflicts.filter((c) => c.resource === resource);
          assert.deepEqual(node.conflicts.map((c) => [c.id, c.operation?.id, c.resolvedBy?.id ?? null]), expected.map((c) => [c.globalId, c.operation?.globalId, c.resolvedBy?.globalId ?? null]));
          if (expected.length) withConflicts++;
        }
        if (first >= 100) assert.ok(withConflicts > 5, 'the page must include resources with conflicts');
      },
    );
  });

  test('conflicts(fabricId, first: N) { resource fabric operation resolvedBy }', async (t) => {
    await countStatements(
      t,
      'conflicts { resource fabric operation resolvedBy }',
      ReadConflictsWithRelationsDocument,
      [5, 20, 52],
      (first) => ({ fabricId: big.globalId, first }),
      (data, first) => {
        const expected = [...conflicts].reverse().slice(0, first);
        assert.deepEqual(
          data.conflicts.edges.map((e) => [e.node.id, e.node.resource.name, e.node.fabric.name, e.node.operation?.id, e.node.resolvedBy?.username ?? null]),
          expected.map((c) => [c.globalId, c.resource.name, 'big', c.operation?.globalId, c.resolvedBy?.username ?? null]),
        );
      },
    );
  });
});
