import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ViewerDocument } from './generated/operations';
import { startTestServer, type TestServer } from './support/test-server';

describe('server smoke', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('viewer is the bootstrap admin', async () => {
    const data = await server.query(ViewerDocument);
    assert.equal(data.viewer?.role, 'ADMIN');
  });
});
