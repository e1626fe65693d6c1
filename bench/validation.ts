/**
 * Validation benchmark: generates a ~10,000-resource fabric and times `validateFabric`
 * (per-resource and fabric-wide checks). Run: npm run build && node dist/bench/validation.js
 */
import { performance } from 'node:perf_hooks';
import { hasErrors, validateFabric } from '../src/hedgehog';
import { generateFabric } from './generated-fabric';
import { writeResult } from './results';

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const fabric = generateFabric();
const counts = new Map<string, number>();
for (const manifest of fabric) counts.set(manifest.kind, (counts.get(manifest.kind) ?? 0) + 1);
console.log(`resources: ${fabric.length} (${[...counts].map(([kind, n]) => `${kind} ${n}`).join(', ')})`);

const heapBefore = process.memoryUsage().heapUsed;
let peakHeap = heapBefore;
const runs: number[] = [];
const coldStarted = performance.now();
let issues = validateFabric(fabric);
const coldMs = performance.now() - coldStarted;
for (let run = 0; run < 5; run++) {
  const started = performance.now();
  issues = validateFabric(fabric);
  runs.push(performance.now() - started);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
const started = performance.now();
const focused = validateFabric(fabric, { focus: [{ kind: 'VPCAttachment', namespace: 'default', name: `vpc-0--${'server-0-0--unbundled--leaf-0'}` }] });
const focusedMs = performance.now() - started;

console.log(`issues: ${issues.length} (errors: ${hasErrors(issues) ? 'yes' : 'none'})`);
console.log(`validateFabric (all checks), first run: ${coldMs.toFixed(0)} ms`);
console.log(`validateFabric (all checks), 5 warm runs: ${runs.map((ms) => ms.toFixed(0)).join(', ')} ms; best ${Math.min(...runs).toFixed(0)} ms`);
console.log(`validateFabric with focus on one VPCAttachment: ${focusedMs.toFixed(0)} ms (${focused.length} issues)`);
console.log(`heap used before: ${megabytes(heapBefore)}, peak sampled: ${megabytes(peakHeap)}; peak RSS: ${megabytes(process.resourceUsage().maxRSS * 1024)}`);

writeResult('validation', {
  resources: fabric.length,
  coldMs: Math.round(coldMs),
  warmBestMs: Math.round(Math.min(...runs)),
  focusedMs: Math.round(focusedMs),
  peakHeapMiB: Number((peakHeap / 1024 / 1024).toFixed(1)),
  peakRssMiB: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
  target: { description: 'validate 10,000 resources (fabric-wide included)', limitMs: 1000, valueMs: Math.round(coldMs), pass: coldMs < 1000 },
});
