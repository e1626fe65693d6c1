import { getNumber, getObject, getString, getStrings } from '../access';
import { connectionShape, CONNECTION_TYPES, portUsageKey, type ConnectionShape, type ConnectionType } from '../connection-endpoints';
import { findOverlaps, parseIPv4, parseIPv4Prefix, prefixContains, prefixesOverlap } from '../ip';
import type { ResourceRuleContext } from './context';

/** Allowed number of distinct switches and servers per connection type. */
const ENDPOINT_COUNTS: Record<ConnectionType, { switches: [number, number]; servers: [number, number] }> = {
  unbundled: { switches: [1, 1], servers: [1, 1] },
  bundled: { switches: [1, 1], servers: [1, 1] },
  eslag: { switches: [1, 4], servers: [1, 1] },
  mclag: { switches: [1, 2], servers: [1, 1] },
  mclagDomain: { switches: [2, 2], servers: [0, 0] },
  fabric: { switches: [2, 2], servers: [0, 0] },
  mesh: { switches: [2, 2], servers: [0, 0] },
  gateway: { switches: [1, 1], servers: [0, 0] },
  vpcLoopback: { switches: [1, 1], servers: [0, 0] },
  external: { switches: [1, 1], servers: [0, 0] },
  staticExternal: { switches: [1, 1], servers: [0, 0] },
};

const SERVER_FACING: ReadonlySet<ConnectionType> = new Set(['unbundled', 'bundled', 'eslag', 'mclag']);
const IP_LINKS: ReadonlySet<ConnectionType> = new Set(['fabric', 'mesh', 'gateway']);

export function validateConnection(context: ResourceRuleContext): void {
  const { spec, sink } = context;
  const shape = connectionShape(spec);
  if (shape.types.length !== 1) {
    sink.error('connection.type.exactly-one', 'spec', `a Connection needs exactly one of ${CONNECTION_TYPES.join(', ')}; found ${shape.types.length === 0 ? 'none' : shape.types.join(', ')}`);
    return;
  }
  const type = shape.type as ConnectionType;
  if (type === 'mclag' || type === 'mclagDomain') {
    sink.warning('connection.mclag.deprecated', `spec.${type}`, `${type} connections are deprecated since fabric v0.126 (ignored on newer releases); migrate to eslag`);
  }
  for (const path of shape.missingPorts) sink.error('connection.port.format', path, 'port is required, written "<device>/<port>"');
  const seen = new Set<string>();
  for (const endpoint of shape.endpoints) {
    if (endpoint.device === undefined || endpoint.localPort === undefined) {
      sink.error('connection.port.format', endpoint.path, `port "${endpoint.port}" must be "<device>/<port>", e.g. leaf-01/E1/1`);
      continue;
    }
    const key = endpoint.role === 'switch' ? portUsageKey(endpoint.device, endpoint.localPort) : endpoint.port;
    if (seen.has(key)) sink.error('connection.port.duplicate-in-connection', endpoint.path, `port ${endpoint.port} is used twice in this connection`);
    seen.add(key);
  }
  validateEndpointCounts(context, shape, type);
  const mtu = getNumber(shape.body, 'mtu');
  if (SERVER_FACING.has(type) && mtu !== undefined && mtu > context.config.maxServerFacingMTU) {
    sink.error('connection.mtu', `spec.${type}.mtu`, `MTU ${mtu} exceeds the server-facing maximum ${context.config.maxServerFacingMTU}`);
  }
  if (IP_LINKS.has(type)) validateLinkIPs(context, shape);
  if (type === 'staticExternal') validateStaticExternal(context, shape);
}

function validateEndpointCounts({ sink }: ResourceRuleContext, shape: ConnectionShape, type: ConnectionType): void {
  const switches = new Set(shape.endpoints.filter((e) => e.role === 'switch' && e.device).map((e) => e.device));
  const servers = new Set(shape.endpoints.filter((e) => e.role === 'server' && e.device).map((e) => e.device));
  const expected = ENDPOINT_COUNTS[type];
  const describe = ([min, max]: [number, number]): string => (min === max ? `${min}` : `${min} to ${max}`);
  if (shape.endpoints.length === 0 && shape.missingPorts.length === 0) {
    sink.error('connection.endpoints', `spec.${type}`, `${type} connection has no links`);
    return;
  }
  if (switches.size < expected.switches[0] || switches.size > expected.switches[1]) {
    sink.error('connection.endpoints', `spec.${type}`, `${type} connection needs ${describe(expected.switches)} switch(es), found ${switches.size}${switches.size ? ` (${[...switches].join(', ')})` : ''}`);
  }
  if (servers.size < expected.servers[0] || servers.size > expected.servers[1]) {
    sink.error('connection.endpoints', `spec.${type}`, `${type} connection needs ${describe(expected.servers)} server(s), found ${servers.size}`);
  }
}

function validateLinkIPs({ sink }: ResourceRuleContext, shape: ConnectionShape): void {
  for (const [a, b] of shape.links) {
    if (a.ip === undefined && b.ip === undefined) continue;
    const prefixes = [a, b].map((end) => {
      const prefix = end.ip !== undefined ? parseIPv4Prefix(end.ip) : undefined;
      if (!prefix || prefix.bits !== 31) {
        sink.error('connection.link-ip', end.ipPath ?? end.path.replace(/port$/, 'ip'), `link IP ${JSON.stringify(end.ip ?? '')} must be an IPv4 /31 such as 172.30.128.0/31 (set both ends or neither)`);
        return undefined;
      }
      return prefix;
    });
    if (prefixes[0] && prefixes[1] && (prefixes[0].network !== prefixes[1].network || prefixes[0].address === prefixes[1].address)) {
      sink.error('connection.link-ip', b.ipPath ?? b.path, `link IPs ${a.ip} and ${b.ip} must be the two addresses of the same /31`);
    }
  }
}

function validateStaticExternal({ sink, reservedPrefixes }: ResourceRuleContext, shape: ConnectionShape): void {
  const switchSide = getObject(getObject(shape.body, 'link'), 'switch');
  const base = 'spec.staticExternal.link.switch';
  const ipText = getString(switchSide, 'ip');
  const ip = ipText !== undefined ? parseIPv4Prefix(ipText) : undefined;
  if (ipText !== undefined && !ip) sink.error('connection.static-external', `${base}.ip`, `ip "${ipText}" must be an IPv4 CIDR, e.g. 172.31.0.1/24`);
  const nextHop = getString(switchSide, 'nextHop');
  if (nextHop !== undefined) {
    const address = parseIPv4(nextHop);
    if (address === undefined || (ip && !prefixContains(ip, address))) {
      sink.error('connection.static-external', `${base}.nextHop`, `nextHop "${nextHop}" must be an IPv4 address inside ${ipText ?? 'the link subnet'}`);
    }
  }
  const subnets = getStrings(switchSide, 'subnets');
  const parsed: Array<{ start: number; end: number; value: string }> = [];
  subnets.forEach((text, index) => {
    const prefix = parseIPv4Prefix(text);
    const path = `${base}.subnets[${index}]`;
    if (!prefix || !prefix.canonical) sink.error('connection.static-external', path, `subnet "${text}" must be a canonical IPv4 CIDR (no host bits)`);
    else if (prefix.bits === 0 && subnets.length > 1) sink.error('connection.static-external', path, '0.0.0.0/0 must be the only subnet when used');
    else if (prefix.bits > 0 && reservedPrefixes.some((reserved) => prefixesOverlap(reserved, prefix))) {
      sink.error('connection.static-external', path, `subnet ${text} overlaps a fabric reserved subnet`);
    } else parsed.push({ start: prefix.network, end: prefix.last, value: text });
  });
  for (const [a, b] of findOverlaps(parsed)) sink.error('connection.static-external', `${base}.subnets`, `subnets ${a.value} and ${b.value} overlap`);
}
