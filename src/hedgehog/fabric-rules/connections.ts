import { getObject, getString } from '../access';
import { connectionShape, portUsageKey, type ConnectionEndpoint, type ConnectionShape } from '../connection-endpoints';
import { parseIPv4Prefix, prefixCovers } from '../ip';
import { deepFreeze, type JsonObject } from '../json';
import type { Manifest } from '../manifest';
import { missingRef, related, type FabricContext } from './context';

/** Connection shapes computed once per fabric, reused by the attachment rules. */
export type ConnectionShapes = Map<string, ConnectionShape>;

/** Shapes of frozen specs (the cached stored manifests, which never change), made once per spec and frozen too. */
const frozenSpecShapes = new WeakMap<JsonObject, ConnectionShape>();

function shapeOf(spec: JsonObject): ConnectionShape {
  if (!Object.isFrozen(spec)) return connectionShape(spec);
  let shape = frozenSpecShapes.get(spec);
  if (!shape) frozenSpecShapes.set(spec, (shape = deepFreeze(connectionShape(spec))));
  return shape;
}

export function validateConnections(context: FabricContext): ConnectionShapes {
  const shapes: ConnectionShapes = new Map();
  const portOwners = new Map<string, Manifest>();
  const linkIPOwners = new Map<number, Manifest>();
  const fabricSubnet = parseIPv4Prefix(context.config.fabricSubnet);
  for (const connection of context.index.all('Connection')) {
    const shape = shapeOf(connection.spec);
    shapes.set(connection.metadata.name, shape);
    const sink = context.sinkFor(connection);
    for (const endpoint of shape.endpoints) {
      if (endpoint.device === undefined || endpoint.localPort === undefined) continue;
      if (endpoint.role === 'gateway') {
        sink.warning('connection.gateway.unmanaged', endpoint.path, `gateway ${endpoint.device} is a gateway.githedgehog.com Gateway, which this project does not manage; the reference is not checked`);
      } else if (endpoint.role === 'server') {
        if (!context.index.get('Server', endpoint.device)) {
          sink.error('connection.server.not-found', endpoint.path, `server ${endpoint.device} does not exist; add a Server named ${endpoint.device}`, [missingRef('Server', endpoint.device)]);
        }
      } else {
        validateSwitchPort(context, connection, endpoint, portOwners);
      }
    }
    if (shape.type === 'eslag' || shape.type === 'mclag') validateRedundancy(context, connection, shape, shape.type);
    if (shape.type === 'fabric' || shape.type === 'mesh') validateRoles(context, connection, shape);
    for (const [a, b] of shape.links) {
      for (const end of [a, b]) {
        const prefix = end.ip !== undefined ? parseIPv4Prefix(end.ip) : undefined;
        if (!prefix || prefix.bits !== 31) continue;
        if (fabricSubnet && !prefixCovers(fabricSubnet, prefix)) {
          sink.error('connection.link-ip.fabric-subnet', end.ipPath ?? end.path, `link IP ${end.ip} must be inside the fabric subnet ${context.config.fabricSubnet}`);
        }
        const owner = linkIPOwners.get(prefix.address);
        if (owner) sink.error('connection.link-ip.duplicate', end.ipPath ?? end.path, `link IP ${end.ip} is already used${owner === connection ? ' in this connection' : ` by ${owner.metadata.name}`}`, related(owner));
        else linkIPOwners.set(prefix.address, connection);
      }
    }
    if (shape.type === 'staticExternal') {
      const vpc = getString(shape.body, 'withinVPC');
      if (vpc !== undefined && !context.index.get('VPC', vpc)) {
        context.sinkFor(connection).error('connection.static-external.within-vpc.not-found', 'spec.staticExternal.withinVPC', `withinVPC ${vpc} does not exist`, [missingRef('VPC', vpc)]);
      }
    }
  }
  return shapes;
}

function validateSwitchPort(context: FabricContext, connection: Manifest, endpoint: ConnectionEndpoint, owners: Map<string, Manifest>): void {
  const sink = context.sinkFor(connection);
  const device = endpoint.device as string;
  const localPort = endpoint.localPort as string;
  const sw = context.index.get('Switch', device);
  if (!sw) {
    sink.error('connection.switch.not-found', endpoint.path, `switch ${device} does not exist; add a Switch named ${device}`, [missingRef('Switch', device)]);
    return;
  }
  const catalog = context.portCatalogs.get(device);
  if (catalog) {
    if (catalog.managementPorts.has(localPort)) {
      sink.error('connection.port.management', endpoint.path, `${localPort} is the management port of ${device}; it cannot be used in a Connection`, related(sw));
    } else if (!catalog.dataPorts.has(localPort)) {
      const profile = getString(sw.spec, 'profile');
      sink.error('connection.port.not-found', endpoint.path, `port ${localPort} does not exist on ${device} (profile ${profile}) with its current portBreakouts; broken-out ports are named like E1/1/2`, related(sw));
    }
  }
  const key = portUsageKey(device, localPort);
  const owner = owners.get(key);
  if (owner && owner !== connection) {
    sink.error('connection.port.in-use', endpoint.path, `port ${endpoint.port} is already used by connection ${owner.metadata.name}`, related(owner, sw));
  } else owners.set(key, connection);
}

function validateRedundancy(context: FabricContext, connection: Manifest, shape: ConnectionShape, type: 'eslag' | 'mclag'): void {
  const groups = new Set<string>();
  const switches = new Set(shape.endpoints.filter((e) => e.role === 'switch' && e.device).map((e) => e.device as string));
  for (const name of switches) {
    const sw = context.index.get('Switch', name);
    if (!sw) return;
    const redundancy = getObject(sw.spec, 'redundancy');
    if (getString(redundancy, 'type') !== type) {
      context.sinkFor(connection).error('connection.redundancy', `spec.${type}`, `switch ${name} must have redundancy type ${type} for a ${type} connection`, related(sw));
      return;
    }
    groups.add(getString(redundancy, 'group') ?? '');
  }
  if (groups.size > 1) {
    context.sinkFor(connection).error('connection.redundancy', `spec.${type}`, `switches ${[...switches].join(', ')} must share one redundancy group; found ${[...groups].join(', ')}`);
  }
}

function validateRoles(context: FabricContext, connection: Manifest, shape: ConnectionShape): void {
  for (const endpoint of shape.endpoints) {
    const sw = endpoint.device ? context.index.get('Switch', endpoint.device) : undefined;
    const role = getString(sw?.spec, 'role');
    if (!sw || role === undefined) continue;
    const wantsSpine = endpoint.side === 'spine';
    if (wantsSpine !== (role === 'spine')) {
      context.sinkFor(connection).error('connection.fabric.role', endpoint.path, `${endpoint.side} end ${endpoint.device} has role ${role}; it must be ${wantsSpine ? 'a spine' : 'a leaf'}`, related(sw));
    }
  }
}
