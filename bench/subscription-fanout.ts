/**
 * Subscription fan-out: N graphql-ws subscribers on one operation's progress events; latency from
 * publish (the event's `at`) to receipt, p50/p99. Then the same across two instances (events published
 * by A, delivered by B through LISTEN/NOTIFY). Needs DATABASE_URL or TEST_DATABASE_URL for the
 * two-instance part; the server runs as its own process, the clients in this one.
 * Baseline (same run): bench/baseline-fanout-server.ts, a plain `ws` server in its own process broadcasting a
 * graphql-ws-shaped progress message of the same size to the same number of subscriptions over the same number of
 * sockets, triggered by an HTTP POST; measured by the same client (subscribeAll) the same way (receipt time minus
 * the event's `at`).
 * Run: npm run build && node dist/bench/subscription-fanout.js
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startServerProcess, type ServerProcess } from '../test/support/server-process';
import { createBenchDatabase } from './bench-database';
import { startNodeProcess } from './load';
import { gql } from './graphql-http';
import { percentile, row, writeResult } from './results';

const SUBSCRIBER_COUNTS = (process.env.BENCH_FANOUT_SUBSCRIBERS ?? '100,1000,5000').split(',').map(Number);
/** Operations per measurement: the p99 is set by each operation's last burst, so a few give a noisy figure. */
const OPERATIONS = Number(process.env.BENCH_FANOUT_OPERATIONS ?? 10);
/** e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server processes. */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

const SUBSCRIPTION = `subscription($fabricId: ID) { syncOperationProgress(fabricId: $fabricId) { operationId status at } }`;

interface Measurement {
  subscribers: number;
  events: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface ProgressMessage {
  type: string;
  id?: string;
  payload?: { data?: { syncOperationProgress: { operationId: string; status: string; at: string } } };
}

/**
 * The measuring client, the same for our server and the baseline: `subscribers` subscriptions over
 * min(100, subscribers) plain `ws` sockets speaking graphql-transport-ws by hand (connection_init, wait for
 * connection_ack, subscribe, then read `next` messages). Receipt is stamped as each message is parsed. A client
 * library would add its own per-message dispatch in this process, which shares the machine's two cores with the
 * server; the figure is meant to be the server's delivery (the tests use graphql-ws clients for correctness).
 */
async function subscribeAll(wsUrl: string, subscribers: number, connectionParams: Record<string, unknown>, variables: Record<string, unknown>) {
  const subscribe = { query: SUBSCRIPTION, variables };
  const sockets = Math.min(100, subscribers);
  const perSocket = Math.ceil(subscribers / sockets);
  const clients: WebSocket[] = [];
  const latencies: number[] = [];
  const finals = new Map<string, number>();
  let acknowledged = 0;
  let subscribed = 0;
  for (let s = 0; s < sockets; s++) {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    clients.push(socket);
    const count = Math.min(perSocket, subscribers - subscribed);
    subscribed += count;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ProgressMessage;
      if (message.type === 'next') {
        const event = message.payload!.data!.syncOperationProgress;
        latencies.push(Date.now() - Date.parse(event.at));
        if (event.status === 'COMPLETED') finals.set(event.operationId, (finals.get(event.operationId) ?? 0) + 1);
      } else if (message.type === 'connection_ack') {
        acknowledged++;
        for (let i = 0; i < count; i++) socket.send(JSON.stringify({ id: randomUUID(), type: 'subscribe', payload: subscribe }));
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      } else if (message.type === 'error') {
        console.error('subscription error', JSON.stringify(message.payload));
      }
    });
    socket.on('error', (error) => console.error('socket error', error));
  }
  const deadline = Date.now() + 60_000;
  while (acknowledged < sockets) {
    if (Date.now() > deadline) throw new Error(`only ${acknowledged} of ${sockets} sockets acknowledged`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    /**
     * Runs `operations` operations one after the other, after one that warms the server up and is not counted; each
     * must reach every subscriber with COMPLETED.
     */
    async measure(operations: number, start: () => Promise<string>): Promise<Measurement> {
      for (let o = 0; o <= operations; o++) {
        if (o === 1) latencies.length = 0;
        const id = await start();
        const until = Date.now() + 60_000;
        while ((finals.get(id) ?? 0) < subscribers) {
          if (Date.now() > until) throw new Error(`only ${finals.get(id) ?? 0} of ${subscribers} subscribers got the final event`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      return { subscribers, events: sorted.length, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: sorted[sorted.length - 1] };
    },
    async close(): Promise<void> {
      await Promise.all(clients.map((socket) => new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      })));
    },
  };
}

/** Our server: `operations` validateFabric operations published on `publisher`, received from `receiver`. */
async function measureServer(publisher: ServerProcess, receiver: ServerProcess, token: string, fabricId: string, subscribers: number, operations: number): Promise<Measurement & { instances: 1 | 2 }> {
  const clients = await subscribeAll(receiver.url.replace(/^http/, 'ws') + '/graphql', subscribers, { authorization: `Bearer ${token}` }, { fabricId });
  try {
    // Subscribe messages are checked and registered asynchronously; give them time (the server has no count to ask).
    await new Promise((resolve) => setTimeout(resolve, 1500 + subscribers / 2));
    const measurement = await clients.measure(operations, async () => {
      const queued = await gql(publisher.url, token, `mutation($f: ID!) { validateFabric(fabricId: $f) { syncOperation { id } } }`, { f: fabricId });
      return queued.validateFabric.syncOperation.id as string;
    });
    return { ...measurement, instances: publisher === receiver ? 1 : 2 };
  } finally {
    await clients.close();
  }
}

/**
 * The baseline's operation sends what our server sends for a validateFabric of a one-resource fabric, in the same
 * rhythm: QUEUED; the start; then, together, the three stage changes that the progress interval (at most one event
 * per 100 ms) held back while the operation ran and its final status (COMPLETED). Every subscriber must receive
 * COMPLETED before the next operation starts.
 */
async function measureBaseline(url: string, subscribers: number, operations: number): Promise<Measurement> {
  const clients = await subscribeAll(url.replace(/^http/, 'ws') + '/ws', subscribers, {}, {});
  try {
    const registerDeadline = Date.now() + 60_000;
    for (;;) {
      const { subscriptions } = (await (await fetch(`${url}/subscriptions`)).json()) as { subscriptions: number };
      if (subscriptions === subscribers) break;
      if (Date.now() > registerDeadline) throw new Error(`baseline: only ${subscriptions} of ${subscribers} subscriptions registered`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return await clients.measure(operations, async () => {
      const operationId = randomUUID();
      const response = await fetch(`${url}/publish`, { method: 'POST', body: JSON.stringify({ operationId, bursts: [['QUEUED'], ['RUNNING'], ['RUNNING', 'RUNNING', 'RUNNING', 'COMPLETED']], intervalMs: 20 }) });
      if (response.status !== 202) throw new Error(`baseline publish: HTTP ${response.status}`);
      return operationId;
    });
  } finally {
    await clients.close();
  }
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
    const results: Array<Measurement & { instances: 1 | 2 }> = [];
    for (const subscribers of SUBSCRIBER_COUNTS) results.push(await measureServer(a, a, token, fabricId, subscribers, OPERATIONS));
    if (database.url) {
      const b = await startServerProcess({ ...env, DATA_DIR: dirs[1], SYNC_WORKERS: '0' }, SERVER_NODE_ARGS);
      processes.push(b);
      for (const subscribers of SUBSCRIBER_COUNTS) results.push(await measureServer(a, b, token, fabricId, subscribers, OPERATIONS));
    } else {
      console.log('two-instance fan-out skipped: set DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server');
    }
    const baselineServer = await startNodeProcess('dist/bench/baseline-fanout-server.js', {}, 'baseline fanout listening');
    processes.push(baselineServer);
    const baselines = new Map<number, Measurement>();
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
