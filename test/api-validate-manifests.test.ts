import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ValCreateFabricDocument, ValCreateResourceDocument, ValResourceCountDocument, ValValidateManifestsDocument } from './generated/operations';
import { startTestServer, type TestServer } from './support/test-server';

const VPC = (name: string, subnet: string, vlan: number) =>
  `apiVersion: vpc.githedgehog.com/v1beta1\nkind: VPC\nmetadata:\n  name: ${name}\nspec:\n  ipv4Namespace: default\n  vlanNamespace: default\n  subnets:\n    default:\n      subnet: ${subnet}\n      vlan: ${vlan}\n`;

describe('validateManifests', () => {
  let server: TestServer;
  let fabricId: string;

  before(async () => {
    server = await startTestServer({ syncWorkers: 0 });
    fabricId = (await server.query(ValCreateFabricDocument, { input: { name: 'validate-me' } })).createFabric.fabric!.id;
    for (const [kind, name, spec] of [
      ['IPv4Namespace', 'default', { subnets: ['10.0.0.0/16'] }],
      ['VLANNamespace', 'default', { ranges: [{ from: 1000, to: 2999 }] }],
    ] as const) {
      const created = await server.query(ValCreateResourceDocument, { input: { fabricId, kind, name, spec } });
      assert.deepEqual(created.createResource.userErrors, []);
    }
  });
  after(() => server.stop());

  test('valid documents against the stored fabric are valid, and nothing is written', async () => {
    const report = (await server.query(ValValidateManifestsDocument, { fabricId, yaml: `${VPC('vpc-1', '10.0.1.0/24', 1001)}---\n${VPC('vpc-2', '10.0.2.0/24', 1002)}` })).validateManifests;
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    assert.equal(report.documentCount, 2);
    assert.equal((await server.query(ValResourceCountDocument, { fabricId })).resources.totalCount, 2);
  });

  test('findings name the document, kind, name, field path and rule', async () => {
    const yaml = [
      VPC('vpc-ok', '10.0.3.0/24', 1003),
      VPC('vpc-outside', '192.168.0.0/24', 1004),
      VPC('vpc-clash', '10.0.3.0/25', 1005),
      'apiVersion: vpc.githedgehog.com/v1alpha2\nkind: VPC\nmetadata:\n  name: legacy\nspec: {}\n',
      'kind: [broken\n',
    ].join('---\n');
    const report = (await server.query(ValValidateManifestsDocument, { fabricId, yaml })).validateManifests;
    assert.equal(report.valid, false);
    const at = (index: number) => report.errors.filter((e) => e.documentIndex === index);
    // An overlap is reported once, on the first VPC, naming the other.
    assert.deepEqual(at(0).map((e) => e.rule), ['vpc.subnet.overlap-other-vpc']);
    assert.match(at(0)[0].message, /vpc-clash/);
    assert.ok(at(1).some((e) => e.name === "vpc-outside" && e.fieldPath.startsWith("spec.subnets") && e.rule.length > 0), JSON.stringify(report.errors));
    assert.ok(at(3).some((e) => e.rule === 'document.legacy-version'), JSON.stringify(at(3)));
    assert.ok(at(4).some((e) => e.rule === 'yaml.syntax'), JSON.stringify(at(4)));
    assert.equal((await server.query(ValResourceCountDocument, { fabricId })).resources.totalCount, 2);
  });

  test('an unknown fabric is a BAD_USER_INPUT error', async () => {
    const result = await server.request(ValValidateManifestsDocument, { fabricId: 'bm9wZQ', yaml: '' });
    assert.equal(result.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
  });
});
