import { getArray } from '../access';
import { isJsonObject } from '../json';
import type { ResourceRuleContext } from './context';

export function validateVpcPeering({ spec, sink }: ResourceRuleContext): void {
  if (spec.remote !== undefined && spec.remote !== null) {
    sink.error('vpcpeering.remote.deprecated', 'spec.remote', 'spec.remote is deprecated and no longer accepted; remove it');
  }
  const vpcs = new Set<string>();
  getArray(spec, 'permit').forEach((entry, index) => {
    if (!isJsonObject(entry)) return;
    const names = Object.keys(entry);
    if (names.length !== 2) sink.error('vpcpeering.permit.vpcs', `spec.permit[${index}]`, `each permit entry must name exactly 2 VPCs, found ${names.length}`);
    names.forEach((name) => vpcs.add(name));
  });
  if (vpcs.size > 2) sink.error('vpcpeering.permit.vpcs', 'spec.permit', `a peering connects exactly 2 VPCs; found ${[...vpcs].join(', ')}`);
}
