import { arr, bool, int, mapOf, obj, str, uint16, uint32, uint8, type Schema } from './schema';

/** Spec shapes of the 14 kinds, from the v1beta1 Go types (strict: unknown fields are errors). */

const port = obj({ port: str() });
const portWithIP = obj({ port: str(), ip: str() });
const serverToSwitchLinks = (minItems?: number): Schema => arr(obj({ server: port, switch: port }), minItems);
const switchToSwitchLink = obj({ switch1: port, switch2: port });

const vpcSubnet = obj({
  subnet: str(),
  gateway: str(),
  vlan: uint16,
  isolated: bool,
  restricted: bool,
  hostBGP: bool,
  dhcp: obj({
    enable: bool,
    relay: str(),
    relayVPC: str(),
    range: obj({ start: str(), end: str() }),
    options: obj({
      pxeURL: str(),
      dnsServers: arr(str()),
      timeServers: arr(str()),
      interfaceMTU: uint16,
      leaseTimeSeconds: uint32,
      disableDefaultRoute: bool,
      advertisedRoutes: arr(obj({ destination: str(), gateway: str() }, ['destination', 'gateway'])),
    }),
    static: mapOf(obj({ ip: str() }, ['ip'])),
  }),
});

const aclStatement = obj(
  {
    seq: uint16,
    action: str(['permit', 'deny', 'discard', 'transit']),
    protocol: str(['ip', 'tcp', 'udp', 'icmp']),
    srcPrefix: str(),
    dstPrefix: str(),
    portRangeBegin: uint16,
    portRangeEnd: uint16,
    tcpFilters: obj(
      Object.fromEntries(
        ['established', 'fin', 'notFin', 'syn', 'notSyn', 'rst', 'notRst', 'psh', 'notPsh', 'ack', 'notAck', 'urg', 'notUrg'].map((flag) => [flag, bool]),
      ),
    ),
    icmpType: uint8,
    icmpCode: uint8,
  },
  ['seq', 'action', 'protocol', 'srcPrefix', 'dstPrefix'],
);

export const SPEC_SCHEMAS: Readonly<Record<string, Schema>> = {
  VPC: obj({
    mode: str(['', 'l3vni', 'l3flat']),
    subnets: mapOf(vpcSubnet),
    ipv4Namespace: str(),
    vlanNamespace: str(),
    defaultIsolated: bool,
    defaultRestricted: bool,
    permit: arr(arr(str())),
    staticRoutes: arr(obj({ prefix: str(), nextHops: arr(str()) })),
  }),
  VPCAttachment: obj({ subnet: str(), connection: str(), nativeVLAN: bool }),
  VPCPeering: obj({ remote: str(), permit: arr(mapOf(obj({ subnets: arr(str(), 1, 10) })), 1, 10) }),
  IPv4Namespace: obj({ subnets: arr(str(), 1, 20) }),
  External: obj({ ipv4Namespace: str(), inboundCommunity: str(), outboundCommunity: str(), static: obj({ prefixes: arr(str()) }) }),
  ExternalAttachment: obj({
    external: str(),
    connection: str(),
    switch: obj({ vlan: uint16, ip: str() }),
    neighbor: obj({ asn: uint32, ip: str() }),
    static: obj({ remoteIP: str(), vlan: uint16, ip: str(), proxy: bool }),
    inboundACL: obj({ statements: arr(aclStatement) }),
  }),
  ExternalPeering: obj({
    permit: obj({
      vpc: obj({ name: str(), subnets: arr(str()) }),
      external: obj({ name: str(), prefixes: arr(obj({ prefix: str() }, ['prefix'])) }),
    }),
  }),
  Connection: obj({
    unbundled: obj({ link: obj({ server: port, switch: port }), mtu: uint16 }),
    bundled: obj({ links: serverToSwitchLinks(), mtu: uint16, fallback: bool }),
    eslag: obj({ links: serverToSwitchLinks(2), mtu: uint16, fallback: bool }),
    mclag: obj({ links: serverToSwitchLinks(2), mtu: uint16, fallback: bool }),
    mclagDomain: obj({ peerLinks: arr(switchToSwitchLink, 1), sessionLinks: arr(switchToSwitchLink, 1) }),
    fabric: obj({ links: arr(obj({ spine: portWithIP, leaf: portWithIP }), 1) }),
    mesh: obj({ links: arr(obj({ leaf1: portWithIP, leaf2: portWithIP }), 1) }),
    gateway: obj({ links: arr(obj({ switch: portWithIP, gateway: portWithIP }), 1) }),
    vpcLoopback: obj({ links: arr(switchToSwitchLink, 1) }),
    external: obj({ link: obj({ switch: port }) }),
    staticExternal: obj({
      link: obj({ switch: obj({ port: str(), ip: str(), nextHop: str(), subnets: arr(str()), vlan: uint16 }) }),
      withinVPC: str(),
    }),
  }),
  Server: obj({ description: str(), profile: str() }),
  Switch: obj({
    role: str(['spine', 'server-leaf', 'border-leaf', 'mixed-leaf', 'virtual-edge']),
    description: str(),
    profile: str(),
    groups: arr(str()),
    redundancy: obj({ group: str(), type: str(['', 'mclag', 'eslag']) }),
    vlanNamespaces: arr(str()),
    asn: uint32,
    ip: str(),
    vtepIP: str(),
    protocolIP: str(),
    portGroupSpeeds: mapOf(str()),
    portSpeeds: mapOf(str()),
    portBreakouts: mapOf(str()),
    portAutoNegs: mapOf(bool),
    portFECs: mapOf(str(['rs', 'fc', 'auto', 'disabled'])),
    boot: obj({ serial: str(), mac: str() }),
    enableAllPorts: bool,
    roce: bool,
    ecmp: obj({ roceQPN: bool }),
    linkFlapErrDisable: obj({ flapThreshold: int(1, 50), samplingInterval: int(1, 65535), recoveryInterval: int(0, 65534) }),
  }),
  SwitchGroup: obj({}),
  VLANNamespace: obj({ ranges: arr(obj({ from: uint16, to: uint16 }), 1, 20) }),
  ServerProfile: obj({ nics: arr(obj({ name: str(), ports: arr(obj({ name: str() })) })) }),
  SwitchProfile: obj({
    displayName: str(),
    otherNames: arr(str()),
    switchSilicon: str(),
    features: obj(Object.fromEntries(['subinterfaces', 'acls', 'l2vni', 'l3vni', 'roce', 'mclag', 'eslag', 'ecmpRoCEQPN'].map((f) => [f, bool]))),
    notes: str(),
    config: obj({ maxPathsEBGP: uint32 }),
    nosType: str(['sonic-bcm-base', 'sonic-bcm-campus', 'sonic-bcm-vs', 'sonic-cls-plus-broadcom', 'sonic-cls-plus-marvell', 'sonic-cls-plus-vs', 'cumulus-vx', 'cumulus-mlx']),
    platform: str(),
    ports: mapOf(
      obj({ nos: str(), baseNOSName: str(), label: str(), group: str(), profile: str(), management: bool, oniePortName: str(), pipeline: str() }),
    ),
    portGroups: mapOf(obj({ nos: str(), profile: str() })),
    portProfiles: mapOf(
      obj({
        speed: obj({ default: str(), supported: arr(str()) }),
        breakout: obj({ default: str(), supported: mapOf(obj({ offsets: arr(str()) })) }),
        autoNegAllowed: bool,
        autoNegDefault: bool,
      }),
    ),
    pipelines: mapOf(obj({ maxPorts: uint16 })),
    maxPorts: uint16,
  }),
};
