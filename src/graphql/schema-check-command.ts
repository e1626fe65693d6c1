import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Change } from '@graphql-inspector/core';
import { checkSchemaCompatibility } from './schema-check';

// `npm run schema:check`: the committed schema.graphql against the one at SCHEMA_BASE_REF (default HEAD~1).
const run = promisify(execFile);
const repositoryRoot = path.resolve(__dirname, '../../..');
const SCHEMA_FILE = 'schema.graphql';

async function baseSchema(ref: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['show', `${ref}:${SCHEMA_FILE}`], { cwd: repositoryRoot, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch {
    return undefined;
  }
}

function describe(change: Change): string {
  return `  ${change.path ?? '(schema)'}: ${change.message}`;
}

async function main(): Promise<number> {
  const ref = process.env.SCHEMA_BASE_REF?.trim() || 'HEAD~1';
  const base = await baseSchema(ref);
  if (base === undefined) {
    console.log(`schema:check skipped: ${ref}:${SCHEMA_FILE} does not exist (no such ref, or no schema file there)`);
    return 0;
  }
  const current = await readFile(path.join(repositoryRoot, SCHEMA_FILE), 'utf8');
  const result = await checkSchemaCompatibility(base, current);
  if (result.deprecatedRemovals.length > 0) {
    console.log(`removed or changed after deprecation (allowed):\n${result.deprecatedRemovals.map(describe).join('\n')}`);
  }
  if (result.breaking.length > 0) {
    console.error(`schema.graphql has ${result.breaking.length} breaking change(s) against ${ref}; deprecate first instead:\n${result.breaking.map(describe).join('\n')}`);
    return 1;
  }
  console.log(`schema:check passed against ${ref}: ${result.other.length} non-breaking change(s)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
