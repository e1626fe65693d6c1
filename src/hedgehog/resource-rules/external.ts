import { getArray, getObject, getString, getStrings } from '../access';
import { findOverlaps, parseIPv4Prefix } from '../ip';
import type { ResourceRuleContext } from './context';

const COMMUNITY = /^(0|[1-9][0-9]{0,4}):(0|[1-9][0-9]{0,4})$/;

function isCommunity(text: string): boolean {
  const match = COMMUNITY.exec(text);
  return match !== null && Number(match[1]) <= 65535 && Number(match[2]) <= 65535;
}

export function validateExternal({ manifest, spec, sink }: ResourceRuleContext): void {
  const name = manifest.metadata.name;
  if (name.length > 11) sink.error('external.name.max-length', 'metadata.name', `External name "${name}" has ${name.length} characters; the limit is 11`);
  const isStatic = getObject(spec, 'static') !== undefined;
  for (const key of ['inboundCommunity', 'outboundCommunity']) {
    const community = getString(spec, key);
    if (community === undefined) continue;
    if (isStatic) sink.error('external.community.static', `spec.${key}`, `${key} is only allowed for BGP externals; remove it or remove spec.static`);
    else if (!isCommunity(community)) sink.error('external.community.format', `spec.${key}`, `${key} "${community}" must be "<0-65535>:<0-65535>", e.g. 65102:5000`);
  }
  if (!isStatic) return;
  const texts = getStrings(getObject(spec, 'static'), 'prefixes');
  if (texts.length === 0) sink.error('external.static.prefixes', 'spec.static.prefixes', 'a static External needs at least one prefix');
  const parsed: Array<{ start: number; end: number; value: string }> = [];
  texts.forEach((text, index) => {
    const prefix = parseIPv4Prefix(text);
    if (!prefix) sink.error('external.static.prefixes', `spec.static.prefixes[${index}]`, `"${text}" is not a valid IPv4 CIDR`);
    else parsed.push({ start: prefix.network, end: prefix.last, value: text });
  });
  for (const [a, b] of findOverlaps(parsed)) sink.error('external.static.prefixes', 'spec.static.prefixes', `prefixes ${a.value} and ${b.value} overlap`);
}

export function validateExternalPeering({ spec, sink }: ResourceRuleContext): void {
  const permit = getObject(spec, 'permit');
  if (getString(getObject(permit, 'vpc'), 'name') === undefined) sink.error('externalpeering.vpc.required', 'spec.permit.vpc.name', 'permit.vpc.name is required');
  const external = getObject(permit, 'external');
  if (getString(external, 'name') === undefined) sink.error('externalpeering.external.required', 'spec.permit.external.name', 'permit.external.name is required');
  getArray(external, 'prefixes').forEach((entry, index) => {
    const text = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? getString(entry, 'prefix') : undefined;
    if (text !== undefined && !parseIPv4Prefix(text)) {
      sink.error('externalpeering.prefix.cidr', `spec.permit.external.prefixes[${index}].prefix`, `"${text}" is not a valid IPv4 CIDR, e.g. 0.0.0.0/0`);
    }
  });
}
