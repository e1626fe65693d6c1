import { getArray, getBoolean, getNumber, getObject, getString, getStrings } from '../access';
import { findOverlaps, formatIPv4, isCIDR, isIPAddress, normalizeMac, parseIPv4, parseIPv4Prefix, prefixContains, prefixesOverlap, type IPv4Prefix } from '../ip';
import { joinPath } from '../issues';
import { isJsonObject, type JsonObject } from '../json';
import type { ResourceRuleContext } from './context';

const MAX_SUBNETS = 20;

export function validateVpc(context: ResourceRuleContext): void {
  const { manifest, spec, sink, config } = context;
  const name = manifest.metadata.name;
  if (name.length > 11) sink.error('vpc.name.max-length', 'metadata.name', `VPC name "${name}" has ${name.length} characters; the limit is 11`);
  if (name.startsWith('ext.')) sink.error('vpc.name.ext-prefix', 'metadata.name', `VPC name "${name}" must not start with "ext." (reserved for externals in the gateway)`);
  if (spec.mode === 'l3flat') sink.error('vpc.mode.unsupported', 'spec.mode', 'VPC mode l3flat is not supported yet; use "" (L2VNI) or l3vni');

  const subnets = getObject(spec, 'subnets') ?? {};
  const subnetNames = Object.keys(subnets);
  if (subnetNames.length < 1 || subnetNames.length > MAX_SUBNETS) {
    sink.error('vpc.subnets.count', 'spec.subnets', `a VPC needs between 1 and ${MAX_SUBNETS} subnets, found ${subnetNames.length}`);
  }

  const parsed: Array<{ name: string; prefix: IPv4Prefix }> = [];
  const vlanOwners = new Map<number, string>();
  for (const subnetName of subnetNames) {
    const subnet = subnets[subnetName];
    if (!isJsonObject(subnet)) continue;
    const path = joinPath('spec.subnets', subnetName);
    const prefix = validateSubnetCidr(context, subnet, path);
    if (prefix) parsed.push({ name: subnetName, prefix });

    const hostBGP = getBoolean(subnet, 'hostBGP');
    const vlan = getNumber(subnet, 'vlan') ?? 0;
    if (vlan === 0 && !hostBGP) sink.error('vpc.subnet.vlan.required', `${path}.vlan`, `subnet ${subnetName} needs a VLAN (1-4094) unless hostBGP is true`);
    if (vlan !== 0) {
      const owner = vlanOwners.get(vlan);
      if (owner !== undefined) sink.error('vpc.subnet.vlan.duplicate', `${path}.vlan`, `VLAN ${vlan} is used by subnets ${owner} and ${subnetName}; each subnet needs its own VLAN`);
      else vlanOwners.set(vlan, subnetName);
      if (vlan >= config.reservedVLANs.from && vlan <= config.reservedVLANs.to) {
        sink.error('vpc.subnet.vlan.reserved', `${path}.vlan`, `VLAN ${vlan} is reserved by the fabric (${config.reservedVLANs.from}-${config.reservedVLANs.to}); pick one from the VLANNamespace`);
      }
    }
    if (prefix) validateGateway(context, subnet, path, prefix, hostBGP);
    validateDhcp(context, subnet, path, prefix, hostBGP);
  }

  for (const [a, b] of findOverlaps(parsed.map((entry) => ({ start: entry.prefix.network, end: entry.prefix.last, value: entry.name })))) {
    sink.error('vpc.subnet.overlap', joinPath(joinPath('spec.subnets', b.value), 'subnet'), `subnets ${a.value} and ${b.value} of this VPC overlap`);
  }

  getArray(spec, 'permit').forEach((entry, index) => {
    if (!Array.isArray(entry)) return;
    const names = entry.filter((item): item is string => typeof item === 'string');
    const path = `spec.permit[${index}]`;
    if (names.length < 2) sink.error('vpc.permit', path, 'each permit list needs at least 2 subnet names');
    const seen = new Set<string>();
    for (const subnetName of names) {
      if (seen.has(subnetName)) sink.error('vpc.permit', path, `subnet ${subnetName} appears twice in the permit list`);
      seen.add(subnetName);
      if (!(subnetName in subnets)) sink.error('vpc.permit', path, `permit names subnet ${subnetName}, which this VPC does not have`);
    }
  });

  getArray(spec, 'staticRoutes').forEach((route, index) => {
    if (!isJsonObject(route)) return;
    const path = `spec.staticRoutes[${index}]`;
    const text = getString(route, 'prefix');
    const prefix = text !== undefined ? parseIPv4Prefix(text) : undefined;
    if (text === undefined) sink.error('vpc.static-route.prefix', `${path}.prefix`, 'static route prefix is required');
    else if (!prefix) sink.error('vpc.static-route.prefix', `${path}.prefix`, `static route prefix "${text}" is not a valid CIDR`);
    else if (!prefix.canonical) sink.error('vpc.static-route.prefix', `${path}.prefix`, `static route prefix "${text}" has host bits set; use ${formatIPv4(prefix.network)}/${prefix.bits}`);
    if (getStrings(route, 'nextHops').length === 0) sink.error('vpc.static-route.next-hops', `${path}.nextHops`, 'a static route needs at least one next hop');
  });
}

function validateSubnetCidr(context: ResourceRuleContext, subnet: JsonObject, path: string): IPv4Prefix | undefined {
  const { sink, reservedPrefixes } = context;
  const text = getString(subnet, 'subnet');
  if (text === undefined) {
    sink.error('vpc.subnet.cidr', `${path}.subnet`, 'subnet CIDR is required, e.g. 10.0.1.0/24');
    return undefined;
  }
  const prefix = parseIPv4Prefix(text);
  if (!prefix) {
    sink.error('vpc.subnet.cidr', `${path}.subnet`, `"${text}" is not a valid IPv4 CIDR, e.g. 10.0.1.0/24`);
    return undefined;
  }
  if (prefix.bits > 30) sink.error('vpc.subnet.prefix-length', `${path}.subnet`, `subnet ${text} is too small; the longest allowed prefix is /30`);
  const reserved = reservedPrefixes.find((candidate) => prefixesOverlap(candidate, prefix));
  if (reserved) {
    sink.error('vpc.subnet.reserved-overlap', `${path}.subnet`, `subnet ${text} overlaps the fabric reserved subnet ${formatIPv4(reserved.network)}/${reserved.bits}`);
  }
  return prefix;
}

function validateGateway(context: ResourceRuleContext, subnet: JsonObject, path: string, prefix: IPv4Prefix, hostBGP: boolean): void {
  const text = getString(subnet, 'gateway');
  if (text === undefined) {
    if (!hostBGP) context.sink.error('vpc.subnet.gateway', `${path}.gateway`, 'gateway is required');
    return;
  }
  const address = parseIPv4(text);
  if (address === undefined || !prefixContains(prefix, address)) {
    context.sink.error('vpc.subnet.gateway', `${path}.gateway`, `gateway "${text}" must be an IPv4 address inside ${formatIPv4(prefix.network)}/${prefix.bits}`);
  }
}

function validateDhcp(context: ResourceRuleContext, subnet: JsonObject, path: string, prefix: IPv4Prefix | undefined, hostBGP: boolean): void {
  const { sink } = context;
  const dhcp = getObject(subnet, 'dhcp');
  if (!dhcp) return;
  const dhcpPath = `${path}.dhcp`;
  const enabled = getBoolean(dhcp, 'enable');
  const relay = getString(dhcp, 'relay');
  if (hostBGP && enabled) sink.error('vpc.subnet.host-bgp-dhcp', `${dhcpPath}.enable`, 'DHCP cannot be enabled on a hostBGP subnet');
  if (enabled && relay !== undefined) sink.error('vpc.dhcp.relay-exclusive', `${dhcpPath}.relay`, 'DHCP server (enable) and DHCP relay are mutually exclusive');
  if (relay !== undefined && !isCIDR(relay)) sink.error('vpc.dhcp.relay.cidr', `${dhcpPath}.relay`, `DHCP relay "${relay}" must be written as a CIDR, e.g. 10.99.0.100/32`);
  if (getString(dhcp, 'relayVPC') !== undefined && relay === undefined) {
    sink.error('vpc.dhcp.relay-vpc.requires-relay', `${dhcpPath}.relayVPC`, 'relayVPC needs relay to be set');
  }

  const range = getObject(dhcp, 'range');
  const options = getObject(dhcp, 'options');
  const statics = getObject(dhcp, 'static');
  if (!enabled) {
    const setting = range && (getString(range, 'start') || getString(range, 'end')) ? 'range' : options ? 'options' : statics && Object.keys(statics).length > 0 ? 'static' : undefined;
    if (setting) sink.error('vpc.dhcp.disabled-settings', `${dhcpPath}.${setting}`, `DHCP ${setting} is set but DHCP is not enabled; set dhcp.enable: true or remove it`);
    return;
  }
  if (!prefix) return;
  const gateway = parseIPv4(getString(subnet, 'gateway') ?? '');
  const start = validateRangeBound(context, range, 'start', dhcpPath, prefix, gateway);
  const end = validateRangeBound(context, range, 'end', dhcpPath, prefix, gateway);
  if (start !== undefined && end !== undefined && start >= end) {
    sink.error('vpc.dhcp.range', `${dhcpPath}.range`, 'DHCP range start must be lower than its end');
  }
  if (options) validateDhcpOptions(context, options, `${dhcpPath}.options`, prefix);
  if (statics) validateStaticLeases(context, statics, `${dhcpPath}.static`, prefix, gateway);
}

function validateRangeBound(
  context: ResourceRuleContext, range: JsonObject | undefined, bound: 'start' | 'end', dhcpPath: string, prefix: IPv4Prefix, gateway: number | undefined,
): number | undefined {
  const text = getString(range, bound);
  if (text === undefined) return undefined;
  const path = `${dhcpPath}.range.${bound}`;
  const address = parseIPv4(text);
  const cidr = `${formatIPv4(prefix.network)}/${prefix.bits}`;
  if (address === undefined || !prefixContains(prefix, address)) {
    context.sink.error('vpc.dhcp.range', path, `DHCP range ${bound} "${text}" must be an IPv4 address inside ${cidr}`);
    return undefined;
  }
  if (address === prefix.network || address === gateway) {
    context.sink.error('vpc.dhcp.range', path, `DHCP range ${bound} ${text} must not be the network or gateway address`);
    return undefined;
  }
  return address;
}

function validateDhcpOptions(context: ResourceRuleContext, options: JsonObject, path: string, prefix: IPv4Prefix): void {
  const { sink } = context;
  for (const key of ['dnsServers', 'timeServers']) {
    getStrings(options, key).forEach((server, index) => {
      if (!isIPAddress(server)) sink.error('vpc.dhcp.options.ip', `${path}.${key}[${index}]`, `"${server}" is not an IP address`);
    });
  }
  const mtu = getNumber(options, 'interfaceMTU');
  if (mtu !== undefined && (mtu < 96 || mtu > 9036)) sink.error('vpc.dhcp.options.mtu', `${path}.interfaceMTU`, `interface MTU ${mtu} must be between 96 and 9036`);
  const lease = getNumber(options, 'leaseTimeSeconds');
  if (lease !== undefined && lease < 1) sink.error('vpc.dhcp.options.lease-time', `${path}.leaseTimeSeconds`, 'lease time must be at least 1 second');
  getArray(options, 'advertisedRoutes').forEach((route, index) => {
    if (!isJsonObject(route)) return;
    const routePath = `${path}.advertisedRoutes[${index}]`;
    const destination = getString(route, 'destination');
    if (destination !== undefined && !isCIDR(destination)) sink.error('vpc.dhcp.route', `${routePath}.destination`, `route destination "${destination}" is not a CIDR`);
    const gatewayText = getString(route, 'gateway');
    const gateway = gatewayText !== undefined ? parseIPv4(gatewayText) : undefined;
    if (gatewayText !== undefined && (gateway === undefined || !prefixContains(prefix, gateway))) {
      sink.error('vpc.dhcp.route', `${routePath}.gateway`, `route gateway "${gatewayText}" must be an IPv4 address inside the subnet`);
    }
  });
}

function validateStaticLeases(context: ResourceRuleContext, statics: JsonObject, path: string, prefix: IPv4Prefix, gateway: number | undefined): void {
  const owners = new Map<number, string>();
  for (const [mac, lease] of Object.entries(statics)) {
    const leasePath = joinPath(path, mac);
    if (normalizeMac(mac) === undefined) context.sink.error('vpc.dhcp.static.mac', leasePath, `"${mac}" is not a MAC address, e.g. 0c:20:12:fe:00:01`);
    const text = isJsonObject(lease) ? getString(lease, 'ip') : undefined;
    if (text === undefined) continue;
    const address = parseIPv4(text);
    if (address === undefined || !prefixContains(prefix, address) || address === prefix.network || address === prefix.last || address === gateway) {
      context.sink.error('vpc.dhcp.static.ip', `${leasePath}.ip`, `static IP "${text}" must be inside the subnet and not its network, gateway or broadcast address`);
      continue;
    }
    const owner = owners.get(address);
    if (owner !== undefined) context.sink.error('vpc.dhcp.static.duplicate-ip', `${leasePath}.ip`, `static IP ${text} is already leased to ${owner}`);
    else owners.set(address, mac);
  }
}
