import { getArray, getBoolean, getNumber, getObject, getString, isSet } from '../access';
import { isCIDR, isIPAddress } from '../ip';
import { isJsonObject, type JsonObject } from '../json';
import type { ResourceRuleContext } from './context';

export function validateExternalAttachment(context: ResourceRuleContext): void {
  const { spec, sink } = context;
  if (getString(spec, 'external') === undefined) sink.error('externalattachment.external.required', 'spec.external', 'external is required');
  if (getString(spec, 'connection') === undefined) sink.error('externalattachment.connection.required', 'spec.connection', 'connection is required');
  const switchSide = getObject(spec, 'switch');
  const neighbor = getObject(spec, 'neighbor');
  const staticSpec = getObject(spec, 'static');
  if (staticSpec) {
    const remoteIP = getString(staticSpec, 'remoteIP');
    if (remoteIP === undefined || !isIPAddress(remoteIP)) {
      sink.error('externalattachment.static.remote-ip', 'spec.static.remoteIP', `static.remoteIP must be an IP address (the next hop), got ${JSON.stringify(remoteIP ?? '')}`);
    }
    const usedSide = [['switch', switchSide], ['neighbor', neighbor]].find(([, side]) => side && Object.values(side as JsonObject).some(isSet));
    if (usedSide) sink.error('externalattachment.static.exclusive', `spec.${usedSide[0] as string}`, `spec.${usedSide[0] as string} must be empty for a static attachment`);
    const ip = getString(staticSpec, 'ip');
    if ((ip !== undefined) === getBoolean(staticSpec, 'proxy')) {
      sink.error('externalattachment.static.ip-or-proxy', 'spec.static', 'set exactly one of static.ip and static.proxy: true');
    }
    if (ip !== undefined && !isCIDR(ip)) sink.error('externalattachment.static.ip', 'spec.static.ip', `static.ip "${ip}" must be a CIDR, e.g. 100.6.210.2/24`);
  } else {
    const ip = getString(switchSide, 'ip');
    if (ip === undefined || !isCIDR(ip)) sink.error('externalattachment.bgp.switch-ip', 'spec.switch.ip', `switch.ip must be a CIDR such as 100.6.100.2/24, got ${JSON.stringify(ip ?? '')}`);
    if (!getNumber(neighbor, 'asn')) sink.error('externalattachment.bgp.neighbor-asn', 'spec.neighbor.asn', 'neighbor.asn is required and must not be 0');
    const neighborIP = getString(neighbor, 'ip');
    if (neighborIP === undefined || !isIPAddress(neighborIP)) {
      sink.error('externalattachment.bgp.neighbor-ip', 'spec.neighbor.ip', `neighbor.ip must be a plain IP address without prefix length, got ${JSON.stringify(neighborIP ?? '')}`);
    }
  }
  validateInboundAcl(context, getArray(getObject(spec, 'inboundACL'), 'statements'));
}

const TCP_FLAG_PAIRS = [['fin', 'notFin'], ['syn', 'notSyn'], ['rst', 'notRst'], ['psh', 'notPsh'], ['ack', 'notAck'], ['urg', 'notUrg']] as const;

function validateInboundAcl({ sink }: ResourceRuleContext, statements: readonly unknown[]): void {
  const sequences = new Set<number>();
  statements.forEach((entry, index) => {
    if (!isJsonObject(entry)) return;
    const path = `spec.inboundACL.statements[${index}]`;
    const seq = getNumber(entry, 'seq');
    if (seq !== undefined) {
      if (seq < 10) sink.error('externalattachment.acl.seq', `${path}.seq`, `seq ${seq} must be at least 10`);
      else if (sequences.has(seq)) sink.error('externalattachment.acl.seq', `${path}.seq`, `seq ${seq} is used by another statement`);
      sequences.add(seq);
    }
    for (const key of ['srcPrefix', 'dstPrefix']) {
      const prefix = getString(entry, key);
      if (prefix !== undefined && prefix !== 'any' && !isCIDR(prefix)) sink.error('externalattachment.acl.prefix', `${path}.${key}`, `${key} "${prefix}" must be a CIDR or "any"`);
    }
    const protocol = getString(entry, 'protocol');
    const begin = getNumber(entry, 'portRangeBegin');
    const end = getNumber(entry, 'portRangeEnd');
    if (begin !== undefined || end !== undefined) {
      if (protocol !== 'tcp' && protocol !== 'udp') sink.error('externalattachment.acl.ports', `${path}.portRangeBegin`, 'port ranges are only allowed with protocol tcp or udp');
      else if (begin === undefined || begin < 1 || (end !== undefined && end < begin)) {
        sink.error('externalattachment.acl.ports', `${path}.portRangeBegin`, 'port range needs 1 <= portRangeBegin <= portRangeEnd');
      }
    }
    const filters = getObject(entry, 'tcpFilters');
    if (filters && Object.values(filters).some((flag) => flag === true)) {
      if (protocol !== 'tcp') sink.error('externalattachment.acl.tcp-filters', `${path}.tcpFilters`, 'tcpFilters are only allowed with protocol tcp');
      else if (filters.established === true && Object.entries(filters).some(([flag, on]) => flag !== 'established' && on === true)) {
        sink.error('externalattachment.acl.tcp-filters', `${path}.tcpFilters`, 'established cannot be combined with other TCP flags');
      } else {
        for (const [flag, negation] of TCP_FLAG_PAIRS) {
          if (filters[flag] === true && filters[negation] === true) sink.error('externalattachment.acl.tcp-filters', `${path}.tcpFilters`, `${flag} and ${negation} contradict each other`);
        }
      }
    }
    if ((entry.icmpType !== undefined || entry.icmpCode !== undefined) && protocol !== 'icmp') {
      sink.error('externalattachment.acl.icmp', `${path}.icmpType`, 'icmpType and icmpCode are only allowed with protocol icmp');
    }
  });
}
