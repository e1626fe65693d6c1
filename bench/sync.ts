/**
 * Sync on a 10,000-resource fabric (ingested first): a pull of 1,000 files changed in Git, a push of 1,000
 * resources edited in the database, and a sync with no change; each timed from the mutation to the
 * operation's end, with peak RSS. Uses TEST_DATABASE_URL / DATABASE_URL when set, embedded PGlite otherwise.
 * Run: npm run build && node dist/bench/sync.js
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { stringify } from 'yaml';
import { loadConfig } from '../src/config';
import { startServer } from '../src/server/server';
import { BareRepository } from '../test/support/git-fixtures';
import { createTestDatabase, serverUrl } from '../test/support/test-database';
import { generateFabric } from './generated-fabric';
import { gql } from './graphql-http';
import { writeResult } from './results';

async function main(): Promise<void> {
  const workdir = await mkdtemp(path.join(tmpdir(), 'hnp-bench-sync-'));
  const database = serverUrl() ? await createTestDatabase() : { url: undefined, drop: async () => {} };
  const token = `hnp_bench_${randomBytes(12).toString('hex')}`;
  const fabric = generateFabric();
  const rawFiles: Record<string, string> = {};
  for (let f = 0; f < 10; f++) rawFiles[`fab/raw/part-${f}.yaml`] = fabric.slice(f * 1000, (f + 1) * 1000).map((m) => stringify(m)).join('---\n');
  const remote = await BareRepository.create(workdir, 'fabric.git');
  await remote.commit(rawFiles, 'drop the fabric into raw/');
  const server = await startServer(
    { ...loadConfig({}), port: 0, dataDir: path.join(workdir, 'data'), databaseUrl: database.url, adminToken: token, secretKey: randomBytes(32).toString('hex'), logLevel: 'warn', syncPollIntervalMs: 200, syncPolling: false },
    { log: pino({ level: 'warn' }) },
  );
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
  const run = async (mutation: string, variables: Record<string, unknown>): Promise<{ ms: number; operation: Record<string, any> }> => {
    peakRss = process.memoryUsage().rss;
    const started = performance.now();
    const queued = await gql(server.url, token, mutation, variables);
    const id = (Object.values(queued)[0] as { syncOperation: { id: string } }).syncOperation.id;
    for (;;) {
      const { syncOperation } = await gql(server.url, token, `query($id: ID!) { syncOperation(id: $id) { status errorMessage commitSha details } }`, { id });
      if (['COMPLETED', 'FAILED'].includes(syncOperation.status)) {
        if (syncOperation.status !== 'COMPLETED') throw new Error(syncOperation.errorMessage);
        return { ms: performance.now() - started, operation: syncOperation };
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const syncFabric = `mutation($f: ID!, $d: SyncDirection!) { syncFabric(fabricId: $f, direction: $d) { syncOperation { id } } }`;
  try {
    const repo = await gql(server.url, token, `mutation($url: String!) { createGitRepository(input: {name: "bench", url: $url}) { gitRepository { id } } }`, { url: remote.url });
    const created = await gql(server.url, token, `mutation($r: ID!) { createFabric(input: {name: "bench", gitRepositoryId: $r, gitopsDirectory: "fab"}) { fabric { id } } }`, { r: repo.createGitRepository.gitRepository.id });
    const fabricId = created.createFabric.fabric.id as string;
    await run(`mutation($f: ID!) { ingestRawFiles(fabricId: $f) { syncOperation { id } } }`, { f: fabricId });
    await run(syncFabric, { f: fabricId, d: 'BIDIRECTIONAL' });

    // 1,000 VPC files edited in Git: every VLAN moves up by 1,000 (still unique, still in the namespace's range).
    const edits: Record<string, string> = {};
    for (let v = 0; v < 1000; v++) {
      const file = `fab/managed/vpcs/vpc-${v}.yaml`;
      edits[file] = (await remote.read(file))!.replace(/vlan: (\d+)/, (_, vlan: string) => `vlan: ${Number(vlan) + 1000}`);
    }
    await remote.commit(edits, '1,000 VLAN changes made in Git');
    const pull = await run(syncFabric, { f: fabricId, d: 'GIT_TO_GUI' });
    const pullRss = peakRss;

    // 1,000 servers edited in the database (as 1,000 API edits would leave them: new spec, draft, new version).
    await server.database.orm.em.getConnection().execute(
      `update hedgehog_resource set spec = jsonb_build_object('description', 'edited ' || name), resource_state = 'draft', version = version + 1
       where kind = 'Server' and name in (select name from hedgehog_resource where kind = 'Server' order by name limit 1000)`,
    );
    const push = await run(syncFabric, { f: fabricId, d: 'GUI_TO_GIT' });
    const pushRss = peakRss;

    const noChange = await run(syncFabric, { f: fabricId, d: 'BIDIRECTIONAL' });
    const noChangeRuns = [noChange.ms];
    for (let i = 0; i < 4; i++) noChangeRuns.push((await run(syncFabric, { f: fabricId, d: 'BIDIRECTIONAL' })).ms);

    const summary = (op: Record<string, any>) => op.details.summary ?? op.details.result;
    const result = {
      database: database.url ? 'postgresql' : 'embedded',
      resources: fabric.length,
      pull1000: { ms: Math.round(pull.ms), summary: summary(pull.operation), stageTimings: pull.operation.details.stageTimings, peakRssMiB: Math.round(pullRss / 1048576) },
      push1000: { ms: Math.round(push.ms), summary: summary(push.operation), stageTimings: push.operation.details.stageTimings, peakRssMiB: Math.round(pushRss / 1048576) },
      noChange: { msBest: Math.round(Math.min(...noChangeRuns)), msRuns: noChangeRuns.map(Math.round), result: noChange.operation.details.result },
      targets: [
        { description: 'pull of 1,000 changed files', limitMs: 5000, valueMs: Math.round(pull.ms), pass: pull.ms < 5000 },
        { description: 'push of 1,000 edited resources', limitMs: 5000, valueMs: Math.round(push.ms), pass: push.ms < 5000 },
        { description: 'no-change sync (best of 5)', limitMs: 200, valueMs: Math.round(Math.min(...noChangeRuns)), pass: Math.min(...noChangeRuns) < 200 },
      ],
    };
    console.log(JSON.stringify(result, null, 2));
    writeResult('sync', result);
  } finally {
    clearInterval(sampler);
    await server.stop();
    await database.drop();
    await rm(workdir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
