import { getArray, getObject, getString } from './access';
import { isJsonObject, type JsonObject } from './json';

export const CONNECTION_TYPES = [
  'unbundled', 'bundled', 'eslag', 'mclag', 'mclagDomain', 'fabric', 'mesh', 'gateway', 'vpcLoopback', 'external', 'staticExternal',
] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

export type EndpointRole = 'switch' | 'server' | 'gateway';

export interface ConnectionEndpoint {
  role: EndpointRole;
  /** Full `<device>/<port>` text as written. */
  port: string;
  /** Field path of the `port` value. */
  path: string;
  /** Present when the text splits into two non-empty parts on the first `/`. */
  device?: string;
  localPort?: string;
  /** Link IP (fabric, mesh, gateway links). */
  ip?: string;
  /** Field path of the `ip` value. */
  ipPath?: string;
  /** Side of a fabric or mesh link (`spine`, `leaf`, `leaf1`, `leaf2`). */
  side?: string;
}

export interface ConnectionShape {
  /** Set keys among the connection types, in declaration order. */
  types: ConnectionType[];
  type?: ConnectionType;
  body?: JsonObject;
  endpoints: ConnectionEndpoint[];
  /** Endpoint pairs that form one link (two ends of a /31), for link-IP rules. */
  links: Array<[ConnectionEndpoint, ConnectionEndpoint]>;
  /** Field paths where a `port` is expected but missing. */
  missingPorts: string[];
}

/** Splits `<device>/<port>` on the first slash, as fabric's `SplitPortName` does. */
export function splitPortName(text: string): { device: string; localPort: string } | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  return { device: text.slice(0, slash), localPort: text.slice(slash + 1) };
}

/** `E1/4` and `E1/4/1` name the same lane: the key a port-uniqueness check compares. */
export function portUsageKey(device: string, localPort: string): string {
  const parts = localPort.split('/');
  return parts.length === 2 ? `${device}/${localPort}/1` : `${device}/${localPort}`;
}

const LINK_SIDES: Partial<Record<ConnectionType, Array<[side: string, role: EndpointRole]>>> = {
  bundled: [['server', 'server'], ['switch', 'switch']],
  eslag: [['server', 'server'], ['switch', 'switch']],
  mclag: [['server', 'server'], ['switch', 'switch']],
  fabric: [['spine', 'switch'], ['leaf', 'switch']],
  mesh: [['leaf1', 'switch'], ['leaf2', 'switch']],
  gateway: [['switch', 'switch'], ['gateway', 'gateway']],
  vpcLoopback: [['switch1', 'switch'], ['switch2', 'switch']],
};

function endpoint(role: EndpointRole, holder: JsonObject | undefined, path: string, side: string, missing: string[]): ConnectionEndpoint | undefined {
  const port = getString(holder, 'port');
  if (port === undefined) {
    missing.push(`${path}.port`);
    return undefined;
  }
  const split = splitPortName(port);
  const ip = getString(holder, 'ip');
  return {
    role,
    port,
    path: `${path}.port`,
    side,
    ...(split ?? {}),
    ...(ip !== undefined ? { ip, ipPath: `${path}.ip` } : {}),
  };
}

/** Reads the type and every endpoint of a Connection spec (schema-checked or not). */
export function connectionShape(spec: JsonObject): ConnectionShape {
  const types = CONNECTION_TYPES.filter((type) => spec[type] !== undefined && spec[type] !== null);
  const shape: ConnectionShape = { types, endpoints: [], links: [], missingPorts: [] };
  if (types.length !== 1) return shape;
  const type = types[0];
  const body = getObject(spec, type);
  shape.type = type;
  if (!body) return shape;
  shape.body = body;
  const base = `spec.${type}`;
  const push = (candidate: ConnectionEndpoint | undefined): ConnectionEndpoint | undefined => {
    if (candidate) shape.endpoints.push(candidate);
    return candidate;
  };

  const sides = LINK_SIDES[type];
  if (type === 'unbundled') {
    const link = getObject(body, 'link');
    push(endpoint('server', getObject(link, 'server'), `${base}.link.server`, 'server', shape.missingPorts));
    push(endpoint('switch', getObject(link, 'switch'), `${base}.link.switch`, 'switch', shape.missingPorts));
  } else if (type === 'external' || type === 'staticExternal') {
    push(endpoint('switch', getObject(getObject(body, 'link'), 'switch'), `${base}.link.switch`, 'switch', shape.missingPorts));
  } else if (type === 'mclagDomain') {
    for (const listName of ['peerLinks', 'sessionLinks']) {
      getArray(body, listName).forEach((link, index) => {
        if (!isJsonObject(link)) return;
        push(endpoint('switch', getObject(link, 'switch1'), `${base}.${listName}[${index}].switch1`, 'switch1', shape.missingPorts));
        push(endpoint('switch', getObject(link, 'switch2'), `${base}.${listName}[${index}].switch2`, 'switch2', shape.missingPorts));
      });
    }
  } else if (sides) {
    getArray(body, 'links').forEach((link, index) => {
      if (!isJsonObject(link)) return;
      const ends = sides.map(([side, role]) => push(endpoint(role, getObject(link, side), `${base}.links[${index}].${side}`, side, shape.missingPorts)));
      if (ends[0] && ends[1]) shape.links.push([ends[0], ends[1]]);
    });
  }
  return shape;
}
