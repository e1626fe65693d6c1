/** HTTP load with autocannon (programmatic API) and the processes the load goes to. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

export const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);

export interface LoadResult {
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failures: number;
}

export interface LoadOptions {
  url: string;
  token: string;
  query: string;
  variables?: Record<string, unknown>;
  connections: number;
  seconds?: number;
  /** Variables for the n-th request (mutations touching a different row each time). */
  variablesFor?: (n: number) => Record<string, unknown>;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  let n = 0;
  const body = JSON.stringify({ query: options.query, variables: options.variables ?? {} });
  const result = await autocannon({
    url: `${options.url}/graphql`,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds ?? LOAD_SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    body,
    requests: options.variablesFor
      ? [{ setupRequest: (request) => ({ ...request, body: JSON.stringify({ query: options.query, variables: options.variablesFor!(n++) }) }) }]
      : undefined,
  });
  return {
    connections: options.connections,
    requestsPerSecond: Math.round(result.requests.average * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A Node.js script in its own process (so the load generator's CPU is not the server's), ready when it logs a JSON
 * line whose msg is `readyMessage` with a url. Later output is drained unread (the request logs of a loaded server
 * would otherwise pile up here). The per-token rate limit is off (one token drives all the load; the request limits
 * stay on), unless `env` sets it.
 */
export async function startNodeProcess(script: string, env: Record<string, string>, readyMessage: string, nodeArgs: string[] = []): Promise<NodeProcess> {
  // NODE_ENV=production for our server and the baselines alike, as in a deployment (graphql-js then skips its
  // development-time checks); unless the caller's environment says otherwise.
  const child = spawn(process.execPath, [...nodeArgs, path.resolve(script)], {
    env: { NODE_ENV: 'production', ...process.env, PORT: '0', RATE_LIMIT_PER_SECOND: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 60 s: ${stderr}`)), 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === readyMessage) {
        clearTimeout(timer);
        lines.close();
        child.stdout!.resume();
        resolve(String(entry.url));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before listening: ${stderr}`));
    });
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`${script} exited unexpectedly (code ${code}, signal ${signal}): ${stderr}`);
  });
  return {
    url,
    child,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One value of a Prometheus metric from GET /metrics. */
export async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) throw new Error(`metric ${name} not found`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}
