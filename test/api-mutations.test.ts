import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { SecretBox } from '../src/auth/secret-box';
import {
  MutCreateFabricDocument,
  MutCreateGitRepositoryDocument,
  MutCreateResourceDocument,
  MutDeleteFabricDocument,
  MutDeleteGitRepositoryDocument,
  MutDeleteResourceDocument,
  MutFabricDocument,
  MutGitRepositoriesDocument,
  MutGitRepositoryDocument,
  MutResourceDocument,
  MutResourcesDocument,
  MutUpdateFabricDocument,
  MutUpdateGitRepositoryDocument,
  MutUpdateResourceDocument,
  type CreateFabricInput,
  type CreateGitRepositoryInput,
  type CreateResourceInput,
  type MutCreateResourceMutation,
  type MutFabricFieldsFragment,
  type MutRepositoryFieldsFragment,
  type MutResourceFieldsFragment,
  type UpdateFabricInput,
  type UpdateGitRepositoryInput,
} from './generated/operations';
import { assertNoWrites, assertUserError, countRows, dbSnapshot, missingId, sql, uuidOf } from './support/db-state';
import { postGraphQL, type GraphQLResponse } from './support/graphql-client';
import { baseSpec, NAMESPACES, simpleVpcSpec } from './support/hedgehog-specs';
import { startTestServer, type TestServer } from './support/test-server';

// Secrets sent as repository credentials; none of them may ever come back in a response or sit in plaintext in the DB.
const SECRETS = {
  token: 'ghp_SECRETtoken0123456789abcdefABCDEF',
  password: 'S3cret-p4ssword!with-symbols',
  privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUSECRETKEYMATERIAL\n-----END OPENSSH PRIVATE KEY-----\n',
  passphrase: 'key-passphrase-SECRET',
  webhook: 'whsec_SECRETwebhook98765',
  rotated: 'ghp_ROTATEDsecret9876543210zyxwvu',
  urlPassword: 'pw-in-url-SECRET',
};

describe('mutations', () => {
  let server: TestServer;
  /** Every response of this file, to prove that no secret ever comes back. */
  const transcript: string[] = [];
  let seq = 0;
  const next = () => ++seq;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.stop());

  async function send<T, V>(document: TypedDocumentNode<T, V>, variables: V, token?: string): Promise<GraphQLResponse<T>> {
    const response = await server.request(document, variables, token);
    transcript.push(JSON.stringify(response));
    return response;
  }

  /** Runs an operation as admin and fails on GraphQL errors (user errors are data and are returned). */
  async function call<T, V>(document: TypedDocumentNode<T, V>, variables: V): Promise<T> {
    const response = await send(document, variables);
    assert.ok(!response.errors?.length && response.data, `GraphQL request failed (HTTP ${response.status}): ${JSON.stringify(response.errors)}`);
    return response.data;
  }

  /** Runs a mutation that must fail and proves that it wrote nothing. */
  async function rejected<R>(what: string, run: () => Promise<R>): Promise<R> {
    const before = await dbSnapshot(server);
    const result = await run();
    await assertNoWrites(server, before, what);
    return result;
  }

  async function createRepository(overrides: Partial<CreateGitRepositoryInput> = {}): Promise<MutRepositoryFieldsFragment> {
    const n = next();
    const { createGitRepository } = await call(MutCreateGitRepositoryDocument, {
      input: { name: `repo-${n}`, url: `https://git.example.com/org/fabric-${n}.git`, ...overrides },
    });
    assert.deepEqual(createGitRepository.userErrors, []);
    assert.ok(createGitRepository.gitRepository);
    return createGitRepository.gitRepository;
  }

  async function createFabric(overrides: Partial<CreateFabricInput> = {}): Promise<MutFabricFieldsFragment> {
    const { createFabric } = await call(MutCreateFabricDocument, { input: { name: `fab-${next()}`, ...overrides } });
    assert.deepEqual(createFabric.userErrors, []);
    assert.ok(createFabric.fabric);
    return createFabric.fabric;
  }

  async function createResource(input: CreateResourceInput): Promise<MutResourceFieldsFragment> {
    const { createResource } = await call(MutCreateResourceDocument, { input });
    assert.deepEqual(createResource.userErrors, [], `creating ${input.kind} ${input.name}`);
    assert.ok(createResource.resource);
    return createResource.resource;
  }

  /** A fabric holding the default IPv4Namespace and VLANNamespace, ready for VPCs. */
  async function fabricWithNamespaces(): Promise<MutFabricFieldsFragment> {
    const fabric = await createFabric();
    for (const ns of NAMESPACES) await createResource({ fabricId: fabric.id, kind: ns.kind, name: ns.name, spec: ns.spec() });
    return fabric;
  }

  async function repositoryRow(id: string): Promise<Record<string, unknown>> {
    const [row] = await sql<Record<string, unknown>>(server, 'select * from git_repository where id = ?', [uuidOf(id, 'GitRepository')]);
    assert.ok(row, 'repository row exists');
    return row;
  }

  // ---------------------------------------------------------------------------------------------------------------
  describe('git repositories', () => {
    test('createGitRepository with TOKEN credentials stores every field and reports hasCredentials', async () => {
      const input: CreateGitRepositoryInput = {
        name: '  Fabric Repo A  ',
        url: '  https://github.com/example/fabric-a.git  ',
        provider: 'GITHUB',
        authenticationType: 'TOKEN',
        credentials: { token: SECRETS.token },
        defaultBranch: 'main',
        pushBranch: 'hnp/sync',
        timeoutSeconds: 60,
        validateSsl: false,
        directPushEnabled: false,
        commitAuthorName: 'Fabric Bot',
        commitAuthorEmail: 'bot@example.com',
        description: 'primary',
        webhookSecret: SECRETS.webhook,
      };
      const { createGitRepository } = await call(MutCreateGitRepositoryDocument, { input });
      assert.deepEqual(createGitRepository.userErrors, []);
      const repo = createGitRepository.gitRepository;
      assert.ok(repo);
      assert.equal(repo.name, 'Fabric Repo A', 'name is trimmed');
      assert.equal(repo.url, 'https://github.com/example/fabric-a.git', 'url is trimmed');
      assert.equal(repo.provider, 'GITHUB');
      assert.equal(repo.authenticationType, 'TOKEN');
      assert.equal(repo.hasCredentials, true);
      assert.equal(repo.pushBranch, 'hnp/sync');
      assert.equal(repo.effectivePushBranch, 'hnp/sync');
      assert.equal(repo.timeoutSeconds, 60);
      assert.equal(repo.validateSsl, false);
      assert.equal(repo.directPushEnabled, false);
      assert.equal(repo.commitAuthorName, 'Fabric Bot');
      assert.equal(repo.commitAuthorEmail, 'bot@example.com');
      assert.equal(repo.connectionStatus, 'PENDING');
      assert.equal(repo.createdBy?.username, 'admin');

      const read = await call(MutGitRepositoryDocument, { id: repo.id });
      assert.deepEqual(read.gitRepository, repo, 'reading it back gives the same object');
    });

    test('defaults: NONE authentication, no credentials, main branch, report defaults for the commit author', async () => {
      const repo = await createRepository();
      assert.equal(repo.authenticationType, 'NONE');
      assert.equal(repo.hasCredentials, false);
      assert.equal(repo.provider, 'GENERIC');
      assert.equal(repo.defaultBranch, 'main');
      assert.equal(repo.pushBranch, '');
      assert.equal(repo.effectivePushBranch, 'main', 'an empty pushBranch means the default branch');
      assert.equal(repo.directPushEnabled, true);
      assert.equal(repo.commitAuthorName, 'HNP Bidirectional Sync');
      assert.equal(repo.commitAuthorEmail, 'hnp-sync@hedgehog.gitops');
      assert.equal((await repositoryRow(repo.id)).encrypted_credentials, null);
    });

    test('BASIC and SSH_KEY credentials are accepted and encrypted in the database (AES-256-GCM under HNP_SECRET_KEY)', async () => {
      const basic = await createRepository({ authenticationType: 'BASIC', credentials: { username: 'git-user', password: SECRETS.password } });
      const ssh = await createRepository({
        url: 'git@github.com:example/fabric-ssh.git',
        authenticationType: 'SSH_KEY',
        credentials: { privateKey: SECRETS.privateKey, passphrase: SECRETS.passphrase },
      });
      assert.equal(basic.hasCredentials, true);
      assert.equal(basic.authenticationType, 'BASIC');
      assert.equal(ssh.hasCredentials, true);
      assert.equal(ssh.authenticationType, 'SSH_KEY');

      const box = new SecretBox(server.config.secretKey!);
      const basicRow = await repositoryRow(basic.id);
      const sshRow = await repositoryRow(ssh.id);
      for (const [row, secrets] of [
        [basicRow, [SECRETS.password]],
        [sshRow, [SECRETS.privateKey, SECRETS.passphrase, 'OPENSSH PRIVATE KEY', 'SECRETKEYMATERIAL']],
      ] as const) {
        const envelope = row.encrypted_credentials;
        assert.equal(typeof envelope, 'string');
        assert.match(envelope as string, /^v1\./, 'stored as an encryption envelope');
        for (const secret of secrets) assert.ok(!JSON.stringify(row).includes(secret), 'no plaintext secret anywhere in the row');
      }
      assert.deepEqual(JSON.parse(box.decrypt(basicRow.encrypted_credentials as string)), { username: 'git-user', password: SECRETS.password });
      assert.deepEqual(JSON.parse(box.decrypt(sshRow.encrypted_credentials as string)), { privateKey: SECRETS.privateKey, passphrase: SECRETS.passphrase });
    });

    test('the encrypted_credentials and webhook_secret columns never hold the plaintext token', async () => {
      const rows = await sql<{ encrypted_credentials: string | null; webhook_secret: string | null; whole: string }>(
        server,
        `select encrypted_credentials, webhook_secret, to_jsonb(t)::text as whole from git_repository t where name = 'Fabric Repo A'`,
      );
      assert.equal(rows.length, 1);
      const [row] = rows;
      assert.ok(row.encrypted_credentials && !row.encrypted_credentials.includes(SECRETS.token));
      assert.ok(row.webhook_secret && !row.webhook_secret.includes(SECRETS.webhook));
      assert.ok(!row.whole.includes(SECRETS.token) && !row.whole.includes(SECRETS.webhook));
      const box = new SecretBox(server.config.secretKey!);
      assert.equal((JSON.parse(box.decrypt(row.encrypted_credentials)) as { token: string }).token, SECRETS.token);
      assert.equal(box.decrypt(row.webhook_secret), SECRETS.webhook);
      const everything = await sql<{ dump: string }>(server, 'select string_agg(to_jsonb(t)::text, \',\') as dump from git_repository t');
      for (const secret of Object.values(SECRETS)) assert.ok(!everything[0].dump.includes(secret), 'no secret in plaintext in the table');
    });

    const credentialCases: Array<{ what: string; input: Partial<CreateGitRepositoryInput>; fields: string[][] }> = [
      { what: 'TOKEN without credentials', input: { authenticationType: 'TOKEN' }, fields: [['input', 'credentials', 'token']] },
      { what: 'TOKEN with only a username', input: { authenticationType: 'TOKEN', credentials: { username: 'u' } }, fields: [['input', 'credentials', 'token']] },
      { what: 'TOKEN with an empty token', input: { authenticationType: 'TOKEN', credentials: { token: '' } }, fields: [['input', 'credentials', 'token']] },
      {
        what: 'BASIC without credentials',
        input: { authenticationType: 'BASIC' },
        fields: [['input', 'credentials', 'username'], ['input', 'credentials', 'password']],
      },
      { what: 'BASIC without password', input: { authenticationType: 'BASIC', credentials: { username: 'u' } }, fields: [['input', 'credentials', 'password']] },
      { what: 'BASIC without username', input: { authenticationType: 'BASIC', credentials: { password: SECRETS.password } }, fields: [['input', 'credentials', 'username']] },
      {
        what: 'SSH_KEY without privateKey',
        input: { authenticationType: 'SSH_KEY', credentials: { passphrase: SECRETS.passphrase } },
        fields: [['input', 'credentials', 'privateKey']],
      },
      { what: 'NONE with a token', input: { authenticationType: 'NONE', credentials: { token: SECRETS.token } }, fields: [['input', 'credentials']] },
    ];
    for (const { what, input, fields } of credentialCases) {
      test(`credentials: ${what} → VALIDATION`, async () => {
        const { createGitRepository } = await rejected(what, () =>
          call(MutCreateGitRepositoryDocument, { input: { name: `cred-${next()}`, url: 'https://git.example.com/org/cred.git', ...input } }),
        );
        assert.equal(createGitRepository.gitRepository, null);
        for (const field of fields) assertUserError(createGitRepository.userErrors, 'VALIDATION', field, what);
        assert.equal(createGitRepository.userErrors.length, fields.length, JSON.stringify(createGitRepository.userErrors));
      });
    }

    const badUrls: Array<[string, string]> = [
      ['https with user and password', `https://deploy:${SECRETS.urlPassword}@github.com/example/x.git`],
      ['https with a token as user name', `https://${SECRETS.token}@github.com/example/x.git`],
      ['http with user and password', `http://u:${SECRETS.urlPassword}@git.example.com/x.git`],
      ['ssh with a password', `ssh://git:${SECRETS.urlPassword}@github.com/example/x.git`],
      ['unsupported scheme ftp', 'ftp://git.example.com/x.git'],
      ['javascript scheme', 'javascript:alert(1)'],
      ['whitespace inside', 'https://github.com/example/fab ric.git'],
      ['a newline inside', 'https://github.com/example/x.git\nhttps://evil.example.com'],
      ['empty', ''],
      ['only spaces', '   '],
      ['not a URL', 'not a url'],
      ['relative path', 'repos/fabric.git'],
    ];
    for (const [what, url] of badUrls) {
      test(`url rule: ${what} → VALIDATION at input.url`, async () => {
        const { createGitRepository } = await rejected(what, () => call(MutCreateGitRepositoryDocument, { input: { name: `url-${next()}`, url } }));
        assert.equal(createGitRepository.gitRepository, null);
        assertUserError(createGitRepository.userErrors, 'VALIDATION', ['input', 'url'], what);
      });
    }

    test('url forms that are accepted: ssh://, scp-like, file://, absolute path, http', async () => {
      for (const url of ['ssh://git@github.com/example/a.git', 'git@gitlab.example.com:group/b.git', 'file:///srv/git/c.git', '/srv/git/d.git', 'http://git.internal/e.git']) {
        const repo = await createRepository({ url });
        assert.equal(repo.url, url);
      }
    });

    const badFields: Array<{ what: string; input: Partial<CreateGitRepositoryInput>; field: string[] }> = [
      { what: 'defaultBranch with ".."', input: { defaultBranch: 'feature..x' }, field: ['input', 'defaultBranch'] },
      { what: 'defaultBranch with a space', input: { defaultBranch: 'my branch' }, field: ['input', 'defaultBranch'] },
      { what: 'defaultBranch starting with "-"', input: { defaultBranch: '-main' }, field: ['input', 'defaultBranch'] },
      { what: 'defaultBranch ending with .lock', input: { defaultBranch: 'main.lock' }, field: ['input', 'defaultBranch'] },
      { what: 'defaultBranch empty', input: { defaultBranch: '' }, field: ['input', 'defaultBranch'] },
      { what: 'defaultBranch with "~"', input: { defaultBranch: 'main~1' }, field: ['input', 'defaultBranch'] },
      { what: 'defaultBranch with "@{"', input: { defaultBranch: 'main@{1}' }, field: ['input', 'defaultBranch'] },
      { what: 'defaultBranch ending in "/"', input: { defaultBranch: 'feature/' }, field: ['input', 'defaultBranch'] },
      { what: 'pushBranch with ":"', input: { pushBranch: 'refs:heads' }, field: ['input', 'pushBranch'] },
      { what: 'pushBranch with a segment starting with "."', input: { pushBranch: 'hnp/.hidden' }, field: ['input', 'pushBranch'] },
      { what: 'timeoutSeconds 0', input: { timeoutSeconds: 0 }, field: ['input', 'timeoutSeconds'] },
      { what: 'timeoutSeconds negative', input: { timeoutSeconds: -5 }, field: ['input', 'timeoutSeconds'] },
      { what: 'timeoutSeconds 3601', input: { timeoutSeconds: 3601 }, field: ['input', 'timeoutSeconds'] },
      { what: 'commitAuthorEmail without @', input: { commitAuthorEmail: 'not-an-email' }, field: ['input', 'commitAuthorEmail'] },
      { what: 'commitAuthorEmail with a space', input: { commitAuthorEmail: 'a b@example.com' }, field: ['input', 'commitAuthorEmail'] },
      { what: 'commitAuthorEmail empty', input: { commitAuthorEmail: '' }, field: ['input', 'commitAuthorEmail'] },
      { what: 'commitAuthorName blank', input: { commitAuthorName: '   ' }, field: ['input', 'commitAuthorName'] },
      { what: 'commitAuthorName with a newline', input: { commitAuthorName: 'Bot\nInjected: header' }, field: ['input', 'commitAuthorName'] },
      { what: 'commitAuthorName with angle brackets', input: { commitAuthorName: 'Bot <evil@example.com>' }, field: ['input', 'commitAuthorName'] },
      { what: 'commitAuthorEmail with angle brackets', input: { commitAuthorEmail: '<a@example.com>' }, field: ['input', 'commitAuthorEmail'] },
      { what: 'name blank', input: { name: '   ' }, field: ['input', 'name'] },
      { what: 'name too long', input: { name: 'r'.repeat(201) }, field: ['input', 'name'] },
    ];
    for (const { what, input, field } of badFields) {
      test(`field rule: ${what} → VALIDATION`, async () => {
        const { createGitRepository } = await rejected(what, () =>
          call(MutCreateGitRepositoryDocument, { input: { name: `field-${next()}`, url: 'https://git.example.com/org/fields.git', ...input } }),
        );
        assert.equal(createGitRepository.gitRepository, null);
        assertUserError(createGitRepository.userErrors, 'VALIDATION', field, what);
      });
    }

    test('boundary values are accepted: timeoutSeconds 1 and 3600, an empty pushBranch, nested branch names', async () => {
      const low = await createRepository({ timeoutSeconds: 1, defaultBranch: 'release/2024.10', pushBranch: '' });
      assert.equal(low.timeoutSeconds, 1);
      assert.equal(low.effectivePushBranch, 'release/2024.10');
      const high = await createRepository({ timeoutSeconds: 3600 });
      assert.equal(high.timeoutSeconds, 3600);
    });

    test('all field problems are reported at once', async () => {
      const { createGitRepository } = await rejected('several problems', () =>
        call(MutCreateGitRepositoryDocument, {
          input: { name: 'many', url: 'ftp://x', timeoutSeconds: 0, commitAuthorEmail: 'nope', authenticationType: 'BASIC' },
        }),
      );
      const fields = createGitRepository.userErrors.map((e) => e.field.join('.')).sort();
      assert.deepEqual(fields, ['input.commitAuthorEmail', 'input.credentials.password', 'input.credentials.username', 'input.timeoutSeconds', 'input.url']);
      assert.ok(createGitRepository.userErrors.every((e) => e.code === 'VALIDATION'));
    });

    test('duplicate (url, name) → ALREADY_EXISTS; the same name with another url, or another name with the same url, is fine', async () => {
      const url = 'https://github.com/example/dup.git';
      await createRepository({ name: 'dup', url });
      const { createGitRepository } = await rejected('duplicate', () => call(MutCreateGitRepositoryDocument, { input: { name: 'dup', url } }));
      assert.equal(createGitRepository.gitRepository, null);
      assertUserError(createGitRepository.userErrors, 'ALREADY_EXISTS', ['input', 'name']);
      const padded = await rejected('duplicate after trimming', () => call(MutCreateGitRepositoryDocument, { input: { name: ' dup ', url: ` ${url} ` } }));
      assertUserError(padded.createGitRepository.userErrors, 'ALREADY_EXISTS', ['input', 'name']);
      await createRepository({ name: 'dup', url: 'https://github.com/example/dup-2.git' });
      await createRepository({ name: 'dup-2', url });
    });

    test('updateGitRepository changes plain fields and keeps the others', async () => {
      const repo = await createRepository({ authenticationType: 'TOKEN', credentials: { token: SECRETS.token }, description: 'before' });
      const { updateGitRepository } = await call(MutUpdateGitRepositoryDocument, {
        id: repo.id,
        input: { name: 'renamed-repo', description: 'after', timeoutSeconds: 120, provider: 'GITLAB', directPushEnabled: false, pushBranch: 'sync' },
      });
      assert.deepEqual(updateGitRepository.userErrors, []);
      const updated = updateGitRepository.gitRepository;
      assert.ok(updated);
      assert.equal(updated.id, repo.id);
      assert.equal(updated.name, 'renamed-repo');
      assert.equal(updated.description, 'after');
      assert.equal(updated.timeoutSeconds, 120);
      assert.equal(updated.provider, 'GITLAB');
      assert.equal(updated.directPushEnabled, false);
      assert.equal(updated.effectivePushBranch, 'sync');
      assert.equal(updated.url, repo.url);
      assert.equal(updated.authenticationType, 'TOKEN');
      assert.equal(updated.hasCredentials, true, 'credentials are kept when not given');
      const stored = (await repositoryRow(repo.id)).encrypted_credentials as string;
      const box = new SecretBox(server.config.secretKey!);
      assert.equal((JSON.parse(box.decrypt(stored)) as { token: string }).token, SECRETS.token);
    });

    test('updateGitRepository replaces credentials, switches authentication types, and clears credentials for NONE', async () => {
      const repo = await createRepository({ authenticationType: 'TOKEN', credentials: { token: SECRETS.token } });
      const box = new SecretBox(server.config.secretKey!);

      const rotated = await call(MutUpdateGitRepositoryDocument, { id: repo.id, input: { credentials: { token: SECRETS.rotated } } });
      assert.deepEqual(rotated.updateGitRepository.userErrors, []);
      assert.equal(rotated.updateGitRepository.gitRepository?.hasCredentials, true);
      let row = await repositoryRow(repo.id);
      assert.ok(!JSON.stringify(row).includes(SECRETS.rotated));
      assert.equal((JSON.parse(box.decrypt(row.encrypted_credentials as string)) as { token: string }).token, SECRETS.rotated);

      const toBasic = await call(MutUpdateGitRepositoryDocument, {
        id: repo.id,
        input: { authenticationType: 'BASIC', credentials: { username: 'ci', password: SECRETS.password } },
      });
      assert.deepEqual(toBasic.updateGitRepository.userErrors, []);
      assert.equal(toBasic.updateGitRepository.gitRepository?.authenticationType, 'BASIC');
      row = await repositoryRow(repo.id);
      assert.deepEqual(JSON.parse(box.decrypt(row.encrypted_credentials as string)), { username: 'ci', password: SECRETS.password });

      const toNone = await call(MutUpdateGitRepositoryDocument, { id: repo.id, input: { authenticationType: 'NONE' } });
      assert.deepEqual(toNone.updateGitRepository.userErrors, []);
      assert.equal(toNone.updateGitRepository.gitRepository?.hasCredentials, false);
      assert.equal(toNone.updateGitRepository.gitRepository?.authenticationType, 'NONE');
      assert.equal((await repositoryRow(repo.id)).encrypted_credentials, null);
    });

    test('updateGitRepository failures write nothing: missing credentials for a new type, bad url, bad fields, duplicates', async () => {
      const repo = await createRepository({ name: 'upd-fail', url: 'https://github.com/example/upd-fail.git' });
      await createRepository({ name: 'upd-other', url: 'https://github.com/example/upd-fail.git' });
      const cases: Array<{ what: string; input: UpdateGitRepositoryInput; code: string; field: string[] }> = [
        { what: 'switch to SSH_KEY without a key', input: { authenticationType: 'SSH_KEY' }, code: 'VALIDATION', field: ['input', 'credentials', 'privateKey'] },
        { what: 'switch to TOKEN without a token', input: { authenticationType: 'TOKEN' }, code: 'VALIDATION', field: ['input', 'credentials', 'token'] },
        { what: 'credentials for NONE', input: { credentials: { token: SECRETS.token } }, code: 'VALIDATION', field: ['input', 'credentials'] },
        { what: 'url with credentials', input: { url: `https://u:${SECRETS.urlPassword}@github.com/x.git` }, code: 'VALIDATION', field: ['input', 'url'] },
        { what: 'url with a bad scheme', input: { url: 'gopher://x/y' }, code: 'VALIDATION', field: ['input', 'url'] },
        { what: 'bad branch', input: { defaultBranch: 'a..b' }, code: 'VALIDATION', field: ['input', 'defaultBranch'] },
        { what: 'timeout too large', input: { timeoutSeconds: 100000 }, code: 'VALIDATION', field: ['input', 'timeoutSeconds'] },
        { what: 'bad email', input: { commitAuthorEmail: '@' }, code: 'VALIDATION', field: ['input', 'commitAuthorEmail'] },
        { what: 'rename onto another (url, name)', input: { name: 'upd-other' }, code: 'ALREADY_EXISTS', field: ['input', 'name'] },
      ];
      for (const { what, input, code, field } of cases) {
        const { updateGitRepository } = await rejected(what, () => call(MutUpdateGitRepositoryDocument, { id: repo.id, input }));
        assert.equal(updateGitRepository.gitRepository, null, what);
        assertUserError(updateGitRepository.userErrors, code, field, what);
      }
      const after = await call(MutGitRepositoryDocument, { id: repo.id });
      assert.deepEqual(after.gitRepository, repo, 'the repository is unchanged');
    });

    test('updateGitRepository with an unknown, malformed or wrongly typed id → NOT_FOUND at id', async () => {
      const fabric = await createFabric();
      for (const id of [missingId('GitRepository'), 'not-an-id', '', fabric.id]) {
        const { updateGitRepository } = await rejected(`update ${id}`, () => call(MutUpdateGitRepositoryDocument, { id, input: { description: 'x' } }));
        assert.equal(updateGitRepository.gitRepository, null);
        assertUserError(updateGitRepository.userErrors, 'NOT_FOUND', ['id']);
      }
    });

    test('deleteGitRepository removes the repository', async () => {
      const repo = await createRepository({ authenticationType: 'TOKEN', credentials: { token: SECRETS.token } });
      const count = await countRows(server, 'git_repository');
      const { deleteGitRepository } = await call(MutDeleteGitRepositoryDocument, { id: repo.id });
      assert.deepEqual(deleteGitRepository.userErrors, []);
      assert.equal(deleteGitRepository.deletedId, repo.id);
      assert.equal((await call(MutGitRepositoryDocument, { id: repo.id })).gitRepository, null);
      assert.equal(await countRows(server, 'git_repository'), count - 1);
      const list = await call(MutGitRepositoriesDocument, {});
      assert.ok(!list.gitRepositories.edges.some((edge) => edge.node.id === repo.id));
    });

    test('deleteGitRepository is refused with INVALID_STATE while a fabric uses the repository, and works once it is unlinked', async () => {
      const repo = await createRepository();
      const fabric = await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: 'fabrics/in-use' });
      const { deleteGitRepository } = await rejected('delete in use', () => call(MutDeleteGitRepositoryDocument, { id: repo.id }));
      assert.equal(deleteGitRepository.deletedId, null);
      const error = assertUserError(deleteGitRepository.userErrors, 'INVALID_STATE', ['id']);
      assert.match(error.message, new RegExp(fabric.name), 'the message names the fabric');
      assert.ok((await call(MutGitRepositoryDocument, { id: repo.id })).gitRepository);

      const unlinked = await call(MutUpdateFabricDocument, { id: fabric.id, input: { gitRepositoryId: null } });
      assert.deepEqual(unlinked.updateFabric.userErrors, []);
      const retry = await call(MutDeleteGitRepositoryDocument, { id: repo.id });
      assert.deepEqual(retry.deleteGitRepository.userErrors, []);
      assert.equal(retry.deleteGitRepository.deletedId, repo.id);
    });

    test('deleteGitRepository with an unknown or malformed id → NOT_FOUND', async () => {
      for (const id of [missingId('GitRepository'), 'garbage', missingId('HedgehogFabric')]) {
        const { deleteGitRepository } = await rejected(`delete ${id}`, () => call(MutDeleteGitRepositoryDocument, { id }));
        assert.equal(deleteGitRepository.deletedId, null);
        assertUserError(deleteGitRepository.userErrors, 'NOT_FOUND', ['id']);
      }
    });

    test('no secret appears in any response of this suite', async () => {
      await call(MutGitRepositoriesDocument, {});
      assert.ok(transcript.length > 40, 'the transcript covers the suite');
      for (const response of transcript) {
        for (const [name, secret] of Object.entries(SECRETS)) {
          assert.ok(!response.includes(secret), `secret ${name} leaked into a response: ${response.slice(0, 300)}`);
        }
      }
    });
  });

  // ---------------------------------------------------------------------------------------------------------------
  describe('fabrics', () => {
    test('createFabric without a repository: defaults', async () => {
      const { createFabric } = await call(MutCreateFabricDocument, { input: { name: 'plain-fabric', description: 'lab' } });
      assert.deepEqual(createFabric.userErrors, []);
      const fabric = createFabric.fabric;
      assert.ok(fabric);
      assert.equal(fabric.name, 'plain-fabric');
      assert.equal(fabric.description, 'lab');
      assert.equal(fabric.status, 'PLANNED');
      assert.equal(fabric.gitopsDirectory, '');
      assert.equal(fabric.gitRepository, null);
      assert.equal(fabric.syncStatus, 'NEVER_SYNCED');
      assert.equal(fabric.gitopsDirectoryStatus, 'NOT_INITIALIZED');
      assert.equal(fabric.archiveStrategy, 'RENAME_WITH_EXTENSION');
      assert.equal(fabric.syncInterval, 300);
      assert.deepEqual((await call(MutFabricDocument, { id: fabric.id })).fabric?.name, 'plain-fabric');
    });

    test('createFabric with a repository and explicit fields', async () => {
      const repo = await createRepository();
      const fabric = await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: 'fabrics/dc1', status: 'ACTIVE', syncInterval: 0, archiveStrategy: 'DELETE' });
      assert.deepEqual(fabric.gitRepository, { id: repo.id, name: repo.name });
      assert.equal(fabric.gitopsDirectory, 'fabrics/dc1');
      assert.equal(fabric.status, 'ACTIVE');
      assert.equal(fabric.syncInterval, 0);
      assert.equal(fabric.archiveStrategy, 'DELETE');
    });

    const normalization: Array<[string, string]> = [
      ['/a/b/', 'a/b'],
      ['/', ''],
      ['', ''],
      ['a//b', 'a/b'],
      ['./x/./y/', 'x/y'],
      ['  /spaced/dir/  ', 'spaced/dir'],
      ['.gitops/fab', '.gitops/fab'],
    ];
    for (const [input, expected] of normalization) {
      test(`gitopsDirectory ${JSON.stringify(input)} is stored as ${JSON.stringify(expected)}`, async () => {
        const repo = await createRepository();
        const fabric = await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: input });
        assert.equal(fabric.gitopsDirectory, expected);
        const [row] = await sql<{ gitops_directory: string }>(server, 'select gitops_directory from hedgehog_fabric where id = ?', [uuidOf(fabric.id, 'HedgehogFabric')]);
        assert.equal(row.gitops_directory, expected);
      });
    }

    const badDirectories: Array<[string, string]> = [
      ['".."', '..'],
      ['a leading ".."', '../outside'],
      ['an inner ".."', 'a/../b'],
      ['a trailing ".."', 'a/b/..'],
      ['".git"', '.git'],
      ['".git" inside', 'a/.git/b'],
      ['".GIT" in another case', '.GIT'],
      ['a backslash', 'a\\b'],
      ['a Windows path', '..\\windows'],
      ['a control character', 'a/\u0007b'],
      ['a newline', 'a/\nb'],
      ['too long', 'd'.repeat(501)],
    ];
    for (const [what, gitopsDirectory] of badDirectories) {
      test(`gitopsDirectory with ${what} → VALIDATION`, async () => {
        const repo = await createRepository();
        const { createFabric } = await rejected(what, () => call(MutCreateFabricDocument, { input: { name: `bad-dir-${next()}`, gitRepositoryId: repo.id, gitopsDirectory } }));
        assert.equal(createFabric.fabric, null);
        assertUserError(createFabric.userErrors, 'VALIDATION', ['input', 'gitopsDirectory'], what);
      });
    }

    const badNames = ['Upper-Case', 'under_score', '', '-leading', 'trailing-', 'with space', 'f'.repeat(101), 'dots..double'];
    for (const name of badNames) {
      test(`fabric name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 10)}…(${name.length})` : name)} → VALIDATION`, async () => {
        const { createFabric } = await rejected(`name ${name}`, () => call(MutCreateFabricDocument, { input: { name } }));
        assert.equal(createFabric.fabric, null);
        assertUserError(createFabric.userErrors, 'VALIDATION', ['input', 'name']);
      });
    }

    test('syncInterval out of range → VALIDATION', async () => {
      for (const syncInterval of [-1, 604801]) {
        const { createFabric } = await rejected(`syncInterval ${syncInterval}`, () => call(MutCreateFabricDocument, { input: { name: `interval-${next()}`, syncInterval } }));
        assertUserError(createFabric.userErrors, 'VALIDATION', ['input', 'syncInterval']);
      }
    });

    test('duplicate fabric name → ALREADY_EXISTS', async () => {
      await createFabric({ name: 'twin' });
      const { createFabric: payload } = await rejected('duplicate name', () => call(MutCreateFabricDocument, { input: { name: 'twin' } }));
      assert.equal(payload.fabric, null);
      assertUserError(payload.userErrors, 'ALREADY_EXISTS', ['input', 'name']);
    });

    test('unknown or malformed gitRepositoryId → NOT_FOUND at input.gitRepositoryId', async () => {
      const other = await createFabric();
      for (const gitRepositoryId of [missingId('GitRepository'), 'nope', other.id]) {
        const { createFabric } = await rejected(`repo ${gitRepositoryId}`, () => call(MutCreateFabricDocument, { input: { name: `orphan-${next()}`, gitRepositoryId } }));
        assert.equal(createFabric.fabric, null);
        assertUserError(createFabric.userErrors, 'NOT_FOUND', ['input', 'gitRepositoryId']);
      }
    });

    test('directories in one repository: equal → ALREADY_EXISTS, nested either way → CONFLICT, fab1 and fab10 do not overlap', async () => {
      const repo = await createRepository();
      await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: 'fab1' });
      await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: 'deep/a/b' });
      const clashes: Array<[string, string]> = [
        ['/fab1/', 'ALREADY_EXISTS'],
        ['fab1', 'ALREADY_EXISTS'],
        ['fab1/sub', 'CONFLICT'],
        ['deep', 'CONFLICT'],
        ['deep/a', 'CONFLICT'],
        ['deep/a/b/c', 'CONFLICT'],
        ['', 'CONFLICT'],
        ['/', 'CONFLICT'],
      ];
      for (const [gitopsDirectory, code] of clashes) {
        const { createFabric } = await rejected(`directory ${gitopsDirectory}`, () =>
          call(MutCreateFabricDocument, { input: { name: `clash-${next()}`, gitRepositoryId: repo.id, gitopsDirectory } }),
        );
        assert.equal(createFabric.fabric, null, gitopsDirectory);
        assertUserError(createFabric.userErrors, code, ['input', 'gitopsDirectory'], `directory ${JSON.stringify(gitopsDirectory)}`);
      }
      for (const gitopsDirectory of ['fab10', 'fab', 'fab1.d', 'deep/a/c', 'deep/ab']) {
        const fabric = await createFabric({ gitRepositoryId: repo.id, gitopsDirectory });
        assert.equal(fabric.gitopsDirectory, gitopsDirectory);
      }
    });

    test('a fabric at the repository root overlaps every other directory of that repository', async () => {
      const repo = await createRepository();
      await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: '/' });
      for (const [gitopsDirectory, code] of [['anything', 'CONFLICT'], ['a/b/c', 'CONFLICT'], ['', 'ALREADY_EXISTS']] as const) {
        const { createFabric } = await rejected(`directory ${gitopsDirectory}`, () =>
          call(MutCreateFabricDocument, { input: { name: `under-root-${next()}`, gitRepositoryId: repo.id, gitopsDirectory } }),
        );
        assertUserError(createFabric.userErrors, code, ['input', 'gitopsDirectory']);
      }
    });

    test('the same directory in another repository, or with no repository, is fine', async () => {
      const first = await createRepository();
      const second = await createRepository();
      await createFabric({ gitRepositoryId: first.id, gitopsDirectory: 'shared' });
      const elsewhere = await createFabric({ gitRepositoryId: second.id, gitopsDirectory: 'shared' });
      assert.equal(elsewhere.gitopsDirectory, 'shared');
      const unlinked = await createFabric({ gitopsDirectory: 'shared' });
      assert.equal(unlinked.gitRepository, null);
    });

    test('updateFabric changes fields, normalizes the directory, and may keep its own directory', async () => {
      const repo = await createRepository();
      const fabric = await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: 'upd/one' });
      const { updateFabric } = await call(MutUpdateFabricDocument, {
        id: fabric.id,
        input: { name: `${fabric.name}-renamed`, description: 'changed', status: 'MAINTENANCE', syncInterval: 60, archiveStrategy: 'DELETE', gitopsDirectory: '/upd/one/' },
      });
      assert.deepEqual(updateFabric.userErrors, []);
      assert.equal(updateFabric.fabric?.name, `${fabric.name}-renamed`);
      assert.equal(updateFabric.fabric?.description, 'changed');
      assert.equal(updateFabric.fabric?.status, 'MAINTENANCE');
      assert.equal(updateFabric.fabric?.syncInterval, 60);
      assert.equal(updateFabric.fabric?.archiveStrategy, 'DELETE');
      assert.equal(updateFabric.fabric?.gitopsDirectory, 'upd/one', 'its own directory does not clash with itself');
      assert.deepEqual(updateFabric.fabric?.gitRepository, { id: repo.id, name: repo.name });

      const moved = await call(MutUpdateFabricDocument, { id: fabric.id, input: { gitopsDirectory: '/upd/two/' } });
      assert.deepEqual(moved.updateFabric.userErrors, []);
      assert.equal(moved.updateFabric.fabric?.gitopsDirectory, 'upd/two');
      const read = await call(MutFabricDocument, { id: fabric.id });
      assert.equal(read.fabric?.gitopsDirectory, 'upd/two');
      assert.equal(read.fabric?.description, 'changed');
    });

    test('updateFabric failures write nothing', async () => {
      const repo = await createRepository();
      const otherRepo = await createRepository();
      const taken = await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: 'taken' });
      await createFabric({ gitRepositoryId: otherRepo.id, gitopsDirectory: 'busy' });
      const fabric = await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: 'mine' });
      const cases: Array<{ what: string; input: UpdateFabricInput; code: string; field: string[] }> = [
        { what: 'rename onto another fabric', input: { name: taken.name }, code: 'ALREADY_EXISTS', field: ['input', 'name'] },
        { what: 'invalid name', input: { name: 'Not_Valid' }, code: 'VALIDATION', field: ['input', 'name'] },
        { what: 'directory with ..', input: { gitopsDirectory: '../x' }, code: 'VALIDATION', field: ['input', 'gitopsDirectory'] },
        { what: 'directory .git', input: { gitopsDirectory: '.git' }, code: 'VALIDATION', field: ['input', 'gitopsDirectory'] },
        { what: 'directory with a backslash', input: { gitopsDirectory: 'a\\b' }, code: 'VALIDATION', field: ['input', 'gitopsDirectory'] },
        { what: 'directory of another fabric', input: { gitopsDirectory: 'taken' }, code: 'ALREADY_EXISTS', field: ['input', 'gitopsDirectory'] },
        { what: 'directory inside another fabric', input: { gitopsDirectory: 'taken/inner' }, code: 'CONFLICT', field: ['input', 'gitopsDirectory'] },
        { what: 'the repository root', input: { gitopsDirectory: '' }, code: 'CONFLICT', field: ['input', 'gitopsDirectory'] },
        { what: 'move to a repository where the directory overlaps', input: { gitRepositoryId: otherRepo.id, gitopsDirectory: 'busy/x' }, code: 'CONFLICT', field: ['input', 'gitopsDirectory'] },
        { what: 'unknown repository', input: { gitRepositoryId: missingId('GitRepository') }, code: 'NOT_FOUND', field: ['input', 'gitRepositoryId'] },
        { what: 'negative syncInterval', input: { syncInterval: -10 }, code: 'VALIDATION', field: ['input', 'syncInterval'] },
      ];
      for (const { what, input, code, field } of cases) {
        const { updateFabric } = await rejected(what, () => call(MutUpdateFabricDocument, { id: fabric.id, input }));
        assert.equal(updateFabric.fabric, null, what);
        assertUserError(updateFabric.userErrors, code, field, what);
      }
      assert.deepEqual((await call(MutFabricDocument, { id: fabric.id })).fabric?.gitopsDirectory, 'mine');
    });

    test('updateFabric moves a fabric to another repository where its directory is free', async () => {
      const repo = await createRepository();
      const target = await createRepository();
      await createFabric({ gitRepositoryId: target.id, gitopsDirectory: 'fab1' });
      const fabric = await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: 'fab10' });
      const { updateFabric } = await call(MutUpdateFabricDocument, { id: fabric.id, input: { gitRepositoryId: target.id } });
      assert.deepEqual(updateFabric.userErrors, []);
      assert.deepEqual(updateFabric.fabric?.gitRepository, { id: target.id, name: target.name });
      assert.equal(updateFabric.fabric?.gitopsDirectory, 'fab10');
    });

    test('updateFabric with gitRepositoryId: null unlinks the repository and frees the directory', async () => {
      const repo = await createRepository();
      const fabric = await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: 'unlink-me' });
      const { updateFabric } = await call(MutUpdateFabricDocument, { id: fabric.id, input: { gitRepositoryId: null } });
      assert.deepEqual(updateFabric.userErrors, []);
      assert.equal(updateFabric.fabric?.gitRepository, null);
      const [row] = await sql<{ git_repository_id: string | null }>(server, 'select git_repository_id from hedgehog_fabric where id = ?', [uuidOf(fabric.id, 'HedgehogFabric')]);
      assert.equal(row.git_repository_id, null);
      const claimant = await createFabric({ gitRepositoryId: repo.id, gitopsDirectory: 'unlink-me' });
      assert.equal(claimant.gitopsDirectory, 'unlink-me');
      const omitted = await call(MutUpdateFabricDocument, { id: claimant.id, input: { description: 'kept link' } });
      assert.deepEqual(omitted.updateFabric.fabric?.gitRepository, { id: repo.id, name: repo.name }, 'an omitted gitRepositoryId keeps the link');
    });

    test('updateFabric / deleteFabric with an unknown, malformed or wrongly typed id → NOT_FOUND at id', async () => {
      const repo = await createRepository();
      for (const id of [missingId('HedgehogFabric'), 'bogus', repo.id]) {
        const update = await rejected(`update ${id}`, () => call(MutUpdateFabricDocument, { id, input: { description: 'x' } }));
        assert.equal(update.updateFabric.fabric, null);
        assertUserError(update.updateFabric.userErrors, 'NOT_FOUND', ['id']);
        const remove = await rejected(`delete ${id}`, () => call(MutDeleteFabricDocument, { id }));
        assert.equal(remove.deleteFabric.deletedId, null);
        assertUserError(remove.deleteFabric.userErrors, 'NOT_FOUND', ['id']);
      }
    });

    test('deleteFabric removes the fabric and cascades to its resources and their history; other fabrics are untouched', async () => {
      const fabric = await fabricWithNamespaces();
      const bystander = await fabricWithNamespaces();
      const vpc = await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'cascade', spec: simpleVpcSpec(1) });
      const edited = await call(MutUpdateResourceDocument, { id: vpc.id, input: { labels: { team: 'net' } } });
      assert.deepEqual(edited.updateResource.userErrors, []);
      const fabricUuid = uuidOf(fabric.id, 'HedgehogFabric');
      assert.equal(await countRows(server, 'hedgehog_resource', 'fabric_id = ?', [fabricUuid]), 3);
      const historyOf = () => countRows(server, 'state_transition', 'resource_id in (select id from hedgehog_resource where fabric_id = ?)', [fabricUuid]);
      assert.equal(await historyOf(), 4);
      const transitions = await countRows(server, 'state_transition');
      const bystanderResources = await countRows(server, 'hedgehog_resource', 'fabric_id = ?', [uuidOf(bystander.id, 'HedgehogFabric')]);

      const { deleteFabric } = await call(MutDeleteFabricDocument, { id: fabric.id });
      assert.deepEqual(deleteFabric.userErrors, []);
      assert.equal(deleteFabric.deletedId, fabric.id);
      assert.equal((await call(MutFabricDocument, { id: fabric.id })).fabric, null);
      assert.equal((await call(MutResourceDocument, { id: vpc.id })).resource, null);
      assert.equal(await countRows(server, 'hedgehog_fabric', 'id = ?', [fabricUuid]), 0);
      assert.equal(await countRows(server, 'hedgehog_resource', 'fabric_id = ?', [fabricUuid]), 0);
      assert.equal(await countRows(server, 'state_transition'), transitions - 4);
      assert.equal(await countRows(server, 'hedgehog_resource', 'fabric_id = ?', [uuidOf(bystander.id, 'HedgehogFabric')]), bystanderResources);

      const again = await rejected('delete twice', () => call(MutDeleteFabricDocument, { id: fabric.id }));
      assertUserError(again.deleteFabric.userErrors, 'NOT_FOUND', ['id']);
    });
  });

  // ---------------------------------------------------------------------------------------------------------------
  describe('resources', () => {
    let fabric: MutFabricFieldsFragment;
    before(async () => {
      fabric = await fabricWithNamespaces();
    });

    const resourceRow = async (id: string) => {
      const [row] = await sql<{ version: number; resource_state: string; labels: Record<string, string> }>(
        server,
        'select version, resource_state, labels from hedgehog_resource where id = ?',
        [uuidOf(id, 'HedgehogResource')],
      );
      return row;
    };

    test('createResource stores a draft at version 1 with a creation transition', async () => {
      const spec = baseSpec('VPC', 'vpc-1');
      const vpc = await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'vpc-1', spec, labels: { team: 'net' }, annotations: { 'example.com/owner': 'ops' } });
      assert.equal(vpc.kind, 'VPC');
      assert.equal(vpc.apiVersion, 'vpc.githedgehog.com/v1beta1');
      assert.equal(vpc.namespace, 'default');
      assert.equal(vpc.name, 'vpc-1');
      assert.equal(vpc.version, 1);
      assert.equal(vpc.resourceState, 'DRAFT');
      assert.deepEqual(vpc.fabric, { id: fabric.id, name: fabric.name });
      assert.deepEqual(vpc.labels, { team: 'net' });
      assert.deepEqual(vpc.annotations, { 'example.com/owner': 'ops' });
      const subnets = vpc.spec.subnets as Record<string, { subnet: string; vlan: number }>;
      assert.equal(subnets.default.subnet, '10.0.1.0/24');
      assert.equal(subnets.backend.vlan, 1002);
      assert.equal(vpc.manifest.apiVersion, 'vpc.githedgehog.com/v1beta1');
      assert.equal(vpc.manifest.kind, 'VPC');
      assert.deepEqual((vpc.manifest.metadata as { name: string }).name, 'vpc-1');
      assert.equal(vpc.createdBy?.username, 'admin');
      assert.equal(vpc.stateHistory.length, 1);
      const [created] = vpc.stateHistory;
      assert.equal(created.fromState, null);
      assert.equal(created.toState, 'DRAFT');
      assert.equal(created.trigger, 'create');
      assert.equal(created.user?.username, 'admin');
      const row = await resourceRow(vpc.id);
      assert.equal(row.version, 1);
      assert.equal(row.resource_state, 'draft');
      assert.equal(await countRows(server, 'state_transition', 'resource_id = ?', [uuidOf(vpc.id, 'HedgehogResource')]), 1);
    });

    test('createResource accepts an explicit matching apiVersion and namespace "default"', async () => {
      const resource = await createResource({
        fabricId: fabric.id,
        kind: 'VPC',
        name: 'explicit',
        apiVersion: 'vpc.githedgehog.com/v1beta1',
        namespace: 'default',
        spec: simpleVpcSpec(2),
      });
      assert.equal(resource.apiVersion, 'vpc.githedgehog.com/v1beta1');
      assert.equal(resource.namespace, 'default');
    });

    test('updateResource bumps the version and records a transition; expectedVersion that matches is accepted', async () => {
      const vpc = await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'upd', spec: simpleVpcSpec(3) });
      const first = await call(MutUpdateResourceDocument, { id: vpc.id, input: { labels: { stage: 'one' } } });
      assert.deepEqual(first.updateResource.userErrors, []);
      const afterFirst = first.updateResource.resource;
      assert.ok(afterFirst);
      assert.equal(afterFirst.version, 2);
      assert.deepEqual(afterFirst.labels, { stage: 'one' });
      assert.equal(afterFirst.resourceState, 'DRAFT');
      assert.equal(afterFirst.stateHistory.length, 2);
      assert.equal(afterFirst.stateHistory[0].fromState, 'DRAFT', 'newest first');
      assert.equal(afterFirst.stateHistory[0].toState, 'DRAFT');
      assert.notEqual(afterFirst.stateHistory[0].trigger, 'create');
      assert.equal(afterFirst.stateHistory[1].trigger, 'create');

      const newSpec = simpleVpcSpec(4);
      const second = await call(MutUpdateResourceDocument, { id: vpc.id, input: { spec: newSpec, annotations: { note: 'moved' } }, expectedVersion: 2 });
      assert.deepEqual(second.updateResource.userErrors, []);
      const afterSecond = second.updateResource.resource;
      assert.ok(afterSecond);
      assert.equal(afterSecond.version, 3);
      assert.equal((afterSecond.spec.subnets as Record<string, { subnet: string }>).default.subnet, '10.0.24.0/24');
      assert.deepEqual(afterSecond.labels, { stage: 'one' }, 'labels are kept when not given');
      assert.deepEqual(afterSecond.annotations, { note: 'moved' });
      assert.equal(afterSecond.stateHistory.length, 3);
      const row = await resourceRow(vpc.id);
      assert.equal(row.version, 3);
      assert.equal(await countRows(server, 'state_transition', 'resource_id = ?', [uuidOf(vpc.id, 'HedgehogResource')]), 3);
    });

    test('deleteResource with and without expectedVersion removes the resource and its history', async () => {
      const one = await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'del-one', spec: simpleVpcSpec(5) });
      const two = await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'del-two', spec: simpleVpcSpec(6) });
      const byVersion = await call(MutDeleteResourceDocument, { id: one.id, expectedVersion: 1 });
      assert.deepEqual(byVersion.deleteResource.userErrors, []);
      assert.equal(byVersion.deleteResource.deletedId, one.id);
      const plain = await call(MutDeleteResourceDocument, { id: two.id });
      assert.deepEqual(plain.deleteResource.userErrors, []);
      assert.equal(plain.deleteResource.deletedId, two.id);
      for (const id of [one.id, two.id]) {
        assert.equal((await call(MutResourceDocument, { id })).resource, null);
        assert.equal(await countRows(server, 'hedgehog_resource', 'id = ?', [uuidOf(id, 'HedgehogResource')]), 0);
        assert.equal(await countRows(server, 'state_transition', 'resource_id = ?', [uuidOf(id, 'HedgehogResource')]), 0);
      }
      const names = (await call(MutResourcesDocument, { fabricId: fabric.id })).resources.edges.map((edge) => edge.node.name);
      assert.ok(!names.includes('del-one') && !names.includes('del-two'));
    });

    test('a stale expectedVersion → STALE_VERSION on update and on delete, with nothing changed', async () => {
      const vpc = await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'stale', spec: simpleVpcSpec(7) });
      const bumped = await call(MutUpdateResourceDocument, { id: vpc.id, input: { labels: { v: '2' } }, expectedVersion: 1 });
      assert.equal(bumped.updateResource.resource?.version, 2);

      for (const expectedVersion of [1, 3, 0, -1]) {
        const update = await rejected(`update at ${expectedVersion}`, () =>
          call(MutUpdateResourceDocument, { id: vpc.id, input: { labels: { v: 'lost' }, spec: simpleVpcSpec(8) }, expectedVersion }),
        );
        assert.equal(update.updateResource.resource, null);
        const error = assertUserError(update.updateResource.userErrors, 'STALE_VERSION', ['expectedVersion']);
        assert.match(error.message, /version 2/, 'the message tells the current version');
        const remove = await rejected(`delete at ${expectedVersion}`, () => call(MutDeleteResourceDocument, { id: vpc.id, expectedVersion }));
        assert.equal(remove.deleteResource.deletedId, null);
        assertUserError(remove.deleteResource.userErrors, 'STALE_VERSION', ['expectedVersion']);
      }
      const row = await resourceRow(vpc.id);
      assert.equal(row.version, 2);
      assert.deepEqual(row.labels, { v: '2' });
    });

    test('unknown or malformed ids → NOT_FOUND (create in an unknown fabric, update, delete)', async () => {
      const repo = await createRepository();
      for (const fabricId of [missingId('HedgehogFabric'), 'xyz', repo.id]) {
        const { createResource } = await rejected(`fabric ${fabricId}`, () =>
          call(MutCreateResourceDocument, { input: { fabricId, kind: 'VPC', name: 'nowhere', spec: simpleVpcSpec(9) } }),
        );
        assert.equal(createResource.resource, null);
        assertUserError(createResource.userErrors, 'NOT_FOUND', ['input', 'fabricId']);
      }
      for (const id of [missingId('HedgehogResource'), 'xyz', fabric.id]) {
        const update = await rejected(`update ${id}`, () => call(MutUpdateResourceDocument, { id, input: { labels: { a: 'b' } } }));
        assert.equal(update.updateResource.resource, null);
        assertUserError(update.updateResource.userErrors, 'NOT_FOUND', ['id']);
        const updateVersioned = await rejected(`update ${id} with a version`, () => call(MutUpdateResourceDocument, { id, input: { labels: { a: 'b' } }, expectedVersion: 1 }));
        assertUserError(updateVersioned.updateResource.userErrors, 'NOT_FOUND', ['id']);
        const remove = await rejected(`delete ${id}`, () => call(MutDeleteResourceDocument, { id, expectedVersion: 1 }));
        assert.equal(remove.deleteResource.deletedId, null);
        assertUserError(remove.deleteResource.userErrors, 'NOT_FOUND', ['id']);
      }
    });

    const invalidCreates: Array<{ what: string; input: Omit<CreateResourceInput, 'fabricId'>; field: string[] }> = [
      { what: 'unknown kind', input: { kind: 'Rack', name: 'r1', spec: {} }, field: ['input', 'kind'] },
      { what: 'kind in the wrong case', input: { kind: 'vpc', name: 'r2', spec: simpleVpcSpec(10) }, field: ['input', 'kind'] },
      { what: 'a Kubernetes kind', input: { kind: 'ConfigMap', name: 'r3', spec: {} }, field: ['input', 'kind'] },
      {
        what: 'legacy apiVersion',
        input: { kind: 'VLANNamespace', name: 'legacy', apiVersion: 'wiring.githedgehog.com/v1alpha2', spec: baseSpec('VLANNamespace', 'default') },
        field: ['input', 'apiVersion'],
      },
      {
        what: 'apiVersion of the other group',
        input: { kind: 'VPC', name: 'wronggroup', apiVersion: 'wiring.githedgehog.com/v1beta1', spec: simpleVpcSpec(11) },
        field: ['input', 'apiVersion'],
      },
      { what: 'a non-Hedgehog apiVersion', input: { kind: 'VPC', name: 'foreign', apiVersion: 'v1', spec: simpleVpcSpec(12) }, field: ['input', 'apiVersion'] },
      { what: 'upper-case name', input: { kind: 'VPC', name: 'VPC-A', spec: simpleVpcSpec(13) }, field: ['input', 'name'] },
      { what: 'underscore in the name', input: { kind: 'VPC', name: 'vpc_a', spec: simpleVpcSpec(14) }, field: ['input', 'name'] },
      { what: 'name starting with "-"', input: { kind: 'IPv4Namespace', name: '-ns', spec: { subnets: ['10.50.0.0/16'] } }, field: ['input', 'name'] },
      { what: 'empty name', input: { kind: 'IPv4Namespace', name: '', spec: { subnets: ['10.51.0.0/16'] } }, field: ['input', 'name'] },
      { what: 'name over 253 characters', input: { kind: 'IPv4Namespace', name: 'n'.repeat(254), spec: { subnets: ['10.52.0.0/16'] } }, field: ['input', 'name'] },
      { what: 'numeric label value', input: { kind: 'VPC', name: 'lbl1', spec: simpleVpcSpec(15), labels: { tier: 1 } }, field: ['input', 'labels', 'tier'] },
      { what: 'boolean label value', input: { kind: 'VPC', name: 'lbl2', spec: simpleVpcSpec(16), labels: { ok: 'yes', on: true } }, field: ['input', 'labels', 'on'] },
      { what: 'object label value', input: { kind: 'VPC', name: 'lbl3', spec: simpleVpcSpec(17), labels: { nested: { a: 'b' } } }, field: ['input', 'labels', 'nested'] },
      { what: 'null annotation value', input: { kind: 'VPC', name: 'ann1', spec: simpleVpcSpec(18), annotations: { gone: null } }, field: ['input', 'annotations', 'gone'] },
    ];
    for (const { what, input, field } of invalidCreates) {
      test(`createResource: ${what} → VALIDATION at ${field.join('.')}`, async () => {
        const { createResource } = await rejected(what, () => call(MutCreateResourceDocument, { input: { fabricId: fabric.id, ...input } }));
        assert.equal(createResource.resource, null);
        assertUserError(createResource.userErrors, 'VALIDATION', field, what);
      });
    }

    test('duplicate (fabric, kind, namespace, name) → ALREADY_EXISTS; the same name in another kind or fabric is fine', async () => {
      await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'dup', spec: simpleVpcSpec(19) });
      const { createResource: payload } = await rejected('duplicate', () =>
        call(MutCreateResourceDocument, { input: { fabricId: fabric.id, kind: 'VPC', name: 'dup', namespace: 'default', spec: simpleVpcSpec(20) } }),
      );
      assert.equal(payload.resource, null);
      assertUserError(payload.userErrors, 'ALREADY_EXISTS', ['input', 'name']);
      // Both default namespaces of this fabric share the name "default" across kinds.
      const kinds = (await call(MutResourcesDocument, { fabricId: fabric.id })).resources.edges.filter((edge) => edge.node.name === 'default').map((edge) => edge.node.kind);
      assert.deepEqual(kinds.sort(), ['IPv4Namespace', 'VLANNamespace']);
      const otherFabric = await fabricWithNamespaces();
      const elsewhere = await createResource({ fabricId: otherFabric.id, kind: 'VPC', name: 'dup', spec: simpleVpcSpec(19) });
      assert.equal(elsewhere.version, 1);
    });

    test('an invalid Hedgehog spec (VPC subnet not a CIDR) → VALIDATION pointing into spec, on create and on update', async () => {
      const spec = simpleVpcSpec(21);
      (spec.subnets as Record<string, Record<string, unknown>>).default.subnet = 'not-a-cidr';
      const created = (await rejected('invalid subnet', () => call(MutCreateResourceDocument, { input: { fabricId: fabric.id, kind: 'VPC', name: 'badcidr', spec } }))).createResource;
      assert.equal(created.resource, null);
      const error = created.userErrors.find((e) => e.code === 'VALIDATION' && e.field[0] === 'input' && e.field[1] === 'spec');
      assert.ok(error, `expected a VALIDATION error inside input.spec, got ${JSON.stringify(created.userErrors)}`);
      assert.deepEqual(error.field, ['input', 'spec', 'subnets', 'default', 'subnet']);
      assert.match(error.message, /not-a-cidr/);

      const vpc = await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'goodcidr', spec: simpleVpcSpec(22) });
      const update = await rejected('invalid subnet on update', () => call(MutUpdateResourceDocument, { id: vpc.id, input: { spec }, expectedVersion: 1 }));
      assert.equal(update.updateResource.resource, null);
      assertUserError(update.updateResource.userErrors, 'VALIDATION', ['input', 'spec', 'subnets', 'default', 'subnet']);
      assert.equal((await resourceRow(vpc.id)).version, 1);
    });

    test('updateResource with non-string label values → VALIDATION, nothing changed', async () => {
      const vpc = await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'lblupd', spec: simpleVpcSpec(23), labels: { keep: 'me' } });
      const { updateResource } = await rejected('bad labels', () => call(MutUpdateResourceDocument, { id: vpc.id, input: { labels: { n: 5 } } }));
      assert.equal(updateResource.resource, null);
      assertUserError(updateResource.userErrors, 'VALIDATION', ['input', 'labels', 'n']);
      const row = await resourceRow(vpc.id);
      assert.equal(row.version, 1);
      assert.deepEqual(row.labels, { keep: 'me' });
    });

    test('malformed JSON input sent as variables → BAD_USER_INPUT, HTTP 400 or 200, never 500, nothing written', async () => {
      const cases: Array<[string, Record<string, unknown>]> = [
        ['spec as a string', { fabricId: fabric.id, kind: 'VPC', name: 'm1', spec: 'subnets: {}' }],
        ['spec as an array', { fabricId: fabric.id, kind: 'VPC', name: 'm2', spec: [1, 2] }],
        ['spec as a number', { fabricId: fabric.id, kind: 'VPC', name: 'm3', spec: 42 }],
        ['spec null', { fabricId: fabric.id, kind: 'VPC', name: 'm4', spec: null }],
        ['spec missing', { fabricId: fabric.id, kind: 'VPC', name: 'm5' }],
        ['labels as a string', { fabricId: fabric.id, kind: 'VPC', name: 'm6', spec: simpleVpcSpec(24), labels: 'a=b' }],
        ['name as a number', { fabricId: fabric.id, kind: 'VPC', name: 7, spec: simpleVpcSpec(25) }],
      ];
      for (const [what, input] of cases) {
        const response = await rejected(what, () =>
          postGraphQL<MutCreateResourceMutation, Record<string, unknown>>(server.url, server.adminToken, MutCreateResourceDocument, { input }),
        );
        assert.ok(response.status === 400 || response.status === 200, `${what}: HTTP ${response.status}`);
        assert.ok(response.errors?.length, `${what}: expected a GraphQL error`);
        assert.equal(response.errors[0].extensions?.code, 'BAD_USER_INPUT', `${what}: ${JSON.stringify(response.errors)}`);
        assert.ok(!response.data?.createResource, `${what}: nothing created`);
      }
      const vpc = await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'malupd', spec: simpleVpcSpec(26) });
      const update = await rejected('update spec as a string', () =>
        postGraphQL<unknown, Record<string, unknown>>(server.url, server.adminToken, MutUpdateResourceDocument, { id: vpc.id, input: { spec: 'x' } }),
      );
      assert.ok(update.status === 400 || update.status === 200, `HTTP ${update.status}`);
      assert.equal(update.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    });

    test('malformed GraphQL and malformed JSON bodies → 400 with a stable code, never 500', async () => {
      const parse = await postGraphQL(server.url, server.adminToken, 'mutation { createResource(input: { ');
      assert.equal(parse.status, 400);
      assert.equal(parse.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
      const literal = await postGraphQL(server.url, server.adminToken, `mutation { createResource(input: { fabricId: "${fabric.id}", kind: "VPC", name: "lit", spec: "text" }) { resource { id } } }`);
      assert.equal(literal.status, 400);
      assert.equal(literal.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
      const body = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
        body: '{"query": "mutation {',
      });
      assert.equal(body.status, 400);
      const json = (await body.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      assert.ok(json.errors?.[0]?.extensions?.code, 'a code is given');
      assert.equal(await countRows(server, 'hedgehog_resource', 'name = ?', ['lit']), 0);
    });

    test('NUL characters anywhere in the input → BAD_USER_INPUT (HTTP 400), never 500, nothing written', async () => {
      const vpc = await createResource({ fabricId: fabric.id, kind: 'VPC', name: 'nulupd', spec: simpleVpcSpec(27) });
      const repo = await createRepository();
      const cases: Array<[string, () => Promise<GraphQLResponse<unknown>>]> = [
        ['repository name', () => send(MutCreateGitRepositoryDocument, { input: { name: 'nul\u0000name', url: 'https://git.example.com/nul.git' } })],
        ['repository description', () => send(MutCreateGitRepositoryDocument, { input: { name: 'nul-desc', url: 'https://git.example.com/nul.git', description: 'a\u0000b' } })],
        ['repository webhook secret', () => send(MutUpdateGitRepositoryDocument, { id: repo.id, input: { webhookSecret: 'a\u0000' } })],
        ['fabric description', () => send(MutCreateFabricDocument, { input: { name: 'nul-fabric', description: 'x\u0000y' } })],
        ['fabric description on update', () => send(MutUpdateFabricDocument, { id: fabric.id, input: { description: '\u0000' } })],
        ['resource label value', () => send(MutCreateResourceDocument, { input: { fabricId: fabric.id, kind: 'VPC', name: 'nullbl', spec: simpleVpcSpec(28), labels: { a: 'b\u0000' } } })],
        ['resource annotation key', () => send(MutUpdateResourceDocument, { id: vpc.id, input: { annotations: { 'a\u0000': 'b' } } })],
        ['a key inside the spec', () => send(MutCreateResourceDocument, { input: { fabricId: fabric.id, kind: 'VPC', name: 'nulkey', spec: { subnets: { 'sub\u0000': { subnet: '10.0.99.0/24', vlan: 1999 } } } } })],
      ];
      for (const [what, run] of cases) {
        const response = await rejected(what, run);
        assert.equal(response.status, 400, `${what}: HTTP ${response.status} ${JSON.stringify(response.errors)}`);
        assert.equal(response.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', what);
        assert.match(response.errors?.[0]?.message ?? '', /NUL/);
      }
      const literal = await rejected('NUL in a literal', () =>
        postGraphQL(server.url, server.adminToken, 'mutation { createFabric(input: { name: "nul-literal", description: "a\\u0000b" }) { fabric { id } } }'),
      );
      assert.equal(literal.status, 400);
      assert.equal(literal.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    });

    test('absurdly deep JSON in a spec → BAD_USER_INPUT (HTTP 400), never 500; realistic depth still works', async () => {
      const mutation = print(MutCreateResourceDocument);
      for (const depth of [200, 5000, 100000]) {
        const spec = `{"subnets":{"default":{"subnet":"10.0.98.0/24","vlan":1998}},"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
        const body = `{"query":${JSON.stringify(mutation)},"variables":{"input":{"fabricId":${JSON.stringify(fabric.id)},"kind":"VPC","name":"deep","spec":${spec}}}}`;
        const before = await dbSnapshot(server);
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminToken}` },
          body,
        });
        const json = (await response.json()) as GraphQLResponse<unknown>;
        assert.equal(response.status, 400, `depth ${depth}: HTTP ${response.status} ${JSON.stringify(json.errors)}`);
        assert.equal(json.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
        await assertNoWrites(server, before, `depth ${depth}`);
      }
      const nested: Record<string, unknown> = { leaf: 'x' };
      let annotations: Record<string, unknown> = nested;
      for (let i = 0; i < 20; i++) annotations = { level: annotations };
      const { createResource } = await call(MutCreateResourceDocument, { input: { fabricId: fabric.id, kind: 'VPC', name: 'shallow', spec: simpleVpcSpec(29), annotations } });
      assertUserError(createResource.userErrors, 'VALIDATION', ['input', 'annotations', 'level'], '20 levels reach the validators');
    });

    test('the token hash of the admin, never the token, is stored (sanity check of the test database)', async () => {
      const hash = createHash('sha256').update(server.adminToken).digest('hex');
      assert.equal(await countRows(server, 'api_token', 'token_hash = ?', [hash]), 1);
      const [dump] = await sql<{ text: string }>(server, `select string_agg(to_jsonb(t)::text, ',') as text from api_token t`);
      assert.ok(!dump.text.includes(server.adminToken));
    });
  });
});
