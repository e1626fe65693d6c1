import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ConflictResolutionStrategy,
  ConflictStatus,
  ConflictType,
  FabricStatus,
  GitAuthenticationType,
  GitProvider,
  PushMode,
  ResourceState,
  Role,
  SyncOperationStatus,
  SyncOperationType,
} from '../src/entities/enums';
import { GitRepository, HedgehogFabric, HedgehogResource, ResourceConflict, SyncOperation, User } from '../src/entities';
import {
  RowsConflictNodeDocument,
  RowsFabricNodeDocument,
  RowsFreshAfterMutationsDocument,
  RowsNestedDerivedOnlyDocument,
  RowsNestedDocument,
  RowsOperationNodeDocument,
  RowsPagesDocument,
  RowsResourceByIdDocument,
  RowsResourceNodeDocument,
  RowsResourcesDerivedOnlyDocument,
  RowsResourcesNarrowDocument,
} from './generated/operations';
import { NAMESPACES, simpleVpcSpec } from './support/hedgehog-specs';
import { at, READ_ONLY_SERVER, Seed } from './support/read-seed';
import { startTestServer, type TestServer } from './support/test-server';

/**
 * Pages, by-id lookups and nested connections read rows straight from SQL into read-only objects (db/entity-rows),
 * and a resource page reads only the JSON columns its selection needs. `node(id:)` still loads MikroORM entities:
 * every field of every object must come out the same both ways.
 */
describe('read-only rows answer like hydrated entities', () => {
  let server: TestServer;
  let fabric: HedgehogFabric;
  const resources: HedgehogResource[] = [];
  const operations: SyncOperation[] = [];
  const conflicts: ResourceConflict[] = [];
  const base = new Date('2025-06-01T08:00:00.123Z');

  before(async () => {
    server = await startTestServer(READ_ONLY_SERVER);
    const seed = new Seed(server);
    const admin = await seed.em.findOneOrFail(User, { username: 'admin' });
    const alice = seed.user('alice', Role.OPERATOR).user;
    const repository = seed.add(GitRepository, {
      name: 'rows-repo',
      url: 'https://example.com/org/rows.git',
      provider: GitProvider.GITHUB,
      authenticationType: GitAuthenticationType.TOKEN,
      encryptedCredentials: 'not-read-by-pages',
      createdBy: admin,
      lastValidated: at(base, 5),
      tags: ['prod', 'eu'],
      customFieldData: { owner: 'netops' },
    });
    fabric = seed.fabric('rows-fabric', {
      status: FabricStatus.ACTIVE,
      gitRepository: repository,
      gitopsDirectory: 'fabrics/rows',
      description: 'every column set',
      lastSyncedCommit: 'c'.repeat(40),
      lastGitSync: at(base, 10),
      lastDirectorySync: at(base, 11),
      tags: ['x'],
    });
    seed.fabric('rows-empty');
    for (let i = 0; i < 5; i++) {
      resources.push(
        seed.resource(fabric, i % 2 ? 'VPC' : 'Switch', `rows-${i}`, {
          spec: { index: i, nested: { list: [1, 'two', { three: null }] }, text: 'quote \' and "double" \u00e9' },
          labels: { team: 'net', index: String(i) },
          annotations: { note: `n${i}` },
          baseManifest: i === 0 ? null : { apiVersion: 'v', kind: 'VPC', metadata: { name: `rows-${i}` }, spec: { index: i - 1 } },
          resourceState: ResourceState.SYNCED,
          conflictStatus: i === 1 ? ConflictStatus.DETECTED : ConflictStatus.NONE,
          conflictDetails: i === 1 ? { fields: ['spec.index'] } : {},
          externalModifications: [{ at: '2025-06-01T08:00:00Z', fields: ['spec'] }],
          syncMetadata: { commit: 'abc' },
          customFieldData: { cost: i * 1.5 },
          tags: [`t${i}`],
          createdBy: alice,
          lastModifiedBy: i % 2 ? admin : null,
          managedFilePath: `fabrics/rows/managed/rows-${i}.yaml`,
          fileHash: 'f'.repeat(64),
          lastFileSync: at(base, 100 + i),
        }),
      );
    }
    for (let i = 0; i < 3; i++) {
      operations.push(
        seed.add(SyncOperation, {
          fabric,
          operationType: SyncOperationType.GUI_TO_GITHUB,
          status: i === 0 ? SyncOperationStatus.FAILED : SyncOperationStatus.COMPLETED,
          initiatedBy: i === 2 ? null : alice,
          created: at(base, 1_000 * i),
          startedAt: at(base, 1_000 * i + 1),
          completedAt: at(base, 1_000 * i + 2),
          heartbeatAt: at(base, 1_000 * i + 3),
          details: { step: i },
          errorMessage: i === 0 ? 'push rejected' : '',
          filesProcessed: i,
          commitSha: 'a'.repeat(40),
          pullRequestUrl: i === 1 ? 'https://example.com/pr/1' : null,
          stage: 'done',
          progress: 0.25 * i,
          attempt: i + 1,
          dryRun: i === 2,
          pushMode: PushMode.DIRECT_PUSH,
        }),
      );
    }
    conflicts.push(
      seed.add(ResourceConflict, {
        resource: resources[1],
        fabric,
        conflictType: ConflictType.CONCURRENT_MODIFICATION,
        status: ConflictStatus.RESOLVED,
        fieldPaths: ['spec.index', 'metadata.labels.team'],
        base: { spec: { index: 0 } },
        ours: { spec: { index: 1 } },
        theirs: { spec: { index: 2 } },
        gitCommit: 'b'.repeat(40),
        detectedAt: at(base, 50),
        resolvedAt: at(base, 60),
        resolutionStrategy: ConflictResolutionStrategy.GUI_WINS,
        resolvedBy: admin,
        operation: operations[1],
      }),
    );
    await seed.flush();
  });

  after(() => server?.stop());

  const resourceNode = async (id: string) => (await server.query(RowsResourceNodeDocument, { id })).node;
  const fabricNode = async (id: string) => (await server.query(RowsFabricNodeDocument, { id })).node;
  const operationNode = async (id: string) => (await server.query(RowsOperationNodeDocument, { id })).node;
  const conflictNode = async (id: string) => (await server.query(RowsConflictNodeDocument, { id })).node;

  test('pages answer every field like node(id:)', async () => {
    const pages = await server.query(RowsPagesDocument, { fabricId: fabric.globalId });
    assert.equal(pages.resources.edges.length, resources.length);
    for (const { node } of pages.resources.edges) assert.deepEqual(node, await resourceNode(node.id), `resource ${node.id}`);
    const ours = pages.fabrics.edges.filter(({ node }) => node.id === fabric.globalId);
    assert.equal(ours.length, 1);
    for (const { node } of pages.fabrics.edges) assert.deepEqual(node, await fabricNode(node.id), `fabric ${node.id}`);
    assert.equal(pages.syncOperations.edges.length, operations.length);
    for (const { node } of pages.syncOperations.edges) assert.deepEqual(node, await operationNode(node.id), `operation ${node.id}`);
    assert.equal(pages.conflicts.edges.length, conflicts.length);
    for (const { node } of pages.conflicts.edges) assert.deepEqual(node, await conflictNode(node.id), `conflict ${node.id}`);

    // Spot checks against the seeded values, so that both paths being wrong the same way fails too.
    const first = pages.resources.edges.find(({ node }) => node.name === 'rows-1')!.node;
    assert.deepEqual(first.spec, resources[1].spec);
    assert.deepEqual(first.baseManifest, resources[1].baseManifest);
    assert.deepEqual(first.externalModifications, resources[1].externalModifications);
    assert.equal(first.lastFileSync, at(base, 101).toISOString());
    assert.equal(first.fabric.name, 'rows-fabric');
    assert.deepEqual(first.manifest.metadata, { name: 'rows-1', namespace: 'default', labels: { team: 'net', index: '1' }, annotations: { note: 'n1' } });
    const repo = ours[0].node.gitRepository!;
    assert.equal(repo.hasCredentials, true);
    assert.equal(repo.lastValidated, at(base, 5).toISOString());
    const failed = pages.syncOperations.edges.find(({ node }) => node.status === 'FAILED')!.node;
    assert.equal(failed.errorMessage, 'push rejected');
    assert.equal(failed.startedAt, at(base, 1).toISOString());
  });

  test('nested connections and resource(id:) answer like node(id:)', async () => {
    const nested = await server.query(RowsNestedDocument);
    const withRows = nested.fabrics.edges.find(({ node }) => node.id === fabric.globalId)!.node;
    assert.equal(withRows.resources.edges.length, resources.length);
    for (const { node } of withRows.resources.edges) assert.deepEqual(node, await resourceNode(node.id));
    assert.equal(withRows.syncOperations.edges.length, operations.length);
    for (const { node } of withRows.syncOperations.edges) assert.deepEqual(node, await operationNode(node.id));
    const derived = (await server.query(RowsNestedDerivedOnlyDocument)).fabrics.edges.find(({ node }) => node.id === fabric.globalId)!.node;
    assert.deepEqual(
      derived.resources.edges.map(({ node }) => node),
      withRows.resources.edges.map(({ node }) => ({ manifest: node.manifest, createdBy: node.createdBy && { id: node.createdBy.id } })),
    );
    for (const resource of resources) {
      assert.deepEqual((await server.query(RowsResourceByIdDocument, { id: resource.globalId })).resource, await resourceNode(resource.globalId));
    }
  });

  test('a page that selects few fields reads only their columns and still answers the JSON fields it asks for, also through inline fragments', async () => {
    const pageStatement = () => {
      const found = server.sqlStatements().filter((sql) => /from "hedgehog_resource" e where .* limit/.test(sql));
      assert.equal(found.length, 1, found.join('\n'));
      return found[0];
    };
    server.resetSqlCount();
    await server.query(RowsPagesDocument, { fabricId: fabric.globalId });
    for (const column of ['"spec"', '"labels"', '"base_manifest"', '"sync_metadata"']) assert.ok(pageStatement().includes(column), column);
    server.resetSqlCount();
    const narrow = await server.query(RowsResourcesNarrowDocument, { fabricId: fabric.globalId });
    const narrowPage = pageStatement();
    assert.ok(narrowPage.includes('"labels"'));
    for (const column of ['"spec"', '"annotations"', '"base_manifest"', '"sync_metadata"', '"conflict_details"']) assert.ok(!narrowPage.includes(column), `${column} read for a page that does not select it`);
    assert.equal(narrow.resources.edges.length, resources.length);
    for (const { node } of narrow.resources.edges) {
      const seeded = resources.find((r) => r.globalId === node.id)!;
      assert.deepEqual(node, { id: seeded.globalId, kind: seeded.kind, labels: seeded.labels });
    }
  });

  test('a page reads only the columns its fields need, also for fields computed from other columns', async () => {
    const derived = await server.query(RowsResourcesDerivedOnlyDocument, { fabricId: fabric.globalId });
    const full = await server.query(RowsPagesDocument, { fabricId: fabric.globalId });
    assert.equal(derived.resources.edges.length, resources.length);
    for (const [index, { cursor, node }] of derived.resources.edges.entries()) {
      const whole = full.resources.edges[index].node;
      assert.deepEqual(node.manifest, whole.manifest);
      assert.equal(node.yaml, whole.yaml);
      assert.deepEqual(node.createdBy, whole.createdBy);
      assert.equal(node.fabric.name, 'rows-fabric');
      assert.ok(cursor.length > 0);
    }
    const withConflict = derived.resources.edges.find(({ node }) => node.conflicts.length > 0);
    assert.equal(withConflict?.node.conflicts[0].id, conflicts[0].globalId);
  });

  test('after each mutation of a request, later fields read what it wrote (loaders forget their read-only snapshots)', async () => {
    const seed = new Seed(server);
    const fresh = seed.fabric('rows-fresh', { description: 'before' });
    for (const namespace of NAMESPACES) seed.resource(fresh, namespace.kind, namespace.name, { spec: namespace.spec() });
    const vpc = seed.resource(fresh, 'VPC', 'vpc-fresh', { spec: simpleVpcSpec(1) });
    await seed.flush();
    const result = await server.query(RowsFreshAfterMutationsDocument, {
      resourceId: vpc.globalId,
      fabricId: fresh.globalId,
      labelsA: { step: 'a' },
      labelsB: { step: 'b' },
      description: 'after',
    });
    assert.deepEqual([result.first.userErrors, result.rename.userErrors, result.second.userErrors], [[], [], []]);
    assert.equal(result.first.resource?.fabric.description, 'before');
    assert.equal(result.second.resource?.fabric.description, 'after');
    assert.deepEqual(result.second.resource?.labels, { step: 'b' });
  });
});
