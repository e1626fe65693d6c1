import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffManifests, threeWayMerge, type MergeOutcome, type MergeResult } from '../src/gitops/three-way-merge';
import { canonicalizeManifest, type Manifest } from '../src/hedgehog/manifest';
import { isJsonObject, type JsonObject, type JsonValue } from '../src/hedgehog/json';

// ------------------------------------------------------------------------------------------------
// Helpers

function manifest(kind: string, spec: JsonObject, metadata: Partial<Manifest['metadata']> = {}, apiVersion = 'wiring.githedgehog.com/v1beta1'): Manifest {
  return { apiVersion, kind, metadata: { name: 'res-1', namespace: 'default', ...metadata }, spec };
}

const vpc = (spec: JsonObject, metadata: Partial<Manifest['metadata']> = {}): Manifest =>
  manifest('VPC', spec, { name: 'vpc-1', ...metadata }, 'vpc.githedgehog.com/v1beta1');
const connection = (spec: JsonObject, metadata: Partial<Manifest['metadata']> = {}): Manifest => manifest('Connection', spec, metadata);
const serverProfile = (spec: JsonObject): Manifest => manifest('ServerProfile', spec);

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Returns a copy of `m` with `edit` applied to a clone of it. */
function edited(m: Manifest, edit: (copy: Manifest) => void): Manifest {
  const copy = clone(m);
  edit(copy);
  return copy;
}

function obj(value: JsonValue | undefined): JsonObject {
  assert.ok(isJsonObject(value), `expected an object, got ${JSON.stringify(value)}`);
  return value;
}

function list(value: JsonValue | undefined): JsonValue[] {
  assert.ok(Array.isArray(value), `expected a list, got ${JSON.stringify(value)}`);
  return value;
}

const baseVpc = vpc({
  subnets: {
    default: { subnet: '10.0.1.0/24', vlan: 1001 },
    other: { subnet: '10.0.2.0/24', vlan: 1002 },
  },
});

const link = (n: number): JsonObject => ({ spine: { port: `spine-1/E1/${n}`, ip: `172.30.0.${2 * n}/31` }, leaf: { port: `leaf-1/E1/${n}`, ip: `172.30.0.${2 * n + 1}/31` } });
const baseFabric = connection({ fabric: { links: [link(1), link(2), link(3)] } });
const fabricLinks = (m: Manifest): JsonObject[] => list(obj(m.spec.fabric).links) as JsonObject[];

const nic = (name: string, ports: string[], extra: JsonObject = {}): JsonObject => ({ name, ports: ports.map((port) => ({ name: port })), ...extra });
const baseProfile = serverProfile({ nics: [nic('eth0', ['p0']), nic('eth1', ['p1']), nic('eth2', ['p2'])] });
const nics = (m: Manifest): JsonObject[] => list(m.spec.nics) as JsonObject[];

function expectMerged(result: MergeResult): Manifest {
  assert.equal(result.outcome, 'merged', JSON.stringify(result));
  assert.ok(result.merged, 'merged manifest expected');
  assert.deepEqual(canonicalizeManifest(result.merged), result.merged, 'merged result is canonical');
  return result.merged;
}

// ------------------------------------------------------------------------------------------------
// Table

interface Case {
  name: string;
  base: Manifest | null;
  ours: Manifest | null;
  theirs: Manifest | null;
  outcome: MergeOutcome;
  /** `null` = merged must be null; a manifest = canonically equal to it; absent = not checked here. */
  merged?: Manifest | null;
  oursPaths?: string[];
  theirsPaths?: string[];
  conflictPaths?: string[];
  check?: (result: MergeResult) => void;
}

const vlanEdit = (m: Manifest, subnet: string, vlan: number): Manifest => edited(m, (c) => { obj(obj(c.spec.subnets)[subnet]).vlan = vlan; });
const TOP_LEVEL = ['apiVersion', 'kind', 'metadata', 'spec'];

const cases: Case[] = [
  // --- absent sides: every null combination
  { name: 'all absent', base: null, ours: null, theirs: null, outcome: 'unchanged', merged: null, oursPaths: [], theirsPaths: [], conflictPaths: [] },
  { name: 'created in DB only', base: null, ours: baseVpc, theirs: null, outcome: 'push', merged: baseVpc, oursPaths: TOP_LEVEL, theirsPaths: [] },
  { name: 'created in Git only', base: null, ours: null, theirs: baseVpc, outcome: 'pull', merged: baseVpc, oursPaths: [], theirsPaths: TOP_LEVEL },
  { name: 'created on both sides identically', base: null, ours: baseVpc, theirs: clone(baseVpc), outcome: 'converged', merged: baseVpc, oursPaths: TOP_LEVEL, theirsPaths: TOP_LEVEL },
  {
    name: 'created on both sides differently: conflict on the differing paths only',
    base: null, ours: vlanEdit(baseVpc, 'default', 1500), theirs: edited(baseVpc, (c) => { c.metadata.labels = { team: 'b' }; }),
    outcome: 'conflict', merged: undefined, conflictPaths: ['metadata.labels.team', 'spec.subnets.default.vlan'],
  },
  { name: 'deleted on both sides', base: baseVpc, ours: null, theirs: null, outcome: 'unchanged', merged: null, oursPaths: TOP_LEVEL, theirsPaths: TOP_LEVEL, conflictPaths: [] },
  { name: 'deleted in DB, untouched in Git', base: baseVpc, ours: null, theirs: clone(baseVpc), outcome: 'push', merged: null, oursPaths: TOP_LEVEL, theirsPaths: [] },
  { name: 'deleted in Git, untouched in DB', base: baseVpc, ours: clone(baseVpc), theirs: null, outcome: 'pull', merged: null, oursPaths: [], theirsPaths: TOP_LEVEL },
  {
    name: 'deleted in DB, changed in Git', base: baseVpc, ours: null, theirs: vlanEdit(baseVpc, 'default', 1500),
    outcome: 'delete_modify', merged: undefined, oursPaths: TOP_LEVEL, theirsPaths: ['spec.subnets.default.vlan'], conflictPaths: ['spec.subnets.default.vlan'],
  },
  {
    name: 'changed in DB, deleted in Git', base: baseVpc, ours: vlanEdit(baseVpc, 'other', 1600), theirs: null,
    outcome: 'delete_modify', merged: undefined, oursPaths: ['spec.subnets.other.vlan'], theirsPaths: TOP_LEVEL, conflictPaths: ['spec.subnets.other.vlan'],
  },

  // --- all present
  { name: 'nothing changed', base: baseVpc, ours: clone(baseVpc), theirs: clone(baseVpc), outcome: 'unchanged', merged: baseVpc, oursPaths: [], theirsPaths: [], conflictPaths: [] },
  {
    name: 'key order, omitted namespace, defaults and webhook labels do not count',
    base: baseVpc,
    ours: {
      spec: { subnets: { other: { vlan: 1002, subnet: '10.0.2.0/24' }, default: { vlan: 1001, subnet: '10.0.1.0/24', gateway: '10.0.1.1', dhcp: {} } }, ipv4Namespace: 'default' },
      metadata: { namespace: '', name: 'vpc-1', labels: { 'fabric.githedgehog.com/vpc': 'x' } },
      kind: 'VPC', apiVersion: 'vpc.githedgehog.com/v1beta1',
    },
    theirs: edited(baseVpc, (c) => { c.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }; }),
    outcome: 'unchanged', oursPaths: [], theirsPaths: [],
  },
  { name: 'only Git changed', base: baseVpc, ours: baseVpc, theirs: vlanEdit(baseVpc, 'default', 1500), outcome: 'pull', merged: vlanEdit(baseVpc, 'default', 1500), oursPaths: [], theirsPaths: ['spec.subnets.default.vlan'] },
  { name: 'only the DB changed', base: baseVpc, ours: vlanEdit(baseVpc, 'default', 1500), theirs: baseVpc, outcome: 'push', merged: vlanEdit(baseVpc, 'default', 1500), oursPaths: ['spec.subnets.default.vlan'], theirsPaths: [] },
  {
    name: 'both changed the same field the same way', base: baseVpc, ours: vlanEdit(baseVpc, 'default', 1500), theirs: vlanEdit(baseVpc, 'default', 1500),
    outcome: 'converged', merged: vlanEdit(baseVpc, 'default', 1500), oursPaths: ['spec.subnets.default.vlan'], theirsPaths: ['spec.subnets.default.vlan'], conflictPaths: [],
  },
  {
    name: 'disjoint fields in sibling map entries merge', base: baseVpc, ours: vlanEdit(baseVpc, 'default', 1500), theirs: vlanEdit(baseVpc, 'other', 1600),
    outcome: 'merged', merged: vlanEdit(vlanEdit(baseVpc, 'default', 1500), 'other', 1600), oursPaths: ['spec.subnets.default.vlan'], theirsPaths: ['spec.subnets.other.vlan'], conflictPaths: [],
  },
  {
    name: 'disjoint fields inside one map entry merge',
    base: baseVpc, ours: vlanEdit(baseVpc, 'default', 1500), theirs: edited(baseVpc, (c) => { obj(obj(c.spec.subnets).default).isolated = true; }),
    outcome: 'merged', merged: edited(vlanEdit(baseVpc, 'default', 1500), (c) => { obj(obj(c.spec.subnets).default).isolated = true; }),
  },
  {
    name: 'one side adds a map entry, the other edits another',
    base: baseVpc, ours: edited(baseVpc, (c) => { obj(c.spec.subnets).third = { subnet: '10.0.3.0/24', vlan: 1003 }; }), theirs: vlanEdit(baseVpc, 'default', 1500),
    outcome: 'merged', oursPaths: ['spec.subnets.third'], theirsPaths: ['spec.subnets.default.vlan'],
    check: (r) => { assert.equal(obj(obj(r.merged!.spec.subnets).third).vlan, 1003); assert.equal(obj(obj(r.merged!.spec.subnets).default).vlan, 1500); },
  },
  {
    name: 'same field changed differently is a conflict', base: baseVpc, ours: vlanEdit(baseVpc, 'default', 1500), theirs: vlanEdit(baseVpc, 'default', 1600),
    outcome: 'conflict', merged: undefined, conflictPaths: ['spec.subnets.default.vlan'],
  },
  {
    name: 'conflict paths list only the overlap, not the disjoint edits',
    base: baseVpc, ours: vlanEdit(vlanEdit(baseVpc, 'default', 1500), 'other', 1700), theirs: edited(vlanEdit(baseVpc, 'default', 1600), (c) => { c.metadata.labels = { a: 'b' }; }),
    outcome: 'conflict', conflictPaths: ['spec.subnets.default.vlan'], oursPaths: ['spec.subnets.default.vlan', 'spec.subnets.other.vlan'], theirsPaths: ['metadata.labels.a', 'spec.subnets.default.vlan'],
  },
  {
    name: 'child edited on one side, parent deleted on the other', base: baseVpc, ours: vlanEdit(baseVpc, 'default', 1500),
    theirs: edited(baseVpc, (c) => { delete obj(c.spec.subnets).default; }),
    outcome: 'conflict', conflictPaths: ['spec.subnets.default', 'spec.subnets.default.vlan'], theirsPaths: ['spec.subnets.default'],
  },
  {
    name: 'parent replaced by a scalar on one side, child edited on the other (mirror)',
    base: connection({ unbundled: { link: { server: { port: 's/e1' }, switch: { port: 'l/E1/1' } } } }),
    ours: connection({ unbundled: 'gone' }),
    theirs: connection({ unbundled: { link: { server: { port: 's/e2' }, switch: { port: 'l/E1/1' } } } }),
    outcome: 'conflict', conflictPaths: ['spec.unbundled', 'spec.unbundled.link.server.port'],
  },
  {
    name: 'both deleted the same entry, one also edited elsewhere',
    base: baseVpc, ours: edited(baseVpc, (c) => { delete obj(c.spec.subnets).other; }), theirs: edited(vlanEdit(baseVpc, 'default', 1500), (c) => { delete obj(c.spec.subnets).other; }),
    outcome: 'merged', merged: edited(vlanEdit(baseVpc, 'default', 1500), (c) => { delete obj(c.spec.subnets).other; }),
  },

  // --- labels and annotations merge like maps
  {
    name: 'labels added on both sides merge by key (no labels in base)', base: baseVpc,
    ours: edited(baseVpc, (c) => { c.metadata.labels = { 'app.kubernetes.io/name': 'web' }; }), theirs: edited(baseVpc, (c) => { c.metadata.labels = { team: 'net' }; }),
    outcome: 'merged', merged: edited(baseVpc, (c) => { c.metadata.labels = { 'app.kubernetes.io/name': 'web', team: 'net' }; }),
    oursPaths: ['metadata.labels["app.kubernetes.io/name"]'], theirsPaths: ['metadata.labels.team'],
  },
  {
    name: 'labels edited on both sides by different keys', base: edited(baseVpc, (c) => { c.metadata.labels = { a: '1', b: '1' }; }),
    ours: edited(baseVpc, (c) => { c.metadata.labels = { a: '2', b: '1' }; }), theirs: edited(baseVpc, (c) => { c.metadata.labels = { a: '1', b: '2', c: '3' }; }),
    outcome: 'merged', merged: edited(baseVpc, (c) => { c.metadata.labels = { a: '2', b: '2', c: '3' }; }),
    oursPaths: ['metadata.labels.a'], theirsPaths: ['metadata.labels.b', 'metadata.labels.c'],
  },
  {
    name: 'same label key set differently is a conflict (key with dots is quoted)', base: baseVpc,
    ours: edited(baseVpc, (c) => { c.metadata.labels = { 'app.kubernetes.io/name': 'web' }; }), theirs: edited(baseVpc, (c) => { c.metadata.labels = { 'app.kubernetes.io/name': 'db' }; }),
    outcome: 'conflict', conflictPaths: ['metadata.labels["app.kubernetes.io/name"]'],
  },
  {
    name: 'each side removes a different annotation: the empty map disappears', base: edited(baseVpc, (c) => { c.metadata.annotations = { a: '1', b: '2' }; }),
    ours: edited(baseVpc, (c) => { c.metadata.annotations = { b: '2' }; }), theirs: edited(baseVpc, (c) => { c.metadata.annotations = { a: '1' }; }),
    outcome: 'merged', merged: baseVpc, check: (r) => assert.equal(r.merged!.metadata.annotations, undefined),
  },

  // --- positional lists (elements atomic)
  {
    name: 'positional list: different elements edited merge', base: baseFabric,
    ours: edited(baseFabric, (c) => { obj(fabricLinks(c)[0].spine).port = 'spine-1/E1/9'; }), theirs: edited(baseFabric, (c) => { obj(fabricLinks(c)[2].leaf).ip = '172.30.0.99/31'; }),
    outcome: 'merged', oursPaths: ['spec.fabric.links[0]'], theirsPaths: ['spec.fabric.links[2]'],
    merged: edited(baseFabric, (c) => { obj(fabricLinks(c)[0].spine).port = 'spine-1/E1/9'; obj(fabricLinks(c)[2].leaf).ip = '172.30.0.99/31'; }),
  },
  {
    name: 'positional list: different fields of the same element are a conflict (elements are atomic)', base: baseFabric,
    ours: edited(baseFabric, (c) => { obj(fabricLinks(c)[1].spine).port = 'spine-1/E1/9'; }), theirs: edited(baseFabric, (c) => { obj(fabricLinks(c)[1].leaf).port = 'leaf-1/E1/9'; }),
    outcome: 'conflict', conflictPaths: ['spec.fabric.links[1]'],
  },
  {
    name: 'positional list: append on one side, edit of an earlier element on the other', base: baseFabric,
    ours: edited(baseFabric, (c) => { fabricLinks(c).push(link(4)); }), theirs: edited(baseFabric, (c) => { obj(fabricLinks(c)[0].spine).port = 'spine-1/E1/9'; }),
    outcome: 'merged', oursPaths: ['spec.fabric.links[3]'], theirsPaths: ['spec.fabric.links[0]'],
    merged: edited(baseFabric, (c) => { fabricLinks(c).push(link(4)); obj(fabricLinks(c)[0].spine).port = 'spine-1/E1/9'; }),
  },
  {
    name: 'positional list: both append different elements', base: baseFabric,
    ours: edited(baseFabric, (c) => { fabricLinks(c).push(link(4)); }), theirs: edited(baseFabric, (c) => { fabricLinks(c).push(link(5)); }),
    outcome: 'conflict', conflictPaths: ['spec.fabric.links[3]'],
  },
  {
    name: 'positional list: both append the same element', base: baseFabric,
    ours: edited(baseFabric, (c) => { fabricLinks(c).push(link(4)); }), theirs: edited(baseFabric, (c) => { fabricLinks(c).push(link(4)); }),
    outcome: 'converged', merged: edited(baseFabric, (c) => { fabricLinks(c).push(link(4)); }),
  },
  {
    name: 'positional list: removal that shifts elements conflicts with an edit of a shifted element', base: baseFabric,
    ours: edited(baseFabric, (c) => { fabricLinks(c).splice(0, 1); }), theirs: edited(baseFabric, (c) => { obj(fabricLinks(c)[1].spine).port = 'spine-1/E1/9'; }),
    outcome: 'conflict', conflictPaths: ['spec.fabric.links[1]'], oursPaths: ['spec.fabric.links[0]', 'spec.fabric.links[1]', 'spec.fabric.links[2]'],
  },
  {
    name: 'positional list: removal of the last element and edit of the first merge', base: baseFabric,
    ours: edited(baseFabric, (c) => { fabricLinks(c).pop(); }), theirs: edited(baseFabric, (c) => { obj(fabricLinks(c)[0].spine).port = 'spine-1/E1/9'; }),
    outcome: 'merged', merged: edited(baseFabric, (c) => { fabricLinks(c).pop(); obj(fabricLinks(c)[0].spine).port = 'spine-1/E1/9'; }),
  },
  {
    name: 'positional list: one side shortens, the other lengthens', base: baseFabric,
    ours: edited(baseFabric, (c) => { fabricLinks(c).pop(); }), theirs: edited(baseFabric, (c) => { fabricLinks(c).push(link(4)); }),
    outcome: 'conflict', conflictPaths: ['spec.fabric.links[2]', 'spec.fabric.links[3]'],
  },
  {
    name: 'positional list: removed on one side, edited on the other', base: baseFabric,
    ours: edited(baseFabric, (c) => { fabricLinks(c).pop(); }), theirs: edited(baseFabric, (c) => { obj(fabricLinks(c)[2].spine).port = 'spine-1/E1/9'; }),
    outcome: 'conflict', conflictPaths: ['spec.fabric.links[2]'],
  },
  {
    name: 'a list of lists (VPC permit) merges by position',
    base: vpc({ subnets: {}, permit: [['a', 'b'], ['c', 'd']] }),
    ours: vpc({ subnets: {}, permit: [['a', 'b', 'x'], ['c', 'd']] }), theirs: vpc({ subnets: {}, permit: [['a', 'b'], ['c', 'd', 'y']] }),
    outcome: 'merged', merged: vpc({ subnets: {}, permit: [['a', 'b', 'x'], ['c', 'd', 'y']] }), oursPaths: ['spec.permit[0]'], theirsPaths: ['spec.permit[1]'],
  },

  // --- keyed lists (objects with a unique `name`)
  {
    name: 'keyed list: edits of different elements merge', base: baseProfile,
    ours: edited(baseProfile, (c) => { nics(c)[0].ports = [{ name: 'p0' }, { name: 'p0b' }]; }), theirs: edited(baseProfile, (c) => { nics(c)[2].speed = '25G'; }),
    outcome: 'merged', oursPaths: ['spec.nics[name=eth0].ports[name=p0b]'], theirsPaths: ['spec.nics[name=eth2].speed'],
    merged: edited(baseProfile, (c) => { nics(c)[0].ports = [{ name: 'p0' }, { name: 'p0b' }]; nics(c)[2].speed = '25G'; }),
  },
  {
    name: 'keyed list: disjoint fields inside one element merge', base: baseProfile,
    ours: edited(baseProfile, (c) => { nics(c)[1].speed = '25G'; }), theirs: edited(baseProfile, (c) => { nics(c)[1].mtu = 9000; }),
    outcome: 'merged', merged: edited(baseProfile, (c) => { nics(c)[1].speed = '25G'; nics(c)[1].mtu = 9000; }),
  },
  {
    name: 'keyed list: overlapping edits inside one element conflict', base: baseProfile,
    ours: edited(baseProfile, (c) => { nics(c)[1].speed = '25G'; }), theirs: edited(baseProfile, (c) => { nics(c)[1].speed = '100G'; }),
    outcome: 'conflict', conflictPaths: ['spec.nics[name=eth1].speed'],
  },
  {
    name: 'keyed list: element removed on one side, edited on the other', base: baseProfile,
    ours: edited(baseProfile, (c) => { nics(c).splice(1, 1); }), theirs: edited(baseProfile, (c) => { nics(c)[1].speed = '100G'; }),
    outcome: 'conflict', conflictPaths: ['spec.nics[name=eth1]', 'spec.nics[name=eth1].speed'],
  },
  {
    name: 'keyed list: removal on one side does not shift the other side\'s edit', base: baseProfile,
    ours: edited(baseProfile, (c) => { nics(c).splice(0, 1); }), theirs: edited(baseProfile, (c) => { nics(c)[2].speed = '100G'; }),
    outcome: 'merged', merged: serverProfile({ nics: [nic('eth1', ['p1']), nic('eth2', ['p2'], { speed: '100G' })] }),
  },
  {
    name: 'keyed list: both add different elements (order: both sides\' orders, ties by name)', base: baseProfile,
    ours: edited(baseProfile, (c) => { nics(c).splice(1, 0, nic('ethz', [])); }), theirs: edited(baseProfile, (c) => { nics(c).splice(1, 0, nic('etha', [])); }),
    outcome: 'merged',
    merged: serverProfile({ nics: [nic('eth0', ['p0']), nic('etha', []), nic('ethz', []), nic('eth1', ['p1']), nic('eth2', ['p2'])] }),
  },
  {
    name: 'keyed list: both add the same name with a different field value', base: baseProfile,
    ours: edited(baseProfile, (c) => { nics(c).push(nic('eth3', [], { speed: '1G' })); }), theirs: edited(baseProfile, (c) => { nics(c).push(nic('eth3', [], { speed: '10G' })); }),
    outcome: 'conflict', conflictPaths: ['spec.nics[name=eth3].speed'],
  },
  {
    name: 'keyed list: both add the same name with compatible content (merged against an empty element)', base: baseProfile,
    ours: edited(baseProfile, (c) => { nics(c).push(nic('eth3', ['x'])); }), theirs: edited(baseProfile, (c) => { nics(c).push(nic('eth3', ['y'], { speed: '1G' })); }),
    outcome: 'merged', merged: edited(baseProfile, (c) => { nics(c).push(nic('eth3', ['x', 'y'], { speed: '1G' })); }),
  },
  {
    name: 'keyed list: a reorder on one side and an element edit on the other merge', base: baseProfile,
    ours: edited(baseProfile, (c) => { nics(c).reverse(); }), theirs: edited(baseProfile, (c) => { nics(c)[0].speed = '10G'; }),
    outcome: 'merged', oursPaths: ['spec.nics'], theirsPaths: ['spec.nics[name=eth0].speed'],
    merged: serverProfile({ nics: [nic('eth2', ['p2']), nic('eth1', ['p1']), nic('eth0', ['p0'], { speed: '10G' })] }),
  },
  {
    name: 'keyed list: two different reorders conflict', base: baseProfile,
    ours: edited(baseProfile, (c) => { nics(c).reverse(); }), theirs: serverProfile({ nics: [nic('eth1', ['p1']), nic('eth0', ['p0']), nic('eth2', ['p2'])] }),
    outcome: 'conflict', conflictPaths: ['spec.nics'],
  },

  // --- interaction with canonicalization
  {
    name: 'a combination that canonicalization would rewrite is a conflict, not a lost edit',
    base: manifest('Switch', { vlanNamespaces: ['a', 'e'] }, {}, 'wiring.githedgehog.com/v1beta1'),
    ours: manifest('Switch', { vlanNamespaces: ['d', 'e'] }), theirs: manifest('Switch', { vlanNamespaces: ['a', 'c'] }),
    outcome: 'conflict', conflictPaths: ['spec.vlanNamespaces[0]', 'spec.vlanNamespaces[1]'],
  },
  {
    name: 'DHCP disabled on one side while options are added on the other',
    base: vpc({ subnets: { default: { subnet: '10.0.1.0/24', dhcp: { enable: true } } } }),
    ours: vpc({ subnets: { default: { subnet: '10.0.1.0/24', dhcp: { enable: false } } } }),
    theirs: vpc({ subnets: { default: { subnet: '10.0.1.0/24', dhcp: { enable: true, options: { pxeURL: 'http://boot' } } } } }),
    outcome: 'conflict', conflictPaths: ['spec.subnets.default.dhcp.options'],
  },
];

describe('threeWayMerge: table', () => {
  for (const c of cases) {
    test(c.name, () => {
      const result = threeWayMerge(c.base, c.ours, c.theirs);
      assert.equal(result.outcome, c.outcome, JSON.stringify(result, null, 1));
      if (c.merged === null) assert.equal(result.merged, null);
      else if (c.merged !== undefined) assert.deepEqual(result.merged, canonicalizeManifest(c.merged));
      if (c.outcome === 'conflict' || c.outcome === 'delete_modify') assert.equal(result.merged, undefined);
      else {
        assert.notEqual(result.merged, undefined);
        if (result.merged) assert.deepEqual(canonicalizeManifest(result.merged), result.merged, 'merged result is canonical');
      }
      if (c.oursPaths) assert.deepEqual(result.oursPaths, c.oursPaths);
      if (c.theirsPaths) assert.deepEqual(result.theirsPaths, c.theirsPaths);
      if (c.conflictPaths) assert.deepEqual(result.conflictPaths, c.conflictPaths);
      if (c.outcome !== 'conflict' && c.outcome !== 'delete_modify') assert.deepEqual(result.conflictPaths, []);
      c.check?.(result);
      // Every case also holds with the sides swapped.
      const swapped = threeWayMerge(c.base, c.theirs, c.ours);
      assert.equal(swapped.outcome, swapOutcome(result.outcome));
      assert.deepEqual(swapped.merged, result.merged);
      assert.deepEqual(swapped.conflictPaths, result.conflictPaths);
    });
  }

  test('inputs are not mutated', () => {
    const base = clone(baseVpc);
    const ours = vlanEdit(baseVpc, 'default', 1500);
    const theirs = vlanEdit(baseVpc, 'other', 1600);
    const snapshot = clone([base, ours, theirs]);
    const result = threeWayMerge(base, ours, theirs);
    expectMerged(result);
    assert.deepEqual([base, ours, theirs], snapshot);
  });

  test('unknown list shapes with duplicate names fall back to positional merging', () => {
    const base = serverProfile({ nics: [nic('a', []), nic('a', ['x'])] });
    const ours = serverProfile({ nics: [nic('a', ['y']), nic('a', ['x'])] });
    const theirs = serverProfile({ nics: [nic('a', []), nic('a', ['z'])] });
    const merged = expectMerged(threeWayMerge(base, ours, theirs));
    assert.deepEqual(merged.spec.nics, [nic('a', ['y']), nic('a', ['z'])]);
  });
});

// ------------------------------------------------------------------------------------------------
// diffManifests

describe('diffManifests', () => {
  test('field-level entries sorted by path (indices numerically), with before and after values', () => {
    const before = connection({ fabric: { links: Array.from({ length: 12 }, (_, i) => link(i)) } }, { labels: { 'x.io/y': 'a' } });
    const after = edited(before, (c) => {
      fabricLinks(c)[2] = link(20);
      fabricLinks(c)[10] = link(30);
      c.metadata.labels = { 'x.io/y': 'b', plain: 'c' };
      c.spec.mtu = 9000;
    });
    assert.deepEqual(diffManifests(before, after), [
      { path: 'metadata.labels.plain', before: undefined, after: 'c' },
      { path: 'metadata.labels["x.io/y"]', before: 'a', after: 'b' },
      { path: 'spec.fabric.links[2]', before: link(2), after: link(20) },
      { path: 'spec.fabric.links[10]', before: link(10), after: link(30) },
      { path: 'spec.mtu', before: undefined, after: 9000 },
    ]);
  });

  test('equal manifests, formatting and defaults produce no entries', () => {
    assert.deepEqual(diffManifests(null, null), []);
    assert.deepEqual(diffManifests(baseVpc, clone(baseVpc)), []);
    const defaulted = canonicalizeManifest(baseVpc);
    assert.notDeepEqual(defaulted, baseVpc);
    assert.deepEqual(diffManifests(baseVpc, defaulted), []);
  });

  test('creation and deletion list the top-level fields', () => {
    const created = diffManifests(null, baseFabric);
    assert.deepEqual(created.map((entry) => entry.path), TOP_LEVEL);
    assert.ok(created.every((entry) => entry.before === undefined));
    assert.deepEqual(created.find((entry) => entry.path === 'spec')?.after, baseFabric.spec);
    const deleted = diffManifests(baseFabric, null);
    assert.deepEqual(deleted.map((entry) => entry.path), TOP_LEVEL);
    assert.ok(deleted.every((entry) => entry.after === undefined));
  });

  test('keyed list entries are addressed by name; a reorder is a change of the list', () => {
    const after = edited(baseProfile, (c) => { nics(c).reverse(); nics(c)[0].speed = '1G'; nics(c).push(nic('eth 9', [])); });
    assert.deepEqual(diffManifests(baseProfile, after).map((entry) => entry.path), ['spec.nics', 'spec.nics[name="eth 9"]', 'spec.nics[name=eth2].speed']);
  });

  test('the first label or annotation is a change of that key (absent maps count as empty)', () => {
    const labelled = edited(baseVpc, (c) => { c.metadata.labels = { app: 'web' }; c.metadata.annotations = {}; });
    assert.deepEqual(diffManifests(baseVpc, labelled), [{ path: 'metadata.labels.app', before: undefined, after: 'web' }]);
    assert.deepEqual(diffManifests(labelled, baseVpc), [{ path: 'metadata.labels.app', before: 'web', after: undefined }]);
  });

  test('a type change is reported at the changed node', () => {
    const before = connection({ a: { b: 1 } });
    const after = connection({ a: [1] });
    assert.deepEqual(diffManifests(before, after), [{ path: 'spec.a', before: { b: 1 }, after: [1] }]);
  });
});

// ------------------------------------------------------------------------------------------------
// Properties

function swapOutcome(outcome: MergeOutcome): MergeOutcome {
  return outcome === 'push' ? 'pull' : outcome === 'pull' ? 'push' : outcome;
}

const KEYS = ['a', 'b', 'c', 'vlan', 'x.y'] as const;
const keyArb = fc.constantFrom(...KEYS);
const scalarArb: fc.Arbitrary<JsonValue> = fc.oneof(fc.integer({ min: -2, max: 2 }), fc.constantFrom('p', 'q'), fc.boolean(), fc.constant(null));
const valueArb: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue; list: JsonValue[]; map: JsonObject; keyed: JsonObject[] }>((tie) => ({
  value: fc.oneof({ maxDepth: 3, depthIdentifier: 'json' }, scalarArb, tie('list'), tie('map'), tie('keyed')),
  list: fc.array(tie('value'), { maxLength: 3, depthIdentifier: 'json' }),
  map: fc.dictionary(keyArb, tie('value'), { maxKeys: 3, depthIdentifier: 'json', noNullPrototype: true }),
  keyed: fc.uniqueArray(fc.record({ name: fc.constantFrom('n1', 'n2', 'n3'), v: tie('value') }, { noNullPrototype: true }), { selector: (entry) => entry.name, maxLength: 3, depthIdentifier: 'json' }),
})).value;
const specArb: fc.Arbitrary<JsonObject> = fc.dictionary(keyArb, valueArb, { maxKeys: 4, noNullPrototype: true });
const labelsArb = fc.option(fc.dictionary(fc.constantFrom('app', 'tier', 'x.io/y'), fc.constantFrom('1', '2'), { maxKeys: 3, noNullPrototype: true }), { nil: undefined });
const manifestArb: fc.Arbitrary<Manifest> = fc.record({ spec: specArb, labels: labelsArb }, { noNullPrototype: true }).map(({ spec, labels }) => connection(spec, labels ? { labels } : {}));

type Step = string | number;
/** Sets (or, with `undefined`, deletes) the value at `path`, creating or replacing containers on the way; numbers index lists modulo length + 1 (length = append). */
function setAt(node: JsonValue | undefined, path: readonly Step[], value: JsonValue | undefined): JsonValue | undefined {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === 'string') {
    const copy: JsonObject = isJsonObject(node) ? { ...node } : {};
    const next = setAt(Object.prototype.hasOwnProperty.call(copy, head) ? copy[head] : undefined, rest, value);
    if (next === undefined) delete copy[head];
    else copy[head] = next;
    return copy;
  }
  const copy: JsonValue[] = Array.isArray(node) ? [...node] : [];
  const index = head % (copy.length + 1);
  const next = setAt(index < copy.length ? copy[index] : undefined, rest, value);
  if (next === undefined) {
    if (index < copy.length) copy.splice(index, 1);
  } else copy[index] = next;
  return copy;
}

function getAt(node: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
  let current = node;
  for (const key of path) {
    if (!isJsonObject(current) || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

interface Edit {
  path: [string, ...Step[]];
  value: JsonValue | undefined;
  label?: { key: string; value: string | undefined };
}
const editArb: fc.Arbitrary<Edit> = fc.record({
  path: fc.tuple(keyArb, fc.array(fc.oneof(keyArb, fc.nat(3)), { maxLength: 2 })).map(([first, rest]): [string, ...Step[]] => [first, ...rest]),
  value: fc.option(valueArb, { nil: undefined, freq: 4 }),
  label: fc.option(fc.record({ key: fc.constantFrom('app', 'tier', 'x.io/y'), value: fc.option(fc.constantFrom('1', '3'), { nil: undefined }) }, { noNullPrototype: true }), { nil: undefined }),
});

function applyEdits(m: Manifest, edits: readonly Edit[]): Manifest {
  let spec: JsonObject = m.spec;
  let labels: Record<string, string> = { ...(m.metadata.labels ?? {}) };
  for (const edit of edits) {
    spec = setAt(spec, edit.path, edit.value) as JsonObject;
    if (edit.label) {
      labels = { ...labels };
      if (edit.label.value === undefined) delete labels[edit.label.key];
      else labels[edit.label.key] = edit.label.value;
    }
  }
  return { ...m, metadata: { ...m.metadata, labels }, spec };
}

/** A side derived from a shared seed: absent, or the seed with 0–3 edits. */
const sideArb = (seed: Manifest): fc.Arbitrary<Manifest | null> =>
  fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 5, arbitrary: fc.array(editArb, { maxLength: 3 }).map((edits) => applyEdits(seed, edits)) });
const tripleArb = manifestArb.chain((seed) => fc.tuple(sideArb(seed), sideArb(seed), sideArb(seed)));

const equalOrBothNull = (a: Manifest | null, b: Manifest | null): boolean =>
  a === null || b === null ? a === b : JSON.stringify(canonicalizeManifest(a)) === JSON.stringify(canonicalizeManifest(b));
const canonicalOrNull = (m: Manifest | null): Manifest | null => (m === null ? null : canonicalizeManifest(m));

describe('threeWayMerge: properties', () => {
  test('merge(base, base, x) pulls x (or is unchanged)', () => {
    fc.assert(fc.property(tripleArb, ([base, x]) => {
      const result = threeWayMerge(base, base === null ? null : clone(base), x);
      assert.equal(result.outcome, equalOrBothNull(base, x) ? 'unchanged' : 'pull');
      assert.deepEqual(result.merged, canonicalOrNull(x));
      assert.deepEqual(result.oursPaths, []);
      assert.deepEqual(result.theirsPaths, diffManifests(base, x).map((entry) => entry.path).filter((p, i, all) => all.indexOf(p) === i));
    }));
  });

  test('merge(base, x, base) pushes x (or is unchanged)', () => {
    fc.assert(fc.property(tripleArb, ([base, x]) => {
      const result = threeWayMerge(base, x, base === null ? null : clone(base));
      assert.equal(result.outcome, equalOrBothNull(base, x) ? 'unchanged' : 'push');
      assert.deepEqual(result.merged, canonicalOrNull(x));
      assert.deepEqual(result.theirsPaths, []);
    }));
  });

  test('merge(base, x, x) converges (or is unchanged)', () => {
    fc.assert(fc.property(tripleArb, ([base, x]) => {
      const result = threeWayMerge(base, x, x === null ? null : clone(x));
      const expected: MergeOutcome = equalOrBothNull(base, x) || x === null ? 'unchanged' : 'converged';
      assert.equal(result.outcome, expected);
      assert.deepEqual(result.merged, canonicalOrNull(x));
      assert.deepEqual(result.conflictPaths, []);
      assert.deepEqual(result.oursPaths, result.theirsPaths);
    }));
  });

  test('swapping ours and theirs swaps push/pull and the path lists, and keeps conflicts and merged results', () => {
    fc.assert(fc.property(tripleArb, ([base, ours, theirs]) => {
      const a = threeWayMerge(base, ours, theirs);
      const b = threeWayMerge(base, theirs, ours);
      assert.equal(b.outcome, swapOutcome(a.outcome));
      assert.deepEqual(b.oursPaths, a.theirsPaths);
      assert.deepEqual(b.theirsPaths, a.oursPaths);
      assert.deepEqual(b.conflictPaths, a.conflictPaths);
      assert.deepEqual(b.merged, a.merged);
      const failed = a.outcome === 'conflict' || a.outcome === 'delete_modify';
      assert.equal(a.merged === undefined, failed);
      assert.equal(a.conflictPaths.length > 0, failed);
      if (a.merged) assert.deepEqual(canonicalizeManifest(a.merged), a.merged, 'merged result is canonical');
      if (a.outcome === 'merged') {
        // Both sides changed, and every path either side changed holds that side's value in the result:
        // no difference between a side and the merged manifest lies at or above a path that side changed.
        assert.ok(a.oursPaths.length > 0 && a.theirsPaths.length > 0);
        const within = (outer: string, inner: string): boolean => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
        for (const [side, paths] of [[ours, a.oursPaths], [theirs, a.theirsPaths]] as const) {
          const differences = diffManifests(side, a.merged!).map((entry) => entry.path);
          for (const changed of paths) assert.ok(!differences.some((difference) => within(difference, changed)), `${changed} lost in the merge`);
        }
      }
    }), { numRuns: 300 });
  });

  test('disjoint single-path edits merge, and the result contains both edits', () => {
    const arb = fc.record({
      base: manifestArb,
      prefix: fc.array(keyArb, { maxLength: 2 }),
      keys: fc.uniqueArray(keyArb, { minLength: 2, maxLength: 2 }),
      suffixes: fc.tuple(fc.array(keyArb, { maxLength: 2 }), fc.array(keyArb, { maxLength: 2 })),
      values: fc.tuple(valueArb, valueArb),
    });
    fc.assert(fc.property(arb, ({ base, prefix, keys, suffixes, values }) => {
      // Make the shared prefix a map in base, so the two edits cannot both rewrite a common ancestor.
      let spec = base.spec;
      for (let i = 0; i < prefix.length; i++) {
        if (!isJsonObject(getAt(spec, prefix.slice(0, i + 1)))) spec = setAt(spec, prefix.slice(0, i + 1), {}) as JsonObject;
      }
      const seeded: Manifest = { ...base, spec };
      const oursPath = [...prefix, keys[0], ...suffixes[0]];
      const theirsPath = [...prefix, keys[1], ...suffixes[1]];
      const ours: Manifest = { ...seeded, spec: setAt(spec, oursPath, values[0]) as JsonObject };
      const theirs: Manifest = { ...seeded, spec: setAt(spec, theirsPath, values[1]) as JsonObject };
      const result = threeWayMerge(seeded, ours, theirs);
      assert.ok(['merged', 'push', 'pull', 'unchanged'].includes(result.outcome), JSON.stringify(result));
      assert.ok(result.merged);
      assert.deepEqual(getAt(result.merged.spec, oursPath), values[0]);
      assert.deepEqual(getAt(result.merged.spec, theirsPath), values[1]);
    }), { numRuns: 300 });
  });

  test('key order never matters', () => {
    const reversed = (value: JsonValue): JsonValue =>
      Array.isArray(value) ? value.map(reversed) : isJsonObject(value) ? Object.fromEntries(Object.keys(value).reverse().map((key) => [key, reversed(value[key])])) : value;
    fc.assert(fc.property(tripleArb, ([base, ours, theirs]) => {
      const flip = (m: Manifest | null): Manifest | null => (m === null ? null : { spec: reversed(m.spec) as JsonObject, metadata: m.metadata, kind: m.kind, apiVersion: m.apiVersion });
      assert.deepEqual(threeWayMerge(flip(base), flip(ours), flip(theirs)), threeWayMerge(base, ours, theirs));
    }));
  });
});
