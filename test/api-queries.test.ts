import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  ConflictResolutionStrategy,
  ConflictStatus,
  ConflictType,
  FabricStatus,
  GitProvider,
  ResourceState,
  Role,
  SyncOperationStatus,
  SyncOperationType,
  PushMode,
} from '../src/entities/enums';
import {
  GitRepository,
  HedgehogFabric,
  HedgehogResource,
  ResourceConflict,
  StateTransition,
  SyncOperation,
  User,
  type ApiToken,
} from '../src/entities';
import { encodeGlobalId } from '../src/graphql/global-id';
import {
  ReadConflictsDocument,
  ReadFabricDocument,
  ReadFabricsDocument,
  ReadGitRepositoriesDocument,
  ReadGitRepositoryDocument,
  ReadNodeDocument,
  ReadResourceDocument,
  ReadResourcesDocument,
  ReadSupportedKindsDocument,
  ReadSyncOperationDocument,
  ReadSyncOperationsDocument,
  ReadViewerDocument,
  type ReadNodeQuery,
} from './generated/operations';
import { assertErrorCode, at, READ_ONLY_SERVER, Seed } from './support/read-seed';
import { startTestServer, type TestServer } from './support/test-server';

// The 14 Hedgehog kinds in apply order, written out independently of src/hedgehog/kinds.ts.
const EXPECTED_KINDS: Array<[kind: string, apiVersion: string, plural: string]> = [
  ['SwitchProfile', 'wiring.githedgehog.com/v1beta1', 'switchprofiles'],
  ['VLANNamespace', 'wiring.githedgehog.com/v1beta1', 'vlannamespaces'],
  ['SwitchGroup', 'wiring.githedgehog.com/v1beta1', 'switchgroups'],
  ['Switch', 'wiring.githedgehog.com/v1beta1', 'switches'],
  ['Server', 'wiring.githedgehog.com/v1beta1', 'servers'],
  ['Connection', 'wiring.githedgehog.com/v1beta1', 'connections'],
  ['ServerProfile', 'wiring.githedgehog.com/v1beta1', 'serverprofiles'],
  ['IPv4Namespace', 'vpc.githedgehog.com/v1beta1', 'ipv4namespaces'],
  ['VPC', 'vpc.githedgehog.com/v1beta1', 'vpcs'],
  ['VPCAttachment', 'vpc.githedgehog.com/v1beta1', 'vpcattachments'],
  ['VPCPeering', 'vpc.githedgehog.com/v1beta1', 'vpcpeerings'],
  ['External', 'vpc.githedgehog.com/v1beta1', 'externals'],
  ['ExternalAttachment', 'vpc.githedgehog.com/v1beta1', 'externalattachments'],
  ['ExternalPeering', 'vpc.githedgehog.com/v1beta1', 'externalpeerings'],
];

type NodeResult = NonNullable<ReadNodeQuery['node']>;

describe('read queries', () => {
  let server: TestServer;
  const base = new Date('2025-03-01T12:00:00.000Z');
  let admin: User;
  let alice: { user: User; token: string; apiToken: ApiToken };
  let victor: { user: User; token: string; apiToken: ApiToken };
  let repoA: GitRepository;
  let repoB: GitRepository;
  let alpha: HedgehogFabric;
  let beta: HedgehogFabric;
  let vpc1: HedgehogResource;
  let leaf1: HedgehogResource;
  let conn1: HedgehogResource;
  let vpcX: HedgehogResource;
  let transitions: StateTransition[];
  let op1: SyncOperation;
  let op2: SyncOperation;
  let op3: SyncOperation;
  let c1: ResourceConflict;
  let c2: ResourceConflict;
  let c3: ResourceConflict;

  before(async () => {
    server = await startTestServer(READ_ONLY_SERVER);
    const seed = new Seed(server);
    admin = await seed.em.findOneOrFail(User, { username: 'admin' });
    alice = seed.user('alice', Role.OPERATOR);
    victor = seed.user('victor', Role.VIEWER);
    repoA = seed.add(GitRepository, { name: 'repo-a', url: 'https://example.com/org/a.git', provider: GitProvider.GITHUB, createdBy: admin, description: 'the A repo' });
    repoB = seed.add(GitRepository, { name: 'repo-b', url: 'https://example.com/org/b.git', pushBranch: 'hnp-sync', directPushEnabled: false });
    alpha = seed.fabric('alpha', { status: FabricStatus.ACTIVE, gitRepository: repoA, gitopsDirectory: 'fabrics/alpha', description: 'first fabric' });
    beta = seed.fabric('beta');
    vpc1 = seed.resource(alpha, 'VPC', 'vpc-1', {
      spec: { subnets: { default: { subnet: '10.0.1.0/24', vlan: 1001 } } },
      labels: { team: 'net' },
      annotations: { note: 'seeded' },
      resourceState: ResourceState.SYNCED,
      conflictStatus: ConflictStatus.DETECTED,
      createdBy: alice.user,
      lastModifiedBy: admin,
      managedFilePath: 'fabrics/alpha/managed/vpcs/vpc-1.yaml',
    });
    leaf1 = seed.resource(alpha, 'Switch', 'leaf-1', { spec: { role: 'server-leaf', profile: 'vs' } });
    conn1 = seed.resource(alpha, 'Connection', 'server-1--unbundled--leaf-1', { spec: { unbundled: { link: { server: { port: 'server-1/enp2s1' }, switch: { port: 'leaf-1/E1/1' } } } } });
    vpcX = seed.resource(beta, 'VPC', 'vpc-x');
    transitions = [
      seed.add(StateTransition, { resource: vpc1, fromState: null, toState: ResourceState.DRAFT, trigger: 'create', user: alice.user, timestamp: at(base, 1_000) }),
      seed.add(StateTransition, { resource: vpc1, fromState: ResourceState.DRAFT, toState: ResourceState.PENDING, trigger: 'open_pull_request', reason: 'pushed', timestamp: at(base, 2_000) }),
      seed.add(StateTransition, { resource: vpc1, fromState: ResourceState.PENDING, toState: ResourceState.SYNCED, trigger: 'pull_request_merged', context: { commit: 'abc123' }, user: admin, timestamp: at(base, 3_000) }),
    ];
    op1 = seed.add(SyncOperation, {
      fabric: alpha,
      operationType: SyncOperationType.GUI_TO_GITHUB,
      status: SyncOperationStatus.COMPLETED,
      initiatedBy: alice.user,
      created: at(base, 1_000),
      startedAt: at(base, 1_100),
      completedAt: at(base, 1_900),
      details: { files: ['a.yaml'] },
      filesProcessed: 4,
      filesCreated: 1,
      filesUpdated: 2,
      filesDeleted: 1,
      commitSha: 'a'.repeat(40),
      stage: 'done',
      progress: 1,
      pushMode: PushMode.DIRECT_PUSH,
    });
    op2 = seed.add(SyncOperation, { fabric: alpha, operationType: SyncOperationType.INGESTION, status: SyncOperationStatus.FAILED, errorMessage: 'bad yaml', created: at(base, 2_000) });
    op3 = seed.add(SyncOperation, { fabric: beta, operationType: SyncOperationType.DIRECTORY_INIT, status: SyncOperationStatus.PENDING, created: at(base, 3_000), dryRun: true });
    c1 = seed.add(ResourceConflict, {
      resource: vpc1,
      fabric: alpha,
      conflictType: ConflictType.CONCURRENT_MODIFICATION,
      status: ConflictStatus.DETECTED,
      fieldPaths: ['spec.subnets.default.vlan'],
      base: { spec: { vlan: 1000 } },
      ours: { spec: { vlan: 1001 } },
      theirs: { spec: { vlan: 1002 } },
      gitCommit: 'b'.repeat(40),
      operation: op1,
      detectedAt: at(base, 20_000),
    });
    c2 = seed.add(ResourceConflict, {
      resource: vpc1,
      fabric: alpha,
      conflictType: ConflictType.DELETE_MODIFY,
      status: ConflictStatus.RESOLVED,
      detectedAt: at(base, 10_000),
      resolvedAt: at(base, 15_000),
      resolutionStrategy: ConflictResolutionStrategy.GUI_WINS,
      resolvedBy: alice.user,
    });
    c3 = seed.add(ResourceConflict, { resource: leaf1, fabric: alpha, conflictType: ConflictType.VALIDATION, status: ConflictStatus.RESOLVING, detectedAt: at(base, 30_000) });
    await seed.flush();
  });
  after(() => server?.stop());

  test('viewer is the caller: the bootstrap admin, or the user of the token sent', async () => {
    const asAdmin = await server.query(ReadViewerDocument);
    assert.equal(asAdmin.viewer?.username, 'admin');
    assert.equal(asAdmin.viewer?.role, 'ADMIN');
    assert.equal(asAdmin.viewer?.id, admin.globalId);

    const asAlice = await server.query(ReadViewerDocument, {}, alice.token);
    assert.equal(asAlice.viewer?.username, 'alice');
    assert.equal(asAlice.viewer?.role, 'OPERATOR');
    assert.deepEqual(asAlice.viewer?.apiTokens.map((t) => t.id), [alice.apiToken.globalId]);
    assert.equal(asAlice.viewer?.apiTokens[0].prefix, alice.token.slice(0, alice.apiToken.prefix.length));

    const asVictor = await server.query(ReadViewerDocument, {}, victor.token);
    assert.equal(asVictor.viewer?.username, 'victor');
    assert.equal(asVictor.viewer?.role, 'VIEWER');
  });

  test('supportedKinds lists the 14 kinds in apply order with apiVersion and plural', async () => {
    const { supportedKinds } = await server.query(ReadSupportedKindsDocument);
    assert.equal(supportedKinds.length, 14);
    assert.deepEqual(
      supportedKinds.map((k) => [k.kind, k.apiVersion, k.plural]),
      EXPECTED_KINDS,
    );
    assert.deepEqual(
      supportedKinds.map((k) => k.applyOrder),
      EXPECTED_KINDS.map((_, index) => index),
    );
    // Dependencies come first in the apply order.
    const order = new Map(supportedKinds.map((k) => [k.kind, k.applyOrder]));
    const appliedBefore = (a: string, b: string) => assert.ok(order.get(a)! < order.get(b)!, `${a} must be applied before ${b}`);
    appliedBefore('SwitchProfile', 'Switch');
    appliedBefore('Switch', 'Connection');
    appliedBefore('Server', 'Connection');
    appliedBefore('IPv4Namespace', 'VPC');
    appliedBefore('VPC', 'VPCAttachment');
    appliedBefore('Connection', 'VPCAttachment');
    appliedBefore('VPC', 'VPCPeering');
    appliedBefore('External', 'ExternalAttachment');
    appliedBefore('External', 'ExternalPeering');
  });

  test('gitRepositories and gitRepository', async () => {
    const { gitRepositories } = await server.query(ReadGitRepositoriesDocument, {});
    assert.equal(gitRepositories.totalCount, 2);
    assert.deepEqual(gitRepositories.edges.map((e) => e.node.name), ['repo-a', 'repo-b']);
    assert.deepEqual(gitRepositories.edges.map((e) => e.node.id), [repoA.globalId, repoB.globalId]);
    assert.equal(gitRepositories.pageInfo.hasNextPage, false);

    const a = (await server.query(ReadGitRepositoryDocument, { id: repoA.globalId })).gitRepository;
    assert.ok(a);
    assert.equal(a.name, 'repo-a');
    assert.equal(a.url, 'https://example.com/org/a.git');
    assert.equal(a.provider, 'GITHUB');
    assert.equal(a.authenticationType, 'NONE');
    assert.equal(a.hasCredentials, false);
    assert.equal(a.connectionStatus, 'PENDING');
    assert.equal(a.description, 'the A repo');
    assert.equal(a.defaultBranch, 'main');
    assert.equal(a.directPushEnabled, true);
    assert.equal(a.pushBranch, '');
    assert.equal(a.effectivePushBranch, 'main');
    assert.equal(a.commitAuthorName, 'HNP Bidirectional Sync');
    assert.equal(a.commitAuthorEmail, 'hnp-sync@hedgehog.gitops');
    assert.deepEqual(a.createdBy, { id: admin.globalId, username: 'admin' });
    assert.deepEqual(a.customFieldData, {});
    assert.deepEqual(a.tags, []);

    const b = (await server.query(ReadGitRepositoryDocument, { id: repoB.globalId })).gitRepository;
    assert.equal(b?.effectivePushBranch, 'hnp-sync');
    assert.equal(b?.directPushEnabled, false);
    assert.equal(b?.createdBy, null);

    assert.equal((await server.query(ReadGitRepositoryDocument, { id: encodeGlobalId('GitRepository', randomUUID()) })).gitRepository, null);
    assert.equal((await server.query(ReadGitRepositoryDocument, { id: alpha.globalId })).gitRepository, null, 'a fabric id is not a repository id');
  });

  test('fabrics and fabric with every nested field', async () => {
    const { fabrics } = await server.query(ReadFabricsDocument, {});
    assert.equal(fabrics.totalCount, 2);
    assert.deepEqual(fabrics.edges.map((e) => [e.node.id, e.node.name, e.node.status]), [
      [alpha.globalId, 'alpha', 'ACTIVE'],
      [beta.globalId, 'beta', 'PLANNED'],
    ]);

    const fabric = (await server.query(ReadFabricDocument, { id: alpha.globalId })).fabric;
    assert.ok(fabric);
    assert.equal(fabric.name, 'alpha');
    assert.equal(fabric.description, 'first fabric');
    assert.equal(fabric.gitopsDirectory, 'fabrics/alpha');
    assert.equal(fabric.syncStatus, 'NEVER_SYNCED');
    assert.equal(fabric.gitopsDirectoryStatus, 'NOT_INITIALIZED');
    assert.equal(fabric.archiveStrategy, 'RENAME_WITH_EXTENSION');
    assert.equal(fabric.syncInterval, 300);
    assert.deepEqual(fabric.gitRepository, { id: repoA.globalId, name: 'repo-a' });
    // Resources by kind, namespace, name.
    assert.equal(fabric.resources.totalCount, 3);
    assert.deepEqual(fabric.resources.edges.map((e) => [e.node.kind, e.node.name]), [
      ['Connection', 'server-1--unbundled--leaf-1'],
      ['Switch', 'leaf-1'],
      ['VPC', 'vpc-1'],
    ]);
    assert.deepEqual(fabric.resources.edges.map((e) => e.node.id), [conn1.globalId, leaf1.globalId, vpc1.globalId]);
    // Operations newest first, only this fabric's.
    assert.equal(fabric.syncOperations.totalCount, 2);
    assert.deepEqual(fabric.syncOperations.edges.map((e) => e.node.id), [op2.globalId, op1.globalId]);
    assert.deepEqual(
      [...fabric.resourceCounts].sort((x, y) => x.kind.localeCompare(y.kind)),
      [
        { kind: 'Connection', count: 1 },
        { kind: 'Switch', count: 1 },
        { kind: 'VPC', count: 1 },
      ],
    );
    assert.equal(fabric.conflictCount, 2, 'detected + resolving; the resolved one does not count');

    const filtered = (
      await server.query(ReadFabricDocument, {
        id: alpha.globalId,
        resourcesFirst: 1,
        resourceFilter: { kind: ['VPC', 'Switch'] },
        operationsFirst: 1,
        operationFilter: { status: ['COMPLETED'] },
      })
    ).fabric;
    assert.ok(filtered);
    assert.equal(filtered.resources.totalCount, 2);
    assert.deepEqual(filtered.resources.edges.map((e) => e.node.name), ['leaf-1']);
    assert.equal(filtered.resources.pageInfo.hasNextPage, true);
    assert.equal(filtered.syncOperations.totalCount, 1);
    assert.deepEqual(filtered.syncOperations.edges.map((e) => e.node.id), [op1.globalId]);

    const other = (await server.query(ReadFabricDocument, { id: beta.globalId })).fabric;
    assert.ok(other);
    assert.equal(other.gitRepository, null);
    assert.equal(other.status, 'PLANNED');
    assert.deepEqual(other.resourceCounts, [{ kind: 'VPC', count: 1 }]);
    assert.equal(other.conflictCount, 0);
    assert.deepEqual(other.resources.edges.map((e) => e.node.id), [vpcX.globalId]);
    assert.deepEqual(other.syncOperations.edges.map((e) => e.node.id), [op3.globalId]);

    assert.equal((await server.query(ReadFabricDocument, { id: encodeGlobalId('HedgehogFabric', randomUUID()) })).fabric, null);
    assert.equal((await server.query(ReadFabricDocument, { id: vpc1.globalId })).fabric, null, 'a resource id is not a fabric id');
  });

  test('resources of a fabric, and resource with manifest, yaml, conflicts and stateHistory', async () => {
    const { resources } = await server.query(ReadResourcesDocument, { fabricId: alpha.globalId });
    assert.equal(resources.totalCount, 3);
    assert.deepEqual(resources.edges.map((e) => e.node.id), [conn1.globalId, leaf1.globalId, vpc1.globalId]);
    assert.deepEqual(resources.edges[2].node, {
      id: vpc1.globalId,
      kind: 'VPC',
      namespace: 'default',
      name: 'vpc-1',
      resourceState: 'SYNCED',
      conflictStatus: 'DETECTED',
    });
    assert.deepEqual((await server.query(ReadResourcesDocument, { fabricId: beta.globalId })).resources.edges.map((e) => e.node.id), [vpcX.globalId]);

    const resource = (await server.query(ReadResourceDocument, { id: vpc1.globalId })).resource;
    assert.ok(resource);
    assert.equal(resource.apiVersion, 'vpc.githedgehog.com/v1beta1');
    assert.equal(resource.kind, 'VPC');
    assert.equal(resource.name, 'vpc-1');
    assert.equal(resource.version, 1);
    assert.deepEqual(resource.spec, { subnets: { default: { subnet: '10.0.1.0/24', vlan: 1001 } } });
    assert.deepEqual(resource.labels, { team: 'net' });
    assert.deepEqual(resource.annotations, { note: 'seeded' });
    assert.equal(resource.syncDirection, 'BIDIRECTIONAL');
    assert.equal(resource.managedFilePath, 'fabrics/alpha/managed/vpcs/vpc-1.yaml');
    assert.deepEqual(resource.externalModifications, []);
    assert.equal(resource.baseManifest, null);
    assert.deepEqual(resource.fabric, { id: alpha.globalId, name: 'alpha' });
    assert.deepEqual(resource.createdBy, { id: alice.user.globalId });
    assert.deepEqual(resource.lastModifiedBy, { id: admin.globalId });

    // The manifest is the canonical Kubernetes object (defaults may be filled in); the stored values are in it.
    const manifest = resource.manifest as {
      apiVersion: string;
      kind: string;
      metadata: Record<string, unknown>;
      spec: { subnets: { default: { subnet: string; vlan: number } } };
    };
    assert.equal(manifest.apiVersion, 'vpc.githedgehog.com/v1beta1');
    assert.equal(manifest.kind, 'VPC');
    assert.equal(manifest.metadata.name, 'vpc-1');
    assert.deepEqual(manifest.metadata.labels, { team: 'net' });
    assert.equal(manifest.spec.subnets.default.subnet, '10.0.1.0/24');
    assert.equal(manifest.spec.subnets.default.vlan, 1001);
    assert.match(resource.yaml, /^apiVersion: vpc\.githedgehog\.com\/v1beta1$/m);
    assert.match(resource.yaml, /^kind: VPC$/m);
    assert.match(resource.yaml, /^ {2}name: vpc-1$/m);
    assert.match(resource.yaml, /subnet: 10\.0\.1\.0\/24/);

    // Conflicts of the resource, newest first (c1 detected after c2).
    assert.deepEqual(resource.conflicts.map((c) => [c.id, c.status]), [
      [c1.globalId, 'DETECTED'],
      [c2.globalId, 'RESOLVED'],
    ]);
    // State history, newest first, with the users.
    assert.deepEqual(resource.stateHistory.map((t) => t.id), [transitions[2].globalId, transitions[1].globalId, transitions[0].globalId]);
    assert.deepEqual(resource.stateHistory.map((t) => [t.fromState, t.toState, t.trigger]), [
      ['PENDING', 'SYNCED', 'pull_request_merged'],
      ['DRAFT', 'PENDING', 'open_pull_request'],
      [null, 'DRAFT', 'create'],
    ]);
    assert.deepEqual(resource.stateHistory.map((t) => t.user?.username ?? null), ['admin', null, 'alice']);
    assert.deepEqual(resource.stateHistory[0].context, { commit: 'abc123' });
    assert.equal(resource.stateHistory[1].reason, 'pushed');
    assert.ok(resource.stateHistory.every((t) => t.resource.id === vpc1.globalId));
    assert.equal(resource.stateHistory[0].timestamp, at(base, 3_000).toISOString());

    const lastTwo = (await server.query(ReadResourceDocument, { id: vpc1.globalId, historyLast: 2 })).resource;
    assert.deepEqual(lastTwo?.stateHistory.map((t) => t.id), [transitions[2].globalId, transitions[1].globalId]);
    assertErrorCode(await server.request(ReadResourceDocument, { id: vpc1.globalId, historyLast: 501 }), 'BAD_USER_INPUT');

    const plain = (await server.query(ReadResourceDocument, { id: vpcX.globalId })).resource;
    assert.deepEqual(plain?.conflicts, []);
    assert.deepEqual(plain?.stateHistory, []);
    assert.equal(plain?.createdBy, null);

    assert.equal((await server.query(ReadResourceDocument, { id: encodeGlobalId('HedgehogResource', randomUUID()) })).resource, null);
    assert.equal((await server.query(ReadResourceDocument, { id: alpha.globalId })).resource, null, 'a fabric id is not a resource id');
  });

  test('resources(fabricId:) rejects an unknown or wrongly typed fabric id', async () => {
    assertErrorCode(await server.request(ReadResourcesDocument, { fabricId: encodeGlobalId('HedgehogFabric', randomUUID()) }), 'BAD_USER_INPUT', /HedgehogFabric/);
    assertErrorCode(await server.request(ReadResourcesDocument, { fabricId: vpc1.globalId }), 'BAD_USER_INPUT');
    assertErrorCode(await server.request(ReadResourcesDocument, { fabricId: 'not-an-id' }), 'BAD_USER_INPUT');
    assertErrorCode(await server.request(ReadConflictsDocument, { fabricId: repoA.globalId }), 'BAD_USER_INPUT');
    assertErrorCode(await server.request(ReadSyncOperationsDocument, { fabricId: op1.globalId }), 'BAD_USER_INPUT');
  });

  test('syncOperations with and without fabricId, and syncOperation', async () => {
    const all = (await server.query(ReadSyncOperationsDocument, {})).syncOperations;
    assert.equal(all.totalCount, 3);
    assert.deepEqual(all.edges.map((e) => e.node.id), [op3.globalId, op2.globalId, op1.globalId]);
    assert.deepEqual(all.edges.map((e) => e.node.fabric.id), [beta.globalId, alpha.globalId, alpha.globalId]);

    const ofAlpha = (await server.query(ReadSyncOperationsDocument, { fabricId: alpha.globalId })).syncOperations;
    assert.equal(ofAlpha.totalCount, 2);
    assert.deepEqual(ofAlpha.edges.map((e) => e.node.id), [op2.globalId, op1.globalId]);
    assert.deepEqual(ofAlpha.edges.map((e) => [e.node.operationType, e.node.status]), [
      ['INGESTION', 'FAILED'],
      ['GUI_TO_GITHUB', 'COMPLETED'],
    ]);

    const operation = (await server.query(ReadSyncOperationDocument, { id: op1.globalId })).syncOperation;
    assert.ok(operation);
    assert.deepEqual(operation.fabric, { id: alpha.globalId, name: 'alpha' });
    assert.deepEqual(operation.initiatedBy, { id: alice.user.globalId, username: 'alice' });
    assert.equal(operation.created, at(base, 1_000).toISOString());
    assert.equal(operation.startedAt, at(base, 1_100).toISOString());
    assert.equal(operation.completedAt, at(base, 1_900).toISOString());
    assert.deepEqual(operation.details, { files: ['a.yaml'] });
    assert.deepEqual([operation.filesProcessed, operation.filesCreated, operation.filesUpdated, operation.filesDeleted], [4, 1, 2, 1]);
    assert.equal(operation.commitSha, 'a'.repeat(40));
    assert.equal(operation.stage, 'done');
    assert.equal(operation.progress, 1);
    assert.equal(operation.pushMode, 'DIRECT_PUSH');
    assert.equal(operation.attempt, 1);
    assert.equal(operation.dryRun, false);

    const failed = (await server.query(ReadSyncOperationDocument, { id: op2.globalId })).syncOperation;
    assert.equal(failed?.initiatedBy, null);
    assert.equal(failed?.errorMessage, 'bad yaml');
    assert.equal(failed?.pushMode, null);
    assert.equal((await server.query(ReadSyncOperationDocument, { id: op3.globalId })).syncOperation?.dryRun, true);

    assert.equal((await server.query(ReadSyncOperationDocument, { id: encodeGlobalId('SyncOperation', randomUUID()) })).syncOperation, null);
    assert.equal((await server.query(ReadSyncOperationDocument, { id: c1.globalId })).syncOperation, null, 'a conflict id is not an operation id');
  });

  test('conflicts of a fabric, newest first, with status filter and nested objects', async () => {
    const all = (await server.query(ReadConflictsDocument, { fabricId: alpha.globalId })).conflicts;
    assert.equal(all.totalCount, 3);
    assert.deepEqual(all.edges.map((e) => e.node.id), [c3.globalId, c1.globalId, c2.globalId]);

    const detected = (await server.query(ReadConflictsDocument, { fabricId: alpha.globalId, status: 'DETECTED' })).conflicts;
    assert.equal(detected.totalCount, 1);
    const conflict = detected.edges[0].node;
    assert.equal(conflict.id, c1.globalId);
    assert.equal(conflict.conflictType, 'CONCURRENT_MODIFICATION');
    assert.deepEqual(conflict.fieldPaths, ['spec.subnets.default.vlan']);
    assert.deepEqual([conflict.base, conflict.ours, conflict.theirs], [{ spec: { vlan: 1000 } }, { spec: { vlan: 1001 } }, { spec: { vlan: 1002 } }]);
    assert.equal(conflict.gitCommit, 'b'.repeat(40));
    assert.equal(conflict.detectedAt, at(base, 20_000).toISOString());
    assert.deepEqual(conflict.resource, { id: vpc1.globalId, name: 'vpc-1' });
    assert.deepEqual(conflict.fabric, { id: alpha.globalId, name: 'alpha' });
    assert.deepEqual(conflict.operation, { id: op1.globalId, operationType: 'GUI_TO_GITHUB' });
    assert.equal(conflict.resolvedBy, null);

    const resolved = (await server.query(ReadConflictsDocument, { fabricId: alpha.globalId, status: 'RESOLVED' })).conflicts;
    assert.deepEqual(resolved.edges.map((e) => e.node.id), [c2.globalId]);
    assert.deepEqual(resolved.edges[0].node.resolvedBy, { id: alice.user.globalId, username: 'alice' });
    assert.equal(resolved.edges[0].node.resolutionStrategy, 'GUI_WINS');
    assert.equal(resolved.edges[0].node.resolvedAt, at(base, 15_000).toISOString());
    assert.equal(resolved.edges[0].node.operation, null);

    const resolving = (await server.query(ReadConflictsDocument, { fabricId: alpha.globalId, status: 'RESOLVING' })).conflicts;
    assert.deepEqual(resolving.edges.map((e) => e.node.resource.id), [leaf1.globalId]);
    assert.equal((await server.query(ReadConflictsDocument, { fabricId: alpha.globalId, status: 'NONE' })).conflicts.totalCount, 0);
    assert.equal((await server.query(ReadConflictsDocument, { fabricId: beta.globalId })).conflicts.totalCount, 0);
  });

  describe('node(id:)', () => {
    function expectNode(node: ReadNodeQuery['node'], typename: NodeResult['__typename'], id: string): NodeResult {
      assert.ok(node, `node ${typename} ${id} not found`);
      assert.equal(node.__typename, typename);
      assert.equal(node.id, id);
      return node;
    }

    test('returns the right object for every Node type, by the ids the API hands out', async () => {
      // Collect the ids from the API itself (they are what clients pass back).
      const viewer = (await server.query(ReadViewerDocument, {}, alice.token)).viewer;
      const repositoryId = (await server.query(ReadGitRepositoriesDocument, { first: 1 })).gitRepositories.edges[0].node.id;
      const fabricId = (await server.query(ReadFabricsDocument, { first: 1 })).fabrics.edges[0].node.id;
      const resource = (await server.query(ReadResourceDocument, { id: vpc1.globalId })).resource;
      const operationId = (await server.query(ReadSyncOperationsDocument, { fabricId: beta.globalId })).syncOperations.edges[0].node.id;
      const conflictId = (await server.query(ReadConflictsDocument, { fabricId: alpha.globalId, status: 'RESOLVING' })).conflicts.edges[0].node.id;
      assert.ok(viewer && resource);

      const cases: Array<{ id: string; uuid: string; typename: NodeResult['__typename']; check: (node: NodeResult) => void }> = [
        { id: viewer.id, uuid: alice.user.id, typename: 'User', check: (n) => assert.deepEqual(n.__typename === 'User' && [n.username, n.role], ['alice', 'OPERATOR']) },
        { id: viewer.apiTokens[0].id, uuid: alice.apiToken.id, typename: 'ApiToken', check: (n) => assert.equal(n.__typename === 'ApiToken' && n.name, 'alice-token') },
        { id: repositoryId, uuid: repoA.id, typename: 'GitRepository', check: (n) => assert.equal(n.__typename === 'GitRepository' && n.url, 'https://example.com/org/a.git') },
        { id: fabricId, uuid: alpha.id, typename: 'HedgehogFabric', check: (n) => assert.deepEqual(n.__typename === 'HedgehogFabric' && [n.name, n.fabricStatus], ['alpha', 'ACTIVE']) },
        { id: resource.id, uuid: vpc1.id, typename: 'HedgehogResource', check: (n) => assert.deepEqual(n.__typename === 'HedgehogResource' && [n.kind, n.name, n.namespace], ['VPC', 'vpc-1', 'default']) },
        { id: conflictId, uuid: c3.id, typename: 'ResourceConflict', check: (n) => assert.deepEqual(n.__typename === 'ResourceConflict' && [n.conflictType, n.conflictStatus], ['VALIDATION', 'RESOLVING']) },
        { id: resource.stateHistory[0].id, uuid: transitions[2].id, typename: 'StateTransition', check: (n) => assert.deepEqual(n.__typename === 'StateTransition' && [n.fromState, n.toState, n.trigger], ['PENDING', 'SYNCED', 'pull_request_merged']) },
        { id: operationId, uuid: op3.id, typename: 'SyncOperation', check: (n) => assert.deepEqual(n.__typename === 'SyncOperation' && [n.operationType, n.operationStatus], ['DIRECTORY_INIT', 'PENDING']) },
      ];
      const ids = new Set<string>();
      for (const { id, uuid, typename, check } of cases) {
        assert.ok(!id.includes(uuid) && !id.includes(uuid.replace(/-/g, '')), `${typename} id ${id} exposes the raw uuid`);
        ids.add(id);
        check(expectNode((await server.query(ReadNodeDocument, { id })).node, typename, id));
      }
      assert.equal(ids.size, cases.length);
    });

    test('is null for an unknown id, a malformed id and an id of the wrong type', async () => {
      const nullCases: Array<[string, string]> = [
        ['unknown fabric', encodeGlobalId('HedgehogFabric', randomUUID())],
        ['unknown user', encodeGlobalId('User', randomUUID())],
        ['fabric uuid under the resource type', encodeGlobalId('HedgehogResource', alpha.id)],
        ['resource uuid under the operation type', encodeGlobalId('SyncOperation', vpc1.id)],
        ['conflict uuid under the transition type', encodeGlobalId('StateTransition', c1.id)],
        ['user uuid under the token type', encodeGlobalId('ApiToken', alice.user.id)],
        ['a type that is not a Node', encodeGlobalId('Query', alpha.id)],
        ['a type that does not exist', encodeGlobalId('Nope', alpha.id)],
        ['the raw uuid', alpha.id],
        ['not base64', '!!!not an id!!!'],
        ['garbage base64', Buffer.from('garbage').toString('base64url')],
        ['no uuid', encodeGlobalId('HedgehogFabric', 'alpha')],
        ['empty', ''],
        ['very long', 'A'.repeat(10_000)],
      ];
      for (const [label, id] of nullCases) {
        const response = await server.request(ReadNodeDocument, { id });
        assert.equal(response.errors, undefined, `${label}: ${JSON.stringify(response.errors)}`);
        assert.equal(response.data?.node, null, label);
      }
    });

    test('works for a viewer, who sees only their own API tokens', async () => {
      expectNode((await server.query(ReadNodeDocument, { id: alpha.globalId }, victor.token)).node, 'HedgehogFabric', alpha.globalId);
      expectNode((await server.query(ReadNodeDocument, { id: victor.apiToken.globalId }, victor.token)).node, 'ApiToken', victor.apiToken.globalId);
      // viewer.apiTokens forbids other users' tokens to non-admins; node(id:) must not be a way around it.
      assert.equal((await server.query(ReadNodeDocument, { id: alice.apiToken.globalId }, victor.token)).node, null);
      expectNode((await server.query(ReadNodeDocument, { id: alice.apiToken.globalId })).node, 'ApiToken', alice.apiToken.globalId);
    });
  });

  test('every read query requires a token', async () => {
    const response = await server.request(ReadFabricsDocument, {}, null);
    assert.equal(response.status, 401);
    assert.equal(response.errors?.[0].extensions?.code, 'UNAUTHENTICATED');
    assert.equal(response.data, undefined);
  });
});
