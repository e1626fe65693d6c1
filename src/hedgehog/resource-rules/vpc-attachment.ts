import { getString } from '../access';
import { parseIPv4Prefix } from '../ip';
import type { ResourceRuleContext } from './context';

export const P2P_LINK_ANNOTATION = 'fabric.githedgehog.com/p2p-link';

export function validateVpcAttachment({ manifest, spec, sink }: ResourceRuleContext): void {
  const subnet = getString(spec, 'subnet');
  const slash = subnet?.indexOf('/') ?? -1;
  if (subnet === undefined || slash <= 0 || slash === subnet.length - 1) {
    sink.error('vpcattachment.subnet.format', 'spec.subnet', `subnet must be "<vpc>/<subnet>" (e.g. vpc-1/default), got ${JSON.stringify(subnet ?? '')}`);
  }
  if (getString(spec, 'connection') === undefined) sink.error('vpcattachment.connection.required', 'spec.connection', 'connection is required');
  const p2p = manifest.metadata.annotations?.[P2P_LINK_ANNOTATION];
  if (p2p !== undefined && parseIPv4Prefix(p2p)?.bits !== 31) {
    sink.error('vpcattachment.p2p-link', `metadata.annotations.${JSON.stringify(P2P_LINK_ANNOTATION)}`, `p2p-link "${p2p}" must be an IPv4 /31 prefix`);
  }
}
