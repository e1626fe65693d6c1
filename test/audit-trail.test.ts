import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeGlobalId, encodeGlobalId } from '../src/graphql/global-id';
import {
  AuditCreateFabricDocument,
  AuditCreateRepositoryDocument,
  AuditCreateResourceDocument,
  AuditCreateUserDocument,
  AuditDeleteFabricDocument,
  AuditDeleteResourceDocument,
  AuditEventsDocument,
  AuditInitDocument,
  AuditNodeDocument,
  AuditRevokeTokenDocument,
  AuditSyncDocument,
  AuditUpdateFabricDocument,
  AuditUpdateRepositoryDocument,
  AuditUpdateResourceDocument,
  AuditValidateFabricDocument,
  type AuditEventFilter,
  type AuditEventsQuery,
} from './generated/operations';
import { sql } from './support/db-state';
import { BareRepository } from './support/git-fixtures';
import { NAMESPACES, simpleVpcSpec } from './support/hedgehog-specs';
import { waitForOperation } from './support/operations';
import { startTestServer, type TestServer } from './support/test-server';

type AuditEventNode = AuditEventsQuery['auditEvents']['edges'][number]['node'];

describe('audit trail', () => {
  let server: TestServer;
  let workdir: string;
  let remote: BareRepository;
  let operatorToken: string;
  let viewerToken: string;

  before(async () => {
    server = await startTestServer();
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-audit-'));
    remote = await BareRepository.create(workdir);
    await remote.commit({ 'README.md': 'fabric repository\n' });
    const operator = await server.query(AuditCreateUserDocument, { input: { username: 'olivia', role: 'OPERATOR' } });
    operatorToken = operator.createUser.token!;
    const viewer = await server.query(AuditCreateUserDocument, { input: { username: 'victor', role: 'VIEWER' } });
    viewerToken = viewer.createUser.token!;
  });
  after(async () => {
    await server.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  async function events(filter: AuditEventFilter, first = 100): Promise<AuditEventNode[]> {
    const result = await server.query(AuditEventsDocument, { first, filter });
    return result.auditEvents.edges.map((edge) => edge.node);
  }

  test('every change through the API leaves one event with actor, target and details', async () => {
    const repo = await server.query(AuditCreateRepositoryDocument, {
      input: { name: 'audited', url: remote.url, commitAuthorName: 'Bot', commitAuthorEmail: 'bot@example.net', webhookSecret: 'audit-webhook-secret-value' },
    });
    const repositoryId = repo.createGitRepository.gitRepository!.id;
    await server.query(AuditUpdateRepositoryDocument, { id: repositoryId, input: { description: 'now described', webhookSecret: 'audit-rotated-secret-value' } });
    const fabric = await server.query(AuditCreateFabricDocument, { input: { name: 'audit-dc', gitRepositoryId: repositoryId, gitopsDirectory: 'fabrics/audit' } });
    const fabricId = fabric.createFabric.fabric!.id;
    await server.query(AuditUpdateFabricDocument, { id: fabricId, input: { description: 'lab' } });

    for (const ns of NAMESPACES) {
      const created = await server.query(AuditCreateResourceDocument, { input: { fabricId, kind: ns.kind, name: ns.name, spec: ns.spec() } }, operatorToken);
      assert.deepEqual(created.createResource.userErrors, []);
    }
    const vpc = await server.query(AuditCreateResourceDocument, { input: { fabricId, kind: 'VPC', name: 'vpc-audit', spec: simpleVpcSpec(1) } }, operatorToken);
    const vpcId = vpc.createResource.resource!.id;
    const updated = await server.query(AuditUpdateResourceDocument, { id: vpcId, input: { spec: simpleVpcSpec(2) }, expectedVersion: 1 }, operatorToken);
    assert.deepEqual(updated.updateResource.userErrors, []);

    const trail = await events({ fabricId });
    const actions = trail.map((event) => event.action).reverse();
    assert.deepEqual(actions, ['fabric.create', 'fabric.update', 'resource.create', 'resource.create', 'resource.create', 'resource.update']);
    const update = trail[0];
    assert.equal(update.actorName, 'olivia');
    assert.equal(update.actor?.username, 'olivia');
    assert.equal(update.targetType, 'HedgehogResource');
    assert.equal(update.targetId, vpcId);
    assert.equal(update.targetName, 'VPC default/vpc-audit');
    assert.equal(update.fabricId, fabricId);
    assert.deepEqual(update.details, { fromVersion: 1, changed: ['spec'] });

    const repositoryTrail = await events({ targetId: repositoryId });
    assert.deepEqual(repositoryTrail.map((e) => e.action), ['git_repository.update', 'git_repository.create']);
    assert.deepEqual(repositoryTrail[0].details, { changed: ['description', 'webhookSecret'] });
    assert.ok(!JSON.stringify(repositoryTrail).includes('audit-rotated-secret-value') && !JSON.stringify(repositoryTrail).includes('audit-webhook-secret-value'), 'secret values stay out of the trail');

    // A deleted resource keeps its history, reachable by its old ID.
    assert.deepEqual((await server.query(AuditDeleteResourceDocument, { id: vpcId }, operatorToken)).deleteResource.userErrors, []);
    assert.deepEqual((await events({ targetId: vpcId })).map((e) => e.action), ['resource.delete', 'resource.update', 'resource.create']);
  });

  test('sync operations are audited when queued, applied and finished', async () => {
    const repo = await server.query(AuditCreateRepositoryDocument, { input: { name: 'audited-sync', url: remote.url, commitAuthorName: 'Bot', commitAuthorEmail: 'bot@example.net' } });
    const fabric = await server.query(AuditCreateFabricDocument, { input: { name: 'audit-sync', gitRepositoryId: repo.createGitRepository.gitRepository!.id, gitopsDirectory: 'fabrics/sync' } });
    const fabricId = fabric.createFabric.fabric!.id;
    const init = await server.query(AuditInitDocument, { fabricId }, operatorToken);
    assert.equal((await waitForOperation(server, init.initializeGitopsDirectory.syncOperation!.id)).status, 'COMPLETED');
    for (const ns of NAMESPACES) await server.query(AuditCreateResourceDocument, { input: { fabricId, kind: ns.kind, name: ns.name, spec: ns.spec() } }, operatorToken);
    const push = await server.query(AuditSyncDocument, { fabricId, direction: 'GUI_TO_GIT' }, operatorToken);
    const pushId = push.syncFabric.syncOperation!.id;
    const finished = await waitForOperation(server, pushId);
    assert.equal(finished.status, 'COMPLETED');

    const trail = await events({ targetId: pushId });
    assert.deepEqual(trail.map((e) => e.action), ['sync_operation.completed', 'sync_operation.apply', 'sync_operation.queue']);
    const [completed, apply, queued] = trail;
    assert.equal(queued.actorName, 'olivia');
    assert.equal(queued.details.operationType, 'gui_to_github');
    assert.equal(completed.actorName, null, 'the worker finishes operations, not a user');
    assert.equal(completed.details.status, 'completed');
    assert.equal(completed.details.filesCreated, 2);
    assert.equal(apply.details.way, 'push');
    assert.equal(apply.details.writtenToGit, 2);
    assert.equal(typeof apply.details.commit, 'string');
  });

  test('a change that fails writes no event; the event shares the transaction of its change', async () => {
    const fabric = await server.query(AuditCreateFabricDocument, { input: { name: 'audit-failures' } });
    const fabricId = fabric.createFabric.fabric!.id;
    const before = await sql<{ n: number }>(server, 'select count(*)::int as n from audit_event');
    const invalid = await server.query(AuditCreateResourceDocument, { input: { fabricId, kind: 'VPC', name: 'bad', spec: { subnets: { default: { subnet: 'not-a-subnet' } } } } }, operatorToken);
    assert.equal(invalid.createResource.userErrors[0].code, 'VALIDATION');
    const duplicate = await server.query(AuditCreateFabricDocument, { input: { name: 'audit-failures' } });
    assert.equal(duplicate.createFabric.userErrors[0].code, 'ALREADY_EXISTS');
    const forbidden = await server.request(AuditUpdateFabricDocument, { id: fabricId, input: { description: 'x' } }, viewerToken);
    assert.equal(forbidden.errors?.[0].extensions?.code, 'FORBIDDEN');
    const after = await sql<{ n: number }>(server, 'select count(*)::int as n from audit_event');
    assert.equal(after[0].n, before[0].n);

    // An event row exists exactly when its change committed: both carry the same transaction id.
    const ns = NAMESPACES[0];
    const created = await server.query(AuditCreateResourceDocument, { input: { fabricId, kind: ns.kind, name: ns.name, spec: ns.spec() } }, operatorToken);
    const [row] = await sql<{ same: boolean }>(
      server,
      `select a.xmin = r.xmin as same from audit_event a join hedgehog_resource r on r.id = a.target_id where a.action = 'resource.create' and r.id = ?`,
      [decodeGlobalId(created.createResource.resource!.id)!.id],
    );
    assert.equal(row.same, true, 'the audit event and the resource were written by the same transaction');
  });

  test('deleting a fabric, creating users and revoking tokens are audited', async () => {
    const fabric = await server.query(AuditCreateFabricDocument, { input: { name: 'audit-gone' } });
    const fabricId = fabric.createFabric.fabric!.id;
    assert.deepEqual((await server.query(AuditDeleteFabricDocument, { id: fabricId })).deleteFabric.userErrors, []);
    const [deleted] = await events({ fabricId, action: ['fabric.delete'] });
    assert.equal(deleted.targetName, 'audit-gone');
    assert.equal(deleted.details.resourcesDeleted, 0);

    const created = await server.query(AuditCreateUserDocument, { input: { username: 'temp-user', role: 'VIEWER' } });
    const tokenId = created.createUser.user!.apiTokens[0].id;
    assert.deepEqual((await server.query(AuditRevokeTokenDocument, { id: tokenId })).revokeApiToken.userErrors, []);
    const [revoked] = await events({ action: ['api_token.revoke'], targetId: tokenId });
    assert.equal(revoked.actorName, 'admin');
    const [userCreated] = await events({ action: ['user.create'], targetId: created.createUser.user!.id });
    assert.equal(userCreated.details.role, 'viewer');
    assert.ok(!JSON.stringify(userCreated).includes(created.createUser.token!), 'issued tokens stay out of the trail');
  });

  test('filters by actor and time, pages newest first', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const fabric = await server.query(AuditCreateFabricDocument, { input: { name: 'audit-paging' } });
    const fabricId = fabric.createFabric.fabric!.id;
    const queued: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await server.query(AuditValidateFabricDocument, { fabricId }, operatorToken);
      queued.push(result.validateFabric.syncOperation!.id);
      await waitForOperation(server, queued[i]);
    }
    const byOperator = await events({ fabricId, actorId: (await userId(server, 'olivia')), action: ['sync_operation.queue'], since });
    assert.deepEqual(byOperator.map((e) => e.targetId), [...queued].reverse());
    const page1 = await server.query(AuditEventsDocument, { first: 2, filter: { fabricId } });
    const page2 = await server.query(AuditEventsDocument, { first: 100, after: page1.auditEvents.pageInfo.endCursor, filter: { fabricId } });
    assert.equal(page1.auditEvents.totalCount, page1.auditEvents.edges.length + page2.auditEvents.edges.length);
    const all = [...page1.auditEvents.edges, ...page2.auditEvents.edges].map((e) => e.node.at);
    assert.deepEqual(all, [...all].sort().reverse());
    assert.deepEqual(await events({ fabricId, until: since }), []);
  });

  test('only admins read the trail', async () => {
    for (const token of [operatorToken, viewerToken]) {
      const refused = await server.request(AuditEventsDocument, { first: 1 }, token);
      assert.equal(refused.errors?.[0].extensions?.code, 'FORBIDDEN');
    }
    const [latest] = await events({}, 1);
    assert.equal((await server.query(AuditNodeDocument, { id: latest.id }, operatorToken)).node, null);
    assert.equal((await server.query(AuditNodeDocument, { id: latest.id })).node?.__typename, 'AuditEvent');
    const bad = await server.request(AuditEventsDocument, { first: 1, filter: { actorId: latest.id } });
    assert.equal(bad.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
  });
});

async function userId(server: TestServer, username: string): Promise<string> {
  const [row] = await sql<{ id: string }>(server, 'select id from app_user where username = ?', [username]);
  return encodeGlobalId('User', row.id);
}
