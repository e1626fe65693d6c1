import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** p-th percentile (0..1) of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Writes bench/results/<name>.json (next to the sources, not in dist). */
export function writeResult(name: string, result: Record<string, unknown>): void {
  const dir = path.resolve(__dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, measuredAt: new Date().toISOString(), node: process.version, ...result }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
