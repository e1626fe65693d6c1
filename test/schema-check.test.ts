import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { checkSchemaCompatibility } from '../src/graphql/schema-check';

const run = promisify(execFile);

const BASE = `
type Query {
  repository(id: ID!): Repository
  legacyRepositories: [Repository!]! @deprecated(reason: "use repository")
}
type Repository {
  id: ID!
  name: String!
  oldUrl: String @deprecated(reason: "use url")
  url: String!
}
enum Status { OK FAILED LEGACY @deprecated(reason: "gone") }
input RepositoryInput { name: String!, color: String @deprecated(reason: "unused") }
type Mutation { createRepository(input: RepositoryInput!): Repository }
`;

describe('schema compatibility check', () => {
  it('fails when a field that was not deprecated is removed or its type changes', async () => {
    const removed = BASE.replace('  name: String!\n', '');
    const result = await checkSchemaCompatibility(BASE, removed);
    assert.deepEqual(result.breaking.map((c) => c.path), ['Repository.name']);

    const retyped = BASE.replace('  url: String!\n', '  url: Int!\n');
    assert.deepEqual((await checkSchemaCompatibility(BASE, retyped)).breaking.map((c) => c.path), ['Repository.url']);

    const enumValueGone = BASE.replace('OK FAILED', 'OK');
    assert.deepEqual((await checkSchemaCompatibility(BASE, enumValueGone)).breaking.map((c) => c.path), ['Status.FAILED']);

    const typeGone = BASE.replace(/enum Status \{[^}]*\}\n/, '');
    assert.deepEqual((await checkSchemaCompatibility(BASE, typeGone)).breaking.map((c) => c.path), ['Status']);
  });

  it('passes when only elements deprecated in the base schema are removed', async () => {
    const current = BASE.replace('  oldUrl: String @deprecated(reason: "use url")\n', '')
      .replace('  legacyRepositories: [Repository!]! @deprecated(reason: "use repository")\n', '')
      .replace(' LEGACY @deprecated(reason: "gone")', '')
      .replace(', color: String @deprecated(reason: "unused")', '');
    const result = await checkSchemaCompatibility(BASE, current);
    assert.deepEqual(result.breaking, []);
    assert.deepEqual(result.deprecatedRemovals.map((c) => c.path).sort(), ['Query.legacyRepositories', 'Repository.oldUrl', 'RepositoryInput.color', 'Status.LEGACY']);
  });

  it('passes additive changes', async () => {
    const current = BASE.replace('  url: String!\n', '  url: String!\n  description: String\n').replace('OK FAILED', 'OK FAILED PENDING') + 'type Extra { id: ID! }\n';
    const result = await checkSchemaCompatibility(BASE, current);
    assert.deepEqual(result.breaking, []);
    assert.deepEqual(result.deprecatedRemovals, []);
    assert.ok(result.other.some((c) => c.path === 'Repository.description'));
  });

  it('the npm script compares with SCHEMA_BASE_REF and skips a ref that does not exist', async () => {
    const command = path.resolve(__dirname, '../src/graphql/schema-check-command.js');
    const same = await run(process.execPath, [command], { env: { ...process.env, SCHEMA_BASE_REF: 'HEAD' } });
    assert.match(same.stdout, /schema:check passed against HEAD/);
    const missing = await run(process.execPath, [command], { env: { ...process.env, SCHEMA_BASE_REF: 'no-such-ref-0123' } });
    assert.match(missing.stdout, /schema:check skipped: no-such-ref-0123:schema\.graphql does not exist/);
  });
});
