import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ConflictStatus, ConflictType, FabricStatus, ResourceState, Role, SyncOperationStatus, SyncOperationType } from '../src/entities/enums';
import { GitRepository, HedgehogFabric, HedgehogResource, ResourceConflict, SyncOperation, User } from '../src/entities';
import { encodeGlobalId } from '../src/graphql/global-id';
import {
  ReadConflictsDocument,
  ReadFabricOperationsPageDocument,
  ReadFabricResourcesPageDocument,
  ReadFabricsDocument,
  ReadGitRepositoriesDocument,
  ReadResourcesDocument,
  ReadSyncOperationsDocument,
  ReadUsersDocument,
  type ConflictStatus as GqlConflictStatus,
  type FabricFilter,
  type ReadPageInfoFragment,
  type ResourceFilter,
  type SyncOperationFilter,
} from './generated/operations';
import type { GraphQLResponse } from './support/graphql-client';
import { assertErrorCode, at, READ_ONLY_SERVER, Seed } from './support/read-seed';
import { startTestServer, type TestServer } from './support/test-server';

// ---------------------------------------------------------------------------------------------------------------
// A model of the keyset orderings, to compute what every page must contain.

type Key = Array<string | number>;
interface Row {
  id: string; // global ID
  uuid: string;
  key: Key;
}

function compareRows(a: Row, b: Row): number {
  for (let i = 0; i < a.key.length; i++) {
    if (a.key[i] < b.key[i]) return -1;
    if (a.key[i] > b.key[i]) return 1;
  }
  return a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;
}

function ordered(rows: Row[], direction: 'asc' | 'desc'): Row[] {
  const sorted = [...rows].sort(compareRows);
  return direction === 'asc' ? sorted : sorted.reverse();
}

const fabricRow = (f: HedgehogFabric): Row => ({ id: f.globalId, uuid: f.id, key: [f.name] });
const resourceRow = (r: HedgehogResource): Row => ({ id: r.globalId, uuid: r.id, key: [r.kind, r.namespace, r.name] });
const operationRow = (o: SyncOperation): Row => ({ id: o.globalId, uuid: o.id, key: [o.created.getTime()] });
const conflictRow = (c: ResourceConflict): Row => ({ id: c.globalId, uuid: c.id, key: [c.detectedAt.getTime()] });

// ---------------------------------------------------------------------------------------------------------------
// Lists under test, reduced to one shape.

interface Connection {
  totalCount: number;
  pageInfo: ReadPageInfoFragment;
  edges: Array<{ cursor: string; node: { id: string } }>;
}

interface PageRequest {
  first?: number | null;
  after?: string | null;
}

/** One list of the API: `request` returns the raw response and `connection` picks the connection out of it. */
interface ListUnderTest {
  name: string;
  request(page: PageRequest): Promise<GraphQLResponse<unknown>>;
  fetch(page: PageRequest): Promise<Connection>;
  expected(): Row[];
}

function list<T>(
  name: string,
  request: (page: PageRequest) => Promise<GraphQLResponse<T>>,
  pick: (data: T) => Connection | undefined,
  expected: () => Row[],
): ListUnderTest {
  return {
    name,
    request,
    async fetch(page) {
      const response = await request(page);
      assert.equal(response.errors, undefined, `${name}: ${JSON.stringify(response.errors)}`);
      assert.ok(response.data, name);
      const connection = pick(response.data);
      assert.ok(connection, `${name}: no connection in ${JSON.stringify(response.data)}`);
      return connection;
    },
    expected,
  };
}

/** Walks the whole list with `after`, checking pageInfo on every page; returns the ids in the order received. */
async function walk(target: ListUnderTest, first: number, start: string | null = null, maxPages = 1_000): Promise<{ ids: string[]; pages: number; totalCounts: Set<number> }> {
  const ids: string[] = [];
  const totalCounts = new Set<number>();
  let after = start;
  for (let pages = 1; pages <= maxPages; pages++) {
    const connection = await target.fetch({ first, after });
    totalCounts.add(connection.totalCount);
    const { edges, pageInfo } = connection;
    assert.ok(edges.length <= first, `${target.name}: page larger than first`);
    assert.equal(pageInfo.hasPreviousPage, after !== null, `${target.name}: hasPreviousPage`);
    assert.equal(pageInfo.startCursor, edges[0]?.cursor ?? null, `${target.name}: startCursor`);
    assert.equal(pageInfo.endCursor, edges[edges.length - 1]?.cursor ?? null, `${target.name}: endCursor`);
    ids.push(...edges.map((edge) => edge.node.id));
    if (!pageInfo.hasNextPage) return { ids, pages, totalCounts };
    assert.equal(edges.length, first, `${target.name}: a page before the last one must be full`);
    after = pageInfo.endCursor;
  }
  throw new Error(`${target.name}: more than ${maxPages} pages`);
}

function cursorOf(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** Ids that sort above / below any random uuid (for rows tied on the timestamp). */
const highId = () => `ffffffff-ffff-4fff-bfff-ff${randomBytes(5).toString('hex')}`;
const lowId = () => `00000000-0000-4000-8000-00${randomBytes(5).toString('hex')}`;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const FABRIC_STATUSES = [FabricStatus.PLANNED, FabricStatus.ACTIVE, FabricStatus.MAINTENANCE, FabricStatus.DECOMMISSIONED];
const RESOURCE_KINDS = ['Connection', 'Server', 'Switch', 'VPC', 'VPCAttachment'];
const RESOURCE_STATES = Object.values(ResourceState);
const CONFLICT_STATUSES = [ConflictStatus.NONE, ConflictStatus.NONE, ConflictStatus.DETECTED, ConflictStatus.RESOLVING, ConflictStatus.RESOLVED];
const OPERATION_TYPES = Object.values(SyncOperationType);
const OPERATION_STATUSES = Object.values(SyncOperationStatus);
const CONFLICT_RECORD_STATUSES = [ConflictStatus.DETECTED, ConflictStatus.RESOLVING, ConflictStatus.RESOLVED, ConflictStatus.DETECTED];

/** GraphQL enum value (UPPER_CASE key) of a DB enum value. */
function gql<E extends string>(value: string): E {
  return value.toUpperCase() as E;
}

describe('pagination and filters', () => {
  let server: TestServer;
  const base = new Date('2025-01-01T00:00:00.000Z');
  const fabrics: HedgehogFabric[] = [];
  const repositories: GitRepository[] = [];
  const users: User[] = [];
  let main: HedgehogFabric; // fab-00: 130 resources, operations, conflicts
  let other: HedgehogFabric; // fab-01: a few resources, operations
  const mainResources: HedgehogResource[] = [];
  const operations: SyncOperation[] = [];
  const conflicts: ResourceConflict[] = [];

  before(async () => {
    server = await startTestServer(READ_ONLY_SERVER);
    const seed = new Seed(server);
    users.push(await seed.em.findOneOrFail(User, { username: 'admin' }));
    for (let i = 0; i < 8; i++) users.push(seed.user(`user-${i}`, Role.VIEWER).user);
    for (let i = 0; i < 12; i++) repositories.push(seed.add(GitRepository, { name: `repo-${pad(i, 2)}`, url: `https://example.com/org/r${i}.git` }));
    for (let i = 0; i < 57; i++) fabrics.push(seed.fabric(`fab-${pad(i, 2)}`, { status: FABRIC_STATUSES[i % 4] }));
    fabrics.push(seed.fabric('axc-net', { status: FabricStatus.ACTIVE }));
    [main, other] = fabrics;
    for (let i = 0; i < 130; i++) {
      mainResources.push(
        seed.resource(main, RESOURCE_KINDS[i % 5], `r-${pad(i, 3)}`, {
          namespace: i % 3 === 0 ? 'prod' : 'default',
          resourceState: RESOURCE_STATES[i % RESOURCE_STATES.length],
          conflictStatus: CONFLICT_STATUSES[i % CONFLICT_STATUSES.length],
        }),
      );
    }
    for (let i = 0; i < 5; i++) seed.resource(other, 'VPC', `q-${i}`);
    for (let i = 0; i < 70; i++) {
      operations.push(
        seed.add(SyncOperation, {
          fabric: i % 2 === 0 ? main : other,
          operationType: OPERATION_TYPES[i % OPERATION_TYPES.length],
          status: OPERATION_STATUSES[i % OPERATION_STATUSES.length],
          created: at(base, Math.floor(i / 3) * 1_000), // groups of three share a timestamp: the id breaks the tie
        }),
      );
    }
    for (let i = 0; i < 40; i++) {
      conflicts.push(
        seed.add(ResourceConflict, {
          resource: mainResources[i],
          fabric: main,
          conflictType: ConflictType.CONCURRENT_MODIFICATION,
          status: CONFLICT_RECORD_STATUSES[i % 4],
          detectedAt: at(base, Math.floor(i / 2) * 1_000),
        }),
      );
    }
    await seed.flush();
  });
  after(() => server?.stop());

  const fabricsList = (filter?: FabricFilter) =>
    list(
      'fabrics',
      (page) => server.request(ReadFabricsDocument, { ...page, filter }),
      (d) => d.fabrics,
      () => ordered(fabrics.map(fabricRow), 'asc'),
    );
  const resourcesList = (fabric: () => HedgehogFabric, filter?: ResourceFilter) =>
    list(
      'resources',
      (page) => server.request(ReadResourcesDocument, { fabricId: fabric().globalId, ...page, filter }),
      (d) => d.resources,
      () => ordered(mainResources.map(resourceRow), 'asc'),
    );
  const nestedResourcesList = (fabric: () => HedgehogFabric, filter?: ResourceFilter) =>
    list(
      'fabric.resources',
      (page) => server.request(ReadFabricResourcesPageDocument, { id: fabric().globalId, ...page, filter }),
      (d) => d.fabric?.resources,
      () => ordered(mainResources.map(resourceRow), 'asc'),
    );
  const operationsList = (fabric?: () => HedgehogFabric, filter?: SyncOperationFilter) =>
    list(
      fabric ? 'syncOperations(fabricId)' : 'syncOperations',
      (page) => server.request(ReadSyncOperationsDocument, { fabricId: fabric?.().globalId, ...page, filter }),
      (d) => d.syncOperations,
      () => ordered(operations.filter((o) => !fabric || o.fabric.id === fabric().id).map(operationRow), 'desc'),
    );
  const nestedOperationsList = (fabric: () => HedgehogFabric, filter?: SyncOperationFilter) =>
    list(
      'fabric.syncOperations',
      (page) => server.request(ReadFabricOperationsPageDocument, { id: fabric().globalId, ...page, filter }),
      (d) => d.fabric?.syncOperations,
      () => ordered(operations.filter((o) => o.fabric.id === fabric().id).map(operationRow), 'desc'),
    );
  const conflictsList = (fabric: () => HedgehogFabric, status?: GqlConflictStatus) =>
    list(
      'conflicts',
      (page) => server.request(ReadConflictsDocument, { fabricId: fabric().globalId, status, ...page }),
      (d) => d.conflicts,
      () => ordered(conflicts.filter((c) => !status || gql(c.status) === status).map(conflictRow), 'desc'),
    );
  const allLists = (): ListUnderTest[] => [
    fabricsList(),
    list(
      'gitRepositories',
      (page) => server.request(ReadGitRepositoriesDocument, page),
      (d) => d.gitRepositories,
      () => ordered(repositories.map((r) => ({ id: r.globalId, uuid: r.id, key: [r.name] })), 'asc'),
    ),
    list(
      'users',
      (page) => server.request(ReadUsersDocument, page),
      (d) => d.users,
      () => ordered(users.map((u) => ({ id: u.globalId, uuid: u.id, key: [u.username] })), 'asc'),
    ),
    resourcesList(() => main),
    nestedResourcesList(() => main),
    operationsList(),
    operationsList(() => main),
    nestedOperationsList(() => main),
    conflictsList(() => main),
  ];

  describe('page size', () => {
    test('"first" defaults to 50', async () => {
      for (const target of [fabricsList(), resourcesList(() => main), nestedResourcesList(() => main), operationsList()]) {
        const expected = target.expected();
        assert.ok(expected.length > 50, `${target.name} needs more than 50 rows for this test`);
        const connection = await target.fetch({});
        assert.equal(connection.edges.length, 50, target.name);
        assert.deepEqual(connection.edges.map((e) => e.node.id), expected.slice(0, 50).map((r) => r.id), target.name);
        assert.equal(connection.pageInfo.hasNextPage, true, target.name);
        assert.equal(connection.totalCount, expected.length, target.name);
      }
    });

    test('"first: 500" returns up to 500 rows; 501 or a negative number is BAD_USER_INPUT (never a 500)', async () => {
      for (const target of allLists()) {
        const expected = target.expected();
        const connection = await target.fetch({ first: 500 });
        assert.deepEqual(connection.edges.map((e) => e.node.id), expected.map((r) => r.id), target.name);
        assert.equal(connection.pageInfo.hasNextPage, false, target.name);
        assertErrorCode(await target.request({ first: 501 }), 'BAD_USER_INPUT', /500/);
        assertErrorCode(await target.request({ first: -1 }), 'BAD_USER_INPUT');
        assertErrorCode(await target.request({ first: 2 ** 31 - 1 }), 'BAD_USER_INPUT');
      }
    });

    test('"first: 0" returns no edges but the right totalCount and hasNextPage', async () => {
      for (const target of allLists()) {
        const expected = target.expected();
        const connection = await target.fetch({ first: 0 });
        assert.deepEqual(connection.edges, [], target.name);
        assert.equal(connection.totalCount, expected.length, target.name);
        assert.equal(connection.pageInfo.hasNextPage, true, `${target.name}: rows exist beyond an empty page`);
        assert.equal(connection.pageInfo.endCursor, null, target.name);
        // And after a cursor.
        const afterFirst = await target.fetch({ first: 0, after: (await target.fetch({ first: 1 })).pageInfo.endCursor });
        assert.deepEqual(afterFirst.edges, [], target.name);
        assert.equal(afterFirst.pageInfo.hasNextPage, expected.length > 1, target.name);
      }
      const empty = await fabricsList({ name: 'no-such-fabric' }).fetch({ first: 0 });
      assert.equal(empty.pageInfo.hasNextPage, false);
      assert.equal(empty.totalCount, 0);
    });
  });

  describe('walking pages with "after"', () => {
    test('returns every row exactly once in the documented order, with consistent pageInfo and totalCount', async () => {
      for (const target of allLists()) {
        const expected = target.expected().map((r) => r.id);
        // Pages of one only on the short lists; several pages on every list.
        const sizes = expected.length <= 20 ? [1, 4, 50] : expected.length <= 40 ? [7, 50] : [23, 50];
        for (const first of sizes) {
          const { ids, pages, totalCounts } = await walk(target, first);
          assert.equal(new Set(ids).size, ids.length, `${target.name} first ${first}: a row came twice`);
          assert.deepEqual(ids, expected, `${target.name} first ${first}: rows or order differ`);
          assert.equal(pages, Math.max(1, Math.ceil(expected.length / first)), `${target.name} first ${first}: page count`);
          assert.deepEqual([...totalCounts], [expected.length], `${target.name}: totalCount is the whole list on every page`);
        }
      }
    });

    test('cursors of the top-level and the nested resource lists are interchangeable', async () => {
      const top = await resourcesList(() => main).fetch({ first: 10 });
      const nested = await nestedResourcesList(() => main).fetch({ first: 10, after: top.pageInfo.endCursor });
      assert.deepEqual(nested.edges.map((e) => e.node.id), resourcesList(() => main).expected().slice(10, 20).map((r) => r.id));
    });

    test('the last page: hasNextPage false, and after the last cursor an empty page', async () => {
      const target = resourcesList(() => main);
      const expected = target.expected();
      const last = await target.fetch({ first: 10, after: (await target.fetch({ first: 125 })).pageInfo.endCursor });
      assert.deepEqual(last.edges.map((e) => e.node.id), expected.slice(125).map((r) => r.id));
      assert.equal(last.pageInfo.hasNextPage, false);
      const beyond = await target.fetch({ first: 10, after: last.pageInfo.endCursor });
      assert.deepEqual(beyond.edges, []);
      assert.equal(beyond.pageInfo.hasNextPage, false);
      assert.equal(beyond.pageInfo.hasPreviousPage, true);
      assert.equal(beyond.pageInfo.startCursor, null);
      assert.equal(beyond.pageInfo.endCursor, null);
      assert.equal(beyond.totalCount, expected.length);
    });
  });

  describe('bad cursors', () => {
    test('a garbage cursor is BAD_USER_INPUT on every list', async () => {
      const garbage = ['garbage', '!!!', cursorOf([]), cursorOf({ a: 1 }), Buffer.from('not json').toString('base64url'), 'x'.repeat(5000)];
      for (const [index, target] of allLists().entries()) {
        for (const after of index === 0 ? garbage : garbage.slice(0, 2)) assertErrorCode(await target.request({ first: 5, after }), 'BAD_USER_INPUT', /cursor/);
      }
    });

    test('a cursor of another list is BAD_USER_INPUT', async () => {
      const lists = allLists();
      const cursors = new Map<string, string>();
      for (const target of lists) {
        const cursor = (await target.fetch({ first: 1 })).pageInfo.endCursor;
        assert.ok(cursor, target.name);
        cursors.set(target.name, cursor);
      }
      // Lists whose cursors are interchangeable (same ordering of the same type).
      const family = (name: string) => (name.includes('esources') ? 'resources' : name.includes('yncOperations') ? 'operations' : name);
      for (const target of lists) {
        for (const [source, cursor] of cursors) {
          if (family(source) === family(target.name)) continue;
          assertErrorCode(await target.request({ first: 5, after: cursor }), 'BAD_USER_INPUT', /cursor/);
        }
      }
    });

    test('a forged cursor with values of the wrong shape is BAD_USER_INPUT, not an internal error', async () => {
      const id = fabrics[3].id;
      const cases: Array<[ListUnderTest, unknown[]]> = [
        [fabricsList(), ['fabric', 'fab-01', 'not-a-uuid']],
        [fabricsList(), ['fabric', 'fab-01', id, 'extra']],
        [fabricsList(), ['fabric', 7, id]],
        [fabricsList(), ['fabric', 'fab\u0000', id]],
        [resourcesList(() => main), ['res', 'VPC', 'default', 'r-001', 'zzz']],
        [nestedResourcesList(() => main), ['res', 'VPC', 'default', 'r-001', 'zzz']],
        [operationsList(), ['op', 'yesterday', id]],
        [operationsList(), ['op', '2025-01-01T00:00:00.000Z', '00000000-0000-0000-0000-00000000000g']],
        [nestedOperationsList(() => main), ['op', 'yesterday', id]],
        [nestedOperationsList(() => main), ['op', '2025-01-01T00:00:00.000Z', 'nope']],
        [conflictsList(() => main), ['conflict', null, id]],
      ];
      for (const [target, payload] of cases) {
        assertErrorCode(await target.request({ first: 5, after: cursorOf(payload) }), 'BAD_USER_INPUT', /cursor/);
      }
    });
  });

  describe('filters', () => {
    const names = (connection: Connection, all: Array<{ globalId: string; name: string }>) =>
      connection.edges.map((e) => all.find((x) => x.globalId === e.node.id)?.name);

    async function expectFabrics(filter: FabricFilter, expected: HedgehogFabric[]): Promise<void> {
      const rows = ordered(expected.map(fabricRow), 'asc').map((r) => r.id);
      const target = fabricsList(filter);
      const { ids, totalCounts } = await walk(target, rows.length > 20 ? 20 : 4);
      assert.deepEqual(ids, rows, `fabrics ${JSON.stringify(filter)}: ${JSON.stringify(names(await target.fetch({ first: 500 }), fabrics))}`);
      assert.deepEqual([...totalCounts], [rows.length], `fabrics ${JSON.stringify(filter)}: totalCount`);
    }

    test('fabrics by name, nameContains (case-insensitive, % and _ literal), status, and combined', async () => {
      await expectFabrics({ name: 'fab-07' }, [fabrics[7]]);
      await expectFabrics({ name: 'FAB-07' }, []);
      await expectFabrics({ name: 'fab-0' }, []);
      await expectFabrics({ nameContains: 'FAB-1' }, fabrics.filter((f) => f.name.startsWith('fab-1')));
      await expectFabrics({ nameContains: 'b-2' }, fabrics.filter((f) => f.name.includes('b-2')));
      await expectFabrics({ nameContains: '%' }, []);
      await expectFabrics({ nameContains: 'fab-1%' }, []);
      await expectFabrics({ nameContains: 'a_c' }, []);
      await expectFabrics({ nameContains: '_' }, []);
      await expectFabrics({ nameContains: '\\' }, []);
      await expectFabrics({ nameContains: 'XC-' }, fabrics.filter((f) => f.name === 'axc-net'));
      await expectFabrics({ status: ['ACTIVE'] }, fabrics.filter((f) => f.status === FabricStatus.ACTIVE));
      await expectFabrics({ status: ['MAINTENANCE', 'DECOMMISSIONED'] }, fabrics.filter((f) => f.status === FabricStatus.MAINTENANCE || f.status === FabricStatus.DECOMMISSIONED));
      await expectFabrics({ nameContains: 'fab-1', status: ['ACTIVE', 'PLANNED'] }, fabrics.filter((f) => f.name.startsWith('fab-1') && (f.status === FabricStatus.ACTIVE || f.status === FabricStatus.PLANNED)));
      await expectFabrics({ name: 'fab-08', status: ['ACTIVE'] }, []);
      await expectFabrics({ name: 'fab-08', status: ['PLANNED'] }, [fabrics[8]]);
    });

    test('an explicit null or an empty list in a filter field does not filter', async () => {
      await expectFabrics({ name: null, nameContains: null, status: null }, fabrics);
      await expectFabrics({ status: [] }, fabrics);
      const all = ordered(mainResources.map(resourceRow), 'asc').map((r) => r.id);
      for (const filter of [{ kind: null, namespace: null, namePrefix: null, resourceState: null, conflictStatus: null }, { kind: [], resourceState: [] }] as ResourceFilter[]) {
        const connection = await resourcesList(() => main, filter).fetch({ first: 500 });
        assert.deepEqual(connection.edges.map((e) => e.node.id), all, JSON.stringify(filter));
      }
    });

    test('resources by kind, namespace, namePrefix, resourceState, conflictStatus and combined (top-level and nested alike)', async () => {
      const cases: Array<[ResourceFilter, (r: HedgehogResource) => boolean]> = [
        [{ kind: ['VPC'] }, (r) => r.kind === 'VPC'],
        [{ kind: ['VPC', 'Switch'] }, (r) => r.kind === 'VPC' || r.kind === 'Switch'],
        [{ kind: ['Nope'] }, () => false],
        [{ namespace: 'prod' }, (r) => r.namespace === 'prod'],
        [{ namespace: 'default' }, (r) => r.namespace === 'default'],
        [{ namespace: 'prod', kind: ['Server'] }, (r) => r.namespace === 'prod' && r.kind === 'Server'],
        [{ namePrefix: 'r-01' }, (r) => r.name.startsWith('r-01')],
        [{ namePrefix: 'r-' }, () => true],
        [{ namePrefix: 'r-0_' }, () => false],
        [{ namePrefix: 'r-%' }, () => false],
        [{ namePrefix: '-01' }, () => false],
        [{ resourceState: ['SYNCED', 'DRIFTED'] }, (r) => r.resourceState === ResourceState.SYNCED || r.resourceState === ResourceState.DRIFTED],
        [{ conflictStatus: ['DETECTED'] }, (r) => r.conflictStatus === ConflictStatus.DETECTED],
        [{ conflictStatus: ['DETECTED', 'RESOLVING'] }, (r) => r.conflictStatus === ConflictStatus.DETECTED || r.conflictStatus === ConflictStatus.RESOLVING],
        [
          { kind: ['VPC', 'Connection'], namespace: 'default', namePrefix: 'r-1', resourceState: ['DRAFT', 'COMMITTED', 'PENDING'], conflictStatus: ['NONE', 'DETECTED'] },
          (r) =>
            ['VPC', 'Connection'].includes(r.kind) &&
            r.namespace === 'default' &&
            r.name.startsWith('r-1') &&
            [ResourceState.DRAFT, ResourceState.COMMITTED, ResourceState.PENDING].includes(r.resourceState) &&
            [ConflictStatus.NONE, ConflictStatus.DETECTED].includes(r.conflictStatus),
        ],
      ];
      for (const [filter, predicate] of cases) {
        const expected = ordered(mainResources.filter(predicate).map(resourceRow), 'asc').map((r) => r.id);
        if (filter.kind?.[0] !== 'Nope' && !filter.namePrefix?.match(/[_%]|^-/)) assert.ok(expected.length > 0, `useless case ${JSON.stringify(filter)}`);
        for (const target of [resourcesList(() => main, filter), nestedResourcesList(() => main, filter)]) {
          const { ids, totalCounts } = await walk(target, 40);
          assert.deepEqual(ids, expected, `${target.name} ${JSON.stringify(filter)}`);
          assert.deepEqual([...totalCounts], [expected.length], `${target.name} ${JSON.stringify(filter)}: totalCount`);
        }
      }
      // The filter applies within the fabric only.
      const ofOther = await resourcesList(() => other, { kind: ['VPC'] }).fetch({ first: 500 });
      assert.equal(ofOther.totalCount, 5);
    });

    test('sync operations by operationType and status, combined, with and without fabricId (and nested)', async () => {
      const cases: Array<[SyncOperationFilter, (o: SyncOperation) => boolean]> = [
        [{ operationType: ['INGESTION'] }, (o) => o.operationType === SyncOperationType.INGESTION],
        [{ operationType: ['GUI_TO_GITHUB', 'GITHUB_TO_GUI'] }, (o) => o.operationType === SyncOperationType.GUI_TO_GITHUB || o.operationType === SyncOperationType.GITHUB_TO_GUI],
        [{ status: ['FAILED', 'CANCELLED'] }, (o) => o.status === SyncOperationStatus.FAILED || o.status === SyncOperationStatus.CANCELLED],
        [
          { operationType: ['VALIDATION', 'INGESTION', 'DIRECTORY_INIT'], status: ['PENDING', 'COMPLETED', 'IN_PROGRESS'] },
          (o) =>
            [SyncOperationType.VALIDATION, SyncOperationType.INGESTION, SyncOperationType.DIRECTORY_INIT].includes(o.operationType) &&
            [SyncOperationStatus.PENDING, SyncOperationStatus.COMPLETED, SyncOperationStatus.IN_PROGRESS].includes(o.status),
        ],
      ];
      for (const [filter, predicate] of cases) {
        const targets: Array<[ListUnderTest, (o: SyncOperation) => boolean]> = [
          [operationsList(undefined, filter), predicate],
          [operationsList(() => main, filter), (o) => o.fabric.id === main.id && predicate(o)],
          [operationsList(() => other, filter), (o) => o.fabric.id === other.id && predicate(o)],
          [nestedOperationsList(() => main, filter), (o) => o.fabric.id === main.id && predicate(o)],
        ];
        for (const [target, keep] of targets) {
          const expected = ordered(operations.filter(keep).map(operationRow), 'desc').map((r) => r.id);
          assert.ok(expected.length > 0, `useless case ${JSON.stringify(filter)}`);
          const { ids, totalCounts } = await walk(target, 9);
          assert.deepEqual(ids, expected, `${target.name} ${JSON.stringify(filter)}`);
          assert.deepEqual([...totalCounts], [expected.length], `${target.name} ${JSON.stringify(filter)}: totalCount`);
        }
      }
    });

    test('conflicts by status, paged', async () => {
      for (const status of ['DETECTED', 'RESOLVING', 'RESOLVED', 'NONE'] as GqlConflictStatus[]) {
        const target = conflictsList(() => main, status);
        const expected = target.expected().map((r) => r.id);
        const { ids, totalCounts } = await walk(target, 3);
        assert.deepEqual(ids, expected, status);
        assert.deepEqual([...totalCounts], [expected.length], status);
      }
      assert.equal((await conflictsList(() => other).fetch({})).totalCount, 0);
    });
  });

  describe('timestamps finer than the cursor', () => {
    test('rows written by SQL with now() (microseconds, all in one transaction) are all returned, once', async () => {
      const seed = new Seed(server);
      const fabric = seed.fabric('x-micro');
      await seed.flush();
      // One statement: now() is the same for all; explicit values differ below the millisecond.
      await seed.em.execute(
        `insert into sync_operation (id, fabric_id, operation_type, created)
         select gen_random_uuid(), ?::uuid, 'validation', now() from generate_series(1, 4)
         union all select gen_random_uuid(), ?::uuid, 'ingestion', t::timestamptz
           from unnest(array['2025-06-01T00:00:00.000100Z', '2025-06-01T00:00:00.000200Z', '2025-06-01T00:00:00.000300Z', '2025-06-01T00:00:00.000300Z', '2025-06-01T00:00:00.999900Z']) t`,
        [fabric.id, fabric.id],
      );
      const rows: Array<{ id: string }> = await seed.em.execute(`select id from sync_operation where fabric_id = ?::uuid order by created desc, id desc`, [fabric.id]);
      const expected = rows.map((r) => encodeGlobalId('SyncOperation', r.id));
      assert.equal(expected.length, 9);
      for (const target of [operationsList(() => fabric), nestedOperationsList(() => fabric)]) {
        for (const first of [1, 2, 4]) {
          const { ids } = await walk(target, first);
          assert.deepEqual(ids, expected, `${target.name} first ${first}`);
        }
      }
    });
  });

  describe('cursor stability while rows are inserted', () => {
    /**
     * Takes page 1, lets `change` insert rows sorting before and after the cursor (and delete the cursor row),
     * then continues from the cursor: every original row comes exactly once, rows inserted after the cursor
     * come in order, rows inserted before it do not.
     */
    async function checkStability(options: {
      target: ListUnderTest;
      direction: 'asc' | 'desc';
      original: Row[];
      first: number;
      change: (cursorRow: Row) => Promise<{ inserted: Row[]; deleted: Row[] }>;
    }): Promise<void> {
      const { target, direction, first } = options;
      const original = ordered(options.original, direction);
      const page1 = await target.fetch({ first });
      assert.deepEqual(page1.edges.map((e) => e.node.id), original.slice(0, first).map((r) => r.id), `${target.name}: page 1`);
      const cursorRow = original[first - 1];
      const { inserted, deleted } = await options.change(cursorRow);
      const deletedIds = new Set(deleted.map((r) => r.id));
      for (const row of deleted) assert.ok(original.indexOf(row) < first, 'only rows already seen are deleted');

      const rest = await walk(target, first, page1.pageInfo.endCursor);
      const seen = [...page1.edges.map((e) => e.node.id), ...rest.ids];
      assert.equal(new Set(seen).size, seen.length, `${target.name}: a row came twice`);
      for (const row of original) assert.ok(seen.includes(row.id), `${target.name}: original row ${row.key.join('/')} skipped`);

      const afterCursor = (row: Row) => (direction === 'asc' ? compareRows(row, cursorRow) > 0 : compareRows(row, cursorRow) < 0);
      const now = ordered([...original.filter((r) => !deletedIds.has(r.id)), ...inserted], direction);
      assert.deepEqual(rest.ids, now.filter(afterCursor).map((r) => r.id), `${target.name}: rows after the cursor`);
      assert.ok(inserted.some(afterCursor) && inserted.some((r) => !afterCursor(r)), 'the change must insert on both sides of the cursor');
      for (const row of inserted) assert.equal(seen.includes(row.id), afterCursor(row), `${target.name}: inserted ${row.key.join('/')}`);
    }

    for (const nested of [false, true]) {
      test(`resources by kind, namespace, name${nested ? ' (nested under fabric)' : ''}`, async () => {
        const seed = new Seed(server);
        const fabric = seed.fabric(nested ? 'x-stable-nested' : 'x-stable-res');
        const resources = Array.from({ length: 40 }, (_, i) => seed.resource(fabric, 'VPC', `v-${pad((i + 1) * 10, 3)}`));
        await seed.flush();
        await checkStability({
          target: nested ? nestedResourcesList(() => fabric) : resourcesList(() => fabric),
          direction: 'asc',
          original: resources.map(resourceRow),
          first: 10,
          async change(cursorRow) {
            assert.deepEqual(cursorRow.key, ['VPC', 'default', 'v-100']);
            const more = new Seed(server);
            const f = more.ref(HedgehogFabric, fabric.id);
            const inserted = [
              more.resource(f, 'Connection', 'c-1'), // kind sorts first
              more.resource(f, 'VPC', 'v-095'), // just before the cursor
              more.resource(f, 'VPC', 'v-001'), // the very start
              more.resource(f, 'VPC', 'v-105'), // just after
              more.resource(f, 'VPC', 'v-001', { namespace: 'prod' }), // namespace sorts after
              more.resource(f, 'VPCAttachment', 'a-1'), // kind sorts last
              more.resource(f, 'VPC', 'v-999'),
            ];
            await more.flush();
            // Delete the cursor row itself and another row already seen: the cursor still works.
            const deleted = [resources[9], resources[4]];
            await more.em.nativeDelete(HedgehogResource, { id: { $in: deleted.map((r) => r.id) } });
            return { inserted: inserted.map(resourceRow), deleted: deleted.map(resourceRow) };
          },
        });
      });

      test(`sync operations newest first${nested ? ' (nested under fabric)' : ''}`, async () => {
        const seed = new Seed(server);
        const fabric = seed.fabric(nested ? 'x-stable-ops-nested' : 'x-stable-ops');
        const start = new Date('2025-05-01T00:00:00.000Z');
        // Pairs share a timestamp, so the id decides within a pair.
        const rows = Array.from({ length: 30 }, (_, i) =>
          seed.add(SyncOperation, { fabric, operationType: SyncOperationType.VALIDATION, created: at(start, Math.floor(i / 2) * 1_000) }),
        );
        await seed.flush();
        await checkStability({
          target: nested ? nestedOperationsList(() => fabric) : operationsList(() => fabric),
          direction: 'desc',
          original: rows.map(operationRow),
          first: 8,
          async change(cursorRow) {
            const more = new Seed(server);
            const f = more.ref(HedgehogFabric, fabric.id);
            const cursorTime = new Date(Number(cursorRow.key[0]));
            const op = (created: Date, id?: string) => more.add(SyncOperation, { ...(id ? { id } : {}), fabric: f, operationType: SyncOperationType.INGESTION, created });
            const inserted = [
              op(at(start, 100_000)), // newer: before the cursor
              op(at(start, -5_000)), // older than all: after
              op(at(cursorTime, 1)), // one millisecond newer: before
              op(at(cursorTime, -1)), // one millisecond older: after
              op(cursorTime, highId()), // same time, larger id: before (desc)
              op(cursorTime, lowId()), // same time, smaller id: after
            ];
            await more.flush();
            const deleted = [rows.find((r) => r.id === cursorRow.uuid)!];
            await more.em.nativeDelete(SyncOperation, { id: deleted[0].id });
            return { inserted: inserted.map(operationRow), deleted: deleted.map(operationRow) };
          },
        });
      });
    }

    test('conflicts newest first', async () => {
      const seed = new Seed(server);
      const fabric = seed.fabric('x-stable-conflicts');
      const resource = seed.resource(fabric, 'VPC', 'vpc-1');
      const start = new Date('2025-05-01T00:00:00.000Z');
      const conflict = (detectedAt: Date, s: Seed = seed, id?: string) =>
        s.add(ResourceConflict, { ...(id ? { id } : {}), resource: s === seed ? resource : s.ref(HedgehogResource, resource.id), fabric: s === seed ? fabric : s.ref(HedgehogFabric, fabric.id), conflictType: ConflictType.VALIDATION, detectedAt });
      const rows = Array.from({ length: 20 }, (_, i) => conflict(at(start, Math.floor(i / 2) * 1_000)));
      await seed.flush();
      await checkStability({
        target: conflictsList(() => fabric),
        direction: 'desc',
        original: rows.map(conflictRow),
        first: 5,
        async change(cursorRow) {
          const more = new Seed(server);
          const cursorTime = new Date(Number(cursorRow.key[0]));
          const inserted = [
            conflict(at(start, 60_000), more),
            conflict(at(start, -60_000), more),
            conflict(cursorTime, more, highId()),
            conflict(cursorTime, more, lowId()),
          ];
          await more.flush();
          return { inserted: inserted.map(conflictRow), deleted: [] };
        },
      });
    });

    test('fabrics by name', async () => {
      const seed = new Seed(server);
      const original = Array.from({ length: 25 }, (_, i) => seed.fabric(`stab-${pad((i + 1) * 10, 3)}`));
      await seed.flush();
      const created: string[] = original.map((f) => f.id);
      try {
        await checkStability({
          target: list(
            'fabrics(stab-)',
            (page) => server.request(ReadFabricsDocument, { ...page, filter: { nameContains: 'stab-' } }),
            (d) => d.fabrics,
            () => [],
          ),
          direction: 'asc',
          original: original.map(fabricRow),
          first: 6,
          async change() {
            const more = new Seed(server);
            const inserted = ['stab-005', 'stab-055', 'stab-065', 'stab-999'].map((name) => more.fabric(name));
            await more.flush();
            created.push(...inserted.map((f) => f.id));
            return { inserted: inserted.map(fabricRow), deleted: [] };
          },
        });
      } finally {
        await new Seed(server).em.nativeDelete(HedgehogFabric, { id: { $in: created } });
      }
    });
  });
});
