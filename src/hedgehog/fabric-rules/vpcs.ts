import { getArray, getNumber, getObject, getString } from '../access';
import { findOverlaps, parseIPv4Prefix, prefixCovers, type IPv4Prefix } from '../ip';
import { joinPath } from '../issues';
import { isJsonObject } from '../json';
import type { Manifest } from '../manifest';
import { missingRef, related, type FabricContext } from './context';

interface SubnetEntry {
  vpc: Manifest;
  subnet: string;
}

export function validateVpcs(context: FabricContext): void {
  const subnetsByNamespace = new Map<string, Array<{ start: number; end: number; value: SubnetEntry }>>();
  const vlanOwners = new Map<string, SubnetEntry>();
  const namespacePrefixes = new Map<string, IPv4Prefix[]>();
  const prefixesOf = (namespace: Manifest): IPv4Prefix[] => {
    let prefixes = namespacePrefixes.get(namespace.metadata.name);
    if (!prefixes) {
      prefixes = getArray(namespace.spec, 'subnets')
        .map((text) => (typeof text === 'string' ? parseIPv4Prefix(text) : undefined))
        .filter((prefix): prefix is IPv4Prefix => prefix !== undefined);
      namespacePrefixes.set(namespace.metadata.name, prefixes);
    }
    return prefixes;
  };

  for (const vpc of context.index.all('VPC')) {
    const sink = context.sinkFor(vpc);
    const ipv4Name = getString(vpc.spec, 'ipv4Namespace') ?? 'default';
    const vlanName = getString(vpc.spec, 'vlanNamespace') ?? 'default';
    const ipv4Namespace = context.index.get('IPv4Namespace', ipv4Name);
    const vlanNamespace = context.index.get('VLANNamespace', vlanName);
    if (!ipv4Namespace) sink.error('vpc.ipv4-namespace.not-found', 'spec.ipv4Namespace', `IPv4Namespace ${ipv4Name} does not exist`, [missingRef('IPv4Namespace', ipv4Name)]);
    if (!vlanNamespace) sink.error('vpc.vlan-namespace.not-found', 'spec.vlanNamespace', `VLANNamespace ${vlanName} does not exist`, [missingRef('VLANNamespace', vlanName)]);
    const ranges = vlanNamespace ? getArray(vlanNamespace.spec, 'ranges').filter(isJsonObject) : [];

    for (const [subnetName, subnet] of Object.entries(getObject(vpc.spec, 'subnets') ?? {})) {
      if (!isJsonObject(subnet)) continue;
      const path = joinPath('spec.subnets', subnetName);
      const text = getString(subnet, 'subnet');
      const prefix = text !== undefined ? parseIPv4Prefix(text) : undefined;
      if (prefix && ipv4Namespace) {
        if (!prefixesOf(ipv4Namespace).some((outer) => prefixCovers(outer, prefix))) {
          sink.error('vpc.subnet.outside-namespace', `${path}.subnet`, `subnet ${text} is not inside any subnet of IPv4Namespace ${ipv4Name} (${getArray(ipv4Namespace.spec, 'subnets').join(', ')})`, related(ipv4Namespace));
        }
        let list = subnetsByNamespace.get(ipv4Name);
        if (!list) subnetsByNamespace.set(ipv4Name, (list = []));
        list.push({ start: prefix.network, end: prefix.last, value: { vpc, subnet: subnetName } });
      }
      const vlan = getNumber(subnet, 'vlan') ?? 0;
      if (vlan !== 0 && vlanNamespace) {
        const inside = ranges.some((range) => {
          const from = getNumber(range, 'from') ?? 0;
          return vlan >= from && vlan <= (getNumber(range, 'to') ?? from);
        });
        if (!inside) sink.error('vpc.subnet.vlan.outside-namespace', `${path}.vlan`, `VLAN ${vlan} is outside the ranges of VLANNamespace ${vlanName}`, related(vlanNamespace));
        const key = `${vlanName}/${vlan}`;
        const owner = vlanOwners.get(key);
        if (owner && owner.vpc !== vpc) {
          sink.error('vpc.subnet.vlan.conflict', `${path}.vlan`, `VLAN ${vlan} is already used by ${owner.vpc.metadata.name}/${owner.subnet} in VLANNamespace ${vlanName}`, related(owner.vpc));
        } else if (!owner) vlanOwners.set(key, { vpc, subnet: subnetName });
      }
      const relayVPC = getString(getObject(subnet, 'dhcp'), 'relayVPC');
      if (relayVPC !== undefined && !context.index.get('VPC', relayVPC)) {
        sink.error('vpc.dhcp.relay-vpc.not-found', `${path}.dhcp.relayVPC`, `relayVPC ${relayVPC} does not exist`, [missingRef('VPC', relayVPC)]);
      }
    }
  }

  for (const [namespace, intervals] of subnetsByNamespace) {
    for (const [a, b] of findOverlaps(intervals)) {
      if (a.value.vpc === b.value.vpc) continue;
      context.sinkFor(b.value.vpc).error(
        'vpc.subnet.overlap-other-vpc',
        `${joinPath('spec.subnets', b.value.subnet)}.subnet`,
        `subnet ${b.value.subnet} overlaps ${a.value.vpc.metadata.name}/${a.value.subnet} in IPv4Namespace ${namespace}`,
        related(a.value.vpc),
      );
    }
  }
}
