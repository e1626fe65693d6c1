import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { printSchemaText } from '../src/graphql/print-schema';
import { buildGraphQLSchema } from '../src/graphql/schema';

const repoRoot = path.resolve(__dirname, '../..');

test('schema.graphql is generated from the code and up to date (run `npm run schema`)', () => {
  const committed = readFileSync(path.join(repoRoot, 'schema.graphql'), 'utf8');
  assert.equal(committed, printSchemaText(), 'schema.graphql is stale: run `npm run schema` and commit the result');
});

const CONTRACT_QUERIES: Record<string, string[]> = {
  node: ['id'],
  viewer: [],
  supportedKinds: [],
  gitRepositories: ['first', 'after'],
  gitRepository: ['id'],
  fabrics: ['first', 'after', 'filter'],
  fabric: ['id'],
  resources: ['fabricId', 'first', 'after', 'filter'],
  resource: ['id'],
  syncOperations: ['fabricId', 'first', 'after', 'filter'],
  syncOperation: ['id'],
  conflicts: ['fabricId', 'status', 'first', 'after'],
  validateManifests: ['fabricId', 'yaml'],
};

const CONTRACT_MUTATIONS: Record<string, string[]> = {
  createGitRepository: ['input'],
  updateGitRepository: ['id', 'input'],
  deleteGitRepository: ['id'],
  createFabric: ['input'],
  updateFabric: ['id', 'input'],
  deleteFabric: ['id'],
  createResource: ['input'],
  updateResource: ['id', 'input', 'expectedVersion'],
  deleteResource: ['id', 'expectedVersion'],
};

test('the schema carries the contract names and arguments built so far', () => {
  const schema = buildGraphQLSchema();
  const check = (fields: Record<string, { args: ReadonlyArray<{ name: string }> }>, expected: Record<string, string[]>) => {
    for (const [name, args] of Object.entries(expected)) {
      assert.ok(fields[name], `schema lacks ${name}`);
      assert.deepEqual(fields[name].args.map((a) => a.name).sort(), [...args].sort(), `arguments of ${name}`);
    }
  };
  check(schema.getQueryType()!.getFields(), CONTRACT_QUERIES);
  check(schema.getMutationType()!.getFields(), CONTRACT_MUTATIONS);
});
