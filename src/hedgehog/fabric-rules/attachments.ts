import { getBoolean, getNumber, getObject, getString, getStrings } from '../access';
import type { Manifest } from '../manifest';
import type { SwitchFeature } from '../switch-profiles';
import type { ConnectionShapes } from './connections';
import { missingRef, related, type FabricContext } from './context';

const VPC_CONNECTION_TYPES = new Set(['unbundled', 'bundled', 'eslag', 'mclag']);

export function validateVpcAttachments(context: FabricContext, shapes: ConnectionShapes): void {
  const nativeOwners = new Map<string, Manifest>();
  const subnetOwners = new Map<string, Manifest>();
  for (const attachment of context.index.all('VPCAttachment')) {
    const sink = context.sinkFor(attachment);
    const subnetRef = getString(attachment.spec, 'subnet') ?? '';
    const slash = subnetRef.indexOf('/');
    const vpcName = slash > 0 ? subnetRef.slice(0, slash) : undefined;
    const subnetName = slash > 0 ? subnetRef.slice(slash + 1) : undefined;
    const vpc = context.index.get('VPC', vpcName);
    const connectionName = getString(attachment.spec, 'connection');
    const connection = context.index.get('Connection', connectionName);
    let subnet: ReturnType<typeof getObject>;
    if (vpcName !== undefined && !vpc) sink.error('vpcattachment.vpc.not-found', 'spec.subnet', `VPC ${vpcName} does not exist`, [missingRef('VPC', vpcName)]);
    if (vpc && subnetName !== undefined) {
      subnet = getObject(getObject(vpc.spec, 'subnets'), subnetName);
      if (!subnet) sink.error('vpcattachment.subnet.not-found', 'spec.subnet', `VPC ${vpcName} has no subnet ${subnetName}; it has ${Object.keys(getObject(vpc.spec, 'subnets') ?? {}).join(', ')}`, related(vpc));
    }
    if (connectionName !== undefined && !connection) {
      sink.error('vpcattachment.connection.not-found', 'spec.connection', `Connection ${connectionName} does not exist`, [missingRef('Connection', connectionName)]);
    }
    if (!connection || connectionName === undefined) continue;
    const shape = shapes.get(connectionName);
    const type = shape?.type;
    if (type === undefined || !VPC_CONNECTION_TYPES.has(type)) {
      sink.error('vpcattachment.connection.type', 'spec.connection', `Connection ${connectionName} is ${type ?? 'invalid'}; VPCs attach only to unbundled, bundled, eslag or mclag connections`, related(connection));
      continue;
    }
    if (getBoolean(attachment.spec, 'nativeVLAN')) {
      const owner = nativeOwners.get(connectionName);
      if (owner) sink.error('vpcattachment.native-vlan.duplicate', 'spec.nativeVLAN', `connection ${connectionName} already has a native VLAN attachment (${owner.metadata.name})`, related(owner, connection));
      else nativeOwners.set(connectionName, attachment);
    }
    const usage = `${connectionName}|${subnetRef}`;
    const twin = subnetOwners.get(usage);
    if (twin) sink.error('vpcattachment.duplicate', 'spec.subnet', `${subnetRef} is already attached to ${connectionName} by ${twin.metadata.name}`, related(twin, connection));
    else subnetOwners.set(usage, attachment);
    if (!vpc) continue;

    const mode = getString(vpc.spec, 'mode') ?? '';
    const hostBGP = getBoolean(subnet, 'hostBGP');
    if (type === 'eslag' && mode !== '') sink.error('vpcattachment.eslag-mode', 'spec.connection', `ESLAG connections support only L2VNI VPCs; ${vpcName} has mode ${mode}`, related(vpc, connection));
    if (hostBGP && type !== 'unbundled') sink.error('vpcattachment.host-bgp', 'spec.connection', `hostBGP subnet ${subnetRef} can attach only to unbundled connections, not ${type}`, related(vpc, connection));
    const vlanNamespace = getString(vpc.spec, 'vlanNamespace') ?? 'default';
    const requiredFeatures: SwitchFeature[] = mode === '' ? ['l2vni', 'l3vni'] : mode === 'l3vni' ? ['l3vni'] : [];
    const switches = new Set((shape?.endpoints ?? []).filter((e) => e.role === 'switch' && e.device).map((e) => e.device as string));
    for (const switchName of switches) {
      const sw = context.index.get('Switch', switchName);
      if (!sw) continue;
      if (!getStrings(sw.spec, 'vlanNamespaces').includes(vlanNamespace)) {
        sink.error('vpcattachment.switch.vlan-namespace', 'spec.connection', `switch ${switchName} does not list VLANNamespace ${vlanNamespace} (used by ${vpcName}) in spec.vlanNamespaces`, related(sw, vpc));
      }
      const profileName = getString(sw.spec, 'profile');
      const profile = profileName !== undefined ? context.profiles.get(profileName) : undefined;
      const missing = requiredFeatures.filter((feature) => profile && profile.features?.[feature] !== true);
      if (missing.length > 0) {
        sink.error('vpcattachment.switch.mode-unsupported', 'spec.subnet', `switch ${switchName} (${profileName}) lacks feature ${missing.join(' and ')} needed by VPC mode ${mode || 'l2vni'}`, related(sw, vpc));
      }
      if (hostBGP && getString(getObject(sw.spec, 'redundancy'), 'type') === 'mclag') {
        sink.error('vpcattachment.host-bgp', 'spec.connection', `hostBGP subnets cannot attach to MCLAG switch ${switchName}`, related(sw, vpc));
      }
    }
  }
}

export function validateExternalAttachments(context: FabricContext, shapes: ConnectionShapes): void {
  const vlanOwners = new Map<string, Manifest>();
  for (const attachment of context.index.all('ExternalAttachment')) {
    const sink = context.sinkFor(attachment);
    const externalName = getString(attachment.spec, 'external');
    const external = context.index.get('External', externalName);
    const isStatic = getObject(attachment.spec, 'static') !== undefined;
    if (externalName !== undefined && !external) sink.error('externalattachment.external.not-found', 'spec.external', `External ${externalName} does not exist`, [missingRef('External', externalName)]);
    if (external && (getObject(external.spec, 'static') !== undefined) !== isStatic) {
      sink.error('externalattachment.static-mismatch', isStatic ? 'spec.static' : 'spec.external',
        isStatic ? `External ${externalName} is a BGP external; a static attachment needs a static External` : `External ${externalName} is static; use spec.static instead of switch/neighbor`, related(external));
    }
    const connectionName = getString(attachment.spec, 'connection');
    const connection = context.index.get('Connection', connectionName);
    if (connectionName === undefined) continue;
    if (!connection) {
      sink.error('externalattachment.connection.not-found', 'spec.connection', `Connection ${connectionName} does not exist`, [missingRef('Connection', connectionName)]);
      continue;
    }
    const type = shapes.get(connectionName)?.type;
    if (type !== 'external') {
      sink.error('externalattachment.connection.type', 'spec.connection', `Connection ${connectionName} is ${type ?? 'invalid'}; an ExternalAttachment needs a connection of type external`, related(connection));
      continue;
    }
    const vlan = (isStatic ? getNumber(getObject(attachment.spec, 'static'), 'vlan') : getNumber(getObject(attachment.spec, 'switch'), 'vlan')) ?? 0;
    const key = `${connectionName}|${vlan}`;
    const owner = vlanOwners.get(key);
    if (owner) {
      sink.error('externalattachment.vlan.duplicate', isStatic ? 'spec.static.vlan' : 'spec.switch.vlan', `VLAN ${vlan === 0 ? '0 (untagged)' : vlan} is already used on connection ${connectionName} by ${owner.metadata.name}`, related(owner, connection));
    } else vlanOwners.set(key, attachment);
  }
}
