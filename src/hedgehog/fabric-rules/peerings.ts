import { getArray, getObject, getString, getStrings } from '../access';
import { isJsonObject } from '../json';
import { missingRef, related, type FabricContext } from './context';

export function validateExternals(context: FabricContext): void {
  for (const external of context.index.all('External')) {
    const namespace = getString(external.spec, 'ipv4Namespace') ?? 'default';
    if (!context.index.get('IPv4Namespace', namespace)) {
      context.sinkFor(external).error('external.ipv4-namespace.not-found', 'spec.ipv4Namespace', `IPv4Namespace ${namespace} does not exist`, [missingRef('IPv4Namespace', namespace)]);
    }
  }
}

export function validateVpcPeerings(context: FabricContext): void {
  for (const peering of context.index.all('VPCPeering')) {
    const sink = context.sinkFor(peering);
    const vpcs = new Map<string, ReturnType<typeof context.index.get>>();
    getArray(peering.spec, 'permit').forEach((entry, index) => {
      if (!isJsonObject(entry)) return;
      for (const [vpcName, peer] of Object.entries(entry)) {
        const path = `spec.permit[${index}].${vpcName}`;
        const vpc = context.index.get('VPC', vpcName);
        if (!vpc) {
          if (!vpcs.has(vpcName)) sink.error('vpcpeering.vpc.not-found', path, `VPC ${vpcName} does not exist`, [missingRef('VPC', vpcName)]);
          vpcs.set(vpcName, undefined);
          continue;
        }
        vpcs.set(vpcName, vpc);
        const subnets = getObject(vpc.spec, 'subnets') ?? {};
        for (const subnet of getStrings(isJsonObject(peer) ? peer : undefined, 'subnets')) {
          if (!(subnet in subnets)) sink.error('vpcpeering.subnet.not-found', `${path}.subnets`, `VPC ${vpcName} has no subnet ${subnet}`, related(vpc));
        }
      }
    });
    const found = [...vpcs.values()].filter((vpc) => vpc !== undefined);
    if (found.length === 2) {
      const [a, b] = found;
      for (const key of ['ipv4Namespace', 'vlanNamespace']) {
        const left = getString(a.spec, key) ?? 'default';
        const right = getString(b.spec, key) ?? 'default';
        if (left !== right) {
          sink.error('vpcpeering.namespace-mismatch', 'spec.permit', `peered VPCs must share ${key}: ${a.metadata.name} uses ${left}, ${b.metadata.name} uses ${right}`, related(a, b));
        }
      }
    }
  }
}

export function validateExternalPeerings(context: FabricContext): void {
  for (const peering of context.index.all('ExternalPeering')) {
    const sink = context.sinkFor(peering);
    const permit = getObject(peering.spec, 'permit');
    const vpcName = getString(getObject(permit, 'vpc'), 'name');
    const externalName = getString(getObject(permit, 'external'), 'name');
    const vpc = context.index.get('VPC', vpcName);
    const external = context.index.get('External', externalName);
    if (vpcName !== undefined && !vpc) sink.error('externalpeering.vpc.not-found', 'spec.permit.vpc.name', `VPC ${vpcName} does not exist`, [missingRef('VPC', vpcName)]);
    if (externalName !== undefined && !external) {
      sink.error('externalpeering.external.not-found', 'spec.permit.external.name', `External ${externalName} does not exist`, [missingRef('External', externalName)]);
    }
    if (vpc) {
      const subnets = getObject(vpc.spec, 'subnets') ?? {};
      getStrings(getObject(permit, 'vpc'), 'subnets').forEach((subnet) => {
        if (!(subnet in subnets)) sink.error('externalpeering.subnet.not-found', 'spec.permit.vpc.subnets', `VPC ${vpcName} has no subnet ${subnet}`, related(vpc));
      });
    }
    if (vpc && external) {
      const left = getString(vpc.spec, 'ipv4Namespace') ?? 'default';
      const right = getString(external.spec, 'ipv4Namespace') ?? 'default';
      if (left !== right) {
        sink.error('externalpeering.namespace-mismatch', 'spec.permit', `VPC ${vpcName} (IPv4Namespace ${left}) and External ${externalName} (IPv4Namespace ${right}) must share an IPv4Namespace`, related(vpc, external));
      }
    }
  }
}
