import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SyncOperationType } from '../src/entities/enums';
import type { OperationContext } from '../src/sync/executor';
import { ExecutorRegistry } from '../src/sync/executor-registry';
import { SyncOperation } from '../src/entities/sync-operation';
import {
  MultiCreateUserDocument,
  SyncCancelDocument,
  SyncCreateFabricDocument,
  SyncCreateResourceDocument,
  SyncOperationByIdDocument,
  SyncProgressDocument,
  SyncProgressFabricDescriptionDocument,
  SyncUpdateFabricDescriptionDocument,
  SyncValidateFabricDocument,
  type SyncProgressSubscription,
} from './generated/operations';
import { startTestServer, type TestServer } from './support/test-server';
import { connectWs, type WsClient } from './support/ws-client';

type Progress = SyncProgressSubscription['syncOperationProgress'];

/** A slow stand-in executor for a type whose real executor comes with the Git work. */
function gatedExecutor(type: SyncOperationType, stages: number, stageMs: number) {
  return {
    type,
    retryAfterInterruption: false,
    async execute(context: OperationContext) {
      for (let i = 0; i < stages; i++) {
        await context.stage(`step-${i}`, i / stages);
        await context.addCounters({ filesProcessed: 1 });
        await new Promise((resolve) => setTimeout(resolve, stageMs));
      }
    },
  };
}

describe('sync operations runtime (single instance)', () => {
  let server: TestServer;
  let ws: WsClient;
  let fabricId: string;

  before(async () => {
    const registry = new ExecutorRegistry().register(gatedExecutor(SyncOperationType.INGESTION, 20, 100));
    server = await startTestServer({}, { registry });
    ws = connectWs(server.url, server.adminToken);
    const created = await server.query(SyncCreateFabricDocument, { input: { name: 'runtime-fabric' } });
    fabricId = created.createFabric.fabric!.id;
    const specs: Array<[string, string, Record<string, unknown>]> = [
      ['IPv4Namespace', 'default', { subnets: ['10.0.0.0/16'] }],
      ['VLANNamespace', 'default', { ranges: [{ from: 1000, to: 2999 }] }],
      ['VPC', 'vpc-1', { ipv4Namespace: 'default', vlanNamespace: 'default', subnets: { default: { subnet: '10.0.1.0/24', vlan: 1001 } } }],
    ];
    for (const [kind, name, spec] of specs) {
      const result = await server.query(SyncCreateResourceDocument, { input: { fabricId, kind, name, spec } });
      assert.deepEqual(result.createResource.userErrors, []);
    }
  });
  after(async () => {
    await ws.dispose();
    await server.stop();
  });

  test("each event of a subscription reads current rows, not what an earlier event of it loaded", async () => {
    const feed = ws.subscribe(SyncProgressFabricDescriptionDocument, { fabricId });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const runValidation = async () => {
      const id = (await server.query(SyncValidateFabricDocument, { fabricId })).validateFabric.syncOperation!.id;
      return feed.waitFor((e) => e.syncOperationProgress.operationId === id && e.syncOperationProgress.status === 'COMPLETED', 20_000);
    };
    const described = async (description: string) => {
      const result = await server.query(SyncUpdateFabricDescriptionDocument, { id: fabricId, description });
      assert.deepEqual(result.updateFabric.userErrors, []);
    };
    await described('first description');
    assert.equal((await runValidation()).syncOperationProgress.operation.fabric.description, 'first description');
    await described('second description');
    assert.equal((await runValidation()).syncOperationProgress.operation.fabric.description, 'second description');
    feed.unsubscribe();
  });

  test('validateFabric runs as an operation whose every stage and final status stream over graphql-ws', async () => {
    const fabricFeed = ws.subscribe(SyncProgressDocument, { fabricId });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const queued = await server.query(SyncValidateFabricDocument, { fabricId });
    const operation = queued.validateFabric.syncOperation!;
    assert.equal(operation.operationType, 'VALIDATION');

    const opFeed = ws.subscribe(SyncProgressDocument, { operationId: operation.id });
    await opFeed.completed;
    const statuses = opFeed.events.map((e) => e.syncOperationProgress.status);
    assert.equal(statuses.at(-1), 'COMPLETED');
    const final: Progress = opFeed.events.at(-1)!.syncOperationProgress;
    assert.equal(final.progress, 1);
    assert.equal(final.filesProcessed, 3);
    assert.equal(final.operation.fabric.name, 'runtime-fabric');

    await fabricFeed.waitFor((e) => e.syncOperationProgress.status === 'COMPLETED');
    const stages = fabricFeed.events.map((e) => e.syncOperationProgress.stage);
    const kindStages = stages.filter((s) => s.startsWith('validate:'));
    assert.deepEqual(kindStages, ['validate:VLANNamespace', 'validate:IPv4Namespace', 'validate:VPC', 'validate:fabric']);
    assert.equal(fabricFeed.events[0].syncOperationProgress.status, 'PENDING');
    fabricFeed.unsubscribe();

    const stored = (await server.query(SyncOperationByIdDocument, { id: operation.id })).syncOperation!;
    assert.equal(stored.status, 'COMPLETED');
    const details = stored.details as { valid: boolean; resourceCount: number; byKind: Record<string, { resources: number }>; stageTimings: Array<{ stage: string; ms: number }> };
    assert.equal(details.valid, true);
    assert.equal(details.resourceCount, 3);
    assert.equal(details.byKind.VPC.resources, 1);
    assert.ok(details.stageTimings.some((t) => t.stage === 'validate:fabric' && t.ms >= 0));
    assert.ok(stored.startedAt && stored.completedAt);
  });

  test('a late subscriber to a finished operation gets its final state and completes', async () => {
    const queued = await server.query(SyncValidateFabricDocument, { fabricId });
    const id = queued.validateFabric.syncOperation!.id;
    for (let i = 0; i < 100 && (await server.query(SyncOperationByIdDocument, { id })).syncOperation!.status !== 'COMPLETED'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const late = ws.subscribe(SyncProgressDocument, { operationId: id });
    await late.completed;
    assert.equal(late.events.length, 1);
    assert.equal(late.events[0].syncOperationProgress.status, 'COMPLETED');
  });

  test('progress events of one operation are coalesced to about ten per second, the final one always delivered', async () => {
    const feed = ws.subscribe(SyncProgressDocument, { fabricId });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const queued = await server.request(SyncValidateFabricDocument, { fabricId });
    assert.ok(queued.data);
    const started = Date.now();
    const ingestion = await server.server.sync.enqueue({ fabricId: decodeFabric(fabricId), operationType: SyncOperationType.INGESTION });
    const done = await feed.waitFor((e) => e.syncOperationProgress.operationId.length > 0 && e.syncOperationProgress.status === 'COMPLETED' && e.syncOperationProgress.operation.operationType === 'INGESTION', 20_000);
    const elapsed = (Date.now() - started) / 1000;
    const ofIngestion = feed.events.filter((e) => e.syncOperationProgress.operation.operationType === 'INGESTION');
    // 20 stages and 20 counter updates in ~2 s: every stage change arrives, counter-only updates are merged.
    assert.ok(ofIngestion.length <= 12 * elapsed + 3, `${ofIngestion.length} events in ${elapsed} s`);
    const stages = ofIngestion.map((e) => e.syncOperationProgress.stage).filter((s) => s.startsWith('step-'));
    assert.deepEqual([...new Set(stages)], Array.from({ length: 20 }, (_, i) => `step-${i}`));
    assert.equal(done.syncOperationProgress.filesProcessed, 20);
    assert.ok(ingestion.id);
    feed.unsubscribe();
  });

  test('cancelling a running operation stops it at the next stage boundary', async () => {
    const op = await server.server.sync.enqueue({ fabricId: decodeFabric(fabricId), operationType: SyncOperationType.INGESTION });
    const feed = ws.subscribe(SyncProgressDocument, { operationId: globalId('SyncOperation', op.id) });
    await feed.waitFor((e) => e.syncOperationProgress.stage === 'step-2');
    const cancelled = await server.query(SyncCancelDocument, { id: globalId('SyncOperation', op.id) });
    assert.deepEqual(cancelled.cancelSyncOperation.userErrors, []);
    assert.ok(cancelled.cancelSyncOperation.syncOperation?.cancelRequestedAt);
    await feed.completed;
    const last = feed.events.at(-1)!.syncOperationProgress;
    assert.equal(last.status, 'CANCELLED');
    assert.ok(last.filesProcessed < 20);
    const again = await server.query(SyncCancelDocument, { id: globalId('SyncOperation', op.id) });
    assert.equal(again.cancelSyncOperation.userErrors[0].code, 'INVALID_STATE');
  });

  test('a viewer cannot queue operations; unknown ids are NOT_FOUND', async () => {
    const missing = await server.query(SyncValidateFabricDocument, { fabricId: globalId('HedgehogFabric', '00000000-0000-4000-8000-000000000000') });
    assert.equal(missing.validateFabric.userErrors[0].code, 'NOT_FOUND');
    const unknownOp = await server.query(SyncCancelDocument, { id: 'bm9wZQ' });
    assert.equal(unknownOp.cancelSyncOperation.userErrors[0].code, 'NOT_FOUND');

    const viewer = (await server.query(MultiCreateUserDocument, { input: { username: 'runtime-viewer', role: 'VIEWER' } })).createUser.token!;
    const before = await server.server.database.orm.em.fork().count(SyncOperation, {});
    for (const result of [
      await server.request(SyncValidateFabricDocument, { fabricId }, viewer),
      await server.request(SyncCancelDocument, { id: globalId('SyncOperation', '00000000-0000-4000-8000-000000000000') }, viewer),
    ]) {
      assert.equal(result.errors?.[0].extensions?.code, 'FORBIDDEN');
    }
    assert.equal(await server.server.database.orm.em.fork().count(SyncOperation, {}), before, 'nothing was queued');
  });
});

describe('sync operations without workers', () => {
  let server: TestServer;
  let ws: WsClient;
  before(async () => {
    server = await startTestServer({ syncWorkers: 0 });
    ws = connectWs(server.url, server.adminToken);
  });
  after(async () => {
    await ws.dispose();
    await server.stop();
  });

  test('a pending operation is cancelled at once and subscribers see CANCELLED', async () => {
    const fabric = await server.query(SyncCreateFabricDocument, { input: { name: 'idle-fabric' } });
    const queued = await server.query(SyncValidateFabricDocument, { fabricId: fabric.createFabric.fabric!.id });
    const id = queued.validateFabric.syncOperation!.id;
    assert.equal(queued.validateFabric.syncOperation!.status, 'PENDING');
    const feed = ws.subscribe(SyncProgressDocument, { operationId: id });
    await feed.waitFor((e) => e.syncOperationProgress.status === 'PENDING');
    const cancelled = await server.query(SyncCancelDocument, { id });
    assert.equal(cancelled.cancelSyncOperation.syncOperation!.status, 'CANCELLED');
    await feed.completed;
    assert.equal(feed.events.at(-1)!.syncOperationProgress.status, 'CANCELLED');
  });
});

function globalId(type: string, uuid: string): string {
  return Buffer.from(`${type}:${uuid}`).toString('base64url');
}

function decodeFabric(id: string): string {
  return Buffer.from(id, 'base64url').toString('utf8').split(':')[1];
}
