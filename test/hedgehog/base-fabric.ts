import type { JsonObject, Manifest } from '../../src/hedgehog';

const WIRING = 'wiring.githedgehog.com/v1beta1';
const VPC = 'vpc.githedgehog.com/v1beta1';

function resource(apiVersion: string, kind: string, name: string, spec: JsonObject): Manifest {
  return { apiVersion, kind, metadata: { name, namespace: 'default' }, spec };
}

/** A small valid fabric that exercises every kind; rule tests mutate copies of it. */
export function baseFabric(): Manifest[] {
  return [
    resource(WIRING, 'VLANNamespace', 'default', { ranges: [{ from: 1000, to: 2999 }] }),
    resource(VPC, 'IPv4Namespace', 'default', { subnets: ['10.0.0.0/16'] }),
    resource(WIRING, 'SwitchGroup', 'eslag-1', {}),
    resource(WIRING, 'Switch', 'leaf-01', {
      role: 'server-leaf', profile: 'celestica-ds3000', boot: { mac: '0c:20:12:ff:00:00' }, redundancy: { group: 'eslag-1', type: 'eslag' },
      portBreakouts: { 'E1/1': '4x25G' }, portSpeeds: { 'E1/33': '10G' }, portAutoNegs: { 'E1/2': true }, portFECs: { 'E1/1/1': 'rs' },
    }),
    resource(WIRING, 'Switch', 'leaf-02', { role: 'server-leaf', profile: 'celestica-ds3000', redundancy: { group: 'eslag-1', type: 'eslag' }, portBreakouts: { 'E1/1': '4x25G' } }),
    resource(WIRING, 'Switch', 'spine-01', { role: 'spine', profile: 'celestica-ds4000', redundancy: {} }),
    resource(WIRING, 'Server', 'server-1', {}),
    resource(WIRING, 'Server', 'server-2', {}),
    resource(WIRING, 'ServerProfile', 'generic', { nics: [{ name: 'nic0', ports: [{ name: 'eth0' }] }] }),
    resource(WIRING, 'Connection', 'server-1--unbundled--leaf-01', { unbundled: { link: { server: { port: 'server-1/enp2s1' }, switch: { port: 'leaf-01/E1/2' } }, mtu: 9036 } }),
    resource(WIRING, 'Connection', 'server-2--eslag--leaf-01--leaf-02', {
      eslag: { links: [{ server: { port: 'server-2/enp2s1' }, switch: { port: 'leaf-01/E1/1/1' } }, { server: { port: 'server-2/enp2s2' }, switch: { port: 'leaf-02/E1/1/1' } }] },
    }),
    resource(WIRING, 'Connection', 'spine-01--fabric--leaf-01', {
      fabric: { links: [{ spine: { port: 'spine-01/E1/1' }, leaf: { port: 'leaf-01/E1/31' } }] },
    }),
    resource(WIRING, 'Connection', 'leaf-01--external', { external: { link: { switch: { port: 'leaf-01/E1/5' } } } }),
    resource(WIRING, 'Connection', 'leaf-02--static-external', {
      staticExternal: { link: { switch: { port: 'leaf-02/E1/5', ip: '172.31.0.1/24', nextHop: '172.31.0.5', subnets: ['192.168.0.0/24'], vlan: 10 } }, withinVPC: 'vpc-1' },
    }),
    resource(VPC, 'VPC', 'vpc-1', {
      subnets: {
        default: { subnet: '10.0.1.0/24', vlan: 1001, dhcp: { enable: true, range: { start: '10.0.1.10' }, options: { dnsServers: ['10.0.1.1'], advertisedRoutes: [{ destination: '10.9.0.0/16', gateway: '10.0.1.1' }] }, static: { '0c:20:12:fe:00:01': { ip: '10.0.1.50' } } } },
        backend: { subnet: '10.0.2.0/24', vlan: 1002 },
      },
      permit: [['default', 'backend']],
      staticRoutes: [{ prefix: '10.50.0.0/16', nextHops: ['10.0.1.254'] }],
    }),
    resource(VPC, 'VPC', 'vpc-2', { subnets: { default: { subnet: '10.0.3.0/24', vlan: 1003, dhcp: { relay: '10.99.0.1/32', relayVPC: 'vpc-1' } } } }),
    resource(VPC, 'VPCAttachment', 'vpc-1--server-1', { subnet: 'vpc-1/default', connection: 'server-1--unbundled--leaf-01', nativeVLAN: true }),
    resource(VPC, 'VPCAttachment', 'vpc-1--server-2', { subnet: 'vpc-1', connection: 'server-2--eslag--leaf-01--leaf-02' }),
    resource(VPC, 'VPCPeering', 'vpc-1--vpc-2', { permit: [{ 'vpc-1': { subnets: ['default'] }, 'vpc-2': {} }] }),
    resource(VPC, 'External', 'default', { ipv4Namespace: 'default', inboundCommunity: '65102:5000', outboundCommunity: '50000:50001' }),
    resource(VPC, 'External', 'static-ext', { ipv4Namespace: 'default', static: { prefixes: ['0.0.0.0/0'] } }),
    resource(VPC, 'ExternalAttachment', 'leaf-01--default', {
      external: 'default', connection: 'leaf-01--external', switch: { vlan: 100, ip: '100.1.100.2/24' }, neighbor: { asn: 64102, ip: '100.1.100.6' },
      inboundACL: { statements: [
        { seq: 10, action: 'permit', protocol: 'tcp', srcPrefix: 'any', dstPrefix: '10.0.0.0/8', portRangeBegin: 22, portRangeEnd: 22, tcpFilters: { syn: true, notAck: true } },
        { seq: 20, action: 'deny', protocol: 'icmp', srcPrefix: '0.0.0.0/0', dstPrefix: 'any', icmpType: 8 },
      ] },
    }),
    resource(VPC, 'ExternalAttachment', 'leaf-01--static-ext', { external: 'static-ext', connection: 'leaf-01--external', static: { remoteIP: '100.6.210.6', vlan: 210, ip: '100.6.210.2/24' } }),
    resource(VPC, 'ExternalPeering', 'vpc-1--default', { permit: { vpc: { name: 'vpc-1', subnets: ['default'] }, external: { name: 'default', prefixes: [{ prefix: '0.0.0.0/0' }] } } }),
  ];
}

/** A hydrated spine + leaf pair (fields that hhfab allocates), for hydration rules. */
export function hydratedPair(): Manifest[] {
  return [
    resource(WIRING, 'Switch', 'spine-h', { role: 'spine', profile: 'vs', asn: 65100, ip: '172.30.0.8/21', protocolIP: '172.30.8.1/32' }),
    resource(WIRING, 'Switch', 'leaf-h', { role: 'server-leaf', profile: 'vs', asn: 65101, ip: '172.30.0.9/21', protocolIP: '172.30.8.2/32', vtepIP: '172.30.12.1/32' }),
    resource(WIRING, 'Connection', 'spine-h--fabric--leaf-h', {
      fabric: { links: [{ spine: { port: 'spine-h/E1/1', ip: '172.30.128.0/31' }, leaf: { port: 'leaf-h/E1/1', ip: '172.30.128.1/31' } }] },
    }),
  ];
}
