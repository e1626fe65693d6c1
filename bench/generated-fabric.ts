/**
 * A realistic fabric of `size` resources for benchmarks (default 10,000): spines, leaves, servers and their
 * connections, VPCs, attachments, peerings and external peerings, valid under the Hedgehog rules.
 * VLANs are unique within a fabric (at most ~3,000 VPC subnets in the namespace), so larger fabrics grow by
 * attachments (a server connection attached to more VPCs), not by VPCs.
 */
import type { JsonObject, Manifest } from '../src/hedgehog';

const WIRING = 'wiring.githedgehog.com/v1beta1';
const VPC_API = 'vpc.githedgehog.com/v1beta1';
/** The VLANNamespace covers 100–2999 (3000–3999 are reserved); VPC v uses 1000 + v, and the sync benchmark moves 1,000 VLANs down by 900. */
const MAX_VPCS = 2000;
const VLAN_SHIFT_STEP = 97;

function resource(apiVersion: string, kind: string, name: string, spec: JsonObject): Manifest {
  return { apiVersion, kind, metadata: { name, namespace: 'default' }, spec };
}

export function generateFabric(size = 10_000): Manifest[] {
  const fabric: Manifest[] = [
    resource(WIRING, 'VLANNamespace', 'default', { ranges: [{ from: 100, to: 2999 }] }),
    resource(VPC_API, 'IPv4Namespace', 'default', { subnets: ['10.0.0.0/8'] }),
    resource(VPC_API, 'External', 'default', { ipv4Namespace: 'default', inboundCommunity: '65102:5000', outboundCommunity: '50000:50001' }),
  ];
  const spines = 4;
  const leaves = Math.min(100, Math.max(1, Math.ceil(size / 100)));
  const serversPerLeaf = 20;
  const vpcs = Math.min(MAX_VPCS, Math.max(2, Math.round(size / 10)));
  const peerings = Math.min(Math.floor(vpcs / 2), Math.round(size * 0.03));
  const externalPeerings = Math.min(vpcs, Math.round(size * 0.02));
  const spineBreakouts = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`E1/${i + 1}`, '4x100G']));
  for (let s = 0; s < spines; s++) fabric.push(resource(WIRING, 'Switch', `spine-${s}`, { role: 'spine', profile: 'celestica-ds4000', portBreakouts: spineBreakouts }));
  for (let l = 0; l < leaves; l++) {
    fabric.push(resource(WIRING, 'Switch', `leaf-${l}`, { role: 'server-leaf', profile: 'celestica-ds3000', boot: { mac: '0c:20:12:ff:00:00' } }));
    for (let s = 0; s < spines; s++) {
      const spinePort = `E1/${Math.floor(l / 4) + 1}/${(l % 4) + 1}`;
      fabric.push(resource(WIRING, 'Connection', `spine-${s}--fabric--leaf-${l}`, {
        fabric: { links: [{ spine: { port: `spine-${s}/${spinePort}` }, leaf: { port: `leaf-${l}/E1/${25 + s}` } }] },
      }));
    }
  }
  const connections: string[] = [];
  for (let l = 0; l < leaves; l++) {
    for (let p = 0; p < serversPerLeaf; p++) {
      const server = `server-${l}-${p}`;
      const connection = `${server}--unbundled--leaf-${l}`;
      fabric.push(resource(WIRING, 'Server', server, {}));
      fabric.push(resource(WIRING, 'Connection', connection, { unbundled: { link: { server: { port: `${server}/eth0` }, switch: { port: `leaf-${l}/E1/${p + 1}` } } } }));
      connections.push(connection);
    }
  }
  for (let v = 0; v < vpcs; v++) {
    fabric.push(resource(VPC_API, 'VPC', `vpc-${v}`, {
      subnets: { default: { subnet: `10.${Math.floor(v / 256)}.${v % 256}.0/24`, vlan: 1000 + v, dhcp: { enable: true } } },
    }));
  }
  const attachments = size - fabric.length - peerings - externalPeerings;
  // Connection i, round r attaches VPC (i + r·97) mod vpcs: distinct VPCs per connection for every round < vpcs.
  for (let round = 0, added = 0; added < attachments && round < vpcs; round++) {
    for (let index = 0; index < connections.length && added < attachments; index++, added++) {
      const vpc = (index + round * VLAN_SHIFT_STEP) % vpcs;
      fabric.push(resource(VPC_API, 'VPCAttachment', `vpc-${vpc}--${connections[index]}`, { subnet: `vpc-${vpc}/default`, connection: connections[index] }));
    }
  }
  for (let p = 0; p < peerings; p++) {
    const v = 2 * p;
    fabric.push(resource(VPC_API, 'VPCPeering', `vpc-${v}--vpc-${v + 1}`, { permit: [{ [`vpc-${v}`]: {}, [`vpc-${v + 1}`]: {} }] }));
  }
  for (let v = 0; fabric.length < size && v < externalPeerings; v++) {
    fabric.push(resource(VPC_API, 'ExternalPeering', `vpc-${v}--default`, { permit: { vpc: { name: `vpc-${v}`, subnets: ['default'] }, external: { name: 'default', prefixes: [{ prefix: '0.0.0.0/0' }] } } }));
  }
  return fabric;
}
