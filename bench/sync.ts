/**
 * Sync at 10,000 and 50,000 resources (ingested first, then one bidirectional sync): a pull of 1,000 files changed
 * in Git, a push of 1,000 resources edited in the database, and a sync with no change; each timed from the
 * mutation to the operation's end. Baselines in the same run, the git CLI doing the same Git work in a clone:
 * `git pull --ff-only` of the same commit, `git add/commit/push` of the same 1,000 files, `git fetch` with nothing new.
 * Run: npm run build && node dist/bench/sync.js   (BENCH_SIZES=10000,50000)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { git } from '../test/support/git-fixtures';
import { sqlRows } from './bench-database';
import { generateFabric } from './generated-fabric';
import { GitopsHarness } from './gitops-harness';
import { progress, row, writeResult, type SummaryRow } from './results';

const SIZES = (process.env.BENCH_SIZES ?? '10000,50000').split(',').map(Number);
const CHANGES = 1000;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const harness = await GitopsHarness.start('sync');
  const rows: SummaryRow[] = [];
  const figures: Record<string, unknown> = {};
  try {
    for (const size of SIZES) {
      const { remote, fabricId } = await harness.fabricWithRawFiles(`sync-${size}`, generateFabric(size));
      progress('sync', `${size}: ingesting and a first bidirectional sync`);
      await harness.ingest(fabricId);
      await harness.sync(fabricId, 'BIDIRECTIONAL');
      const clone = path.join(harness.workdir, `clone-${size}`);
      await git(harness.workdir, 'clone', '--quiet', remote.dir, clone);

      // Pull: 1,000 VPC files edited in Git (every VLAN moves down by 900: still unique, still in the namespace).
      const edits: Record<string, string> = {};
      for (let v = 0; v < CHANGES; v++) {
        const file = `fab/managed/vpcs/vpc-${v}.yaml`;
        edits[file] = (await remote.read(file))!.replace(/vlan: (\d+)/, (_, vlan: string) => `vlan: ${Number(vlan) - 900}`);
      }
      await remote.commit(edits, `${CHANGES} VLAN changes made in Git`);
      progress('sync', `${size}: pull of ${CHANGES} changed files`);
      const pull = await harness.sync(fabricId, 'GIT_TO_GUI');
      const pullRss = await harness.rssMiB();
      const gitPullMs = await timed(() => git(clone, 'pull', '--quiet', '--ff-only'));

      // Push: 1,000 servers edited in the database (as API edits leave them: new spec, draft, new version).
      const pushTarget = path.join(harness.workdir, `push-target-${size}.git`);
      await git(harness.workdir, 'clone', '--quiet', '--bare', remote.dir, pushTarget);
      await sqlRows(harness.database.url,
        `update hedgehog_resource set spec = jsonb_build_object('description', 'edited ' || name), resource_state = 'draft', version = version + 1
          where id in (select r.id from hedgehog_resource r join hedgehog_fabric f on f.id = r.fabric_id
                        where f.name = $1 and r.kind = 'Server' order by r.name limit ${CHANGES})`, [`sync-${size}`]);
      progress('sync', `${size}: push of ${CHANGES} edited resources`);
      const push = await harness.sync(fabricId, 'GUI_TO_GIT');
      const pushRss = await harness.rssMiB();
      const pushed = (await git(remote.dir, 'diff', '--name-only', 'HEAD~1', 'HEAD')).split('\n').filter(Boolean);
      for (const file of pushed) {
        await mkdir(path.dirname(path.join(clone, file)), { recursive: true });
        await writeFile(path.join(clone, file), await git(remote.dir, 'show', `HEAD:${file}`));
      }
      await git(clone, 'remote', 'add', 'baseline', pushTarget);
      const gitPushMs = await timed(async () => {
        await git(clone, 'add', '--all');
        await git(clone, 'commit', '--quiet', '-m', 'the same edits');
        await git(clone, 'push', '--quiet', 'baseline', 'HEAD:main');
      });

      // No change: best of 5 bidirectional syncs, against best of 5 `git fetch` with nothing new.
      await git(clone, 'fetch', '--quiet', 'origin');
      const noChange: number[] = [];
      const gitFetch: number[] = [];
      for (let i = 0; i < 5; i++) {
        noChange.push((await harness.sync(fabricId, 'BIDIRECTIONAL')).ms);
        gitFetch.push(await timed(() => git(clone, 'fetch', '--quiet', 'origin')));
      }
      const noChangeMs = Math.min(...noChange);
      const gitFetchMs = Math.min(...gitFetch);
      progress('sync', `${size}: pull ${Math.round(pull.ms)} ms (git pull ${Math.round(gitPullMs)}), push ${Math.round(push.ms)} ms (git commit+push ${Math.round(gitPushMs)}, ${pushed.length} files), no change ${Math.round(noChangeMs)} ms (git fetch ${Math.round(gitFetchMs)})`);
      const summary = (op: Record<string, any>) => op.details.summary ?? op.details.result;
      figures[size] = {
        pull: { ms: Math.round(pull.ms), gitPullMs: Math.round(gitPullMs), summary: summary(pull.operation), stageTimings: pull.operation.details.stageTimings, serverRssMiB: pullRss },
        push: { ms: Math.round(push.ms), gitCommitPushMs: Math.round(gitPushMs), filesPushed: pushed.length, summary: summary(push.operation), stageTimings: push.operation.details.stageTimings, serverRssMiB: pushRss },
        noChange: { msBest: Math.round(noChangeMs), msRuns: noChange.map(Math.round), gitFetchBestMs: Math.round(gitFetchMs) },
      };
      const scale = size / 10_000;
      rows.push(
        row(`${size}: pull of ${CHANGES} files changed in Git`, pull.ms, 'ms', { baseline: gitPullMs, baselineName: 'git pull', target: `< ${5 * scale} s`, pass: pull.ms < 5000 * scale }),
        row(`${size}: push of ${CHANGES} edited resources`, push.ms, 'ms', { baseline: gitPushMs, baselineName: 'git add+commit+push', target: `< ${5 * scale} s`, pass: push.ms < 5000 * scale }),
        row(`${size}: no-change sync (best of 5)`, noChangeMs, 'ms', { baseline: gitFetchMs, baselineName: 'git fetch', target: '< 200 ms', pass: noChangeMs < 200 }),
      );
    }
    writeResult('sync', { database: 'postgresql', figures, rows });
  } finally {
    await harness.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
