import { spawnSync } from 'node:child_process';
import path from 'node:path';

// `npm run bench`: every benchmark in its own process, one after the other, printing its figures.
const BENCHMARKS = ['validation', 'subscription-fanout', 'git-commit', 'ingestion', 'sync'];

let failed = 0;
for (const name of BENCHMARKS) {
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(process.execPath, [path.join(__dirname, `${name}.js`)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`${name} failed with exit code ${result.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
