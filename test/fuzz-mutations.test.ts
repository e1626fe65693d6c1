import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import fc from 'fast-check';
import { print } from 'graphql';
import { buildGraphQLSchema } from '../src/graphql/schema';
import { KINDS } from '../src/hedgehog/kinds';
import type { Manifest } from '../src/hedgehog';
import { UserErrorCode } from '../src/services/mutation-error';
import {
  FuzzCancelSyncOperationDocument,
  FuzzCreateApiTokenDocument,
  FuzzCreateFabricDocument,
  FuzzCreateGitRepositoryDocument,
  FuzzCreateResourceDocument,
  FuzzCreateUserDocument,
  FuzzDeleteFabricDocument,
  FuzzDeleteGitRepositoryDocument,
  FuzzDeleteResourceDocument,
  FuzzHealthDocument,
  FuzzIngestRawFilesDocument,
  FuzzInitializeGitopsDirectoryDocument,
  FuzzResolveConflictDocument,
  FuzzRevokeApiTokenDocument,
  FuzzSyncFabricDocument,
  FuzzTestGitRepositoryConnectionDocument,
  FuzzUpdateFabricDocument,
  FuzzUpdateGitRepositoryDocument,
  FuzzUpdateResourceDocument,
  FuzzValidateFabricDocument,
} from './generated/operations';
import { baseFabric } from './hedgehog/base-fabric';
import { assertNoWrites, dbSnapshot, missingId, sql, uuidOf } from './support/db-state';
import { BareRepository } from './support/git-fixtures';
import { postGraphQL, type GraphQLResponse } from './support/graphql-client';
import { assertProperty, deepObject, fuzzSeed, hostileInt, hostileJson, hostileString, NASTY_STRINGS, replaceSomewhere } from './support/fuzz-values';
import { startTestServer, type TestServer } from './support/test-server';

const SEED = fuzzSeed(20261204);
const NUM_RUNS = Number(process.env.FUZZ_MUTATION_RUNS ?? 400);

/** Codes a GraphQL error may carry; INTERNAL_SERVER_ERROR (an unexpected failure) is not one of them. */
const KNOWN_ERROR_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'PAYLOAD_TOO_LARGE',
]);
const USER_ERROR_CODES = new Set<string>(Object.values(UserErrorCode));

type IdType = 'User' | 'ApiToken' | 'GitRepository' | 'HedgehogFabric' | 'HedgehogResource' | 'SyncOperation' | 'ResourceConflict';
const ID_TYPES: readonly IdType[] = ['User', 'ApiToken', 'GitRepository', 'HedgehogFabric', 'HedgehogResource', 'SyncOperation', 'ResourceConflict'];

/** A placeholder for "the n-th known object of this type", resolved when the run executes (the pool grows and shrinks). */
class KnownId {
  constructor(
    readonly type: IdType,
    readonly pick: number,
    readonly deletable: boolean,
  ) {}

  toString(): string {
    return `KnownId(${this.type}#${this.pick})`;
  }
}

/** Global IDs the fuzz knows, by type; objects named "protected" are never offered to delete mutations. */
class IdPool {
  private readonly ids = new Map<IdType, string[]>(ID_TYPES.map((type) => [type, []]));
  private readonly protectedIds = new Set<string>();

  add(globalId: string, options: { protect?: boolean } = {}): void {
    const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
    const type = decoded.slice(0, decoded.indexOf(':')) as IdType;
    const list = this.ids.get(type);
    if (!list || list.includes(globalId)) return;
    list.push(globalId);
    if (options.protect) this.protectedIds.add(globalId);
  }

  resolve(ref: KnownId): string {
    const all = this.ids.get(ref.type)!;
    const candidates = ref.deletable ? all.filter((id) => !this.protectedIds.has(id)) : all;
    return candidates.length === 0 ? missingId(ref.type) : candidates[ref.pick % candidates.length];
  }
}

/** A valid request with one of its values (chosen by `pick`) replaced by a hostile string: deep paths, one bad value. */
class OneHostileValue {
  constructor(
    readonly template: Record<string, unknown>,
    readonly pick: number,
    readonly value: string,
  ) {}

  resolve(pool: IdPool): unknown {
    return replaceSomewhere(resolveIds(this.template, pool), this.pick, this.value);
  }
}

/** Valid variables for the mutations that create or change rows; `n` keeps names apart. */
const VALID_TEMPLATES: Record<string, (n: number) => Record<string, unknown>> = {
  createGitRepository: (n) => ({ input: { name: `fuzz-repo-${n}`, url: `https://127.0.0.1:9/r${n}.git`, description: 'fuzz', defaultBranch: 'main', pushBranch: 'hnp/push', commitAuthorName: 'Fuzz Bot', commitAuthorEmail: 'bot@example.net', webhookSecret: 'secret', authenticationType: 'TOKEN', credentials: { token: 'tok', username: 'user' } } }),
  updateGitRepository: (n) => ({ id: new KnownId('GitRepository', n, false), input: { description: 'fuzz', commitAuthorName: 'Fuzz Bot', commitAuthorEmail: 'bot@example.net', webhookSecret: 'secret', pushBranch: 'hnp/push' } }),
  createFabric: (n) => ({ input: { name: `fuzz-fabric-${n}`, description: 'fuzz', gitRepositoryId: new KnownId('GitRepository', n, false), gitopsDirectory: `fabrics/f${n}`, syncInterval: 60 } }),
  updateFabric: (n) => ({ id: new KnownId('HedgehogFabric', n, false), input: { description: 'fuzz', syncInterval: 120 } }),
  createResource: (n) => ({
    input: { fabricId: new KnownId('HedgehogFabric', 0, false), kind: 'VPC', name: `vpc-fuzz-${n}`, spec: { subnets: { default: { subnet: `10.0.${20 + (n % 200)}.0/24`, vlan: 1100 + (n % 200) } } }, labels: { team: 'fuzz' }, annotations: { note: 'fuzz' } },
  }),
  updateResource: (n) => ({ id: new KnownId('HedgehogResource', n, false), input: { labels: { team: 'fuzz' }, annotations: { note: 'fuzz' } } }),
  createUser: (n) => ({ input: { username: `fuzz-user-${n}`, role: 'VIEWER', tokenName: 'first' } }),
  createApiToken: (n) => ({ input: { userId: new KnownId('User', n, false), name: 'fuzz token' } }),
  resolveConflict: (n) => ({ conflictId: new KnownId('ResourceConflict', n, false), strategy: 'GUI_WINS' }),
};

/** Replaces every KnownId inside `value` with a real global ID. */
function resolveIds(value: unknown, pool: IdPool): unknown {
  if (value instanceof KnownId) return pool.resolve(value);
  if (Array.isArray(value)) return value.map((item) => resolveIds(item, pool));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveIds(item, pool)]));
  return value;
}

/** Every string under an `id` key of a response, which is how created objects join the pool. */
function collectIds(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => collectIds(item, into));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'id' && typeof item === 'string') into.push(item);
      else collectIds(item, into);
    }
  }
  return into;
}

/** IDs as a client may send them: known ones of the right type, of other types, missing, malformed, wrong-typed. */
function idOf(type: IdType, options: { deletable?: boolean } = {}): fc.Arbitrary<unknown> {
  const deletable = options.deletable ?? false;
  const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  return fc.oneof(
    { weight: 8, arbitrary: fc.nat().map((pick) => new KnownId(type, pick, deletable)) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...ID_TYPES.filter((t) => t !== type)), fc.nat()).map(([other, pick]) => new KnownId(other, pick, deletable)) },
    { weight: 1, arbitrary: fc.constant(missingId(type)) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        hostileString(),
        fc.constantFrom(
          encode(`${type}:not-a-uuid`),
          encode(`${type}:${randomUUID().toUpperCase()}`),
          encode(`${type}:00000000-0000-4000-8000-000000000000\u0000`),
          encode(`AuditEvent:${randomUUID()}`),
          encode(`ResourceTombstone:${randomUUID()}`),
          encode(`__proto__:${randomUUID()}`),
          encode(`:${randomUUID()}`),
          randomUUID(),
          'x'.repeat(201),
          encode(`${type}:`) + '='.repeat(3),
        ),
        fc.constantFrom(0, -1, 2_147_483_647, 12_345),
      ),
    },
  );
}

function optional<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arbitrary, { nil: undefined, freq: 2 });
}

/** The required fields always, the optional ones sometimes: valid-shaped input (wrong shapes come from wrongShaped). */
function someOf<T extends Record<string, fc.Arbitrary<unknown>>>(fields: T, required: Array<keyof T & string> = []): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
}

const enumValue = (...values: string[]) => fc.constantFrom(...values);
const hostileBoolean = () => fc.boolean();

/** Mostly a well-formed value (so that the mutation gets past the first check), else a hostile string. */
function plausible(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 1, arbitrary: valid }, { weight: 1, arbitrary: hostileString() });
}

/** Remote URLs that never leave this machine: loopback ports nothing listens on, local paths, and invalid forms. */
function hostileUrl(): fc.Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'https://127.0.0.1:9/fabric.git',
        'http://127.0.0.1:9/a/../../b.git',
        'ssh://git@127.0.0.1:9/fabric.git',
        'git@127.0.0.1:fabric.git',
        'file:///nonexistent/hnp-fuzz/../x.git',
        'file:///',
        '/nonexistent/hnp-fuzz/repo.git',
        '/../../../../etc',
        'https://user:secret@127.0.0.1:9/x.git',
        'ftp://127.0.0.1/x.git',
        'javascript:alert(1)',
        'https://',
        'https://127.0.0.1:9/x.git?ref=main#frag',
        'http://[::1]:9/x.git',
        `https://127.0.0.1:9/${'a'.repeat(480)}`,
        `https://127.0.0.1:9/${'a'.repeat(500)}`,
        '',
        '  ',
        'https://127.0.0.1:9/\u0000',
        'https://127.0.0.1:9/\uD800',
        'https://127.0.0.1:9/\u202Egit',
      ),
    },
    { weight: 2, arbitrary: hostileString().map((s) => `ftp://127.0.0.1/${s}`) },
    { weight: 2, arbitrary: hostileString().map((s) => `file:///nonexistent/hnp-fuzz/${s}`) },
    { weight: 1, arbitrary: hostileString().map((s) => `/nonexistent/hnp-fuzz/${s}`) },
  );
}

function hostileDate(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(
      '2099-01-01T00:00:00Z',
      '2000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '+275760-09-13T00:00:00.000Z',
      '0000-01-01T00:00:00Z',
      '2026-13-45T25:61:00Z',
      '2099-01-01',
      'tomorrow',
      '',
      '\u0000',
      0,
      -1,
      1e20,
    ),
    fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()),
  );
}

const MANIFESTS: readonly Manifest[] = baseFabric();

/** A spec as a client may send it: a real one with one value replaced by something hostile, or anything at all. */
/** JSONObject arguments take objects only (anything else is a wrong shape): wrap the rest. */
const asObject = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value });

function hostileSpec(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...MANIFESTS).map((m) => m.spec) },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...MANIFESTS), fc.nat(), hostileJson()).map(([m, pick, value]) => asObject(replaceSomewhere(m.spec, pick, value))) },
    { weight: 2, arbitrary: hostileJson().map(asObject) },
    { weight: 1, arbitrary: fc.constantFrom({}, JSON.parse('{"__proto__": {"polluted": true}}'), { constructor: { prototype: 1 } }, deepObject(63), deepObject(64)) },
  );
}

function stringMap(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.dictionary(hostileString(), hostileString(), { maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(hostileString(), hostileJson(), { maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom({ 'app.kubernetes.io/name': 'ok' }, { '': 'empty key' }, { [`${'k'.repeat(318)}`]: 'v' }, { note: '\uD800' }, { '\uDC00': 'key' }) },
  );
}

const resourceName = () => fc.oneof(hostileString(), fc.stringMatching(/^[a-z][a-z0-9-]{0,40}[a-z0-9]$/));

const credentials = () => someOf({ token: hostileString(), username: hostileString(), password: hostileString(), privateKey: hostileString(), passphrase: hostileString() });

function repositoryFields() {
  return {
    name: plausible(fc.stringMatching(/^[a-z][a-z0-9 -]{0,30}$/)),
    url: hostileUrl(),
    provider: enumValue('GITHUB', 'GITLAB', 'BITBUCKET', 'AZURE', 'GENERIC'),
    authenticationType: enumValue('NONE', 'TOKEN', 'BASIC', 'SSH_KEY'),
    credentials: credentials(),
    defaultBranch: fc.oneof(hostileString(), fc.constantFrom('main', 'release/1.0', 'feature/../x', 'a..b', '@{u}', 'x.lock')),
    description: hostileString(),
    validateSsl: hostileBoolean(),
    timeoutSeconds: hostileInt(),
    directPushEnabled: hostileBoolean(),
    pushBranch: fc.oneof(hostileString(), fc.constantFrom('', 'hnp/pushes', '-x')),
    commitAuthorName: hostileString(),
    commitAuthorEmail: fc.oneof(hostileString(), fc.constantFrom('bot@example.net', 'a@b', '@', 'x@y\u0000z', `${'a'.repeat(250)}@example.net`)),
    webhookSecret: hostileString(),
  };
}

function fabricFields() {
  return {
    name: plausible(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/)),
    description: hostileString(),
    status: enumValue('PLANNED', 'ACTIVE', 'MAINTENANCE', 'DECOMMISSIONED'),
    gitRepositoryId: idOf('GitRepository'),
    gitopsDirectory: fc.oneof(hostileString(), fc.constantFrom('', '/', 'fabrics/one', 'fabrics/one/sub', 'fabrics', './fabrics//two/', 'fabrics/../etc', '.git/hooks', ' spaced /x')),
    syncInterval: hostileInt(),
    archiveStrategy: enumValue('DELETE', 'RENAME_WITH_EXTENSION'),
  };
}

interface FuzzCase {
  document: TypedDocumentNode<unknown, never>;
  /** Valid-shaped variables with hostile values. */
  variables: fc.Arbitrary<Record<string, unknown>>;
}

const doc = (document: unknown) => document as TypedDocumentNode<unknown, never>;

/** One entry per mutation of the schema; a mutation without one fails the coverage test. */
const FUZZ_CASES: Record<string, FuzzCase> = {
  cancelSyncOperation: { document: doc(FuzzCancelSyncOperationDocument), variables: fc.record({ id: idOf('SyncOperation') }) },
  createApiToken: {
    document: doc(FuzzCreateApiTokenDocument),
    variables: fc.record({ input: someOf({ userId: idOf('User'), name: plausible(fc.stringMatching(/^[a-z][a-z0-9 -]{0,30}$/)), expiresAt: hostileDate() }, ['userId', 'name']) }),
  },
  createFabric: { document: doc(FuzzCreateFabricDocument), variables: fc.record({ input: someOf(fabricFields(), ['name']) }) },
  createGitRepository: { document: doc(FuzzCreateGitRepositoryDocument), variables: fc.record({ input: someOf(repositoryFields(), ['name', 'url']) }) },
  createResource: {
    document: doc(FuzzCreateResourceDocument),
    variables: fc.oneof(
      // A real kind with its own spec, one value of it hostile: the per-kind validators run deep.
      fc
        .record({ manifest: fc.constantFrom(...MANIFESTS), fabricId: idOf('HedgehogFabric'), name: optional(resourceName()), pick: fc.nat(), value: hostileJson(), keep: fc.boolean(), metadata: someOf({ labels: stringMap(), annotations: stringMap() }) })
        .map(({ manifest, fabricId, name, pick, value, keep, metadata }) => ({
          input: { fabricId, kind: manifest.kind, name: name ?? manifest.metadata.name, spec: keep ? manifest.spec : replaceSomewhere(manifest.spec, pick, value), ...metadata },
        })),
      fc.record({
        input: someOf({
          fabricId: idOf('HedgehogFabric'),
          kind: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KINDS.map((k) => k.kind)) }, { weight: 1, arbitrary: hostileString() }),
          name: resourceName(),
          namespace: fc.oneof(fc.constant('default'), hostileString()),
          apiVersion: fc.oneof(fc.constantFrom('vpc.githedgehog.com/v1beta1', 'wiring.githedgehog.com/v1beta1', 'v1'), hostileString()),
          spec: hostileSpec(),
          labels: stringMap(),
          annotations: stringMap(),
        }, ['fabricId', 'kind', 'name', 'spec']),
      }),
    ),
  },
  createUser: {
    document: doc(FuzzCreateUserDocument),
    variables: fc.record({ input: someOf({ username: plausible(fc.stringMatching(/^[a-z][a-z0-9._@-]{0,20}$/)), role: enumValue('VIEWER', 'OPERATOR', 'ADMIN'), tokenName: hostileString() }, ['username', 'role']) }),
  },
  deleteFabric: { document: doc(FuzzDeleteFabricDocument), variables: fc.record({ id: idOf('HedgehogFabric', { deletable: true }) }) },
  deleteGitRepository: { document: doc(FuzzDeleteGitRepositoryDocument), variables: fc.record({ id: idOf('GitRepository', { deletable: true }) }) },
  deleteResource: {
    document: doc(FuzzDeleteResourceDocument),
    variables: someOf({ id: idOf('HedgehogResource', { deletable: true }), expectedVersion: hostileInt() }, ['id']),
  },
  ingestRawFiles: { document: doc(FuzzIngestRawFilesDocument), variables: fc.record({ fabricId: idOf('HedgehogFabric') }) },
  initializeGitopsDirectory: {
    document: doc(FuzzInitializeGitopsDirectoryDocument),
    variables: someOf({ fabricId: idOf('HedgehogFabric'), force: hostileBoolean() }, ['fabricId', 'force']),
  },
  resolveConflict: {
    document: doc(FuzzResolveConflictDocument),
    variables: someOf({ conflictId: idOf('ResourceConflict'), strategy: enumValue('GUI_WINS', 'GIT_WINS', 'MERGE', 'MANUAL'), mergedSpec: hostileSpec() }, ['conflictId', 'strategy']),
  },
  revokeApiToken: { document: doc(FuzzRevokeApiTokenDocument), variables: fc.record({ id: idOf('ApiToken', { deletable: true }) }) },
  syncFabric: {
    document: doc(FuzzSyncFabricDocument),
    variables: someOf({
      fabricId: idOf('HedgehogFabric'),
      direction: enumValue('GIT_TO_GUI', 'GUI_TO_GIT', 'BIDIRECTIONAL', 'DISABLED'),
      dryRun: hostileBoolean(),
      mode: enumValue('DIRECT_PUSH', 'PULL_REQUEST'),
    }, ['fabricId', 'direction', 'dryRun']),
  },
  testGitRepositoryConnection: { document: doc(FuzzTestGitRepositoryConnectionDocument), variables: fc.record({ id: idOf('GitRepository') }) },
  updateFabric: { document: doc(FuzzUpdateFabricDocument), variables: fc.record({ id: idOf('HedgehogFabric'), input: someOf(fabricFields()) }) },
  updateGitRepository: { document: doc(FuzzUpdateGitRepositoryDocument), variables: fc.record({ id: idOf('GitRepository'), input: someOf(repositoryFields()) }) },
  updateResource: {
    document: doc(FuzzUpdateResourceDocument),
    variables: fc.record({ id: idOf('HedgehogResource'), input: someOf({ spec: hostileSpec(), labels: stringMap(), annotations: stringMap() }), expectedVersion: optional(hostileInt()) }),
  },
  validateFabric: { document: doc(FuzzValidateFabricDocument), variables: fc.record({ fabricId: idOf('HedgehogFabric') }) },
};

/** Variables of the wrong shape: a variable dropped, replaced by any JSON, an unknown one added, or not an object at all. */
function wrongShaped(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.nat(), hostileJson(), fc.integer({ min: 0, max: 5 })).map(([variables, pick, junk, how]) => {
    const keys = Object.keys(variables);
    const key = keys.length > 0 ? keys[pick % keys.length] : 'input';
    switch (how) {
      case 0: {
        const { [key]: _dropped, ...rest } = variables;
        return rest;
      }
      case 1:
        return { ...variables, [key]: junk };
      case 2:
        return { ...variables, unexpected: junk };
      case 3: {
        const inner = variables[key];
        return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? { ...variables, [key]: { ...inner, notAField: junk } } : { ...variables, [key]: [inner] };
      }
      case 4:
        return replaceSomewhere(variables, pick, junk);
      default:
        return junk;
    }
  });
}

type Role = 'admin' | 'operator' | 'viewer';

interface FuzzRequest {
  mutation: string;
  variables: unknown;
  role: Role;
}

function fuzzRequests(): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...Object.keys(FUZZ_CASES)).chain((mutation) => {
    const template = VALID_TEMPLATES[mutation];
    const oneHostile = template
      ? [{ weight: 4, arbitrary: fc.tuple(fc.nat(), fc.nat(), fc.oneof(fc.constantFrom(...NASTY_STRINGS), hostileString())).map(([n, pick, value]) => new OneHostileValue(template(n), pick, value) as unknown) }]
      : [];
    return fc.record({
      mutation: fc.constant(mutation),
      variables: fc.oneof({ weight: 4, arbitrary: FUZZ_CASES[mutation].variables as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: wrongShaped(FUZZ_CASES[mutation].variables) }, ...oneHostile),
      role: fc.constantFrom<Role>('admin', 'admin', 'admin', 'admin', 'admin', 'admin', 'admin', 'admin', 'operator', 'viewer'),
    });
  });
}

function describeRequest(mutation: string, variables: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(variables) ?? String(variables);
  } catch (error) {
    text = `(not printable: ${error instanceof Error ? error.message : String(error)})`;
  }
  return `${mutation} ${text.length > 1500 ? `${text.slice(0, 1500)}… (${text.length} chars)` : text}`;
}

/** The invariants every mutation response must keep, whatever it was sent. */
function checkResponse(mutation: string, response: GraphQLResponse<Record<string, unknown>>, what: string): { failed: boolean } {
  assert.ok(response.status < 500, `${what}: HTTP ${response.status} ${JSON.stringify(response.errors)}`);
  for (const error of response.errors ?? []) {
    const code = error.extensions?.code;
    assert.notEqual(code, 'INTERNAL_SERVER_ERROR', `${what}: internal server error at ${JSON.stringify(error.path)}`);
    assert.ok(typeof code === 'string' && KNOWN_ERROR_CODES.has(code), `${what}: error without a known code: ${JSON.stringify(error)}`);
    assert.ok(error.message.length > 0, `${what}: error without a message`);
  }
  const payload = response.data?.[mutation] as { userErrors?: Array<{ code: string; field: string[]; message: string }> } | null | undefined;
  const userErrors = payload?.userErrors ?? [];
  for (const userError of userErrors) {
    assert.ok(USER_ERROR_CODES.has(userError.code), `${what}: unknown user error code ${userError.code}`);
    assert.ok(userError.message.length > 0 && Array.isArray(userError.field), `${what}: malformed user error ${JSON.stringify(userError)}`);
  }
  if (response.status >= 400) assert.ok((response.errors ?? []).length > 0, `${what}: HTTP ${response.status} without errors`);
  return { failed: (response.errors ?? []).length > 0 || userErrors.length > 0 || !payload };
}

describe('mutation fuzzing against a real server', () => {
  let server: TestServer;
  let workdir: string;
  const pool = new IdPool();
  const tokens = {} as Record<Role, string>;

  async function asAdmin(document: TypedDocumentNode<unknown, never>, variables: Record<string, unknown>): Promise<Record<string, any>> {
    const response = await postGraphQL<Record<string, any>, unknown>(server.url, server.adminToken, document, variables);
    assert.ok(!response.errors?.length && response.data, `seeding failed: ${JSON.stringify(response.errors)}`);
    const payload = Object.values(response.data)[0] as { userErrors?: unknown[] };
    assert.deepEqual(payload.userErrors ?? [], [], `seeding failed: ${JSON.stringify(payload.userErrors)}`);
    for (const id of collectIds(response.data)) pool.add(id, { protect: true });
    return response.data;
  }

  before(async () => {
    // No workers: queued operations stay pending, so nothing writes to the database behind a run's back.
    server = await startTestServer({ syncWorkers: 0 });
    workdir = await mkdtemp(path.join(tmpdir(), 'hnp-fuzz-mutations-'));
    const remote = await BareRepository.create(workdir, 'fabric.git');
    await remote.commit({ 'README.md': 'fuzz\n' });

    for (const role of ['OPERATOR', 'VIEWER'] as const) {
      const created = await asAdmin(doc(FuzzCreateUserDocument), { input: { username: `fuzz-${role.toLowerCase()}`, role } });
      tokens[role.toLowerCase() as Role] = created.createUser.token;
    }
    tokens.admin = server.adminToken;
    // The fuzz revokes only tokens of this user (never its own, or it would lock itself out).
    const victim = await postGraphQL<Record<string, any>, unknown>(server.url, server.adminToken, print(FuzzCreateUserDocument), { input: { username: 'fuzz-victim', role: 'VIEWER' } });
    const victimId = victim.data!.createUser.user.id as string;
    pool.add(victimId);
    for (const name of ['one', 'two', 'three']) {
      const issued = await postGraphQL<Record<string, any>, unknown>(server.url, server.adminToken, print(FuzzCreateApiTokenDocument), { input: { userId: victimId, name } });
      pool.add(issued.data!.createApiToken.apiToken.id);
    }

    const repository = await asAdmin(doc(FuzzCreateGitRepositoryDocument), { input: { name: 'fuzz-local', url: remote.url } });
    await asAdmin(doc(FuzzCreateGitRepositoryDocument), { input: { name: 'fuzz-closed-port', url: 'https://127.0.0.1:9/fabric.git', authenticationType: 'TOKEN', credentials: { token: 'fuzz' } } });
    const repositoryId = repository.createGitRepository.gitRepository.id;
    const full = await asAdmin(doc(FuzzCreateFabricDocument), { input: { name: 'fuzz-full', gitRepositoryId: repositoryId, gitopsDirectory: 'fabrics/one' } });
    const fullId = full.createFabric.fabric.id as string;
    await asAdmin(doc(FuzzCreateFabricDocument), { input: { name: 'fuzz-empty', gitRepositoryId: repositoryId, gitopsDirectory: 'fabrics/two' } });
    await asAdmin(doc(FuzzCreateFabricDocument), { input: { name: 'fuzz-no-repository' } });
    // References must exist first: create in passes until every resource of the valid base fabric is in.
    let missing = [...MANIFESTS];
    while (missing.length > 0) {
      const left: Manifest[] = [];
      for (const manifest of missing) {
        const response = await postGraphQL<Record<string, any>, unknown>(server.url, server.adminToken, print(FuzzCreateResourceDocument), { input: { fabricId: fullId, kind: manifest.kind, name: manifest.metadata.name, spec: manifest.spec } });
        const created = response.data?.createResource;
        if (created?.resource) pool.add(created.resource.id);
        else left.push(manifest);
      }
      assert.ok(left.length < missing.length, `the base fabric cannot be created: ${left.map((m) => `${m.kind} ${m.metadata.name}`).join(', ')}`);
      missing = left;
    }
    await asAdmin(doc(FuzzValidateFabricDocument), { fabricId: fullId });
    await asAdmin(doc(FuzzIngestRawFilesDocument), { fabricId: fullId });

    // Conflicts come from syncs; without workers they are stored the way the sync stores them.
    const fabricUuid = uuidOf(fullId, 'HedgehogFabric');
    const resources = await sql<{ id: string; api_version: string; kind: string; name: string; spec: Record<string, unknown> }>(
      server,
      `select id, api_version, kind, name, spec from hedgehog_resource where fabric_id = ? and kind in ('VPC', 'Switch', 'External') order by name`,
      [fabricUuid],
    );
    for (const [index, resource] of resources.entries()) {
      const base = { apiVersion: resource.api_version, kind: resource.kind, metadata: { name: resource.name, namespace: 'default' }, spec: resource.spec };
      // Even: both sides changed the same field (MERGE refuses); odd: different fields (MERGE applies).
      const ours = { ...base, metadata: { ...base.metadata, labels: { side: 'ours' } } };
      const theirs = index % 2 === 0 ? { ...base, metadata: { ...base.metadata, labels: { side: 'theirs' } } } : { ...base, metadata: { ...base.metadata, annotations: { side: 'theirs' } } };
      const conflictId = randomUUID();
      await sql(
        server,
        `insert into resource_conflict (id, resource_id, fabric_id, conflict_type, status, field_paths, base, ours, theirs) values (?, ?, ?, 'concurrent_modification', 'detected', ?::text[], ?::jsonb, ?::jsonb, ?::jsonb)`,
        [conflictId, resource.id, fabricUuid, index % 2 === 0 ? '{metadata.labels.side}' : '{}', JSON.stringify(base), JSON.stringify(ours), JSON.stringify(theirs)],
      );
      await sql(server, `update hedgehog_resource set conflict_status = 'detected' where id = ?`, [resource.id]);
      pool.add(Buffer.from(`ResourceConflict:${conflictId}`).toString('base64url'));
    }
  });

  after(async () => {
    await server?.stop();
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  test('every mutation of the schema has a fuzz case and a Fuzz<Mutation> document calling it', () => {
    const mutations = Object.keys(buildGraphQLSchema().getMutationType()!.getFields()).sort();
    assert.deepEqual(Object.keys(FUZZ_CASES).sort(), mutations, 'add a FUZZ_CASES entry (and a document in test/graphql/fuzz.graphql) for each new mutation');
    for (const [mutation, fuzzCase] of Object.entries(FUZZ_CASES)) {
      assert.match(print(fuzzCase.document), new RegExp(`^mutation Fuzz${mutation[0].toUpperCase()}${mutation.slice(1)}\\b[^{]*\\{\\s*${mutation}\\(`), `${mutation}'s document`);
    }
  });

  test(`fuzzed mutations (${NUM_RUNS} runs): never 5xx or INTERNAL_SERVER_ERROR, only known codes, nothing written on failure, server stays up`, async (t) => {
    // How each mutation answered, so a fuzz that only ever hits the same refusal shows in the test output.
    const outcomes = new Map<string, { applied: number; userErrors: number; errors: number }>();
    const property = fc.asyncProperty(fuzzRequests(), async ({ mutation, variables, role }) => {
      const resolved = variables instanceof OneHostileValue ? variables.resolve(pool) : resolveIds(variables, pool);
      const what = `${role} ${describeRequest(mutation, resolved)}`;
      const before = await dbSnapshot(server);
      // Raw text and any variables: the typed client would not let wrong shapes through.
      const response = await postGraphQL<Record<string, unknown>, unknown>(server.url, tokens[role], print(FUZZ_CASES[mutation].document), resolved);
      const { failed } = checkResponse(mutation, response, what);
      const tally = outcomes.get(mutation) ?? { applied: 0, userErrors: 0, errors: 0 };
      if (response.errors?.length) tally.errors++;
      else if (failed) tally.userErrors++;
      else tally.applied++;
      outcomes.set(mutation, tally);
      if (failed) await assertNoWrites(server, before, what);
      else for (const id of collectIds(response.data)) pool.add(id);
      const health = await postGraphQL(server.url, server.adminToken, FuzzHealthDocument);
      assert.ok(health.status === 200 && health.data?.viewer, `${what}: the server is not healthy afterwards (HTTP ${health.status})`);
    });
    await assertProperty('mutation fuzz', property, SEED, NUM_RUNS);
    for (const [mutation, tally] of [...outcomes].sort()) t.diagnostic(`${mutation}: ${tally.applied} applied, ${tally.userErrors} userErrors, ${tally.errors} GraphQL errors`);
  });

  test('regression: an input with more than 50 unknown fields → BAD_USER_INPUT, not INTERNAL_SERVER_ERROR, nothing written', async () => {
    const before = await dbSnapshot(server);
    const input = { name: 'too-many-fields', ...Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i])) };
    const response = await postGraphQL<Record<string, unknown>, unknown>(server.url, server.adminToken, print(FuzzCreateFabricDocument), { input });
    assert.ok(response.status < 500, `HTTP ${response.status}`);
    assert.ok((response.errors ?? []).length > 0);
    for (const error of response.errors ?? []) assert.equal(error.extensions?.code, 'BAD_USER_INPUT', JSON.stringify(error));
    assert.ok(response.errors!.some((error) => /Too many errors processing variables/.test(error.message)));
    await assertNoWrites(server, before, 'createFabric with 60 unknown fields');
  });

  test('regression: unpaired surrogates in variables → BAD_USER_INPUT (HTTP 400), never 500, nothing written', async () => {
    const fabricId = pool.resolve(new KnownId('HedgehogFabric', 0, false));
    const cases: Array<[string, unknown]> = [
      ['createResource', { input: { fabricId, kind: 'VPC', name: 'surrogate', spec: { subnets: { default: { subnet: '10.0.99.0/24', vlan: 1099 } }, note: 'x\uD800y' } } }],
      ['createResource', { input: { fabricId, kind: 'VPC', name: 'surrogate-key', spec: { '\uDC00': 1 } } }],
      ['createFabric', { input: { name: 'surrogate', description: '\uDFFF' } }],
      ['updateFabric', { id: fabricId, input: { description: 'tail \uDBFF' } }],
    ];
    for (const [mutation, variables] of cases) {
      const before = await dbSnapshot(server);
      const response = await postGraphQL<Record<string, unknown>, unknown>(server.url, server.adminToken, print(FUZZ_CASES[mutation].document), variables);
      assert.equal(response.status, 400, `${mutation}: ${JSON.stringify(response.errors)}`);
      assert.equal(response.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.match(response.errors?.[0]?.message ?? '', /surrogate/);
      await assertNoWrites(server, before, mutation);
    }
    const paired = await postGraphQL<Record<string, any>, unknown>(server.url, server.adminToken, print(FuzzUpdateFabricDocument), { id: fabricId, input: { description: 'a pair is fine: \uD83D\uDE80' } });
    assert.deepEqual(paired.data?.updateFabric.userErrors, []);
    assert.equal(paired.data?.updateFabric.fabric.description, 'a pair is fine: 🚀');
  });
});
