/**
 * Cost of the request limits (depth, aliases, root fields, directives, complexity) per operation, next to the cost
 * of graphql-js validation of the same document, which every request pays anyway (Apollo caches it per query text).
 * Run: npm run build && node dist/bench/request-limits.js
 */
import { performance } from 'node:perf_hooks';
import { parse, specifiedRules, validate, type DocumentNode } from 'graphql';
import { loadConfig } from '../src/config';
import { buildGraphQLSchema } from '../src/graphql/schema';
import { operationComplexity } from '../src/server/query-complexity';
import { enforceRequestLimits } from '../src/server/request-limits';
import { writeResult } from './results';

const schema = buildGraphQLSchema();
const limits = loadConfig({}).limits;

const OPERATIONS: Record<string, string> = {
  viewer: '{ viewer { id username role } }',
  nestedPages:
    'query($first: Int) { fabrics(first: $first) { edges { node { id name resources(first: 50) { totalCount edges { node { id name kind spec resourceState stateHistory(last: 3) { toState } } } } syncOperations(first: 10) { edges { node { id status } } } } } } }',
};

function microseconds(run: () => void): number {
  for (let i = 0; i < 200; i++) run();
  const iterations = 2000;
  const started = performance.now();
  for (let i = 0; i < iterations; i++) run();
  return ((performance.now() - started) / iterations) * 1000;
}

const results: Record<string, { complexity: number; limitsUs: number; validationUs: number }> = {};
for (const [name, query] of Object.entries(OPERATIONS)) {
  const document: DocumentNode = parse(query);
  const variables = { first: 50 };
  results[name] = {
    complexity: operationComplexity(schema, document, undefined, variables),
    limitsUs: Number(microseconds(() => enforceRequestLimits(schema, limits, { document, variables })).toFixed(1)),
    validationUs: Number(microseconds(() => validate(schema, document, specifiedRules)).toFixed(1)),
  };
  console.log(`${name}: complexity ${results[name].complexity}, limits ${results[name].limitsUs} µs, graphql-js validation ${results[name].validationUs} µs`);
}
writeResult('request-limits', { limits, results });
