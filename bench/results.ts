import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** p-th percentile (0..1) of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * One line of bench/results/summary.md. `baseline` is measured in the same run (git CLI, the minimal
 * graphql-js + pg server, …); `ratio` = value / baseline. `target` is a human-readable goal and `pass` its verdict.
 */
export interface SummaryRow {
  figure: string;
  value: number;
  unit: string;
  baseline?: number;
  baselineName?: string;
  ratio?: number;
  target?: string;
  pass?: boolean;
}

export function row(figure: string, value: number, unit: string, extra: Omit<SummaryRow, 'figure' | 'value' | 'unit'> = {}): SummaryRow {
  const ratio = extra.ratio ?? (extra.baseline ? Number((value / extra.baseline).toFixed(2)) : undefined);
  return { figure, value: Math.round(value * 10) / 10, unit, ...extra, ...(ratio !== undefined ? { ratio } : {}) };
}

export function resultsDir(): string {
  return path.resolve(__dirname, '../../bench/results');
}

/** Writes bench/results/<name>.json (next to the sources, not in dist); `rows` feed summary.md. */
export function writeResult(name: string, result: Record<string, unknown> & { rows?: SummaryRow[] }): void {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, measuredAt: new Date().toISOString(), node: process.version, ...result }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

export function progress(bench: string, message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${bench}: ${message}`);
}
