import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalizeManifest, parseManifests, RULE_IDS, validateFabric, type JsonObject, type Manifest, type RuleId, type ValidationIssue,
} from '../../src/hedgehog';
import { deepFreeze } from '../../src/hedgehog/json';
import { baseFabric, hydratedPair } from './base-fabric';

type Input = Manifest[] | string;

function check(input: Input): ValidationIssue[] {
  if (typeof input === 'string') {
    const parsed = parseManifests(input);
    return [...parsed.issues, ...validateFabric(parsed.manifests)];
  }
  return validateFabric(input);
}

/** Base fabric with one resource changed. */
function mut(kind: string, name: string, change: (spec: JsonObject, manifest: Manifest) => void, fabric: Manifest[] = baseFabric()): Manifest[] {
  const target = fabric.find((m) => m.kind === kind && m.metadata.name === name);
  if (!target) throw new Error(`no ${kind} ${name}`);
  change(target.spec, target);
  return fabric;
}

function add(...extra: Manifest[]): Manifest[] {
  return [...baseFabric(), ...extra];
}

function res(kind: string, name: string, spec: JsonObject): Manifest {
  const apiVersion = ['VPC', 'VPCAttachment', 'VPCPeering', 'IPv4Namespace', 'External', 'ExternalAttachment', 'ExternalPeering'].includes(kind)
    ? 'vpc.githedgehog.com/v1beta1' : 'wiring.githedgehog.com/v1beta1';
  return { apiVersion, kind, metadata: { name, namespace: 'default' }, spec };
}

const obj = (value: unknown): JsonObject => value as JsonObject;
const subnet = (spec: JsonObject, name = 'default'): JsonObject => obj(obj(spec.subnets)[name]);
const dhcp = (spec: JsonObject, name = 'default'): JsonObject => obj(subnet(spec, name).dhcp);
const acl = (spec: JsonObject, index = 0): JsonObject => obj((obj(spec.inboundACL).statements as JsonObject[])[index]);
const doc = (body: string): string => `apiVersion: wiring.githedgehog.com/v1beta1\nkind: Server\n${body}`;
const hydrated = (change: (fabric: Manifest[]) => void): Manifest[] => {
  const fabric = [...baseFabric(), ...hydratedPair()];
  change(fabric);
  return fabric;
};
const find = (fabric: Manifest[], name: string): Manifest => fabric.find((m) => m.metadata.name === name) as Manifest;

interface RuleCase {
  rule: RuleId;
  bad: Input;
  /** Defaults to the base fabric (which exercises the field validly). */
  ok?: Input;
}

const SERVER_OK = doc('metadata: {name: s1}\nspec: {}\n');

const CASES: RuleCase[] = [
  { rule: 'yaml.syntax', bad: 'a: [1\n', ok: SERVER_OK },
  { rule: 'yaml.too-large', bad: 'x'.repeat(6 * 1024 * 1024), ok: SERVER_OK },
  { rule: 'yaml.too-many-documents', bad: 'a: 1\n---\n'.repeat(5001), ok: SERVER_OK },
  { rule: 'yaml.alias-limit', bad: `a: &a [1]\nb: [${Array(101).fill('*a').join(', ')}]\n`, ok: 'a: &a [1]\nb: [*a, *a]\n' },
  { rule: 'document.invalid-value', bad: doc('metadata: {name: s1}\nspec: {description: 1e400}\n'), ok: SERVER_OK },
  { rule: 'document.not-object', bad: '- a\n- b\n', ok: SERVER_OK },
  { rule: 'document.legacy-version', bad: 'apiVersion: wiring.githedgehog.com/v1alpha2\nkind: Rack\nmetadata: {name: r}\n', ok: SERVER_OK },
  { rule: 'document.unknown-kind', bad: 'apiVersion: wiring.githedgehog.com/v1beta1\nkind: Rack\nmetadata: {name: r}\n', ok: SERVER_OK },
  { rule: 'document.unmanaged-kind', bad: 'apiVersion: gateway.githedgehog.com/v1alpha1\nkind: Gateway\nmetadata: {name: g}\n', ok: SERVER_OK },
  { rule: 'document.not-hedgehog', bad: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', ok: SERVER_OK },
  { rule: 'document.unknown-field', bad: doc('metadata: {name: s1}\nspec: {}\nextra: 1\n'), ok: doc('metadata: {name: s1}\nspec: {}\nstatus: {}\n') },
  { rule: 'metadata.required', bad: doc('spec: {}\n'), ok: SERVER_OK },
  { rule: 'metadata.name.required', bad: doc('metadata: {namespace: default}\n'), ok: SERVER_OK },
  { rule: 'metadata.name.format', bad: doc('metadata: {name: Server_1}\n'), ok: SERVER_OK },
  { rule: 'metadata.name.max-length', bad: doc(`metadata: {name: ${'a'.repeat(254)}}\n`), ok: doc(`metadata: {name: ${'a'.repeat(253)}}\n`) },
  { rule: 'metadata.namespace.default-only', bad: doc('metadata: {name: s1, namespace: fab}\n'), ok: doc('metadata: {name: s1, namespace: default}\n') },
  { rule: 'metadata.string-map', bad: doc('metadata: {name: s1, labels: {a: 1}}\n'), ok: doc('metadata: {name: s1, labels: {a: "1"}}\n') },
  { rule: 'metadata.unknown-field', bad: doc('metadata: {name: s1, color: red}\n'), ok: doc('metadata: {name: s1, uid: x, resourceVersion: "1"}\n') },
  { rule: 'metadata.field-dropped', bad: doc('metadata: {name: s1, finalizers: [x]}\n'), ok: SERVER_OK },
  { rule: 'schema.type', bad: mut('Server', 'server-1', (s) => { s.description = 5; }), ok: mut('Server', 'server-1', (s) => { s.description = 'rack 1'; }) },
  { rule: 'schema.enum', bad: mut('Switch', 'leaf-01', (s) => { s.role = 'router'; }) },
  { rule: 'schema.range', bad: mut('VPC', 'vpc-1', (s) => { subnet(s).vlan = 70000; }) },
  { rule: 'schema.items', bad: mut('VLANNamespace', 'default', (s) => { s.ranges = []; }) },
  { rule: 'schema.required', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { delete acl(s).action; }) },
  { rule: 'schema.unknown-field', bad: mut('VPC', 'vpc-1', (s) => { s.colour = 'blue'; }) },
  { rule: 'fabric.duplicate-resource', bad: add(res('Server', 'server-1', {})), ok: add(res('Server', 'server-3', {})) },

  { rule: 'vpc.name.max-length', bad: mut('VPC', 'vpc-2', (_s, m) => { m.metadata.name = 'vpc-twelve-c'; }), ok: mut('VPC', 'vpc-2', (_s, m) => { m.metadata.name = 'vpc-elevenc'; }) },
  { rule: 'vpc.name.ext-prefix', bad: mut('VPC', 'vpc-2', (_s, m) => { m.metadata.name = 'ext.a'; }), ok: mut('VPC', 'vpc-2', (_s, m) => { m.metadata.name = 'a.ext'; }) },
  { rule: 'vpc.mode.unsupported', bad: mut('VPC', 'vpc-2', (s) => { s.mode = 'l3flat'; }), ok: mut('VPC', 'vpc-2', (s) => { s.mode = 'l3vni'; }) },
  { rule: 'vpc.subnets.count', bad: mut('VPC', 'vpc-2', (s) => { s.subnets = {}; }) },
  { rule: 'vpc.subnet.cidr', bad: mut('VPC', 'vpc-2', (s) => { subnet(s).subnet = '10.0.3.0'; }) },
  { rule: 'vpc.subnet.prefix-length', bad: mut('VPC', 'vpc-2', (s) => { subnet(s).subnet = '10.0.3.0/31'; }), ok: mut('VPC', 'vpc-2', (s) => { subnet(s).subnet = '10.0.3.0/30'; }) },
  { rule: 'vpc.subnet.reserved-overlap', bad: mut('VPC', 'vpc-2', (s) => { subnet(s).subnet = '172.30.8.0/24'; }) },
  { rule: 'vpc.subnet.overlap', bad: mut('VPC', 'vpc-1', (s) => { subnet(s, 'backend').subnet = '10.0.1.128/25'; }) },
  { rule: 'vpc.subnet.gateway', bad: mut('VPC', 'vpc-2', (s) => { subnet(s).gateway = '10.0.9.1'; }), ok: mut('VPC', 'vpc-2', (s) => { subnet(s).gateway = '10.0.3.254'; }) },
  { rule: 'vpc.subnet.vlan.required', bad: mut('VPC', 'vpc-2', (s) => { delete subnet(s).vlan; }), ok: mut('VPC', 'vpc-2', (s) => { delete subnet(s).vlan; subnet(s).hostBGP = true; delete subnet(s).dhcp; }) },
  { rule: 'vpc.subnet.vlan.duplicate', bad: mut('VPC', 'vpc-1', (s) => { subnet(s, 'backend').vlan = 1001; }) },
  { rule: 'vpc.subnet.vlan.reserved', bad: mut('VPC', 'vpc-2', (s) => { subnet(s).vlan = 3500; }) },
  { rule: 'vpc.subnet.host-bgp-dhcp', bad: mut('VPC', 'vpc-1', (s) => { subnet(s).hostBGP = true; }) },
  { rule: 'vpc.dhcp.relay-exclusive', bad: mut('VPC', 'vpc-1', (s) => { dhcp(s).relay = '10.99.0.1/32'; }) },
  { rule: 'vpc.dhcp.relay.cidr', bad: mut('VPC', 'vpc-2', (s) => { dhcp(s).relay = '10.99.0.1'; }) },
  { rule: 'vpc.dhcp.relay-vpc.requires-relay', bad: mut('VPC', 'vpc-2', (s) => { delete dhcp(s).relay; }) },
  { rule: 'vpc.dhcp.range', bad: mut('VPC', 'vpc-1', (s) => { obj(dhcp(s).range).start = '10.0.1.1'; }) },
  { rule: 'vpc.dhcp.disabled-settings', bad: mut('VPC', 'vpc-1', (s) => { dhcp(s).enable = false; }) },
  { rule: 'vpc.dhcp.options.ip', bad: mut('VPC', 'vpc-1', (s) => { obj(dhcp(s).options).dnsServers = ['dns.example.com']; }) },
  { rule: 'vpc.dhcp.options.mtu', bad: mut('VPC', 'vpc-1', (s) => { obj(dhcp(s).options).interfaceMTU = 9100; }), ok: mut('VPC', 'vpc-1', (s) => { obj(dhcp(s).options).interfaceMTU = 1500; }) },
  { rule: 'vpc.dhcp.options.lease-time', bad: mut('VPC', 'vpc-1', (s) => { obj(dhcp(s).options).leaseTimeSeconds = -1; obj(dhcp(s).options).leaseTimeSeconds = 0.5; }) },
  { rule: 'vpc.dhcp.route', bad: mut('VPC', 'vpc-1', (s) => { obj((obj(dhcp(s).options).advertisedRoutes as JsonObject[])[0]).gateway = '10.1.0.1'; }) },
  { rule: 'vpc.dhcp.static.mac', bad: mut('VPC', 'vpc-1', (s) => { dhcp(s).static = { 'zz:00': { ip: '10.0.1.50' } }; }) },
  { rule: 'vpc.dhcp.static.ip', bad: mut('VPC', 'vpc-1', (s) => { dhcp(s).static = { '0c:20:12:fe:00:01': { ip: '10.0.1.255' } }; }) },
  { rule: 'vpc.dhcp.static.duplicate-ip', bad: mut('VPC', 'vpc-1', (s) => { obj(dhcp(s).static)['0c:20:12:fe:00:02'] = { ip: '10.0.1.50' }; }) },
  { rule: 'vpc.permit', bad: mut('VPC', 'vpc-1', (s) => { s.permit = [['default', 'frontend']]; }) },
  { rule: 'vpc.static-route.prefix', bad: mut('VPC', 'vpc-1', (s) => { obj((s.staticRoutes as JsonObject[])[0]).prefix = '10.50.0.1/16'; }) },
  { rule: 'vpc.static-route.next-hops', bad: mut('VPC', 'vpc-1', (s) => { obj((s.staticRoutes as JsonObject[])[0]).nextHops = []; }) },
  { rule: 'vpc.ipv4-namespace.not-found', bad: mut('VPC', 'vpc-1', (s) => { s.ipv4Namespace = 'other'; }) },
  { rule: 'vpc.vlan-namespace.not-found', bad: mut('VPC', 'vpc-1', (s) => { s.vlanNamespace = 'other'; }) },
  { rule: 'vpc.subnet.outside-namespace', bad: mut('VPC', 'vpc-2', (s) => { subnet(s).subnet = '10.1.3.0/24'; }) },
  { rule: 'vpc.subnet.overlap-other-vpc', bad: mut('VPC', 'vpc-2', (s) => { subnet(s).subnet = '10.0.1.0/25'; }) },
  { rule: 'vpc.subnet.vlan.outside-namespace', bad: mut('VPC', 'vpc-2', (s) => { subnet(s).vlan = 100; }) },
  { rule: 'vpc.subnet.vlan.conflict', bad: mut('VPC', 'vpc-2', (s) => { subnet(s).vlan = 1001; }) },
  { rule: 'vpc.dhcp.relay-vpc.not-found', bad: mut('VPC', 'vpc-2', (s) => { dhcp(s).relayVPC = 'vpc-9'; }) },

  { rule: 'vpcattachment.subnet.format', bad: mut('VPCAttachment', 'vpc-1--server-1', (s) => { s.subnet = '/default'; }) },
  { rule: 'vpcattachment.connection.required', bad: mut('VPCAttachment', 'vpc-1--server-1', (s) => { delete s.connection; }) },
  { rule: 'vpcattachment.p2p-link', bad: mut('VPCAttachment', 'vpc-1--server-1', (_s, m) => { m.metadata.annotations = { 'fabric.githedgehog.com/p2p-link': '10.0.0.0/30' }; }),
    ok: mut('VPCAttachment', 'vpc-1--server-1', (_s, m) => { m.metadata.annotations = { 'fabric.githedgehog.com/p2p-link': '10.0.0.0/31' }; }) },
  { rule: 'vpcattachment.vpc.not-found', bad: mut('VPCAttachment', 'vpc-1--server-1', (s) => { s.subnet = 'vpc-9/default'; }) },
  { rule: 'vpcattachment.subnet.not-found', bad: mut('VPCAttachment', 'vpc-1--server-1', (s) => { s.subnet = 'vpc-1/nope'; }) },
  { rule: 'vpcattachment.connection.not-found', bad: mut('VPCAttachment', 'vpc-1--server-1', (s) => { s.connection = 'nope'; }) },
  { rule: 'vpcattachment.connection.type', bad: mut('VPCAttachment', 'vpc-1--server-1', (s) => { s.connection = 'leaf-01--external'; }) },
  { rule: 'vpcattachment.eslag-mode', bad: mut('VPC', 'vpc-1', (s) => { s.mode = 'l3vni'; }), ok: mut('VPC', 'vpc-2', (s) => { s.mode = 'l3vni'; }) },
  { rule: 'vpcattachment.host-bgp', bad: mut('VPCAttachment', 'vpc-1--server-2', (s) => { s.subnet = 'vpc-2/default'; }, mut('VPC', 'vpc-2', (s) => { subnet(s).hostBGP = true; delete subnet(s).dhcp; })),
    ok: mut('VPCAttachment', 'vpc-1--server-1', (s) => { s.subnet = 'vpc-2/default'; }, mut('VPC', 'vpc-2', (s) => { subnet(s).hostBGP = true; delete subnet(s).dhcp; })) },
  { rule: 'vpcattachment.native-vlan.duplicate', bad: add(res('VPCAttachment', 'vpc-1b--server-1', { subnet: 'vpc-1/backend', connection: 'server-1--unbundled--leaf-01', nativeVLAN: true })),
    ok: add(res('VPCAttachment', 'vpc-1b--server-1', { subnet: 'vpc-1/backend', connection: 'server-1--unbundled--leaf-01' })) },
  { rule: 'vpcattachment.duplicate', bad: add(res('VPCAttachment', 'again', { subnet: 'vpc-1/default', connection: 'server-1--unbundled--leaf-01' })) },
  { rule: 'vpcattachment.switch.vlan-namespace', bad: mut('Switch', 'leaf-01', (s) => { s.vlanNamespaces = ['other']; }, add(res('VLANNamespace', 'other', { ranges: [{ from: 10, to: 20 }] }))) },
  { rule: 'vpcattachment.switch.mode-unsupported', bad: mut('Switch', 'leaf-01', (s) => { s.profile = 'edgecore-dcs501'; delete s.redundancy; delete s.portSpeeds; }) },

  { rule: 'vpcpeering.remote.deprecated', bad: mut('VPCPeering', 'vpc-1--vpc-2', (s) => { s.remote = 'border'; }) },
  { rule: 'vpcpeering.permit.vpcs', bad: mut('VPCPeering', 'vpc-1--vpc-2', (s) => { s.permit = [{ 'vpc-1': {} }]; }) },
  { rule: 'vpcpeering.vpc.not-found', bad: mut('VPCPeering', 'vpc-1--vpc-2', (s) => { s.permit = [{ 'vpc-1': {}, 'vpc-9': {} }]; }) },
  { rule: 'vpcpeering.subnet.not-found', bad: mut('VPCPeering', 'vpc-1--vpc-2', (s) => { s.permit = [{ 'vpc-1': { subnets: ['nope'] }, 'vpc-2': {} }]; }) },
  { rule: 'vpcpeering.namespace-mismatch', bad: mut('VPC', 'vpc-2', (s) => { s.vlanNamespace = 'other'; }, add(res('VLANNamespace', 'other', { ranges: [{ from: 10, to: 2000 }] }))) },

  { rule: 'ipv4namespace.name.max-length', bad: add(res('IPv4Namespace', 'namespace-12', { subnets: ['10.9.0.0/16'] })), ok: add(res('IPv4Namespace', 'namespace-1', { subnets: ['10.9.0.0/16'] })) },
  { rule: 'ipv4namespace.subnets.count', bad: mut('IPv4Namespace', 'default', (s) => { s.subnets = Array.from({ length: 11 }, (_, i) => `10.${i}.0.0/16`); }) },
  { rule: 'ipv4namespace.subnet.cidr', bad: mut('IPv4Namespace', 'default', (s) => { s.subnets = ['10.0.0.0/16', '10.300.0.0/16']; }) },
  { rule: 'ipv4namespace.subnet.overlap', bad: mut('IPv4Namespace', 'default', (s) => { s.subnets = ['10.0.0.0/16', '10.0.128.0/17']; }) },
  { rule: 'ipv4namespace.subnet.reserved-overlap', bad: mut('IPv4Namespace', 'default', (s) => { s.subnets = ['10.0.0.0/16', '172.30.0.0/16']; }) },
  { rule: 'vlannamespace.range', bad: mut('VLANNamespace', 'default', (s) => { s.ranges = [{ from: 2999, to: 1000 }]; }) },
  { rule: 'vlannamespace.range.reserved', bad: mut('VLANNamespace', 'default', (s) => { s.ranges = [{ from: 1000, to: 3001 }]; }) },

  { rule: 'external.name.max-length', bad: mut('External', 'default', (_s, m) => { m.metadata.name = 'external-123'; }) },
  { rule: 'external.community.format', bad: mut('External', 'default', (s) => { s.inboundCommunity = '70000:1'; }) },
  { rule: 'external.community.static', bad: mut('External', 'static-ext', (s) => { s.inboundCommunity = '65102:5000'; }) },
  { rule: 'external.static.prefixes', bad: mut('External', 'static-ext', (s) => { obj(s.static).prefixes = ['10.0.0.0/8', '10.1.0.0/16']; }) },
  { rule: 'external.ipv4-namespace.not-found', bad: mut('External', 'default', (s) => { s.ipv4Namespace = 'other'; }) },

  { rule: 'externalattachment.external.required', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { delete s.external; }) },
  { rule: 'externalattachment.connection.required', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { delete s.connection; }) },
  { rule: 'externalattachment.bgp.switch-ip', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { obj(s.switch).ip = '100.1.100.2'; }) },
  { rule: 'externalattachment.bgp.neighbor-asn', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { delete obj(s.neighbor).asn; }) },
  { rule: 'externalattachment.bgp.neighbor-ip', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { obj(s.neighbor).ip = '100.1.100.6/24'; }) },
  { rule: 'externalattachment.static.remote-ip', bad: mut('ExternalAttachment', 'leaf-01--static-ext', (s) => { obj(s.static).remoteIP = 'gw'; }) },
  { rule: 'externalattachment.static.exclusive', bad: mut('ExternalAttachment', 'leaf-01--static-ext', (s) => { s.switch = { vlan: 5 }; }) },
  { rule: 'externalattachment.static.ip-or-proxy', bad: mut('ExternalAttachment', 'leaf-01--static-ext', (s) => { obj(s.static).proxy = true; }),
    ok: mut('ExternalAttachment', 'leaf-01--static-ext', (s) => { obj(s.static).proxy = true; delete obj(s.static).ip; }) },
  { rule: 'externalattachment.static.ip', bad: mut('ExternalAttachment', 'leaf-01--static-ext', (s) => { obj(s.static).ip = '100.6.210.2'; }) },
  { rule: 'externalattachment.acl.seq', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { acl(s, 1).seq = 10; }) },
  { rule: 'externalattachment.acl.prefix', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { acl(s).srcPrefix = 'everything'; }) },
  { rule: 'externalattachment.acl.ports', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { acl(s).portRangeEnd = 21; }) },
  { rule: 'externalattachment.acl.tcp-filters', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { acl(s).tcpFilters = { established: true, syn: true }; }) },
  { rule: 'externalattachment.acl.icmp', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { acl(s, 1).protocol = 'udp'; }) },
  { rule: 'externalattachment.external.not-found', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { s.external = 'nope'; }) },
  { rule: 'externalattachment.static-mismatch', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { s.external = 'static-ext'; }) },
  { rule: 'externalattachment.connection.not-found', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { s.connection = 'nope'; }) },
  { rule: 'externalattachment.connection.type', bad: mut('ExternalAttachment', 'leaf-01--default', (s) => { s.connection = 'server-1--unbundled--leaf-01'; }) },
  { rule: 'externalattachment.vlan.duplicate', bad: mut('ExternalAttachment', 'leaf-01--static-ext', (s) => { obj(s.static).vlan = 100; }) },

  { rule: 'externalpeering.vpc.required', bad: mut('ExternalPeering', 'vpc-1--default', (s) => { delete obj(obj(s.permit).vpc).name; }) },
  { rule: 'externalpeering.external.required', bad: mut('ExternalPeering', 'vpc-1--default', (s) => { delete obj(obj(s.permit).external).name; }) },
  { rule: 'externalpeering.prefix.cidr', bad: mut('ExternalPeering', 'vpc-1--default', (s) => { obj(obj(s.permit).external).prefixes = [{ prefix: 'default' }]; }) },
  { rule: 'externalpeering.vpc.not-found', bad: mut('ExternalPeering', 'vpc-1--default', (s) => { obj(obj(s.permit).vpc).name = 'vpc-9'; }) },
  { rule: 'externalpeering.subnet.not-found', bad: mut('ExternalPeering', 'vpc-1--default', (s) => { obj(obj(s.permit).vpc).subnets = ['nope']; }) },
  { rule: 'externalpeering.external.not-found', bad: mut('ExternalPeering', 'vpc-1--default', (s) => { obj(obj(s.permit).external).name = 'nope'; }) },
  { rule: 'externalpeering.namespace-mismatch', bad: mut('External', 'default', (s) => { s.ipv4Namespace = 'other'; }, add(res('IPv4Namespace', 'other', { subnets: ['10.5.0.0/16'] }))) },

  { rule: 'connection.type.exactly-one', bad: mut('Connection', 'leaf-01--external', (s) => { s.vpcLoopback = { links: [] }; }) },
  { rule: 'connection.port.format', bad: mut('Connection', 'leaf-01--external', (s) => { s.external = { link: { switch: { port: 'leaf-01' } } }; }) },
  { rule: 'connection.port.duplicate-in-connection', bad: add(res('Connection', 'leaf-01--vpc-loopback', { vpcLoopback: { links: [{ switch1: { port: 'leaf-01/E1/7' }, switch2: { port: 'leaf-01/E1/7/1' } }] } })),
    ok: add(res('Connection', 'leaf-01--vpc-loopback', { vpcLoopback: { links: [{ switch1: { port: 'leaf-01/E1/7' }, switch2: { port: 'leaf-01/E1/8' } }] } })) },
  { rule: 'connection.endpoints', bad: add(res('Connection', 'bad-loopback', { vpcLoopback: { links: [{ switch1: { port: 'leaf-01/E1/7' }, switch2: { port: 'leaf-02/E1/8' } }] } })) },
  { rule: 'connection.mtu', bad: mut('Connection', 'server-1--unbundled--leaf-01', (s) => { obj(s.unbundled).mtu = 9100; }) },
  { rule: 'connection.link-ip', bad: hydrated((f) => { obj(obj((obj(find(f, 'spine-h--fabric--leaf-h').spec.fabric).links as JsonObject[])[0]).leaf).ip = '172.30.128.2/31'; }), ok: hydrated(() => undefined) },
  { rule: 'connection.static-external', bad: mut('Connection', 'leaf-02--static-external', (s) => { obj(obj(obj(s.staticExternal).link).switch).nextHop = '172.31.1.5'; }) },
  { rule: 'connection.mclag.deprecated', bad: add(res('Connection', 'm', { mclag: { links: [{ server: { port: 'server-2/a' }, switch: { port: 'leaf-01/E1/9' } }, { server: { port: 'server-2/b' }, switch: { port: 'leaf-02/E1/9' } }] } })) },
  { rule: 'connection.switch.not-found', bad: mut('Connection', 'leaf-01--external', (s) => { s.external = { link: { switch: { port: 'leaf-09/E1/5' } } }; }) },
  { rule: 'connection.server.not-found', bad: mut('Connection', 'server-1--unbundled--leaf-01', (s) => { obj(obj(obj(s.unbundled).link).server).port = 'server-9/eth0'; }) },
  { rule: 'connection.gateway.unmanaged', bad: add(res('Connection', 'spine-01--gateway--gw', { gateway: { links: [{ switch: { port: 'spine-01/E1/2' }, gateway: { port: 'gw/enp2s1' } }] } })) },
  { rule: 'connection.port.not-found', bad: mut('Connection', 'leaf-01--external', (s) => { s.external = { link: { switch: { port: 'leaf-01/E1/5/2' } } }; }),
    ok: mut('Connection', 'leaf-01--external', (s) => { s.external = { link: { switch: { port: 'leaf-01/E1/1/4' } } }; }) },
  { rule: 'connection.port.management', bad: mut('Connection', 'leaf-01--external', (s) => { s.external = { link: { switch: { port: 'leaf-01/M1' } } }; }) },
  { rule: 'connection.port.in-use', bad: mut('Connection', 'leaf-01--external', (s) => { s.external = { link: { switch: { port: 'leaf-01/E1/1' } } }; }) },
  { rule: 'connection.redundancy', bad: mut('Switch', 'leaf-02', (s) => { s.redundancy = {}; }) },
  { rule: 'connection.fabric.role', bad: mut('Switch', 'spine-01', (s) => { s.role = 'server-leaf'; }) },
  { rule: 'connection.link-ip.fabric-subnet', bad: hydrated((f) => {
    const links = obj(find(f, 'spine-h--fabric--leaf-h').spec.fabric).links as JsonObject[];
    obj(obj(links[0]).spine).ip = '10.200.0.0/31'; obj(obj(links[0]).leaf).ip = '10.200.0.1/31';
  }), ok: hydrated(() => undefined) },
  { rule: 'connection.link-ip.duplicate', bad: hydrated((f) => {
    f.push(res('Connection', 'spine-h--fabric--leaf-h-2', { fabric: { links: [{ spine: { port: 'spine-h/E1/2', ip: '172.30.128.0/31' }, leaf: { port: 'leaf-h/E1/2', ip: '172.30.128.1/31' } }] } }));
  }), ok: hydrated(() => undefined) },
  { rule: 'connection.static-external.within-vpc.not-found', bad: mut('Connection', 'leaf-02--static-external', (s) => { obj(s.staticExternal).withinVPC = 'vpc-9'; }) },

  { rule: 'switch.role.unsupported', bad: mut('Switch', 'leaf-02', (s) => { s.role = 'virtual-edge'; }) },
  { rule: 'switch.profile.required', bad: mut('Switch', 'leaf-02', (s) => { delete s.profile; }) },
  { rule: 'switch.redundancy.incomplete', bad: mut('Switch', 'spine-01', (s) => { s.redundancy = { type: 'eslag' }; }) },
  { rule: 'switch.vtep-ip.spine', bad: hydrated((f) => { find(f, 'spine-h').spec.vtepIP = '172.30.12.9/32'; }), ok: hydrated(() => undefined) },
  { rule: 'switch.ip.format', bad: hydrated((f) => { find(f, 'leaf-h').spec.protocolIP = '172.30.8.2/24'; }), ok: hydrated(() => undefined) },
  { rule: 'switch.boot.mac', bad: mut('Switch', 'leaf-01', (s) => { obj(s.boot).mac = '0c:20:12:ff:00'; }), ok: mut('Switch', 'leaf-01', (s) => { obj(s.boot).mac = '0C-20-12-FF-00-00'; }) },
  { rule: 'switch.port-breakout.format', bad: mut('Switch', 'leaf-02', (s) => { s.portBreakouts = { 'E1/1': '3x25G' }; }) },
  { rule: 'switch.hydration.partial', bad: hydrated((f) => { delete find(f, 'leaf-h').spec.vtepIP; }), ok: hydrated(() => undefined) },
  { rule: 'switch.profile.not-found', bad: mut('Switch', 'leaf-02', (s) => { s.profile = 'acme-9000'; }),
    ok: mut('Switch', 'leaf-02', (s) => { s.profile = 'acme-9000'; }, add(res('SwitchProfile', 'acme-9000', { displayName: 'ACME', switchSilicon: 'x', platform: 'p', features: { eslag: true, l2vni: true, l3vni: true }, ports: { 'E1/1': { nos: 'Ethernet0', profile: 'p' }, 'E1/5': { nos: 'Ethernet4', profile: 'p' } }, portProfiles: { p: { breakout: { default: '1x100G', supported: { '1x100G': { offsets: ['0'] }, '4x25G': { offsets: ['0', '1', '2', '3'] } } } } } }))) },
  { rule: 'switch.group.not-found', bad: mut('Switch', 'leaf-02', (s) => { s.groups = ['border']; }) },
  { rule: 'switch.vlan-namespace.not-found', bad: mut('Switch', 'spine-01', (s) => { s.vlanNamespaces = ['other']; }) },
  { rule: 'switch.vlan-namespaces.overlap', bad: mut('Switch', 'spine-01', (s) => { s.vlanNamespaces = ['default', 'other']; }, add(res('VLANNamespace', 'other', { ranges: [{ from: 2000, to: 2100 }] }))),
    ok: mut('Switch', 'spine-01', (s) => { s.vlanNamespaces = ['default', 'other']; }, add(res('VLANNamespace', 'other', { ranges: [{ from: 100, to: 200 }] }))) },
  { rule: 'switch.feature.unsupported', bad: mut('Switch', 'spine-01', (s) => { s.ecmp = { roceQPN: true }; }), ok: mut('Switch', 'spine-01', (s) => { s.roce = true; }) },
  { rule: 'switch.port-breakout', bad: mut('Switch', 'leaf-02', (s) => { s.portBreakouts = { 'E1/1': '8x10G' }; }) },
  { rule: 'switch.port-speed', bad: mut('Switch', 'leaf-01', (s) => { s.portSpeeds = { 'E1/33': '25G' }; }) },
  { rule: 'switch.port-autoneg', bad: mut('Switch', 'leaf-01', (s) => { s.portAutoNegs = { 'E1/33': true }; }) },
  { rule: 'switch.port-fec', bad: mut('Switch', 'leaf-01', (s) => { s.portFECs = { 'E1/1/5': 'rs' }; }) },
  { rule: 'switch.max-ports', bad: mut('Switch', 'spine-01', (s) => { s.portBreakouts = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`E1/${i + 1}`, '8x50G'])); }) },
  { rule: 'switch.asn', bad: hydrated((f) => { find(f, 'spine-h').spec.asn = 65101; find(f, 'leaf-h').spec.asn = 65200; find(f, 'leaf-h').spec.asn = 65100; }), ok: hydrated(() => undefined) },
  { rule: 'switch.hydrated.duplicate', bad: hydrated((f) => { find(f, 'leaf-h').spec.protocolIP = '172.30.8.1/32'; }), ok: hydrated(() => undefined) },
  { rule: 'switch.hydrated.subnet', bad: hydrated((f) => { find(f, 'leaf-h').spec.vtepIP = '172.30.8.9/32'; }), ok: hydrated(() => undefined) },

  { rule: 'switchprofile.other-names', bad: add(res('SwitchProfile', 'p', { displayName: 'P', switchSilicon: 's', platform: 'x', otherNames: ['a', 'a'] })), ok: add(res('SwitchProfile', 'p', { displayName: 'P', switchSilicon: 's', platform: 'x', otherNames: ['a', 'b'] })) },
  { rule: 'switchprofile.required', bad: add(res('SwitchProfile', 'p', { displayName: 'P' })), ok: add(res('SwitchProfile', 'p', { displayName: 'P', switchSilicon: 's', platform: 'x' })) },
  { rule: 'switchprofile.port', bad: add(res('SwitchProfile', 'p', { displayName: 'P', switchSilicon: 's', platform: 'x', ports: { M1: { management: true } } })),
    ok: add(res('SwitchProfile', 'p', { displayName: 'P', switchSilicon: 's', platform: 'x', ports: { M1: { management: true, oniePortName: 'eth0' }, 'E1/1': { group: '1' } } })) },
  { rule: 'switchprofile.overrides-built-in', bad: add(res('SwitchProfile', 'vs', { displayName: 'P', switchSilicon: 's', platform: 'x' })), ok: add(res('SwitchProfile', 'vs-2', { displayName: 'P', switchSilicon: 's', platform: 'x' })) },
];

describe('validation rules', () => {
  test('the base fabrics are clean', () => {
    assert.deepEqual(check(baseFabric()), []);
    assert.deepEqual(check([...baseFabric(), ...hydratedPair()]), []);
  });

  test('every rule id has a positive and a negative case', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    assert.deepEqual(RULE_IDS.filter((rule) => !covered.has(rule)), []);
  });

  for (const { rule, bad, ok } of CASES) {
    test(rule, () => {
      const badIssues = check(bad);
      const hit = badIssues.filter((issue) => issue.rule === rule);
      assert.ok(hit.length > 0, `expected ${rule}; got ${JSON.stringify(badIssues.map((i) => `${i.rule}: ${i.message}`), null, 1)}`);
      for (const issue of hit) {
        assert.ok(issue.message.length > 10);
        assert.equal(typeof issue.fieldPath, 'string');
      }
      const okIssues = check(ok ?? baseFabric());
      assert.deepEqual(okIssues.filter((issue) => issue.rule === rule), [], `${rule} must not fire on the valid variant`);
    });
  }
});

describe('stored manifests', () => {
  // The manifest cache hands validation frozen canonical manifests, and connection shapes of frozen specs are kept
  // between validations: every case must find the same, the first time and again.
  test('frozen canonical entries give the findings of plain manifests, also when validated again', () => {
    for (const { rule, bad } of CASES) {
      if (typeof bad === 'string') continue;
      const plain = validateFabric(structuredClone(bad));
      const entries = bad.map((manifest) => ({ manifest: deepFreeze(canonicalizeManifest(structuredClone(manifest))), canonical: true }));
      assert.deepEqual(validateFabric(entries), plain, rule);
      assert.deepEqual(validateFabric(entries), plain, `${rule}, validated again`);
    }
  });
});

describe('focus', () => {
  test('only issues about or involving the focused resources are reported', () => {
    const fabric = mut('Connection', 'leaf-01--external', (s) => { s.external = { link: { switch: { port: 'leaf-01/E1/1' } } }; });
    fabric.push(res('VPC', 'vpc-12345678901', { subnets: { default: { subnet: '10.0.9.0/24', vlan: 1009 } } }));
    const all = check(fabric);
    assert.ok(all.some((i) => i.rule === 'vpc.name.max-length'));
    const onEslag = validateFabric(fabric, { focus: [{ kind: 'Connection', namespace: 'default', name: 'server-2--eslag--leaf-01--leaf-02' }] });
    assert.deepEqual(onEslag.map((i) => i.rule), ['connection.port.in-use']);
    const onVpc = validateFabric(fabric, { focus: [{ kind: 'VPC', namespace: '', name: 'vpc-12345678901' }] });
    assert.deepEqual(onVpc.map((i) => i.rule), ['vpc.name.max-length']);
  });
});
