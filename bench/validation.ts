/**
 * Validation benchmark: generated fabrics of 10,000 and 50,000 resources, `validateFabric` (per-resource and
 * fabric-wide checks) cold and warm, and focused on one resource (what every API mutation runs). Baseline in the
 * same run: one structuredClone of the same manifests (the floor of any pass that touches every object).
 * Run: npm run build && node dist/bench/validation.js   (BENCH_SIZES=10000,50000)
 */
import { performance } from 'node:perf_hooks';
import { hasErrors, validateFabric } from '../src/hedgehog';
import { generateFabric } from './generated-fabric';
import { progress, row, writeResult, type SummaryRow } from './results';

const SIZES = (process.env.BENCH_SIZES ?? '10000,50000').split(',').map(Number);

function best(runs: number, work: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

const rows: SummaryRow[] = [];
const figures: Record<string, unknown> = {};
for (const size of SIZES) {
  const fabric = generateFabric(size);
  const coldStarted = performance.now();
  const issues = validateFabric(fabric);
  const coldMs = performance.now() - coldStarted;
  if (hasErrors(issues)) throw new Error(`generated fabric of ${size} is invalid: ${JSON.stringify(issues.filter((i) => i.severity === 'error').slice(0, 3))}`);
  const warmMs = best(3, () => validateFabric(fabric));
  const focus = [{ kind: 'VPCAttachment', namespace: 'default', name: fabric.find((m) => m.kind === 'VPCAttachment')!.metadata.name }];
  const focusedMs = best(3, () => validateFabric(fabric, { focus }));
  const cloneMs = best(3, () => structuredClone(fabric));
  progress('validation', `${size}: cold ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(0)} ms, focused ${focusedMs.toFixed(0)} ms, structuredClone ${cloneMs.toFixed(0)} ms`);
  figures[size] = { resources: fabric.length, coldMs: Math.round(coldMs), warmBestMs: Math.round(warmMs), focusedBestMs: Math.round(focusedMs), structuredCloneMs: Math.round(cloneMs) };
  const limit = size <= 10_000 ? 1000 : 5000;
  rows.push(
    row(`validateFabric ${size}, warm`, warmMs, 'ms', { baseline: cloneMs, baselineName: 'structuredClone', target: `< ${limit} ms`, pass: warmMs < limit }),
    row(`validateFabric ${size}, focused on one resource`, focusedMs, 'ms', { baseline: cloneMs, baselineName: 'structuredClone' }),
  );
}
writeResult('validation', { figures, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), rows });
