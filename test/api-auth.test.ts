import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  AuthConflictsDocument,
  AuthCreateApiTokenDocument,
  AuthCreateFabricDocument,
  AuthCreateGitRepositoryDocument,
  AuthCreateResourceDocument,
  AuthCreateUserDocument,
  AuthDeleteFabricDocument,
  AuthDeleteGitRepositoryDocument,
  AuthDeleteResourceDocument,
  AuthFabricDocument,
  AuthFabricsDocument,
  AuthGitRepositoriesDocument,
  AuthGitRepositoryCreatorTokensDocument,
  AuthGitRepositoryDocument,
  AuthNodeDocument,
  AuthResourceDocument,
  AuthResourcesDocument,
  AuthRevokeApiTokenDocument,
  AuthSupportedKindsDocument,
  AuthSyncOperationDocument,
  AuthSyncOperationsDocument,
  AuthUpdateFabricDocument,
  AuthUpdateGitRepositoryDocument,
  AuthUpdateResourceDocument,
  AuthUsersDocument,
  AuthViewerDocument,
  AuthViewerNameDocument,
} from './generated/operations';
import { assertNoWrites, dbSnapshot, missingId } from './support/db-state';
import type { GraphQLResponse } from './support/graphql-client';
import { NAMESPACES, simpleVpcSpec } from './support/hedgehog-specs';
import { startTestServer, type TestServer } from './support/test-server';

type Role = 'VIEWER' | 'OPERATOR' | 'ADMIN';

/** One API operation with variables, as a role would send it. */
interface Operation {
  name: string;
  send(token: string): Promise<GraphQLResponse<unknown>>;
  /** For queries: checks the data a reader must get. */
  check?(data: unknown): void;
}

describe('authentication and roles', () => {
  let server: TestServer;
  const tokens = {} as Record<Role, string>;
  const userIds = {} as Record<Role, string>;
  let repoId: string;
  let fabricId: string;
  let resourceId: string;
  let seq = 0;

  before(async () => {
    server = await startTestServer();
    tokens.ADMIN = server.adminToken;
    const admin = await server.query(AuthViewerDocument, {});
    userIds.ADMIN = admin.viewer!.id;
    for (const role of ['VIEWER', 'OPERATOR'] as const) {
      const { createUser } = await server.query(AuthCreateUserDocument, { input: { username: `the-${role.toLowerCase()}`, role } });
      assert.deepEqual(createUser.userErrors, []);
      tokens[role] = createUser.token!;
      userIds[role] = createUser.user!.id;
    }
    const repo = await server.query(AuthCreateGitRepositoryDocument, {
      input: { name: 'auth-repo', url: 'https://github.com/example/auth.git', authenticationType: 'TOKEN', credentials: { token: 'ghp_authSECRET' } },
    });
    repoId = repo.createGitRepository.gitRepository!.id;
    const fabric = await server.query(AuthCreateFabricDocument, { input: { name: 'auth-fabric', gitRepositoryId: repoId, gitopsDirectory: 'fabrics/auth' } });
    fabricId = fabric.createFabric.fabric!.id;
    for (const ns of NAMESPACES) {
      const created = await server.query(AuthCreateResourceDocument, { input: { fabricId, kind: ns.kind, name: ns.name, spec: ns.spec() } });
      assert.deepEqual(created.createResource.userErrors, []);
    }
    const vpc = await server.query(AuthCreateResourceDocument, { input: { fabricId, kind: 'VPC', name: 'auth-vpc', spec: simpleVpcSpec(40) } });
    assert.deepEqual(vpc.createResource.userErrors, []);
    resourceId = vpc.createResource.resource!.id;
  });
  after(() => server?.stop());

  function op<T, V>(name: string, document: TypedDocumentNode<T, V>, variables: () => V, check?: (data: T) => void): Operation {
    return { name, send: (token) => server.request(document, variables(), token), check: check as ((data: unknown) => void) | undefined };
  }

  async function rawPost(headers: Record<string, string>): Promise<{ status: number; wwwAuthenticate: string | null; body: GraphQLResponse<unknown> }> {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: print(AuthViewerNameDocument) }),
    });
    return { status: response.status, wwwAuthenticate: response.headers.get('www-authenticate'), body: (await response.json()) as GraphQLResponse<unknown> };
  }

  describe('authentication', () => {
    const refusedHeaders: Array<[string, () => Record<string, string>]> = [
      ['no Authorization header', () => ({})],
      ['an empty Authorization header', () => ({ authorization: '' })],
      ['Basic credentials', () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' })],
      ['"Bearer" without a token', () => ({ authorization: 'Bearer' })],
      ['"Bearer " with only spaces', () => ({ authorization: 'Bearer    ' })],
      ['two tokens', () => ({ authorization: `Bearer ${server.adminToken} ${server.adminToken}` })],
      ['another scheme with a valid token', () => ({ authorization: `Token ${server.adminToken}` })],
      ['a valid token without the Bearer scheme', () => ({ authorization: server.adminToken })],
      ['a wrong token', () => ({ authorization: 'Bearer hnp_thisTokenDoesNotExist0123456789' })],
      ['a truncated valid token', () => ({ authorization: `Bearer ${server.adminToken.slice(0, -1)}` })],
      ['a valid token with a different case', () => ({ authorization: `Bearer ${server.adminToken.toUpperCase()}` })],
    ];
    for (const [what, headers] of refusedHeaders) {
      test(`${what} → HTTP 401 UNAUTHENTICATED with WWW-Authenticate`, async () => {
        const response = await rawPost(headers());
        assert.equal(response.status, 401);
        assert.match(response.wwwAuthenticate ?? '', /^Bearer\b/);
        assert.equal(response.body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
        assert.ok((response.body.errors?.[0]?.message ?? '').length > 0);
        assert.equal(response.body.data, undefined, 'no data for unauthenticated calls');
      });
    }

    test('GET /graphql without a token → 401 too', async () => {
      const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent(print(AuthViewerNameDocument))}`);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer\b/);
    });

    test('the Bearer scheme is case-insensitive and surrounding spaces are tolerated', async () => {
      for (const authorization of [`bearer ${server.adminToken}`, `  Bearer   ${server.adminToken}  `]) {
        const response = await rawPost({ authorization });
        assert.equal(response.status, 200);
        assert.deepEqual(response.body.data, { viewer: { username: 'admin', role: 'ADMIN' } });
      }
    });

    test('a mutation with a wrong token is refused before it runs and writes nothing', async () => {
      const before = await dbSnapshot(server);
      const response = await server.request(AuthCreateFabricDocument, { input: { name: 'never-created' } }, 'hnp_wrong');
      assert.equal(response.status, 401);
      assert.equal(response.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      const anonymous = await server.request(AuthCreateFabricDocument, { input: { name: 'never-created' } }, null);
      assert.equal(anonymous.status, 401);
      await assertNoWrites(server, before, 'unauthenticated mutation');
    });

    test('with HNP_ADMIN_TOKEN configured, no admin-token file is written', async () => {
      await assert.rejects(access(path.join(server.config.dataDir, 'admin-token')), { code: 'ENOENT' });
    });
  });

  // Every query of the API with variables naming real objects.
  function queries(): Operation[] {
    return [
      op('viewer', AuthViewerDocument, () => ({}), (data) => assert.ok(data.viewer?.id)),
      op('node(GitRepository)', AuthNodeDocument, () => ({ id: repoId }), (data) => assert.equal(data.node?.__typename, 'GitRepository')),
      op('node(HedgehogFabric)', AuthNodeDocument, () => ({ id: fabricId }), (data) => assert.equal(data.node?.__typename, 'HedgehogFabric')),
      op('node(HedgehogResource)', AuthNodeDocument, () => ({ id: resourceId }), (data) => assert.equal(data.node?.__typename, 'HedgehogResource')),
      op('node(missing)', AuthNodeDocument, () => ({ id: missingId('HedgehogFabric') }), (data) => assert.equal(data.node, null)),
      op('supportedKinds', AuthSupportedKindsDocument, () => ({}), (data) => assert.equal(data.supportedKinds.length, 14)),
      op('gitRepositories', AuthGitRepositoriesDocument, () => ({}), (data) => {
        assert.ok(data.gitRepositories.totalCount >= 1);
        assert.ok(data.gitRepositories.edges.some((edge) => edge.node.id === repoId && edge.node.hasCredentials));
      }),
      op('gitRepository', AuthGitRepositoryDocument, () => ({ id: repoId }), (data) => assert.equal(data.gitRepository?.name, 'auth-repo')),
      op('fabrics', AuthFabricsDocument, () => ({}), (data) => assert.ok(data.fabrics.edges.some((edge) => edge.node.id === fabricId))),
      op('fabric', AuthFabricDocument, () => ({ id: fabricId }), (data) => {
        assert.equal(data.fabric?.name, 'auth-fabric');
        assert.equal(data.fabric?.gitRepository?.id, repoId);
        assert.ok((data.fabric?.resources.totalCount ?? 0) >= 3);
      }),
      op('resources', AuthResourcesDocument, () => ({ fabricId }), (data) => assert.ok(data.resources.edges.some((edge) => edge.node.id === resourceId))),
      op('resource', AuthResourceDocument, () => ({ id: resourceId }), (data) => {
        assert.equal(data.resource?.name, 'auth-vpc');
        assert.match(data.resource?.yaml ?? '', /kind: VPC/);
        assert.ok((data.resource?.stateHistory.length ?? 0) >= 1);
      }),
      op('syncOperations', AuthSyncOperationsDocument, () => ({}), (data) => assert.equal(typeof data.syncOperations.totalCount, 'number')),
      op('syncOperations(fabricId)', AuthSyncOperationsDocument, () => ({ fabricId }), (data) => assert.equal(typeof data.syncOperations.totalCount, 'number')),
      op('syncOperation', AuthSyncOperationDocument, () => ({ id: missingId('SyncOperation') }), (data) => assert.equal(data.syncOperation, null)),
      op('conflicts', AuthConflictsDocument, () => ({ fabricId }), (data) => assert.equal(data.conflicts.totalCount, 0)),
    ];
  }

  for (const role of ['VIEWER', 'OPERATOR', 'ADMIN'] as const) {
    test(`${role.toLowerCase()} can run every query`, async () => {
      for (const query of queries()) {
        const response = await query.send(tokens[role]);
        assert.equal(response.status, 200, `${query.name}: HTTP ${response.status}`);
        assert.equal(response.errors, undefined, `${query.name}: ${JSON.stringify(response.errors)}`);
        query.check?.(response.data);
      }
    });
  }

  test('node(id) of a user works for every role', async () => {
    for (const role of ['VIEWER', 'OPERATOR', 'ADMIN'] as const) {
      const { node } = await server.query(AuthNodeDocument, { id: userIds[role] }, tokens[role]);
      assert.equal(node?.__typename, 'User');
    }
  });

  /** Every mutation, with valid variables: if authorization were missing, each one would succeed. */
  function mutations(prefix: string, targets: { repoId: string; fabricId: string; resourceId: string; tokenId: string; userId: string }) {
    const n = ++seq;
    return {
      createGitRepository: op('createGitRepository', AuthCreateGitRepositoryDocument, () => ({ input: { name: `${prefix}-repo-${n}`, url: `https://github.com/example/${prefix}-${n}.git` } }), (data) => assert.ok(data.createGitRepository.gitRepository)),
      updateGitRepository: op('updateGitRepository', AuthUpdateGitRepositoryDocument, () => ({ id: targets.repoId, input: { description: `by ${prefix}` } }), (data) => assert.equal(data.updateGitRepository.gitRepository?.description, `by ${prefix}`)),
      createFabric: op('createFabric', AuthCreateFabricDocument, () => ({ input: { name: `${prefix}-fabric-${n}` } }), (data) => assert.ok(data.createFabric.fabric)),
      updateFabric: op('updateFabric', AuthUpdateFabricDocument, () => ({ id: targets.fabricId, input: { description: `by ${prefix}` } }), (data) => assert.equal(data.updateFabric.fabric?.description, `by ${prefix}`)),
      createResource: op('createResource', AuthCreateResourceDocument, () => ({ input: { fabricId, kind: 'VPC', name: `${prefix}-${n}`.slice(0, 11), spec: simpleVpcSpec(41 + n) } }), (data) => assert.equal(data.createResource.resource?.version, 1)),
      updateResource: op('updateResource', AuthUpdateResourceDocument, () => ({ id: targets.resourceId, input: { labels: { by: prefix } } }), (data) => assert.deepEqual(data.updateResource.resource?.labels, { by: prefix })),
      deleteResource: op('deleteResource', AuthDeleteResourceDocument, () => ({ id: targets.resourceId }), (data) => assert.equal(data.deleteResource.deletedId, targets.resourceId)),
      deleteFabric: op('deleteFabric', AuthDeleteFabricDocument, () => ({ id: targets.fabricId }), (data) => assert.equal(data.deleteFabric.deletedId, targets.fabricId)),
      deleteGitRepository: op('deleteGitRepository', AuthDeleteGitRepositoryDocument, () => ({ id: targets.repoId }), (data) => assert.equal(data.deleteGitRepository.deletedId, targets.repoId)),
      createUser: op('createUser', AuthCreateUserDocument, () => ({ input: { username: `${prefix}-made-${n}`, role: 'ADMIN' as const } }), (data) => assert.ok(data.createUser.token)),
      createApiToken: op('createApiToken', AuthCreateApiTokenDocument, () => ({ input: { userId: targets.userId, name: `${prefix}-token` } }), (data) => assert.ok(data.createApiToken.token)),
      revokeApiToken: op('revokeApiToken', AuthRevokeApiTokenDocument, () => ({ id: targets.tokenId }), (data) => assert.ok(data.revokeApiToken.apiToken?.revokedAt)),
    };
  }

  /** Disposable objects for one round of mutations (admin-made), so that deletes have something to delete. */
  async function targets(label: string, tokenOwnerRole: Role) {
    const n = ++seq;
    const repo = await server.query(AuthCreateGitRepositoryDocument, { input: { name: `${label}-target-${n}`, url: `https://github.com/example/target-${n}.git` } });
    const fabric = await server.query(AuthCreateFabricDocument, { input: { name: `${label}-target-${n}` } });
    const resource = await server.query(AuthCreateResourceDocument, { input: { fabricId, kind: 'VPC', name: `tgt-${n}`, spec: simpleVpcSpec(60 + n) } });
    assert.deepEqual(resource.createResource.userErrors, []);
    const token = await server.query(AuthCreateApiTokenDocument, { input: { userId: userIds[tokenOwnerRole], name: `${label}-spare-${n}` } });
    return {
      repoId: repo.createGitRepository.gitRepository!.id,
      fabricId: fabric.createFabric.fabric!.id,
      resourceId: resource.createResource.resource!.id,
      tokenId: token.createApiToken.apiToken!.id,
      userId: userIds[tokenOwnerRole],
    };
  }

  async function expectForbidden(role: Role, operation: Operation): Promise<void> {
    const before = await dbSnapshot(server);
    const response = await operation.send(tokens[role]);
    assert.equal(response.status, 200, `${role} ${operation.name}: HTTP ${response.status}`);
    assert.equal(response.errors?.length, 1, `${role} ${operation.name}: ${JSON.stringify(response.errors)}`);
    assert.equal(response.errors[0].extensions?.code, 'FORBIDDEN', `${role} ${operation.name}: ${JSON.stringify(response.errors)}`);
    assert.match(response.errors[0].message, /requires the admin role|requires the operator role/i);
    assert.equal(response.data ?? null, null, `${role} ${operation.name}: no payload`);
    await assertNoWrites(server, before, `${role} ${operation.name}`);
  }

  async function expectAllowed(role: Role, operation: Operation): Promise<void> {
    const response = await operation.send(tokens[role]);
    assert.equal(response.errors, undefined, `${role} ${operation.name}: ${JSON.stringify(response.errors)}`);
    const payload = Object.values(response.data as Record<string, { userErrors: unknown[] }>)[0];
    assert.deepEqual(payload.userErrors, [], `${role} ${operation.name}`);
    operation.check?.(response.data);
  }

  test('viewer: every mutation → FORBIDDEN and nothing is written (even for its own token)', async () => {
    const own = await server.query(AuthViewerDocument, {}, tokens.VIEWER);
    const t = await targets('viewer', 'VIEWER');
    const all = mutations('viewer', { ...t, tokenId: own.viewer!.apiTokens[0].id });
    assert.equal(Object.keys(all).length, 12, 'every mutation of the schema');
    for (const operation of Object.values(all)) await expectForbidden('VIEWER', operation);
    assert.deepEqual(await server.query(AuthViewerNameDocument, {}, tokens.VIEWER), { viewer: { username: 'the-viewer', role: 'VIEWER' } });
  });

  test('operator: repository, fabric and user mutations → FORBIDDEN, nothing written', async () => {
    const t = await targets('operator', 'OPERATOR');
    const all = mutations('operator', t);
    for (const name of ['createGitRepository', 'updateGitRepository', 'deleteGitRepository', 'createFabric', 'updateFabric', 'deleteFabric', 'createUser', 'createApiToken', 'revokeApiToken'] as const) {
      await expectForbidden('OPERATOR', all[name]);
    }
  });

  test('operator: can create, update and delete resources', async () => {
    const t = await targets('operator', 'OPERATOR');
    const all = mutations('operator', t);
    const created = await all.createResource.send(tokens.OPERATOR);
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const createdData = created.data as { createResource: { resource: { id: string } | null; userErrors: unknown[] } };
    assert.deepEqual(createdData.createResource.userErrors, []);
    const made = await server.query(AuthResourceDocument, { id: createdData.createResource.resource!.id });
    assert.equal(made.resource?.createdBy?.username, 'the-operator');
    await expectAllowed('OPERATOR', all.updateResource);
    await expectAllowed('OPERATOR', all.deleteResource);
    assert.equal((await server.query(AuthResourceDocument, { id: t.resourceId })).resource, null);
  });

  test('admin: every mutation succeeds', async () => {
    const t = await targets('admin', 'OPERATOR');
    const all = mutations('admin', t);
    // Resources first, then the fabric and repository they hang off, users last.
    for (const name of ['createGitRepository', 'updateGitRepository', 'createFabric', 'updateFabric', 'createResource', 'updateResource', 'deleteResource', 'deleteFabric', 'deleteGitRepository', 'createUser', 'createApiToken', 'revokeApiToken'] as const) {
      await expectAllowed('ADMIN', all[name]);
    }
  });

  test('viewer { apiTokens } shows the caller its own tokens; other users\' tokens are FORBIDDEN below admin', async () => {
    for (const role of ['VIEWER', 'OPERATOR', 'ADMIN'] as const) {
      const { viewer } = await server.query(AuthViewerDocument, {}, tokens[role]);
      assert.ok(viewer && viewer.apiTokens.length >= 1, `${role} sees its own tokens`);
      assert.equal(viewer.id, userIds[role]);
    }
    for (const role of ['VIEWER', 'OPERATOR'] as const) {
      const response = await server.request(AuthGitRepositoryCreatorTokensDocument, { id: repoId }, tokens[role]);
      assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN', `${role}: ${JSON.stringify(response.errors)}`);
      assert.deepEqual(response.errors?.[0]?.path, ['gitRepository', 'createdBy', 'apiTokens']);
      assert.ok(!JSON.stringify(response.data ?? null).includes('"apiTokens"'), 'no token list leaks');
    }
    const asAdmin = await server.query(AuthGitRepositoryCreatorTokensDocument, { id: repoId });
    assert.equal(asAdmin.gitRepository?.createdBy?.username, 'admin');
    assert.ok((asAdmin.gitRepository?.createdBy?.apiTokens.length ?? 0) >= 1);
  });

  test('the admin-only users query is FORBIDDEN for viewer and operator and works for admin', async () => {
    for (const role of ['VIEWER', 'OPERATOR'] as const) {
      const response = await server.request(AuthUsersDocument, {}, tokens[role]);
      assert.equal(response.status, 200);
      assert.equal(response.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      assert.equal(response.data ?? null, null);
    }
    const { users } = await server.query(AuthUsersDocument, {});
    assert.deepEqual(
      users.edges.map((edge) => edge.node.username).filter((name) => name.startsWith('the-') || name === 'admin').sort(),
      ['admin', 'the-operator', 'the-viewer'],
    );
  });
});
