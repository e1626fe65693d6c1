/**
 * GraphQL read path, mutations, SQL statements per request, server memory and the scale curves, against the
 * same-run baseline (bench/baseline-server.ts: graphql-js + node:http + hand-written SQL through pg) on the same
 * database. Both servers run as their own processes so that autocannon's CPU is not theirs (on 2 cores they still
 * share the machine with PostgreSQL and the load generator; ratios are what compare).
 * Resources are seeded through SQL. Run: npm run build && node dist/bench/read-path.js
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeGlobalId } from '../src/graphql/global-id';
import { createBenchDatabase, seedFabric, seedSmallFabrics, sqlRows, type BenchDatabase } from './bench-database';
import { generateFabric } from './generated-fabric';
import { load, metric, startNodeProcess, type LoadResult, type NodeProcess } from './load';
import { progress, row, writeResult, type SummaryRow } from './results';

const NAME = 'read-path';
const CONCURRENCY = [1, 16, 64];
const RESOURCES_QUERY = `query ReadResources($f: ID!, $first: Int) { resources(fabricId: $f, first: $first) { totalCount edges { node { kind name spec fabric { name } conflictStatus } } } }`;
const FABRICS_QUERY = `query ReadFabrics($first: Int) { fabrics(first: $first) { totalCount edges { node { name resourceCounts { kind count } } } } }`;
const UPDATE_MUTATION = `mutation Update($id: ID!, $spec: JSONObject!) { updateResource(id: $id, input: {spec: $spec}) { resource { id version } userErrors { code message } } }`;

interface Servers {
  ours: NodeProcess;
  baseline: NodeProcess;
}

async function post(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200 || body.errors) throw new Error(`${url}: HTTP ${response.status} ${JSON.stringify(body.errors)}`);
  return body;
}

/** Both servers must answer the query with the same JSON before their throughput is compared. */
async function assertSameAnswer(servers: Servers, token: string, query: string, variables: Record<string, unknown>): Promise<void> {
  const [ours, baseline] = await Promise.all([post(servers.ours.url, token, query, variables), post(servers.baseline.url, token, query, variables)]);
  if (!isDeepStrictEqual(ours, baseline)) {
    throw new Error(`baseline answers differently:\nours ${JSON.stringify(ours).slice(0, 600)}\nbaseline ${JSON.stringify(baseline).slice(0, 600)}`);
  }
}

async function compare(servers: Servers, token: string, label: string, query: string, variables: Record<string, unknown>, connections: number): Promise<{ ours: LoadResult; baseline: LoadResult }> {
  const ours = await load({ url: servers.ours.url, token, query, variables, connections });
  const baseline = await load({ url: servers.baseline.url, token, query, variables, connections });
  progress(NAME, `${label} c=${connections}: ours ${ours.requestsPerSecond} req/s p99 ${ours.p99Ms} ms; baseline ${baseline.requestsPerSecond} req/s p99 ${baseline.p99Ms} ms`);
  if (ours.failures || baseline.failures) throw new Error(`${label}: failed requests (ours ${ours.failures}, baseline ${baseline.failures})`);
  return { ours, baseline };
}

function throughputRows(label: string, pair: { ours: LoadResult; baseline: LoadResult }, targeted: boolean): SummaryRow[] {
  const c = pair.ours.connections;
  const ratio = Number((pair.ours.requestsPerSecond / pair.baseline.requestsPerSecond).toFixed(2));
  return [
    row(`${label} c=${c} throughput`, pair.ours.requestsPerSecond, 'req/s', {
      baseline: pair.baseline.requestsPerSecond, baselineName: 'graphql-js + pg', ratio,
      ...(targeted ? { target: '≥ 0.5× baseline', pass: ratio >= 0.5 } : {}),
    }),
    row(`${label} c=${c} p50`, pair.ours.p50Ms, 'ms', { baseline: pair.baseline.p50Ms, baselineName: 'graphql-js + pg' }),
    row(`${label} c=${c} p99`, pair.ours.p99Ms, 'ms', {
      baseline: pair.baseline.p99Ms, baselineName: 'graphql-js + pg',
      ...(targeted ? { target: '< 50 ms', pass: pair.ours.p99Ms < 50 } : {}),
    }),
  ];
}

/**
 * SQL statements the server sends for one request (hnp_sql_statements_total around `repeat` sequential requests);
 * the least of three rounds, since background work of the server (token last-use updates) only adds statements.
 */
async function statementsPerRequest(url: string, token: string, query: string, variables: Record<string, unknown>, repeat = 5): Promise<number> {
  let least = Infinity;
  for (let round = 0; round < 3; round++) {
    const before = await metric(url, 'hnp_sql_statements_total');
    for (let i = 0; i < repeat; i++) await post(url, token, query, variables);
    const after = await metric(url, 'hnp_sql_statements_total');
    least = Math.min(least, (after - before) / repeat);
  }
  return least;
}

async function rssMiB(url: string): Promise<number> {
  return Math.round((await metric(url, 'hnp_process_resident_memory_bytes')) / 1048576);
}

async function main(): Promise<void> {
  const database: BenchDatabase = await createBenchDatabase('read');
  const token = `hnp_bench_${randomBytes(12).toString('hex')}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hnp-bench-read-'));
  const serverEnv = (dir: string): Record<string, string> => ({
    DATABASE_URL: database.url, HNP_ADMIN_TOKEN: token, HNP_SECRET_KEY: randomBytes(32).toString('hex'), DATA_DIR: dir,
    LOG_LEVEL: 'info', SYNC_WORKERS: '0', SYNC_POLLING: 'false', SYNC_POLL_INTERVAL_MS: '3600000',
  });
  const processes: NodeProcess[] = [];
  const startOurs = async (dir: string) => {
    const server = await startNodeProcess('dist/src/main.js', serverEnv(dir), 'HNP GraphQL listening');
    processes.push(server);
    return server;
  };
  const rows: SummaryRow[] = [];
  const figures: Record<string, unknown> = {};
  try {
    progress(NAME, 'starting the server (migrations) and the baseline');
    const ours = await startOurs(path.join(dataDir, 'a'));
    const rssIdle = await rssMiB(ours.url);
    const startBaseline = async () => {
      const server = await startNodeProcess('dist/bench/baseline-server.js', { DATABASE_URL: database.url }, 'baseline listening');
      processes.push(server);
      return server;
    };
    const baseline = await startBaseline();
    const baselineRssIdle = await rssMiB(baseline.url);
    const servers: Servers = { ours, baseline };

    progress(NAME, 'seeding a 10,000-resource fabric through SQL');
    const fabric10k = encodeGlobalId('HedgehogFabric', await seedFabric(database.url, 'fabric-10k', generateFabric(10_000)));
    const page100 = { f: fabric10k, first: 100 };
    await assertSameAnswer(servers, token, RESOURCES_QUERY, page100);
    await assertSameAnswer(servers, token, FABRICS_QUERY, { first: 50 });

    // --- read path at concurrency 1, 16, 64 ---
    const readPath: Record<string, unknown> = {};
    for (const connections of CONCURRENCY) {
      const resources = await compare(servers, token, 'resources(first: 100)', RESOURCES_QUERY, page100, connections);
      rows.push(...throughputRows('resources(first: 100)', resources, connections === 16));
      const fabrics = await compare(servers, token, 'fabrics { resourceCounts }', FABRICS_QUERY, { first: 50 }, connections);
      rows.push(...throughputRows('fabrics { resourceCounts }', fabrics, connections === 16));
      readPath[`c${connections}`] = { resources, fabrics };
    }
    figures.readPath = readPath;

    // --- mutations: a different Server resource each request (no row contention in the baseline) ---
    const serverIds = (await sqlRows<{ id: string }>(database.url, `select id from hedgehog_resource where kind = 'Server' order by name`)).map((r) => encodeGlobalId('HedgehogResource', r.id));
    const nth = (n: number) => ({ id: serverIds[n % serverIds.length], spec: { description: `bench edit ${n}` } });
    const check = (await post(ours.url, token, UPDATE_MUTATION, nth(0))) as { data: { updateResource: { userErrors: unknown[] } } };
    if (check.data.updateResource.userErrors.length) throw new Error(`updateResource: ${JSON.stringify(check.data.updateResource.userErrors)}`);
    const oursMutation = await load({ url: ours.url, token, query: UPDATE_MUTATION, connections: 16, variablesFor: nth });
    const baselineMutation = await load({ url: baseline.url, token, query: UPDATE_MUTATION, connections: 16, variablesFor: nth });
    progress(NAME, `updateResource c=16: ours ${oursMutation.requestsPerSecond} req/s p99 ${oursMutation.p99Ms} ms; baseline ${baselineMutation.requestsPerSecond} req/s p99 ${baselineMutation.p99Ms} ms`);
    rows.push(...throughputRows('updateResource (10k fabric)', { ours: oursMutation, baseline: baselineMutation }, false));
    figures.updateResource = { ours: oursMutation, baseline: baselineMutation };

    // --- SQL statements per request (must not grow with the page size) ---
    const statements: Record<string, number> = {};
    const baselineStatements: Record<string, number> = {};
    for (const first of [10, 100, 500]) {
      statements[`resources first=${first}`] = await statementsPerRequest(ours.url, token, RESOURCES_QUERY, { f: fabric10k, first });
      baselineStatements[`resources first=${first}`] = await statementsPerRequest(baseline.url, token, RESOURCES_QUERY, { f: fabric10k, first });
    }
    progress(NAME, `SQL statements per request: ${JSON.stringify(statements)}; baseline ${JSON.stringify(baselineStatements)}`);
    const flat = new Set(Object.values(statements)).size === 1;
    for (const [label, count] of Object.entries(statements)) {
      rows.push(row(`SQL statements, ${label}`, count, 'statements', { baseline: baselineStatements[label], baselineName: 'graphql-js + pg, statements counted in its pg client', target: 'same for every page size', pass: flat }));
    }
    figures.sqlStatementsPerRequest = statements;
    figures.baselineSqlStatementsPerRequest = baselineStatements;

    // --- resources per fabric: 1k / 10k / 50k ---
    progress(NAME, 'seeding 1,000- and 50,000-resource fabrics');
    const fabric1k = encodeGlobalId('HedgehogFabric', await seedFabric(database.url, 'fabric-1k', generateFabric(1_000)));
    const fabric50k = encodeGlobalId('HedgehogFabric', await seedFabric(database.url, 'fabric-50k', generateFabric(50_000)));
    const perFabric: Record<string, unknown> = {};
    for (const [size, id] of [[1_000, fabric1k], [10_000, fabric10k], [50_000, fabric50k]] as const) {
      await assertSameAnswer(servers, token, RESOURCES_QUERY, { f: id, first: 100 });
      const pair = await compare(servers, token, `resources(first: 100) on ${size}`, RESOURCES_QUERY, { f: id, first: 100 }, 16);
      perFabric[size] = pair;
      rows.push(row(`curve: resources per fabric ${size}, c=16`, pair.ours.requestsPerSecond, 'req/s', { baseline: pair.baseline.requestsPerSecond, baselineName: 'graphql-js + pg' }));
    }
    figures.resourcesPerFabric = perFabric;

    // --- memory: idle, then after reading the 50,000 resources through the API ---
    for (let after: string | null = null, pages = 0; ; pages++) {
      const body = (await post(ours.url, token, `query($f: ID!, $after: String) { resources(fabricId: $f, first: 500, after: $after) { edges { node { id kind name spec manifest yaml } } pageInfo { hasNextPage endCursor } } }`, { f: fabric50k, after })) as {
        data: { resources: { pageInfo: { hasNextPage: boolean; endCursor: string } } };
      };
      if (!body.data.resources.pageInfo.hasNextPage) break;
      after = body.data.resources.pageInfo.endCursor;
    }
    const rssAfterReading = await rssMiB(ours.url);
    // The baseline pages through the same 50,000 resources (500 a page); it has no manifest/yaml fields, so it reads
    // kind, name, spec and fabric name of each.
    for (let after: string | null = null; ; ) {
      const body = (await post(baseline.url, token, `query($f: ID!, $after: String) { resources(fabricId: $f, first: 500, after: $after) { edges { node { id kind name spec fabric { name } } } pageInfo { hasNextPage endCursor } } }`, { f: fabric50k, after })) as {
        data: { resources: { pageInfo: { hasNextPage: boolean; endCursor: string } } };
      };
      if (!body.data.resources.pageInfo.hasNextPage) break;
      after = body.data.resources.pageInfo.endCursor;
    }
    const baselineRssAfterReading = await rssMiB(baseline.url);
    progress(NAME, `server RSS: idle ${rssIdle} MiB, after reading 50,000 resources ${rssAfterReading} MiB; baseline ${baselineRssIdle} / ${baselineRssAfterReading} MiB`);
    rows.push(
      row('server RSS idle', rssIdle, 'MiB', { baseline: baselineRssIdle, baselineName: 'graphql-js + pg' }),
      row('server RSS after reading 50,000 resources', rssAfterReading, 'MiB', { baseline: baselineRssAfterReading, baselineName: 'graphql-js + pg, without manifest/yaml', target: '< 512 MiB', pass: rssAfterReading < 512 }),
    );
    figures.memory = { rssIdleMiB: rssIdle, rssAfterReading50kMiB: rssAfterReading, baselineRssIdleMiB: baselineRssIdle, baselineRssAfterReading50kMiB: baselineRssAfterReading };

    // --- instances per PostgreSQL: 1, 2, 3 instances sharing the database, 16 connections each ---
    // The baseline: the same number of baseline-server processes under the same load, measured right after ours.
    const instances = [ours];
    const baselineInstances = [baseline];
    const perInstances: Record<string, unknown> = {};
    const loadAll = async (servers: NodeProcess[]) => {
      const results = await Promise.all(servers.map((instance) => load({ url: instance.url, token, query: RESOURCES_QUERY, variables: page100, connections: 16 })));
      if (results.some((r) => r.failures)) throw new Error(`instances curve: failed requests ${results.map((r) => r.failures).join(', ')}`);
      return { total: results.reduce((sum, r) => sum + r.requestsPerSecond, 0), p99: Math.max(...results.map((r) => r.p99Ms)), results };
    };
    for (const count of [1, 2, 3]) {
      while (instances.length < count) instances.push(await startOurs(path.join(dataDir, `i${instances.length}`)));
      while (baselineInstances.length < count) baselineInstances.push(await startBaseline());
      const oursLoad = await loadAll(instances);
      const baselineLoad = await loadAll(baselineInstances);
      progress(NAME, `${count} instance(s) on one PostgreSQL: ${oursLoad.total.toFixed(0)} req/s in total, worst p99 ${oursLoad.p99} ms; baseline ${baselineLoad.total.toFixed(0)} req/s, worst p99 ${baselineLoad.p99} ms`);
      perInstances[count] = {
        totalRequestsPerSecond: oursLoad.total, worstP99Ms: oursLoad.p99, instances: oursLoad.results,
        baseline: { totalRequestsPerSecond: baselineLoad.total, worstP99Ms: baselineLoad.p99, instances: baselineLoad.results },
      };
      rows.push(row(`curve: ${count} instance(s) per PostgreSQL, resources(first: 100), c=16 each`, oursLoad.total, 'req/s total', { baseline: baselineLoad.total, baselineName: `${count} × graphql-js + pg` }));
    }
    figures.instancesPerPostgres = perInstances;
    for (const extra of [...instances.slice(1), ...baselineInstances.slice(1)]) await extra.stop();

    // --- fabrics per instance: 10 / 100 / 1,000 fabrics of 100 resources (the large ones removed first) ---
    await sqlRows(database.url, `delete from hedgehog_fabric`);
    const perFabrics: Record<string, unknown> = {};
    const manifests = generateFabric(1_000);
    let seeded = 0;
    for (const count of [10, 100, 1000]) {
      await seedSmallFabrics(database.url, `fab-${count}-`, count - seeded, 100, manifests);
      seeded = count;
      await assertSameAnswer(servers, token, FABRICS_QUERY, { first: 50 });
      const pair = await compare(servers, token, `fabrics(first: 50) with ${count} fabrics`, FABRICS_QUERY, { first: 50 }, 16);
      perFabrics[count] = pair;
      rows.push(row(`curve: ${count} fabrics per instance, fabrics(first: 50) { resourceCounts }, c=16`, pair.ours.requestsPerSecond, 'req/s', { baseline: pair.baseline.requestsPerSecond, baselineName: 'graphql-js + pg' }));
    }
    figures.fabricsPerInstance = perFabrics;

    writeResult(NAME, { database: 'postgresql', loadSeconds: Number(process.env.BENCH_LOAD_SECONDS ?? 5), figures, rows });
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
