/**
 * Subscription fan-out: N graphql-ws subscribers on one operation's progress events; latency from
 * publish (the event's `at`) to receipt, p50/p99. Then the same across two instances (events published
 * by A, delivered by B through LISTEN/NOTIFY). Needs DATABASE_URL or TEST_DATABASE_URL for the
 * two-instance part; the server runs as its own process, the clients in this one.
 * Baseline (same run): bench/baseline-fanout-server.ts, a plain `ws` server in its own process broadcasting a
 * graphql-ws-shaped progress message of the same size to the same number of subscriptions over the same number of
 * sockets, triggered by an HTTP POST; latency measured the same way (receipt time minus the event's `at`).
 * Run: npm run build && node dist/bench/subscription-fanout.js
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startServerProcess, type ServerProcess } from '../test/support/server-process';
import { createBenchDatabase } from './bench-database';
import { startNodeProcess } from './load';
import { gql } from './graphql-http';
import { percentile, row, writeResult } from './results';

const SUBSCRIBER_COUNTS = (process.env.BENCH_FANOUT_SUBSCRIBERS ?? '100,1000,5000').split(',').map(Number);
const OPERATIONS = Number(process.env.BENCH_FANOUT_OPERATIONS ?? 3);
/** e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server processes. */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

const SUBSCRIPTION = `subscription($fabricId: ID) { syncOperationProgress(fabricId: $fabricId) { operationId status at } }`;

interface Measurement {
  subscribers: number;
  instances: 1 | 2;
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

async function measure(publisher: ServerProcess, receiver: ServerProcess, token: string, fabricId: string, subscribers: number, operations: number): Promise<Measurement> {
  const sockets = Math.min(100, subscribers);
  const perSocket = Math.ceil(subscribers / sockets);
  const clients: Client[] = [];
  const latencies: number[] = [];
  const finals = new Map<string, number>();
  let subscribed = 0;
  let connected = 0;
  for (let s = 0; s < sockets; s++) {
    const client = createClient({
      url: receiver.url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      on: { connected: () => connected++ },
    });
    clients.push(client);
    for (let i = 0; i < perSocket && subscribed < subscribers; i++, subscribed++) {
      client.subscribe(
        { query: SUBSCRIPTION, variables: { fabricId } },
        {
          next: ({ data }) => {
            const event = (data as { syncOperationProgress: { operationId: string; status: string; at: string } }).syncOperationProgress;
            latencies.push(Date.now() - Date.parse(event.at));
            if (event.status === 'COMPLETED') finals.set(event.operationId, (finals.get(event.operationId) ?? 0) + 1);
          },
          error: (error) => console.error('subscription error', error),
          complete: () => undefined,
        },
      );
    }
  }
  // Every socket acknowledged (connection_init done), then time for the subscribe messages to be registered.
  const connectDeadline = Date.now() + 60_000;
  while (connected < sockets) {
    if (Date.now() > connectDeadline) throw new Error(`only ${connected} of ${sockets} sockets connected`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 1500 + subscribers / 2));
  for (let o = 0; o < operations; o++) {
    const queued = await gql(publisher.url, token, `mutation($f: ID!) { validateFabric(fabricId: $f) { syncOperation { id } } }`, { f: fabricId });
    const id = queued.validateFabric.syncOperation.id as string;
    const deadline = Date.now() + 60_000;
    while ((finals.get(id) ?? 0) < subscribers) {
      if (Date.now() > deadline) throw new Error(`only ${finals.get(id) ?? 0} of ${subscribers} subscribers got the final event`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await Promise.all(clients.map((client) => client.dispose()));
  latencies.sort((a, b) => a - b);
  return {
    subscribers,
    instances: publisher === receiver ? 1 : 2,
    events: latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1],
  };
}

interface BaselineMeasurement {
  subscribers: number;
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * The baseline's operation: six events (QUEUED, four RUNNING, COMPLETED: as many as a validateFabric operation
 * delivers to each subscriber) 100 ms apart (the server's progress interval), published by POST /publish; every
 * subscriber must receive COMPLETED before the next one.
 */
async function measureBaseline(url: string, subscribers: number, operations: number): Promise<BaselineMeasurement> {
  const sockets = Math.min(100, subscribers);
  const perSocket = Math.ceil(subscribers / sockets);
  const clients: WebSocket[] = [];
  const latencies: number[] = [];
  const finals = new Map<string, number>();
  let subscribed = 0;
  for (let s = 0; s < sockets; s++) {
    const socket = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
    clients.push(socket);
    const count = Math.min(perSocket, subscribers - subscribed);
    subscribed += count;
    socket.on('open', () => {
      for (let i = 0; i < count; i++) socket.send(JSON.stringify({ id: randomUUID(), type: 'subscribe', payload: { query: SUBSCRIPTION } }));
    });
    socket.on('message', (data) => {
      const event = (JSON.parse(data.toString()) as { payload: { data: { syncOperationProgress: { operationId: string; status: string; at: string } } } }).payload.data.syncOperationProgress;
      latencies.push(Date.now() - Date.parse(event.at));
      if (event.status === 'COMPLETED') finals.set(event.operationId, (finals.get(event.operationId) ?? 0) + 1);
    });
    socket.on('error', (error) => console.error('baseline socket error', error));
  }
  const registerDeadline = Date.now() + 60_000;
  for (;;) {
    const { subscriptions } = (await (await fetch(`${url}/subscriptions`)).json()) as { subscriptions: number };
    if (subscriptions === subscribers) break;
    if (Date.now() > registerDeadline) throw new Error(`baseline: only ${subscriptions} of ${subscribers} subscriptions registered`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (let o = 0; o < operations; o++) {
    const operationId = randomUUID();
    const response = await fetch(`${url}/publish`, { method: 'POST', body: JSON.stringify({ operationId, statuses: ['QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'COMPLETED'], intervalMs: 100 }) });
    if (response.status !== 202) throw new Error(`baseline publish: HTTP ${response.status}`);
    const deadline = Date.now() + 60_000;
    while ((finals.get(operationId) ?? 0) < subscribers) {
      if (Date.now() > deadline) throw new Error(`baseline: only ${finals.get(operationId) ?? 0} of ${subscribers} subscribers got the final event`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await Promise.all(clients.map((socket) => new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close();
  })));
  latencies.sort((a, b) => a - b);
  return { subscribers, events: latencies.length, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), maxMs: latencies[latencies.length - 1] };
}

async function main(): Promise<void> {
  const token = `hnp_bench_${randomBytes(12).toString('hex')}`;
  const database: { url?: string; drop(): Promise<void> } = await createBenchDatabase('fanout');
  const dirs = [await mkdtemp(path.join(tmpdir(), 'hnp-bench-')), await mkdtemp(path.join(tmpdir(), 'hnp-bench-'))];
  const env: Record<string, string> = { HNP_ADMIN_TOKEN: token, HNP_SECRET_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'info' };
  if (database.url) env.DATABASE_URL = database.url;
  const a = await startServerProcess({ ...env, DATA_DIR: dirs[0] }, SERVER_NODE_ARGS);
  const processes: Array<{ stop(): Promise<void> }> = [a];
  try {
    const created = await gql(a.url, token, `mutation { createFabric(input: {name: "bench"}) { fabric { id } } }`);
    const fabricId = created.createFabric.fabric.id as string;
    await gql(a.url, token, `mutation($f: ID!) { createResource(input: {fabricId: $f, kind: "IPv4Namespace", name: "default", spec: {subnets: ["10.0.0.0/16"]}}) { resource { id } } }`, { f: fabricId });
    const results: Measurement[] = [];
    for (const subscribers of SUBSCRIBER_COUNTS) results.push(await measure(a, a, token, fabricId, subscribers, OPERATIONS));
    if (database.url) {
      const b = await startServerProcess({ ...env, DATA_DIR: dirs[1], SYNC_WORKERS: '0' }, SERVER_NODE_ARGS);
      processes.push(b);
      for (const subscribers of SUBSCRIBER_COUNTS) results.push(await measure(a, b, token, fabricId, subscribers, OPERATIONS));
    } else {
      console.log('two-instance fan-out skipped: set DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server');
    }
    const baselineServer = await startNodeProcess('dist/bench/baseline-fanout-server.js', {}, 'baseline fanout listening');
    processes.push(baselineServer);
    const baselines = new Map<number, BaselineMeasurement>();
    for (const subscribers of SUBSCRIBER_COUNTS) baselines.set(subscribers, await measureBaseline(baselineServer.url, subscribers, OPERATIONS));
    console.table(results);
    console.table([...baselines.values()]);
    const target = results.find((r) => r.subscribers === 1000 && r.instances === 1) ?? results[0];
    writeResult('subscription-fanout', {
      figures: results,
      baseline: { description: 'plain ws server, one process, graphql-ws-shaped progress messages', figures: [...baselines.values()] },
      target: { description: 'p99 publish→receipt at 1,000 subscribers, one instance', limitMs: 100, valueMs: target.p99Ms, pass: target.p99Ms < 100 },
      rows: results.map((r) => row(`${r.subscribers} subscribers, ${r.instances === 1 ? 'one instance' : 'published on A, delivered by B'}: p99 publish→receipt`, r.p99Ms, 'ms', {
        baseline: baselines.get(r.subscribers)!.p99Ms,
        baselineName: r.instances === 1 ? 'plain ws broadcast' : 'plain ws broadcast, one process',
        ...(r.subscribers === 1000 && r.instances === 1 ? { target: '< 100 ms', pass: r.p99Ms < 100 } : {}),
      })),
    });
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await database.drop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
