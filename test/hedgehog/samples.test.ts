import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, validateSamples } from './fixtures';

describe('sample wiring diagrams', () => {
  const validAlone = ['docs/wiring_diagram.yaml', 'lab-ci/wiring.yaml', 'lab-ci-mclag-era/wiring.yaml', 'nvidia-air-demo/include.yaml'];
  for (const file of validAlone) {
    test(`${file} validates without errors`, () => {
      const { parseIssues, issues } = validateSamples(file);
      assert.deepEqual(errorsOf([...parseIssues, ...issues]), []);
    });
  }

  test('docs/wiring_diagram.yaml reports its Gateway as unmanaged and gateway connection ends as warnings', () => {
    const { parseIssues, issues, entries } = validateSamples('docs/wiring_diagram.yaml');
    assert.equal(entries.length, 19);
    const gateway = parseIssues.find((issue) => issue.kind === 'Gateway');
    assert.equal(gateway?.rule, 'document.unmanaged-kind');
    assert.equal(gateway?.severity, 'warning');
    assert.equal(gateway?.documentIndex, 9);
    const refs = issues.filter((issue) => issue.rule === 'connection.gateway.unmanaged');
    assert.deepEqual(refs.map((issue) => issue.name).sort(), ['spine-01--gateway--gateway-1', 'spine-02--gateway--gateway-1']);
    assert.ok(refs.every((issue) => issue.severity === 'warning'));
  });

  test('lab-ci-mclag-era/wiring.yaml warns that MCLAG is deprecated', () => {
    const { issues } = validateSamples('lab-ci-mclag-era/wiring.yaml');
    assert.equal(issues.filter((issue) => issue.rule === 'connection.mclag.deprecated').length, 3);
  });

  test('nvidia-air-demo include.yaml + new_attachments.yaml validate together', () => {
    const { parseIssues, issues, entries } = validateSamples('nvidia-air-demo/include.yaml', 'nvidia-air-demo/new_attachments.yaml');
    assert.equal(entries.length, 174);
    assert.deepEqual([...parseIssues, ...issues], []);
  });

  test('lab-ci wiring.yaml + wiring-port-acl.yaml fails on the reused port ds3000-01/E1/2/2', () => {
    const { issues } = validateSamples('lab-ci/wiring.yaml', 'lab-ci/wiring-port-acl.yaml');
    const errors = errorsOf(issues);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].rule, 'connection.port.in-use');
    assert.equal(errors[0].name, 'ds3000-01--external--acl-test');
    assert.equal(errors[0].filePath, 'lab-ci/wiring-port-acl.yaml');
    assert.equal(errors[0].documentIndex, 1);
    assert.equal(errors[0].fieldPath, 'spec.external.link.switch.port');
    assert.match(errors[0].message, /ds3000-01\/E1\/2\/2.*server-3--bundled--ds3000-01/);
  });

  test('the legacy v1alpha2 file is rejected document by document', () => {
    const { parseIssues, entries } = validateSamples('fabric-legacy-v1alpha2/collapsedcore.lab.gen.yaml');
    assert.equal(entries.length, 0);
    assert.equal(parseIssues.length, 16);
    assert.ok(parseIssues.every((issue) => issue.rule === 'document.legacy-version' && issue.severity === 'error'));
    assert.deepEqual(new Set(parseIssues.map((issue) => issue.kind)), new Set(['Rack', 'NAT', 'Switch', 'Server', 'Connection']));
    assert.match(parseIssues[0].message, /v1alpha2.*v1beta1/);
    assert.deepEqual(parseIssues.map((issue) => issue.documentIndex), [...Array(16).keys()]);
  });

  test('demo-gitops files report their unresolved Connection references', () => {
    for (const file of ['demo-gitops/env-1/pre-demo.yaml', 'demo-gitops/env-1/demo.yaml']) {
      const { issues } = validateSamples(file);
      const unresolved = issues.filter((issue) => issue.rule === 'vpcattachment.connection.not-found');
      assert.ok(unresolved.length > 0, file);
      assert.ok(unresolved.every((issue) => issue.filePath === file && issue.fieldPath === 'spec.connection'));
    }
    const { issues } = validateSamples('demo-gitops/env-1/pre-demo.yaml');
    assert.deepEqual(
      issues.filter((issue) => issue.rule === 'vpcattachment.connection.not-found').map((issue) => issue.message),
      ['Connection server-1--mclag--s5248-01--s5248-02 does not exist', 'Connection server-4--unbundled--s5248-02 does not exist'],
    );
  });
});
