import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataDirLockedError } from '../src/db/data-dir-lock';
import { EmbCreateFabricDocument, EmbCreateResourceDocument, EmbFabricResourcesDocument } from './generated/operations';
import { startTestServer, type TestServer } from './support/test-server';

// Runs on embedded PGlite whatever the environment says: proves the default mode of a fresh install.
describe('embedded PGlite mode', () => {
  let dataDir: string;
  let server: TestServer;
  let fabricId: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hnp-embedded-'));
    server = await startTestServer({}, { embedded: true, dataDir });
  });
  after(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('the server runs on PGlite persisted under DATA_DIR/pgdata', async () => {
    assert.equal(server.server.database.mode, 'embedded');
    assert.ok((await stat(path.join(dataDir, 'pgdata', 'PG_VERSION'))).isFile());
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
  });

  test('concurrent mutations queue on the single connection and all succeed', async () => {
    const created = await server.query(EmbCreateFabricDocument, { input: { name: 'embedded-fabric' } });
    fabricId = created.createFabric.fabric!.id;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.query(EmbCreateResourceDocument, {
          input: { fabricId, kind: 'Server', name: `server-${String(i).padStart(2, '0')}`, spec: { description: `server ${i}` } },
        }),
      ),
    );
    for (const result of results) assert.deepEqual(result.createResource.userErrors, []);
    const listed = await server.query(EmbFabricResourcesDocument, { fabricId });
    assert.equal(listed.resources.totalCount, 20);
  });

  test('data survives a restart on the same data directory', async () => {
    await server.stop();
    server = await startTestServer({}, { embedded: true, dataDir });
    const listed = await server.query(EmbFabricResourcesDocument, { fabricId });
    assert.deepEqual(
      listed.resources.edges.map((e) => e.node.name),
      Array.from({ length: 20 }, (_, i) => `server-${String(i).padStart(2, '0')}`),
    );
  });

  test('a second server on the same DATA_DIR is refused with a clear error while the first runs', async () => {
    const lock = JSON.parse(await readFile(path.join(dataDir, 'embedded-postgres.lock'), 'utf8')) as { pid: number };
    assert.equal(lock.pid, process.pid);
    await assert.rejects(
      startTestServer({}, { embedded: true, dataDir }),
      (error: Error) => error instanceof DataDirLockedError && /DATA_DIR .* is in use by another HNP server \(pid \d+ on .*embedded PGlite allows one server per DATA_DIR/s.test(error.message),
    );
    const listed = await server.query(EmbFabricResourcesDocument, { fabricId });
    assert.equal(listed.resources.totalCount, 20, 'the running server is unaffected');
  });

  test('stopping releases the lock; a lock left by a process that is gone is taken over', async () => {
    const lockFile = path.join(dataDir, 'embedded-postgres.lock');
    await server.stop();
    await assert.rejects(stat(lockFile), { code: 'ENOENT' });
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lockFile, JSON.stringify({ pid: gone, host: hostname(), since: new Date().toISOString() }));
    server = await startTestServer({}, { embedded: true, dataDir });
    assert.equal((JSON.parse(await readFile(lockFile, 'utf8')) as { pid: number }).pid, process.pid);
    assert.equal((await server.query(EmbFabricResourcesDocument, { fabricId })).resources.totalCount, 20);
  });
});
