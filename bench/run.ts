import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { progress, resultsDir, type SummaryRow } from './results';

/**
 * `npm run bench`: every benchmark in its own process, one after the other, printing progress; then
 * bench/results/summary.md from the rows each one wrote into bench/results/<name>.json.
 * BENCH_ONLY=read-path,sync runs a subset (the summary still lists every result file present).
 */
const BENCHMARKS = ['validation', 'read-path', 'subscription-fanout', 'git-commit', 'ingestion', 'sync'];

function format(value: number | undefined, unit = ''): string {
  if (value === undefined || Number.isNaN(value)) return '';
  return `${Number.isInteger(value) ? value : value.toFixed(value < 10 ? 2 : 1)}${unit ? ` ${unit}` : ''}`;
}

function summary(durations: Record<string, number>): string {
  const lines = [
    '# Benchmark summary',
    '',
    `Measured ${new Date().toISOString()} on ${process.platform}/${process.arch}, Node ${process.version}; PostgreSQL. Baselines were measured in the same run;`,
    'ratio = value / baseline (for throughput higher is better, for times lower is better).',
    '',
    '| benchmark | figure | value | baseline | ratio | target | pass/fail |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const name of BENCHMARKS) {
    const file = path.join(resultsDir(), `${name}.json`);
    if (!existsSync(file)) {
      lines.push(`| ${name} | (no result) | | | | | |`);
      continue;
    }
    const result = JSON.parse(readFileSync(file, 'utf8')) as { rows?: SummaryRow[] };
    for (const r of result.rows ?? []) {
      const baseline = r.baseline !== undefined ? `${format(r.baseline, r.unit)}${r.baselineName ? ` (${r.baselineName})` : ''}` : '';
      const verdict = r.pass === undefined ? '' : r.pass ? 'pass' : '**fail**';
      lines.push(`| ${name} | ${r.figure} | ${format(r.value, r.unit)} | ${baseline} | ${r.ratio !== undefined ? `${r.ratio}×` : ''} | ${r.target ?? ''} | ${verdict} |`);
    }
  }
  lines.push('', `Wall time per benchmark: ${Object.entries(durations).map(([name, s]) => `${name} ${s} s`).join(', ')}.`, '');
  return lines.join('\n');
}

const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
let failed = 0;
const durations: Record<string, number> = {};
const started = performance.now();
for (const name of BENCHMARKS.filter((b) => !only || only.includes(b))) {
  progress('bench', `=== ${name} ===`);
  const t0 = performance.now();
  const result = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`)], { stdio: 'inherit' });
  durations[name] = Math.round((performance.now() - t0) / 1000);
  if (result.status !== 0) {
    failed++;
    console.error(`${name} failed with exit code ${result.status}`);
  }
}
const file = path.join(resultsDir(), 'summary.md');
writeFileSync(file, summary(durations));
progress('bench', `wrote ${file}; total ${Math.round((performance.now() - started) / 1000)} s`);
process.exit(failed > 0 ? 1 : 0);
