// Installed before anything else: every child process the server (which runs in this process) could start is seen.
import { recordChildProcesses } from './support/child-process-recorder';
const children = recordChildProcesses();

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { buildSchema, Kind, print, type DocumentNode } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import pino from 'pino';
import * as operations from './generated/operations';
import {
  LeakCancelDocument,
  LeakConflictEventsDocument,
  LeakCreateFabricDocument,
  LeakCreateRepositoryDocument,
  LeakCreateResourceDocument,
  LeakCreateTokenDocument,
  LeakCreateUserDocument,
  LeakDeleteFabricDocument,
  LeakDeleteRepositoryDocument,
  LeakDeleteResourceDocument,
  LeakEverythingDocument,
  LeakIngestDocument,
  LeakInitDirectoryDocument,
  LeakOperationByIdDocument,
  LeakProgressDocument,
  LeakResolveDocument,
  LeakResourceByIdDocument,
  LeakRevokeTokenDocument,
  LeakSyncDocument,
  LeakTestConnectionDocument,
  LeakUpdateFabricDocument,
  LeakUpdateRepositoryDocument,
  LeakUpdateResourceDocument,
  LeakValidateFabricDocument,
  LeakValidateManifestsDocument,
  type PushMode,
  type SyncDirection,
} from './generated/operations';
import { TABLES, sql } from './support/db-state';
import { BareRepository } from './support/git-fixtures';
import { startGitHttpServer, type GitHttpServer } from './support/git-http-server';
import { startTestServer, type TestServer } from './support/test-server';

const run = promisify(execFile);

const CANARY_TOKEN = `hnp-leak-canary-token-${randomBytes(8).toString('hex')}`;
const CANARY_PASSWORD = `hnp-leak-canary-password-${randomBytes(8).toString('hex')}`;
const CANARY_WEBHOOK = `hnp-leak-canary-webhook-${randomBytes(8).toString('hex')}`;
const CANARY_WRONG = `hnp-leak-canary-wrong-${randomBytes(8).toString('hex')}`;

const BASE_FILE = 'fab/raw/base.yaml';
const BASE = [
  'apiVersion: vpc.githedgehog.com/v1beta1\nkind: IPv4Namespace\nmetadata:\n  name: default\nspec:\n  subnets: [10.0.0.0/16]',
  'apiVersion: wiring.githedgehog.com/v1beta1\nkind: VLANNamespace\nmetadata:\n  name: default\nspec:\n  ranges: [{from: 1000, to: 2999}]',
  'apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: vpc-1\nspec:\n  subnets:\n    default:\n      subnet: 10.0.1.0/24\n      vlan: 1001',
].join('\n---\n');
const VPC_FILE = 'fab/managed/vpcs/vpc-1.yaml';

/**
 * Every way a canary could be written down: as is, JSON-escaped, URL-encoded, hex, and base64/base64url at each of the
 * three byte alignments (so it is found inside any base64 text that contains it, e.g. a Basic authorization header).
 */
function encodedForms(secret: string): Map<string, string> {
  const forms = new Map<string, string>([
    ['plain', secret],
    ['url-encoded', encodeURIComponent(secret)],
    ['hex', Buffer.from(secret).toString('hex')],
  ]);
  if (forms.get('url-encoded') === secret) forms.delete('url-encoded');
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift, 0x41), Buffer.from(secret)]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const text = padded.toString(encoding).replace(/=+$/, '');
      // Drop the characters that depend on the neighbouring bytes.
      forms.set(`${encoding}@${shift}`, text.slice(Math.ceil((shift * 4) / 3) + 1, text.length - 2));
    }
  }
  return forms;
}

function leaksIn(captured: Map<string, string[]>, canaries: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [source, texts] of captured) {
    for (const [name, secret] of Object.entries(canaries)) {
      for (const [form, needle] of encodedForms(secret)) {
        const hit = texts.find((text) => text.includes(needle));
        if (hit !== undefined) {
          const at = hit.indexOf(needle);
          found.push(`${name} (${form}) in ${source}: …${hit.slice(Math.max(0, at - 160), at + needle.length + 40)}…`);
        }
      }
    }
  }
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/**
 * Stands in for the GitHub pulls endpoint, adversarially: the first request is refused with a message that quotes
 * the Authorization header back (as a misbehaving proxy or API might); later ones open a pull request.
 */
async function startEchoingGitHub(): Promise<{ base: string; requests: number; close(): Promise<void> }> {
  const state = { base: '', requests: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests++;
      res.setHeader('content-type', 'application/json');
      if (state.requests === 1) {
        res.writeHead(401).end(JSON.stringify({ message: `Bad credentials: ${req.headers.authorization}`, errors: [{ message: `token ${String(req.headers.authorization).slice(7)} rejected` }] }));
        return;
      }
      res.writeHead(201).end(JSON.stringify({ number: state.requests, html_url: `https://github.example.net/acme/fabric/pull/${state.requests}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

describe('secret leak test: canary credentials never leave the encrypted columns', () => {
  test('the leak test covers every root field of the schema (a new query, mutation or subscription must be added to test/graphql/leak.graphql)', async () => {
    const schema = buildSchema(await readFile(path.resolve(__dirname, '../../schema.graphql'), 'utf8'));
    const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) => Object.keys(type?.getFields() ?? {}).map((field) => `${type!.name}.${field}`));
    const covered = new Set<string>();
    for (const [name, document] of Object.entries(operations)) {
      if (!name.startsWith('Leak') || !name.endsWith('Document')) continue;
      for (const definition of (document as DocumentNode).definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const rootType = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' }[definition.operation];
        for (const selection of definition.selectionSet.selections) if (selection.kind === Kind.FIELD) covered.add(`${rootType}.${selection.name.value}`);
      }
    }
    assert.deepEqual(rootFields.filter((field) => !covered.has(field)), []);
  });

  let root: string;
  let remote: BareRepository;
  let gitServer: GitHttpServer;
  let server: TestServer;
  let remoteUrl: string;
  let github: Awaited<ReturnType<typeof startEchoingGitHub>>;
  const logLines: string[] = [];
  const captured = new Map<string, string[]>();
  const capture = (source: string, text: string) => {
    const texts = captured.get(source) ?? [];
    texts.push(text);
    captured.set(source, texts);
  };

  // Anything written to this process's stdout/stderr while the server runs (console.* of the server or a library).
  const originalWrites = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  const recordStream = (name: 'stdout' | 'stderr') =>
    ((chunk: unknown, ...rest: unknown[]) => {
      capture(`process ${name}`, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (originalWrites[name] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;

  before(async () => {
    process.stdout.write = recordStream('stdout');
    process.stderr.write = recordStream('stderr');
    root = await mkdtemp(path.join(tmpdir(), 'hnp-leak-'));
    remote = await BareRepository.create(root, 'acme/fabric.git');
    await remote.commit({ 'README.md': 'leak test\n' });
    gitServer = await startGitHttpServer({ projectRoot: root, users: { 'x-access-token': CANARY_TOKEN, alice: CANARY_PASSWORD } });
    remoteUrl = gitServer.repoUrl('acme/fabric.git');
    github = await startEchoingGitHub();
    // A plain pino logger, without the redaction paths of createLogger: the server must not hand secrets to its
    // logger at all (redaction is the second line of defence, not the first).
    const log = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
    server = await startTestServer({ logLevel: 'trace', githubApiUrl: github.base }, { log });
  });
  after(async () => {
    children.restore();
    process.stdout.write = originalWrites.stdout;
    process.stderr.write = originalWrites.stderr;
    await server?.stop();
    await gitServer?.close();
    await github?.close();
    await rm(root, { recursive: true, force: true });
  });

  /** POST /graphql, recording status, headers and body. */
  async function send<T, V>(document: TypedDocumentNode<T, V> | string, variables: V, token: string | null = server.adminToken): Promise<{ status: number; data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
    });
    const body = await response.text();
    capture('HTTP response headers', JSON.stringify([...response.headers]));
    capture('HTTP response bodies', body);
    return { status: response.status, ...(JSON.parse(body) as object) };
  }

  async function ok<T, V>(document: TypedDocumentNode<T, V>, variables: V): Promise<T> {
    const result = await send(document, variables);
    assert.ok(result.data && !result.errors, JSON.stringify(result.errors));
    return result.data;
  }

  async function waitFor(operationId: string): Promise<NonNullable<Awaited<ReturnType<typeof operation>>>> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const current = await operation(operationId);
      if (current && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(current.status)) return current;
      assert.ok(Date.now() < deadline, `operation ${operationId} did not finish`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function operation(id: string) {
    return (await ok(LeakOperationByIdDocument, { id })).syncOperation;
  }

  async function sync(fabricId: string, direction: SyncDirection, dryRun = false, mode?: PushMode) {
    const queued = await ok(LeakSyncDocument, { fabricId, direction, dryRun, mode });
    assert.deepEqual(queued.syncFabric.userErrors, []);
    return waitFor(queued.syncFabric.syncOperation!.id);
  }

  async function webhook(body: string, signature: string): Promise<number> {
    const response = await fetch(`${server.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-delivery': randomUUID(), 'x-github-event': 'push', 'x-hub-signature-256': signature },
      body,
    });
    capture('HTTP response headers', JSON.stringify([...response.headers]));
    capture('HTTP response bodies', await response.text());
    return response.status;
  }

  test('drives every query, mutation, sync path and webhook, then finds no canary anywhere', async () => {
    // graphql-ws client on a WebSocket that records every frame the server sends.
    class RecordingWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        this.on('message', (data) => capture('WebSocket frames', String(data)));
      }
    }
    const ws = createClient({ url: server.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: RecordingWebSocket, connectionParams: { authorization: `Bearer ${server.adminToken}` }, retryAttempts: 0 });
    const noop = { next: () => undefined, error: () => undefined, complete: () => undefined };
    const unsubscribe = [
      ws.subscribe({ query: print(LeakProgressDocument) }, noop),
      ws.subscribe({ query: print(LeakConflictEventsDocument) }, noop),
    ];
    const wsRequest = (query: string, variables: Record<string, unknown>) =>
      new Promise<void>((resolve) => ws.subscribe({ query, variables }, { next: () => undefined, error: () => resolve(), complete: () => resolve() }));

    try {
      // --- repositories: refused inputs first (each would echo or store the secret if anything did) ---
      const withCredentialsInUrl = await ok(LeakCreateRepositoryDocument, { input: { name: 'in-url', url: remoteUrl.replace('http://', `http://x-access-token:${CANARY_TOKEN}@`) } });
      assert.equal(withCredentialsInUrl.createGitRepository.userErrors[0]?.code, 'VALIDATION');
      const sshWithPassword = await ok(LeakCreateRepositoryDocument, { input: { name: 'ssh-pw', url: `ssh://git:${CANARY_PASSWORD}@example.invalid/repo.git` } });
      assert.equal(sshWithPassword.createGitRepository.userErrors[0]?.code, 'VALIDATION');
      const missingField = await ok(LeakCreateRepositoryDocument, { input: { name: 'basic-no-user', url: remoteUrl, authenticationType: 'BASIC' as const, credentials: { password: CANARY_PASSWORD }, webhookSecret: CANARY_WEBHOOK } });
      assert.equal(missingField.createGitRepository.userErrors[0]?.code, 'VALIDATION');
      // Variable coercion errors: graphql-js prints the offending (sub-)value into the message.
      const createRepository = print(LeakCreateRepositoryDocument);
      for (const input of [
        { name: 'unknown-field', url: remoteUrl, credentials: { token: CANARY_TOKEN }, webhookSecret: CANARY_WEBHOOK, bogus: true },
        { name: 'unknown-credential', url: remoteUrl, credentials: { token: CANARY_TOKEN, password: CANARY_PASSWORD, pin: 1 } },
        { name: 'credentials-as-text', url: remoteUrl, credentials: CANARY_TOKEN },
        { name: 'secret-as-object', url: remoteUrl, webhookSecret: { value: CANARY_WEBHOOK } },
        { name: 'token-as-list', url: remoteUrl, credentials: { token: [CANARY_TOKEN] } },
        { url: remoteUrl, credentials: { token: CANARY_TOKEN }, webhookSecret: CANARY_WEBHOOK },
      ]) {
        const refused = await send(createRepository, { input });
        assert.equal(refused.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(refused));
        await wsRequest(createRepository, { input });
      }

      const created = await ok(LeakCreateRepositoryDocument, {
        input: { name: 'canary', url: remoteUrl, provider: 'GITHUB', authenticationType: 'TOKEN' as const, credentials: { token: CANARY_TOKEN }, webhookSecret: CANARY_WEBHOOK, commitAuthorName: 'Leak Bot', commitAuthorEmail: 'leak@example.net' },
      });
      assert.deepEqual(created.createGitRepository.userErrors, []);
      const repositoryId = created.createGitRepository.gitRepository!.id;
      const basic = await ok(LeakCreateRepositoryDocument, { input: { name: 'basic', url: remoteUrl, authenticationType: 'BASIC' as const, credentials: { username: 'alice', password: CANARY_PASSWORD } } });
      const wrong = await ok(LeakCreateRepositoryDocument, { input: { name: 'wrong', url: remoteUrl, authenticationType: 'TOKEN' as const, credentials: { token: CANARY_WRONG } } });
      const unreachable = await ok(LeakCreateRepositoryDocument, { input: { name: 'unreachable', url: 'http://127.0.0.1:9/nothing.git', authenticationType: 'TOKEN' as const, credentials: { token: CANARY_TOKEN }, timeoutSeconds: 5 } });
      const missing = await ok(LeakCreateRepositoryDocument, { input: { name: 'missing', url: gitServer.repoUrl('missing.git'), authenticationType: 'BASIC' as const, credentials: { username: 'alice', password: CANARY_PASSWORD } } });
      const sshRepository = await ok(LeakCreateRepositoryDocument, { input: { name: 'ssh', url: 'git@127.0.0.1:nothing.git', authenticationType: 'SSH_KEY' as const, credentials: { privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${CANARY_TOKEN}\n-----END OPENSSH PRIVATE KEY-----\n`, passphrase: CANARY_PASSWORD }, timeoutSeconds: 3 } });

      const statuses: Record<string, string | undefined> = {};
      for (const [name, payload] of Object.entries({ canary: created, basic, wrong, unreachable, missing, ssh: sshRepository })) {
        const tested = await ok(LeakTestConnectionDocument, { id: payload.createGitRepository.gitRepository!.id });
        statuses[name] = tested.testGitRepositoryConnection.gitRepository?.connectionStatus;
      }
      assert.deepEqual(statuses, { canary: 'CONNECTED', basic: 'CONNECTED', wrong: 'FAILED', unreachable: 'FAILED', missing: 'FAILED', ssh: 'FAILED' });

      // Updates: credentials rotated (same values), refused updates that carry secrets.
      const updated = await ok(LeakUpdateRepositoryDocument, { id: repositoryId, input: { description: 'rotated', credentials: { token: CANARY_TOKEN }, webhookSecret: CANARY_WEBHOOK } });
      assert.deepEqual(updated.updateGitRepository.userErrors, []);
      const refusedUpdate = await ok(LeakUpdateRepositoryDocument, { id: repositoryId, input: { url: `https://user:${CANARY_TOKEN}@example.com/r.git`, credentials: { token: CANARY_TOKEN } } });
      assert.equal(refusedUpdate.updateGitRepository.userErrors[0]?.code, 'VALIDATION');
      const wrongType = await ok(LeakUpdateRepositoryDocument, { id: wrong.createGitRepository.gitRepository!.id, input: { authenticationType: 'BASIC' as const, credentials: { token: CANARY_WRONG } } });
      assert.equal(wrongType.updateGitRepository.userErrors[0]?.code, 'VALIDATION');
      const coercedUpdate = await send(print(LeakUpdateRepositoryDocument), { id: repositoryId, input: { credentials: { token: CANARY_TOKEN, extra: CANARY_PASSWORD }, webhookSecret: CANARY_WEBHOOK } });
      assert.equal(coercedUpdate.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');

      // --- fabric: initialize, ingest, bidirectional, push, pull, conflict and its resolution ---
      const fabric = await ok(LeakCreateFabricDocument, { input: { name: 'leak', gitRepositoryId: repositoryId, gitopsDirectory: 'fab' } });
      const fabricId = fabric.createFabric.fabric!.id;
      const init = await ok(LeakInitDirectoryDocument, { fabricId, force: false });
      assert.equal((await waitFor(init.initializeGitopsDirectory.syncOperation!.id)).status, 'COMPLETED');
      await remote.commit({ [BASE_FILE]: BASE }, 'raw files');
      const ingest = await ok(LeakIngestDocument, { fabricId });
      assert.equal((await waitFor(ingest.ingestRawFiles.syncOperation!.id)).status, 'COMPLETED');
      assert.equal((await sync(fabricId, 'BIDIRECTIONAL')).status, 'COMPLETED');

      const resources = (await ok(LeakEverythingDocument, { repositoryId, fabricId })).resources.edges.map((e) => e.node);
      const vpc = resources.find((r) => r.name === 'vpc-1')!;
      const vpcSpec = (vlan: number) => ({ ipv4Namespace: 'default', vlanNamespace: 'default', subnets: { default: { subnet: '10.0.1.0/24', vlan } } });
      assert.deepEqual((await ok(LeakUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(1100) } })).updateResource.userErrors, []);
      const createdVpc = await ok(LeakCreateResourceDocument, { input: { fabricId, kind: 'VPC', name: 'vpc-2', spec: { ipv4Namespace: 'default', vlanNamespace: 'default', subnets: { default: { subnet: '10.0.3.0/24', vlan: 1003 } } } } });
      assert.deepEqual(createdVpc.createResource.userErrors, []);
      assert.equal((await sync(fabricId, 'GUI_TO_GIT', true)).status, 'COMPLETED');
      assert.equal((await sync(fabricId, 'GUI_TO_GIT')).status, 'COMPLETED');
      await remote.commit({ [VPC_FILE]: (await remote.read(VPC_FILE))!.replace('vlan: 1100', 'vlan: 1200') }, 'edit in git');
      assert.equal((await sync(fabricId, 'GIT_TO_GUI')).status, 'COMPLETED');

      await ok(LeakUpdateResourceDocument, { id: vpc.id, input: { spec: vpcSpec(1300) } });
      await remote.commit({ [VPC_FILE]: (await remote.read(VPC_FILE))!.replace('vlan: 1200', 'vlan: 1400') }, 'conflicting edit in git');
      assert.equal((await sync(fabricId, 'BIDIRECTIONAL')).status, 'COMPLETED');
      const conflicts = (await ok(LeakEverythingDocument, { repositoryId, fabricId })).conflicts.edges;
      assert.equal(conflicts.length, 1, 'the same field edited on both sides is a conflict');
      const resolved = await ok(LeakResolveDocument, { conflictId: conflicts[0].node.id, strategy: 'GUI_WINS' });
      assert.deepEqual(resolved.resolveConflict.userErrors, []);
      if (resolved.resolveConflict.syncOperation) await waitFor(resolved.resolveConflict.syncOperation.id);

      const validation = await ok(LeakValidateFabricDocument, { fabricId });
      const validated = await waitFor(validation.validateFabric.syncOperation!.id);
      assert.deepEqual((await ok(LeakCancelDocument, { id: validated.id })).cancelSyncOperation.userErrors.map((e) => e.code), ['INVALID_STATE']);
      await ok(LeakValidateManifestsDocument, { fabricId, yaml: BASE });
      await ok(LeakResourceByIdDocument, { id: vpc.id });

      // Pull-request mode: the API first answers with a message quoting the token, then opens the pull request.
      const vpcNow = (await ok(LeakResourceByIdDocument, { id: vpc.id })).resource!;
      await ok(LeakUpdateResourceDocument, { id: vpc.id, input: { spec: { ...(vpcNow.spec as object), subnets: { default: { subnet: '10.0.1.0/24', vlan: 1500 } } } } });
      const refusedPullRequest = await sync(fabricId, 'GUI_TO_GIT', false, 'PULL_REQUEST');
      assert.equal(refusedPullRequest.status, 'FAILED');
      assert.match(refusedPullRequest.errorMessage, /Bad credentials/);
      const pullRequest = await sync(fabricId, 'GUI_TO_GIT', false, 'PULL_REQUEST');
      assert.equal(pullRequest.status, 'COMPLETED', pullRequest.errorMessage);
      assert.match(pullRequest.pullRequestUrl ?? '', /\/pull\/\d+$/);
      assert.ok(github.requests >= 2);

      // A sync that fails on authentication (the repository's token rotated to a wrong one), then back.
      await ok(LeakUpdateRepositoryDocument, { id: repositoryId, input: { credentials: { token: CANARY_WRONG } } });
      assert.equal((await sync(fabricId, 'GIT_TO_GUI')).status, 'FAILED');
      assert.equal((await sync(fabricId, 'GUI_TO_GIT')).status, 'FAILED');
      await ok(LeakUpdateRepositoryDocument, { id: repositoryId, input: { credentials: { token: CANARY_TOKEN } } });

      // --- webhooks: a bad signature, a signature made with the secret (it queues a pull) ---
      const push = JSON.stringify({ ref: 'refs/heads/main', repository: { clone_url: remoteUrl, html_url: remoteUrl }, commits: [] });
      assert.equal(await webhook(push, `sha256=${createHmac('sha256', CANARY_WRONG).update(push).digest('hex')}`), 401);
      assert.equal(await webhook(push, `sha256=${createHmac('sha256', CANARY_WEBHOOK).update(push).digest('hex')}`), 202);
      const queued = (await ok(LeakEverythingDocument, { repositoryId, fabricId })).syncOperations.edges.map((e) => e.node).filter((o) => o.status === 'PENDING' || o.status === 'IN_PROGRESS');
      for (const pending of queued) await waitFor(pending.id);

      // --- users and tokens ---
      const user = await ok(LeakCreateUserDocument, { input: { username: 'leak-viewer', role: 'VIEWER' } });
      const token = await ok(LeakCreateTokenDocument, { input: { userId: user.createUser.user!.id, name: 'leak' } });
      await ok(LeakRevokeTokenDocument, { id: token.createApiToken.apiToken!.id });
      await ok(LeakUpdateFabricDocument, { id: fabricId, input: { description: 'leak test' } });

      // --- everything readable, then deletions ---
      const everything = await ok(LeakEverythingDocument, { repositoryId, fabricId });
      for (const op of everything.syncOperations.edges) await ok(LeakOperationByIdDocument, { id: op.node.id });
      await ok(LeakDeleteResourceDocument, { id: createdVpc.createResource.resource!.id });
      for (const id of [wrong, unreachable, missing, sshRepository].map((p) => p.createGitRepository.gitRepository!.id)) {
        assert.deepEqual((await ok(LeakDeleteRepositoryDocument, { id })).deleteGitRepository.userErrors, []);
      }
      const stillUsed = await ok(LeakDeleteRepositoryDocument, { id: repositoryId });
      assert.equal(stillUsed.deleteGitRepository.userErrors[0]?.code, 'INVALID_STATE');
      await ok(LeakEverythingDocument, { repositoryId, fabricId });

      for (const endpoint of ['/metrics', '/healthz', '/readyz']) {
        const response = await fetch(server.url + endpoint);
        capture(`GET ${endpoint}`, await response.text());
        capture('HTTP response headers', JSON.stringify([...response.headers]));
      }
      assert.ok(gitServer.requests.some((r) => r.user === 'x-access-token') && gitServer.requests.some((r) => r.user === 'alice'), 'the credentials were used');

      // Deleting the fabric last keeps every row above readable until now.
      await ok(LeakDeleteFabricDocument, { id: fabricId });
    } finally {
      for (const stop of unsubscribe) stop();
      await ws.dispose();
    }

    // The recorder sees child processes (the test's own git-http-backend CGIs), and the server started none that
    // touched its data directory (nodegit works in-process: no git, ssh or credential-helper processes).
    assert.ok(children.records.some((r) => r.api === 'spawn' && r.args.includes('git-http-backend')), 'the child-process recorder works');
    assert.deepEqual(children.records.filter((r) => r.args.includes(server.config.dataDir)), []);

    // --- what the server left behind ---
    capture('remote history (git log -p --all)', (await run('git', ['log', '-p', '--all', '--format=fuller'], { cwd: remote.dir, maxBuffer: 256 * 1024 * 1024 })).stdout);
    capture('remote refs and config', (await run('git', ['for-each-ref'], { cwd: remote.dir })).stdout + (await readFile(path.join(remote.dir, 'config'), 'utf8')));
    const dataFiles = await filesUnder(server.config.dataDir);
    assert.ok(dataFiles.some((file) => file.endsWith('config') && file.includes(path.join(server.config.dataDir, 'repos'))), `a cached repository exists: ${dataFiles.join(', ')}`);
    for (const file of dataFiles) {
      capture(`file ${path.relative(server.config.dataDir, file)}`, (await readFile(file)).toString('latin1'));
      if (path.basename(file) === 'HEAD' && (await stat(path.join(path.dirname(file), 'objects')).catch(() => null))) {
        // Git objects are zlib-compressed on disk: read each one decompressed too.
        const gitDir = path.dirname(file);
        const objects = await run('git', ['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch'], { maxBuffer: 256 * 1024 * 1024, encoding: 'latin1' });
        capture(`objects of ${path.relative(server.config.dataDir, gitDir)}`, objects.stdout);
        capture(`config of ${path.relative(server.config.dataDir, gitDir)}`, (await run('git', ['--git-dir', gitDir, 'config', '--list'])).stdout);
      }
    }
    for (const table of TABLES) {
      const rows = await sql<{ row: unknown }>(server, `select row_to_json(t)::text as row from "${table}" t`);
      capture(`table ${table}`, rows.map((r) => String(r.row)).join('\n'));
    }
    await server.stop();
    capture('log lines (trace)', logLines.join(''));
    capture('child process arguments', children.records.map((r) => `${r.api} ${r.args}`).join('\n'));
    process.stdout.write = originalWrites.stdout;
    process.stderr.write = originalWrites.stderr;

    const leaks = leaksIn(captured, { CANARY_TOKEN, CANARY_PASSWORD, CANARY_WEBHOOK, CANARY_WRONG, ADMIN_TOKEN: server.adminToken });
    assert.deepEqual(leaks, [], `secrets leaked:\n${leaks.join('\n')}`);
    // The capture is real: the canaries were in play, and the search would find them in every encoded form.
    assert.ok(logLines.length > 100, `trace logging captured ${logLines.length} lines`);
    assert.ok(logLines.some((line) => line.includes('git remote asked for credentials')));
    assert.ok((captured.get('table git_repository') ?? []).join('').includes('"encrypted_credentials":"v1.'));
    const control = new Map([['control', [`Authorization: Basic ${Buffer.from(`x-access-token:${CANARY_TOKEN}`).toString('base64')}`, `u=${encodeURIComponent(CANARY_WEBHOOK)}`]]]);
    const controlHits = leaksIn(control, { CANARY_TOKEN, CANARY_WEBHOOK });
    assert.ok(controlHits.some((hit) => hit.startsWith('CANARY_TOKEN (base64@')) && controlHits.some((hit) => hit.startsWith('CANARY_WEBHOOK (plain)')), controlHits.join('\n'));

  });
});
