import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { createTestDatabase } from './test-database';

/** A database without the server around it, for migration and schema tests. */
export async function openScratchDatabase(options: { migrate: boolean; embedded?: boolean }): Promise<{ database: Database; dispose(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hnp-db-'));
  const testDatabase = options.embedded ? { url: undefined, drop: async () => {} } : await createTestDatabase();
  const database = await openDatabase({ databaseUrl: testDatabase.url, dataDir, databasePoolSize: 2 }, { migrate: options.migrate });
  return {
    database,
    async dispose() {
      await database.close();
      await testDatabase.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
