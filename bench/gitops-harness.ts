/**
 * The server as its own process on a bench database, with helpers to set up a fabric over a file:// repository
 * and to time sync operations from the mutation to their final status (ingestion and sync benchmarks).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import type { Manifest } from '../src/hedgehog';
import { BareRepository } from '../test/support/git-fixtures';
import { createBenchDatabase, type BenchDatabase } from './bench-database';
import { gql } from './graphql-http';
import { metric, startNodeProcess, type NodeProcess } from './load';

export interface OperationRun {
  ms: number;
  operation: Record<string, any>;
}

export class GitopsHarness {
  private constructor(
    readonly workdir: string,
    readonly database: BenchDatabase,
    readonly server: NodeProcess,
    readonly token: string,
  ) {}

  static async start(purpose: string): Promise<GitopsHarness> {
    const workdir = await mkdtemp(path.join(tmpdir(), `hnp-bench-${purpose}-`));
    const database = await createBenchDatabase(purpose);
    const token = `hnp_bench_${randomBytes(12).toString('hex')}`;
    try {
      const server = await startNodeProcess('dist/src/main.js', {
        DATABASE_URL: database.url, HNP_ADMIN_TOKEN: token, HNP_SECRET_KEY: randomBytes(32).toString('hex'), DATA_DIR: path.join(workdir, 'data'),
        LOG_LEVEL: 'info', SYNC_POLLING: 'false', SYNC_POLL_INTERVAL_MS: '200', ...(process.env.BENCH_SERVER_ENV ? JSON.parse(process.env.BENCH_SERVER_ENV) : {}),
      }, 'HNP GraphQL listening', (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean));
      return new GitopsHarness(workdir, database, server, token);
    } catch (error) {
      await database.drop();
      throw error;
    }
  }

  gql(query: string, variables: Record<string, unknown> = {}): Promise<Record<string, any>> {
    return gql(this.server.url, this.token, query, variables);
  }

  /** A read, retried when the connection fails (a kept-alive socket the server closed just as it was reused). */
  private async poll(query: string, variables: Record<string, unknown>): Promise<Record<string, any>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.gql(query, variables);
      } catch (error) {
        if (attempt >= 3 || !(error instanceof TypeError)) throw error;
        console.error(`retrying a status read after ${String(error)} (${String((error as { cause?: unknown }).cause)})`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async rssMiB(): Promise<number> {
    return Math.round((await metric(this.server.url, 'hnp_process_resident_memory_bytes')) / 1048576);
  }

  /** A bare repository with the manifests dropped into <dir>/raw/ (10 files), and a fabric on it. */
  async fabricWithRawFiles(name: string, manifests: Manifest[]): Promise<{ remote: BareRepository; fabricId: string }> {
    const remote = await BareRepository.create(this.workdir, `${name}.git`);
    const rawFiles: Record<string, string> = {};
    const perFile = Math.ceil(manifests.length / 10);
    for (let f = 0; f < 10; f++) rawFiles[`fab/raw/part-${f}.yaml`] = manifests.slice(f * perFile, (f + 1) * perFile).map((m) => stringify(m)).join('---\n');
    await remote.commit(rawFiles, `drop ${manifests.length} resources into raw/`);
    const repo = await this.gql(`mutation($name: String!, $url: String!) { createGitRepository(input: {name: $name, url: $url, timeoutSeconds: 600}) { gitRepository { id } } }`, { name, url: remote.url });
    const created = await this.gql(`mutation($name: String!, $r: ID!) { createFabric(input: {name: $name, gitRepositoryId: $r, gitopsDirectory: "fab"}) { fabric { id } } }`, {
      name, r: repo.createGitRepository.gitRepository.id,
    });
    return { remote, fabricId: created.createFabric.fabric.id as string };
  }

  /** Queues an operation through `mutation` and waits for its end; throws unless it COMPLETED. */
  async run(mutation: string, variables: Record<string, unknown>): Promise<OperationRun> {
    const started = performance.now();
    const queued = await this.gql(mutation, variables);
    const id = (Object.values(queued)[0] as { syncOperation: { id: string } }).syncOperation.id;
    for (;;) {
      const { syncOperation } = await this.poll(`query($id: ID!) { syncOperation(id: $id) { status errorMessage commitSha filesCreated details } }`, { id });
      if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(syncOperation.status)) {
        if (syncOperation.status !== 'COMPLETED') throw new Error(`operation ${syncOperation.status}: ${syncOperation.errorMessage}`);
        return { ms: performance.now() - started, operation: syncOperation };
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  ingest(fabricId: string): Promise<OperationRun> {
    return this.run(`mutation($f: ID!) { ingestRawFiles(fabricId: $f) { syncOperation { id } } }`, { f: fabricId });
  }

  sync(fabricId: string, direction: 'GIT_TO_GUI' | 'GUI_TO_GIT' | 'BIDIRECTIONAL'): Promise<OperationRun> {
    return this.run(`mutation($f: ID!, $d: SyncDirection!) { syncFabric(fabricId: $f, direction: $d) { syncOperation { id } } }`, { f: fabricId, d: direction });
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.database.drop();
    await rm(this.workdir, { recursive: true, force: true });
  }
}
