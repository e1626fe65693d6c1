import { GitOperationDocument, type GitOperationQuery } from '../generated/operations';
import type { TestServer } from './test-server';

export type FinishedOperation = NonNullable<GitOperationQuery['syncOperation']>;

/** Polls a sync operation until it reaches a final status. */
export async function waitForOperation(server: TestServer, id: string, timeoutMs = 60_000): Promise<FinishedOperation> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { syncOperation } = await server.query(GitOperationDocument, { id });
    if (syncOperation && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(syncOperation.status)) return syncOperation;
    if (Date.now() > deadline) throw new Error(`operation ${id} still ${syncOperation?.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
