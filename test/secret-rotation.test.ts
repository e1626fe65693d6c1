import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { ENCRYPTED_COLUMNS } from '../src/auth/encrypted-columns';
import { SecretBox, SecretBoxError } from '../src/auth/secret-box';
import { loadConfig } from '../src/config';
import { GitCreateRepositoryDocument, GitTestConnectionDocument } from './generated/operations';
import { uuidOf, sql } from './support/db-state';
import { BareRepository } from './support/git-fixtures';
import { startGitHttpServer, type GitHttpServer } from './support/git-http-server';
import { serverUrl } from './support/test-database';
import { startTestServer, type TestServer } from './support/test-server';

const KEY_A = randomBytes(32).toString('hex');
const KEY_B = randomBytes(32).toString('base64');
const KEY_C = 'an old passphrase hashed into a key';
const TOKEN = `rotation-token-${randomBytes(8).toString('hex')}`;
const WEBHOOK = `rotation-webhook-${randomBytes(8).toString('hex')}`;
const PASSWORD = `rotation-password-${randomBytes(8).toString('hex')}`;

const reencryptCommand = path.resolve(__dirname, '../src/auth/reencrypt-secrets-command.js');

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

function reencrypt(env: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolve) => {
    const { DATABASE_URL: _d, HNP_SECRET_KEY: _k, HNP_SECRET_KEY_PREVIOUS: _p, ...inherited } = process.env;
    execFile(process.execPath, [reencryptCommand], { env: { ...inherited, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('SecretBox with previous keys', () => {
  test('decrypts envelopes of every known key and encrypts only with the current one', () => {
    const old = new SecretBox(KEY_A);
    const older = new SecretBox(KEY_C);
    const rotated = new SecretBox(KEY_B, [KEY_A, KEY_C]);
    assert.equal(rotated.decrypt(old.encrypt('from A')), 'from A');
    assert.equal(rotated.decrypt(older.encrypt('from C')), 'from C');

    const fresh = rotated.encrypt('new');
    assert.equal(rotated.envelopeKeyId(fresh), new SecretBox(KEY_B).keyId);
    assert.notEqual(rotated.keyId, old.keyId);
    assert.equal(new SecretBox(KEY_B).decrypt(fresh), 'new');
    assert.throws(() => old.decrypt(fresh), (error: Error) => error instanceof SecretBoxError && error.message.includes(`encrypted with key ${rotated.keyId}`));
    assert.deepEqual(rotated.knownKeyIds, [rotated.keyId, old.keyId, older.keyId]);
  });

  test('a key id that no configured key has is reported with the ids that are known', () => {
    const envelope = new SecretBox(KEY_C).encrypt('x');
    const box = new SecretBox(KEY_B, [KEY_A]);
    assert.throws(() => box.decrypt(envelope), new RegExp(`key ${new SecretBox(KEY_C).keyId}, but HNP_SECRET_KEY is key ${box.keyId} and HNP_SECRET_KEY_PREVIOUS holds key\\(s\\) ${new SecretBox(KEY_A).keyId}`));
  });

  test('a tampered envelope under a previous key fails authentication', () => {
    const envelope = new SecretBox(KEY_A).encrypt('secret');
    const parts = envelope.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    assert.throws(() => new SecretBox(KEY_B, [KEY_A]).decrypt(parts.join('.')), /failed authentication/);
  });

  test('HNP_SECRET_KEY_PREVIOUS is a comma-separated list', () => {
    assert.deepEqual(loadConfig({ HNP_SECRET_KEY_PREVIOUS: ` ${KEY_A}, ${KEY_C} ,, ` }).secretKeyPrevious, [KEY_A, KEY_C]);
    assert.deepEqual(loadConfig({}).secretKeyPrevious, []);
  });
});

describe('key rotation against a database', { skip: serverUrl() ? false : 'the command runs next to a server: needs a PostgreSQL server (TEST_DATABASE_URL)' }, () => {
  let root: string;
  let gitServer: GitHttpServer;
  let remoteUrl: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hnp-rotation-'));
    const bare = await BareRepository.create(root, 'fabric.git');
    await bare.commit({ 'README.md': 'rotation\n' });
    gitServer = await startGitHttpServer({ projectRoot: root, users: { 'x-access-token': TOKEN, alice: PASSWORD } });
    remoteUrl = gitServer.repoUrl('fabric.git');
  });
  after(async () => {
    await gitServer?.close();
    await rm(root, { recursive: true, force: true });
  });

  async function createRepository(server: TestServer, name: string, input: Record<string, unknown>): Promise<string> {
    const result = await server.query(GitCreateRepositoryDocument, { input: { name, url: remoteUrl, ...input } });
    assert.deepEqual(result.createGitRepository.userErrors, []);
    return result.createGitRepository.gitRepository!.id;
  }

  async function storedSecrets(server: TestServer): Promise<Array<{ id: string; encrypted_credentials: string | null; webhook_secret: string | null }>> {
    return sql(server, 'select id, encrypted_credentials, webhook_secret from git_repository order by id');
  }

  test('npm run reencrypt-secrets moves every secret to the current key, is idempotent, and refuses unreadable secrets', async () => {
    const server = await startTestServer({ secretKey: KEY_A });
    try {
      const withToken = await createRepository(server, 'token', { authenticationType: 'TOKEN' as const, credentials: { token: TOKEN }, webhookSecret: WEBHOOK });
      await createRepository(server, 'basic', { authenticationType: 'BASIC' as const, credentials: { username: 'alice', password: PASSWORD } });
      const plain = await createRepository(server, 'none', {});
      const keyA = new SecretBox(KEY_A);
      const before = await storedSecrets(server);
      for (const row of before) {
        for (const value of [row.encrypted_credentials, row.webhook_secret]) if (value) assert.equal(keyA.envelopeKeyId(value), keyA.keyId);
      }

      // Every column holding an envelope is one the command knows about.
      const columns = await sql<{ table_name: string; column_name: string }>(
        server,
        "select table_name, column_name from information_schema.columns where table_schema = current_schema() and data_type in ('text', 'character varying')",
      );
      const envelopeColumns: string[] = [];
      for (const { table_name, column_name } of columns) {
        const hits = await sql<{ n: number }>(server, `select count(*)::int as n from "${table_name}" where "${column_name}" ~ '^v1\\.[0-9a-f]{8}\\.'`);
        if (hits[0].n > 0) envelopeColumns.push(`${table_name}.${column_name}`);
      }
      assert.deepEqual(envelopeColumns.sort(), ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`).sort());

      const env = { DATABASE_URL: server.config.databaseUrl!, DATA_DIR: server.config.dataDir, HNP_SECRET_KEY: KEY_B, HNP_SECRET_KEY_PREVIOUS: `${KEY_C},${KEY_A}` };
      const first = await reencrypt(env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /git_repository\.encrypted_credentials: 2 re-encrypted, 0 already under key/);
      assert.match(first.stdout, /git_repository\.webhook_secret: 1 re-encrypted, 0 already under key/);
      assert.match(first.stdout, /done: 3 secret\(s\) re-encrypted/);

      const keyB = new SecretBox(KEY_B);
      const rotated = await storedSecrets(server);
      const byId = new Map(rotated.map((row) => [row.id, row]));
      const tokenRow = byId.get(uuidOf(withToken, 'GitRepository'))!;
      assert.deepEqual(JSON.parse(keyB.decrypt(tokenRow.encrypted_credentials!)), { token: TOKEN });
      assert.equal(keyB.decrypt(tokenRow.webhook_secret!), WEBHOOK);
      assert.equal(byId.get(uuidOf(plain, 'GitRepository'))!.encrypted_credentials, null);
      for (const row of rotated) {
        for (const value of [row.encrypted_credentials, row.webhook_secret]) if (value) assert.equal(keyB.envelopeKeyId(value), keyB.keyId);
      }

      const second = await reencrypt(env);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /encrypted_credentials: 0 re-encrypted, 2 already under key/);
      assert.match(second.stdout, /webhook_secret: 0 re-encrypted, 1 already under key/);
      assert.deepEqual(await storedSecrets(server), rotated, 'a second run rewrites nothing');

      // A secret under a key nobody configured: the run fails, naming it, and changes nothing (not even readable rows).
      await sql(server, 'update git_repository set webhook_secret = ? where id = ?', [new SecretBox('a key that was lost').encrypt('x'), uuidOf(plain, 'GitRepository')]);
      const beforeFailure = await storedSecrets(server);
      const failed = await reencrypt({ ...env, HNP_SECRET_KEY: KEY_C, HNP_SECRET_KEY_PREVIOUS: KEY_B });
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /1 secret\(s\) cannot be decrypted with HNP_SECRET_KEY or HNP_SECRET_KEY_PREVIOUS; nothing was changed/);
      assert.match(failed.stderr, new RegExp(`git_repository\\.webhook_secret id=${uuidOf(plain, 'GitRepository')}: secret was encrypted with key`));
      assert.deepEqual(await storedSecrets(server), beforeFailure);
      assert.doesNotMatch(failed.stderr + failed.stdout, new RegExp(TOKEN));
    } finally {
      await server.stop();
    }
  });

  test('a server given HNP_SECRET_KEY_PREVIOUS authenticates with credentials stored under the old key and stores new ones under the current key', async () => {
    const logLines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    const server = await startTestServer({ secretKey: KEY_B, secretKeyPrevious: [KEY_A] }, { log });
    try {
      const loaded = logLines.map((line) => JSON.parse(line) as { msg: string; keyId?: string; previousKeyIds?: string[] }).find((entry) => entry.msg === 'secret keys loaded');
      assert.deepEqual({ keyId: loaded?.keyId, previous: loaded?.previousKeyIds }, { keyId: new SecretBox(KEY_B).keyId, previous: [new SecretBox(KEY_A).keyId] });
      assert.ok(!logLines.join('').includes(KEY_A) && !logLines.join('').includes(KEY_B), 'key ids are logged, never keys');
      const id = await createRepository(server, 'rotated', { authenticationType: 'TOKEN' as const, credentials: { token: 'wrong-token' } });
      const [stored] = await storedSecrets(server);
      assert.equal(new SecretBox(KEY_B).envelopeKeyId(stored.encrypted_credentials!), new SecretBox(KEY_B).keyId);
      const failed = await server.query(GitTestConnectionDocument, { id });
      assert.equal(failed.testGitRepositoryConnection.gitRepository?.connectionStatus, 'FAILED');

      // The right token, as an older instance (key A) would have written it.
      await sql(server, 'update git_repository set encrypted_credentials = ? where id = ?', [new SecretBox(KEY_A).encrypt(JSON.stringify({ token: TOKEN })), uuidOf(id, 'GitRepository')]);
      const connected = await server.query(GitTestConnectionDocument, { id });
      assert.equal(connected.testGitRepositoryConnection.gitRepository?.connectionStatus, 'CONNECTED', connected.testGitRepositoryConnection.gitRepository?.validationError);
    } finally {
      await server.stop();
    }
  });
});
