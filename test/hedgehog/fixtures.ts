import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseManifests, validateFabric, type FabricEntry, type ValidationIssue } from '../../src/hedgehog';

function findProjectRoot(start: string): string {
  let directory = start;
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${start}`);
    directory = parent;
  }
  return directory;
}

/** `/work/shared/fixtures/hedgehog`, found relative to the project root so tests run from src or dist. */
export const FIXTURES_DIR = resolve(findProjectRoot(__dirname), '../shared/fixtures/hedgehog');
export const SAMPLES_DIR = join(FIXTURES_DIR, 'samples');

export function readSample(relativePath: string): string {
  return readFileSync(join(SAMPLES_DIR, relativePath), 'utf8');
}

export function listSampleFiles(): string[] {
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.yaml')) files.push(relative(SAMPLES_DIR, path));
    }
  };
  walk(SAMPLES_DIR);
  return files.sort();
}

/** Parses and validates sample files together, as one fabric. */
export function validateSamples(...relativePaths: string[]): { parseIssues: ValidationIssue[]; issues: ValidationIssue[]; entries: FabricEntry[] } {
  const entries: FabricEntry[] = [];
  const parseIssues: ValidationIssue[] = [];
  for (const path of relativePaths) {
    const parsed = parseManifests(readSample(path), { filePath: path });
    entries.push(...parsed.manifests);
    parseIssues.push(...parsed.issues);
  }
  return { parseIssues, issues: validateFabric(entries), entries };
}

export function errorsOf(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.filter((issue) => issue.severity === 'error');
}
