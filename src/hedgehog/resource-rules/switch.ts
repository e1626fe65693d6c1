import { getNumber, getObject, getString, getStringMap, getStrings } from '../access';
import { isCIDR, normalizeMac, parseIPv4Prefix } from '../ip';
import { joinPath } from '../issues';
import type { ResourceRuleContext } from './context';

const BREAKOUT_MODE = /^[1248]x[1-9][0-9]*(\.[0-9]+)?G$/;

/** Fields hhfab allocates; a switch has all of them or none (vtepIP only on leaves). */
export function hydratedSwitchFields(role: string | undefined): string[] {
  return role === 'spine' ? ['asn', 'ip', 'protocolIP'] : ['asn', 'ip', 'protocolIP', 'vtepIP'];
}

export function validateSwitch({ spec, sink }: ResourceRuleContext): void {
  const role = getString(spec, 'role');
  if (role === 'virtual-edge') sink.error('switch.role.unsupported', 'spec.role', 'role virtual-edge is not supported; use spine, server-leaf, border-leaf or mixed-leaf');
  if (role === undefined && spec.role === undefined) sink.error('schema.required', 'spec.role', 'spec.role is required (spine, server-leaf, border-leaf or mixed-leaf)');
  if (getString(spec, 'profile') === undefined) sink.error('switch.profile.required', 'spec.profile', 'spec.profile is required, e.g. celestica-ds3000');

  const redundancy = getObject(spec, 'redundancy');
  if ((getString(redundancy, 'group') === undefined) !== (getString(redundancy, 'type') === undefined)) {
    sink.error('switch.redundancy.incomplete', 'spec.redundancy', 'redundancy.group and redundancy.type must be set together');
  }
  if (role === 'spine' && getString(spec, 'vtepIP') !== undefined) sink.error('switch.vtep-ip.spine', 'spec.vtepIP', 'spines have no VTEP; remove vtepIP');

  const ip = getString(spec, 'ip');
  if (ip !== undefined && !isCIDR(ip)) sink.error('switch.ip.format', 'spec.ip', `ip "${ip}" must be a CIDR such as 172.30.0.8/21`);
  for (const key of ['protocolIP', 'vtepIP']) {
    const text = getString(spec, key);
    if (text !== undefined && parseIPv4Prefix(text)?.bits !== 32) sink.error('switch.ip.format', `spec.${key}`, `${key} "${text}" must be an IPv4 /32`);
  }
  const mac = getString(getObject(spec, 'boot'), 'mac');
  if (mac !== undefined && normalizeMac(mac) === undefined) sink.error('switch.boot.mac', 'spec.boot.mac', `boot.mac "${mac}" is not a MAC address`);
  for (const [port, mode] of Object.entries(getStringMap(spec, 'portBreakouts'))) {
    if (!BREAKOUT_MODE.test(mode)) {
      sink.error('switch.port-breakout.format', joinPath('spec.portBreakouts', port), `breakout "${mode}" must look like NxSPEEDG with N in 1, 2, 4, 8 (e.g. 4x25G)`);
    }
  }

  const fields = hydratedSwitchFields(role);
  const present = fields.filter((field) => (field === 'asn' ? getNumber(spec, field) !== undefined && spec.asn !== 0 : getString(spec, field) !== undefined));
  if (present.length > 0 && present.length < fields.length) {
    const missing = fields.filter((field) => !present.includes(field));
    sink.error('switch.hydration.partial', `spec.${missing[0]}`, `switch is partially hydrated: ${present.join(', ')} set but ${missing.join(', ')} missing; set all of them or none (hhfab then allocates them)`);
  }
}

export function validateSwitchProfile({ spec, sink }: ResourceRuleContext): void {
  const otherNames = getStrings(spec, 'otherNames');
  if (otherNames.length > 5 || otherNames.some((name) => name === '') || new Set(otherNames).size !== otherNames.length) {
    sink.error('switchprofile.other-names', 'spec.otherNames', 'otherNames allows at most 5 non-empty, distinct names');
  }
  for (const key of ['displayName', 'switchSilicon', 'platform']) {
    if (getString(spec, key) === undefined) sink.error('switchprofile.required', `spec.${key}`, `spec.${key} is required`);
  }
  for (const [name, port] of Object.entries(getObject(spec, 'ports') ?? {})) {
    const entry = typeof port === 'object' && port !== null && !Array.isArray(port) ? port : {};
    const path = joinPath('spec.ports', name);
    if (entry.management === true) {
      if (!/^M\d+$/.test(name) || typeof entry.oniePortName !== 'string') sink.error('switchprofile.port', path, 'a management port is named M<n> and needs oniePortName');
    } else if ((typeof entry.group === 'string') === (typeof entry.profile === 'string')) {
      sink.error('switchprofile.port', path, `port ${name} needs exactly one of group and profile`);
    }
  }
}
