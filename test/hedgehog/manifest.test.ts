import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  canonicalizeManifest, decodeManifest, manifestCanonicalJson, manifestHash, parseManifests, parseYamlDocuments, renderManifestYaml,
  type JsonObject, type JsonValue, type Manifest,
} from '../../src/hedgehog';
import { listSampleFiles, readSample } from './fixtures';

function sampleManifests(): Manifest[] {
  return listSampleFiles().flatMap((file) => parseManifests(readSample(file), { filePath: file }).manifests.map((entry) => entry.manifest));
}

describe('canonical manifests', () => {
  test('every document of every sample survives manifest -> YAML -> manifest unchanged', () => {
    const manifests = sampleManifests();
    assert.ok(manifests.length > 250);
    for (const manifest of manifests) {
      const yaml = renderManifestYaml(manifest);
      const reparsed = parseManifests(yaml);
      assert.deepEqual(reparsed.issues, [], manifest.metadata.name);
      assert.equal(reparsed.manifests.length, 1);
      assert.deepEqual(canonicalizeManifest(reparsed.manifests[0].manifest), canonicalizeManifest(manifest));
      assert.equal(renderManifestYaml(reparsed.manifests[0].manifest), yaml, 'rendering is byte-stable');
      assert.equal(manifestHash(reparsed.manifests[0].manifest), manifestHash(manifest));
    }
  });

  test('rendering is deterministic and timestamp-free', () => {
    const manifest = sampleManifests()[0];
    assert.equal(renderManifestYaml(manifest), renderManifestYaml(structuredClone(manifest)));
    assert.doesNotMatch(renderManifestYaml(manifest), /\d{4}-\d\d-\d\dT/);
    assert.match(manifestHash(manifest), /^[0-9a-f]{64}$/);
  });

  test('values a YAML 1.1 reader would retype are quoted', () => {
    const manifest: Manifest = {
      apiVersion: 'vpc.githedgehog.com/v1beta1', kind: 'External', metadata: { name: 'e', namespace: 'default' },
      spec: { inboundCommunity: '1:30', outboundCommunity: '50000:50001', ipv4Namespace: 'yes' },
    };
    const yaml = renderManifestYaml(manifest);
    assert.match(yaml, /inboundCommunity: "1:30"/);
    assert.match(yaml, /ipv4Namespace: "yes"/);
  });

  test('webhook defaults are applied so that cluster read-backs do not look like drift', () => {
    const attachment = canonicalizeManifest({
      apiVersion: 'vpc.githedgehog.com/v1beta1', kind: 'VPCAttachment', metadata: { name: 'a', namespace: '', labels: { 'fabric.githedgehog.com/vpc': 'x' }, annotations: {} },
      spec: { subnet: 'vpc-1', connection: 'c' },
    });
    assert.equal(attachment.spec.subnet, 'vpc-1/default');
    assert.deepEqual(attachment.metadata, { name: 'a', namespace: 'default' });
    const vpc = canonicalizeManifest({
      apiVersion: 'vpc.githedgehog.com/v1beta1', kind: 'VPC', metadata: { name: 'v', namespace: 'default' },
      spec: { subnets: { default: { subnet: '10.0.1.0/24', vlan: 1001, dhcp: { enable: true, options: { dnsServers: ['9.9.9.9', '1.1.1.1'] } } } } },
    });
    assert.deepEqual(vpc.spec, {
      ipv4Namespace: 'default', vlanNamespace: 'default',
      subnets: { default: { subnet: '10.0.1.0/24', vlan: 1001, gateway: '10.0.1.1', dhcp: { enable: true, range: { start: '10.0.1.2', end: '10.0.1.255' }, options: { dnsServers: ['1.1.1.1', '9.9.9.9'], timeServers: [], advertisedRoutes: [], interfaceMTU: 9036, leaseTimeSeconds: 3600 } } } },
    });
    const sw = canonicalizeManifest({
      apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'Switch', metadata: { name: 's', namespace: 'default' },
      spec: { role: 'server-leaf', profile: 'vs', groups: ['z'], redundancy: { group: 'a', type: 'eslag' } },
    });
    assert.deepEqual(sw.spec.groups, ['a', 'z']);
    assert.deepEqual(sw.spec.vlanNamespaces, ['default']);
  });

  const jsonKey = fc.string({ minLength: 1, maxLength: 6 });
  const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(jsonKey, tie('value'), { maxKeys: 4 }),
    ),
  })).value;
  const kinds = ['VPC', 'Switch', 'Connection', 'IPv4Namespace', 'ExternalPeering', 'VPCAttachment', 'ServerProfile'];
  const manifestArbitrary: fc.Arbitrary<Manifest> = fc.record({
    apiVersion: fc.constant('wiring.githedgehog.com/v1beta1'),
    kind: fc.constantFrom(...kinds),
    metadata: fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
      namespace: fc.constantFrom('', 'default'),
      labels: fc.dictionary(jsonKey, fc.string({ maxLength: 5 }), { maxKeys: 3 }),
      annotations: fc.dictionary(jsonKey, fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    }),
    spec: fc.dictionary(fc.constantFrom('subnets', 'groups', 'vlanNamespaces', 'permit', 'subnet', 'redundancy', 'x', 'y'), jsonValue, { maxKeys: 5 }) as fc.Arbitrary<JsonObject>,
  });

  function shuffleKeys(value: JsonValue, seed: number): JsonValue {
    if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, seed));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    const rotated = keys.slice(seed % Math.max(keys.length, 1)).concat(keys.slice(0, seed % Math.max(keys.length, 1))).reverse();
    return Object.fromEntries(rotated.map((key) => [key, shuffleKeys(value[key], seed + 1)]));
  }

  test('canonicalization is idempotent (property)', () => {
    fc.assert(fc.property(manifestArbitrary, (manifest) => {
      const once = canonicalizeManifest(manifest);
      assert.deepEqual(canonicalizeManifest(once), once);
      assert.equal(manifestCanonicalJson(once), manifestCanonicalJson(manifest));
    }), { numRuns: 300 });
  });

  test('canonical JSON and hash ignore key order (property)', () => {
    fc.assert(fc.property(manifestArbitrary, fc.nat(20), (manifest, seed) => {
      const shuffled = shuffleKeys(manifest as unknown as JsonValue, seed) as unknown as Manifest;
      assert.equal(manifestHash(shuffled), manifestHash(manifest));
    }), { numRuns: 300 });
  });

  test('lists Hedgehog sorts are order-insensitive (property)', () => {
    const cidr = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `${a}.${b}.0.0/16`);
    fc.assert(fc.property(fc.uniqueArray(cidr, { minLength: 1, maxLength: 6 }), fc.uniqueArray(fc.stringMatching(/^[a-z]{1,5}$/), { maxLength: 5 }), (subnets, groups) => {
      const ns = (list: string[]): Manifest => ({ apiVersion: 'vpc.githedgehog.com/v1beta1', kind: 'IPv4Namespace', metadata: { name: 'n', namespace: 'default' }, spec: { subnets: list } });
      assert.equal(manifestHash(ns(subnets)), manifestHash(ns([...subnets].reverse())));
      const sw = (list: string[]): Manifest => ({ apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'Switch', metadata: { name: 's', namespace: 'default' }, spec: { groups: list, vlanNamespaces: [...list, 'default'] } });
      assert.equal(manifestHash(sw(groups)), manifestHash(sw([...groups].reverse())));
    }), { numRuns: 200 });
  });
});

describe('YAML parsing', () => {
  test('documents keep their index; comment-only documents are skipped', () => {
    const result = parseYamlDocuments('a: 1\n---\n# only a comment\n---\nb: 2\n');
    assert.deepEqual(result.documents.map((d) => [d.documentIndex, d.value]), [[0, { a: 1 }], [2, { b: 2 }]]);
  });

  test('syntax errors and duplicate keys become issues, other documents still parse', () => {
    const result = parseYamlDocuments('a: [1\n---\nb: 1\nb: 2\n---\nc: 3\n');
    assert.deepEqual(result.documents.map((d) => d.documentIndex), [2]);
    assert.deepEqual(result.issues.map((i) => [i.rule, i.documentIndex]), [['yaml.syntax', 0], ['yaml.syntax', 1]]);
  });

  test('size, document-count and alias limits', () => {
    assert.equal(parseYamlDocuments('a: 1\n', { maxBytes: 3 }).issues[0].rule, 'yaml.too-large');
    assert.equal(parseYamlDocuments('a: 1\n---\nb: 1\n', { maxDocuments: 1 }).issues[0].rule, 'yaml.too-many-documents');
    const bomb = 'a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n';
    const result = parseYamlDocuments(bomb, { maxAliasCount: 10 });
    assert.equal(result.documents.length, 0);
    assert.equal(result.issues[0].rule, 'yaml.alias-limit');
  });

  test('bad input never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      const result = parseManifests(text);
      assert.ok(Array.isArray(result.issues));
    }), { numRuns: 300 });
    assert.doesNotThrow(() => decodeManifest(undefined));
    assert.equal(decodeManifest(42).issues[0].rule, 'document.not-object');
  });

  test('unknown top-level fields are reported, status is dropped', () => {
    const text = 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\nmetadata: {name: s}\nspec: {}\nstatus: {}\nextra: 1\n';
    const result = parseManifests(text, { filePath: 'raw/x.yaml' });
    assert.deepEqual(result.issues.map((i) => [i.rule, i.fieldPath, i.filePath, i.documentIndex]), [['document.unknown-field', 'extra', 'raw/x.yaml', 0]]);
    assert.deepEqual(canonicalizeManifest(result.manifests[0].manifest), {
      apiVersion: 'wiring.githedgehog.com/v1beta1', kind: 'Server', metadata: { name: 's', namespace: 'default' }, spec: {},
    });
  });
});
