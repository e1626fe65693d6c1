import { getArray, getNumber, getStrings } from '../access';
import { findOverlaps, formatIPv4, parseIPv4Prefix, prefixesOverlap, type IPv4Prefix } from '../ip';
import { isJsonObject } from '../json';
import type { ResourceRuleContext } from './context';

const MAX_IPV4_NAMESPACE_SUBNETS = 10;

export function validateIPv4Namespace({ manifest, spec, sink, reservedPrefixes }: ResourceRuleContext): void {
  const name = manifest.metadata.name;
  if (name.length > 11) sink.error('ipv4namespace.name.max-length', 'metadata.name', `IPv4Namespace name "${name}" has ${name.length} characters; the limit is 11`);
  const subnets = getStrings(spec, 'subnets');
  if (subnets.length < 1 || subnets.length > MAX_IPV4_NAMESPACE_SUBNETS) {
    sink.error('ipv4namespace.subnets.count', 'spec.subnets', `an IPv4Namespace needs 1 to ${MAX_IPV4_NAMESPACE_SUBNETS} subnets, found ${subnets.length}`);
  }
  const parsed: Array<{ start: number; end: number; value: string }> = [];
  getArray(spec, 'subnets').forEach((text, index) => {
    if (typeof text !== 'string') return;
    const prefix = parseIPv4Prefix(text);
    const path = `spec.subnets[${index}]`;
    if (!prefix) {
      sink.error('ipv4namespace.subnet.cidr', path, `"${text}" is not a valid IPv4 CIDR`);
      return;
    }
    parsed.push({ start: prefix.network, end: prefix.last, value: text });
    const reserved = reservedPrefixes.find((candidate: IPv4Prefix) => prefixesOverlap(candidate, prefix));
    if (reserved) sink.error('ipv4namespace.subnet.reserved-overlap', path, `${text} overlaps the fabric reserved subnet ${formatIPv4(reserved.network)}/${reserved.bits}`);
  });
  for (const [a, b] of findOverlaps(parsed)) sink.error('ipv4namespace.subnet.overlap', 'spec.subnets', `subnets ${a.value} and ${b.value} overlap`);
}

export function validateVlanNamespace({ spec, sink, config }: ResourceRuleContext): void {
  const reserved = config.reservedVLANs;
  getArray(spec, 'ranges').forEach((range, index) => {
    if (!isJsonObject(range)) return;
    const path = `spec.ranges[${index}]`;
    const from = getNumber(range, 'from') ?? 0;
    const to = getNumber(range, 'to') ?? from;
    if (from < 1 || from > 4094 || to < 1 || to > 4094 || from > to) {
      sink.error('vlannamespace.range', path, `VLAN range ${from}-${to} is invalid: bounds must be 1-4094 with from <= to`);
      return;
    }
    if (from <= reserved.to && to >= reserved.from) {
      sink.error('vlannamespace.range.reserved', path, `VLAN range ${from}-${to} overlaps VLANs ${reserved.from}-${reserved.to} reserved by the fabric`);
    }
  });
}
