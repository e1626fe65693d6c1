import { getArray, getBoolean, getNumber, getObject, getString, getStringMap } from '../access';

import { findOverlaps, parseIPv4Prefix, prefixCovers } from '../ip';
import { joinPath } from '../issues';
import { isJsonObject } from '../json';
import type { Manifest } from '../manifest';
import { breakoutPortProfile, buildPortCatalog, type SwitchFeature, type SwitchProfileSpec } from '../switch-profiles';
import { missingRef, related, type FabricContext } from './context';

export function validateSwitches(context: FabricContext): void {
  const hydratedOwners = new Map<string, Manifest>();
  for (const sw of context.index.all('Switch')) {
    validateReferences(context, sw);
    const profileName = getString(sw.spec, 'profile');
    const profile = profileName !== undefined ? context.profiles.get(profileName) : undefined;
    if (profileName !== undefined && !profile) {
      context.sinkFor(sw).error('switch.profile.not-found', 'spec.profile', `SwitchProfile ${profileName} does not exist; built-in profiles include celestica-ds3000, dell-s5248f-on, vs`, [missingRef('SwitchProfile', profileName)]);
    }
    if (profile) {
      validateFeatures(context, sw, profile);
      validatePorts(context, sw, profile);
    }
    validateHydratedValues(context, sw, hydratedOwners);
  }
}

function validateReferences(context: FabricContext, sw: Manifest): void {
  const sink = context.sinkFor(sw);
  getArray(sw.spec, 'groups').forEach((group, index) => {
    if (typeof group === 'string' && !context.index.get('SwitchGroup', group)) {
      sink.error('switch.group.not-found', `spec.groups[${index}]`, `SwitchGroup ${group} does not exist; create it (spec: {})`, [missingRef('SwitchGroup', group)]);
    }
  });
  const ranges: Array<{ start: number; end: number; value: string }> = [];
  getArray(sw.spec, 'vlanNamespaces').forEach((name, index) => {
    if (typeof name !== 'string') return;
    const namespace = context.index.get('VLANNamespace', name);
    if (!namespace) {
      sink.error('switch.vlan-namespace.not-found', `spec.vlanNamespaces[${index}]`, `VLANNamespace ${name} does not exist`, [missingRef('VLANNamespace', name)]);
      return;
    }
    for (const range of getArray(namespace.spec, 'ranges')) {
      if (!isJsonObject(range)) continue;
      const from = getNumber(range, 'from') ?? 0;
      ranges.push({ start: from, end: getNumber(range, 'to') ?? from, value: name });
    }
  });
  for (const [a, b] of findOverlaps(ranges)) {
    if (a.value !== b.value) {
      sink.error('switch.vlan-namespaces.overlap', 'spec.vlanNamespaces', `VLANNamespaces ${a.value} and ${b.value} overlap (${a.start}-${a.end} and ${b.start}-${b.end})`,
        related(context.index.get('VLANNamespace', a.value), context.index.get('VLANNamespace', b.value)));
    }
  }
}

function validateFeatures(context: FabricContext, sw: Manifest, profile: SwitchProfileSpec): void {
  const sink = context.sinkFor(sw);
  const require = (feature: SwitchFeature, path: string, what: string): void => {
    if (profile.features?.[feature] !== true) {
      sink.error('switch.feature.unsupported', path, `${what} needs profile feature ${feature}, which ${getString(sw.spec, 'profile')} does not have`);
    }
  };
  const redundancyType = getString(getObject(sw.spec, 'redundancy'), 'type');
  if (redundancyType === 'eslag' || redundancyType === 'mclag') require(redundancyType, 'spec.redundancy.type', `redundancy type ${redundancyType}`);
  if (getBoolean(sw.spec, 'roce')) require('roce', 'spec.roce', 'RoCE');
  if (getBoolean(getObject(sw.spec, 'ecmp'), 'roceQPN')) require('ecmpRoCEQPN', 'spec.ecmp.roceQPN', 'ECMP RoCE QPN hashing');
}

function validatePorts(context: FabricContext, sw: Manifest, profile: SwitchProfileSpec): void {
  const sink = context.sinkFor(sw);
  const profileName = getString(sw.spec, 'profile') ?? '';
  const breakouts = getStringMap(sw.spec, 'portBreakouts');
  for (const [port, mode] of Object.entries(breakouts)) {
    const path = joinPath('spec.portBreakouts', port);
    const breakout = breakoutPortProfile(profile, port);
    if (!profile.ports?.[port]) sink.error('switch.port-breakout', path, `port ${port} does not exist on ${profileName}`);
    else if (!breakout) sink.error('switch.port-breakout', path, `port ${port} of ${profileName} does not support breakout`);
    else if (!breakout.supported?.[mode]) {
      sink.error('switch.port-breakout', path, `breakout ${mode} is not supported on ${port} of ${profileName}; supported: ${Object.keys(breakout.supported ?? {}).join(', ')}`);
    }
  }
  const catalog = buildPortCatalog(profile, breakouts);
  context.portCatalogs.set(sw.metadata.name, catalog);

  for (const [port, speed] of Object.entries(getStringMap(sw.spec, 'portSpeeds'))) {
    const path = joinPath('spec.portSpeeds', port);
    const profilePort = profile.ports?.[port];
    const portProfile = profilePort?.profile ? profile.portProfiles?.[profilePort.profile] : undefined;
    if (!profilePort || profilePort.management) sink.error('switch.port-speed', path, `port ${port} does not exist on ${profileName}`);
    else if (!portProfile?.speed) sink.error('switch.port-speed', path, `port ${port} has no configurable speed${profilePort.group ? `; set portGroupSpeeds for group ${profilePort.group}` : ''}`);
    else if (!(portProfile.speed.supported ?? []).includes(speed)) {
      sink.error('switch.port-speed', path, `speed ${speed} is not supported on ${port}; supported: ${(portProfile.speed.supported ?? []).join(', ')}`);
    }
  }
  for (const [group, speed] of Object.entries(getStringMap(sw.spec, 'portGroupSpeeds'))) {
    const path = joinPath('spec.portGroupSpeeds', group);
    const portGroup = profile.portGroups?.[group];
    const supported = portGroup?.profile ? profile.portProfiles?.[portGroup.profile]?.speed?.supported ?? [] : [];
    if (!portGroup) sink.error('switch.port-speed', path, `port group ${group} does not exist on ${profileName}`);
    else if (!supported.includes(speed)) sink.error('switch.port-speed', path, `speed ${speed} is not supported by port group ${group}; supported: ${supported.join(', ')}`);
  }
  for (const port of Object.keys(getObject(sw.spec, 'portAutoNegs') ?? {})) {
    const profilePort = profile.ports?.[port];
    const allowed = profilePort?.profile ? profile.portProfiles?.[profilePort.profile]?.autoNegAllowed === true : false;
    if (!allowed) sink.error('switch.port-autoneg', joinPath('spec.portAutoNegs', port), `port ${port} of ${profileName} does not allow auto-negotiation`);
  }
  for (const port of Object.keys(getObject(sw.spec, 'portFECs') ?? {})) {
    if (!catalog.dataPorts.has(port)) sink.error('switch.port-fec', joinPath('spec.portFECs', port), `port ${port} does not exist on this switch after breakouts (broken-out ports need sub-port names such as E1/53/1)`);
  }
  if (profile.maxPorts !== undefined && catalog.portCount > profile.maxPorts) {
    sink.error('switch.max-ports', 'spec.portBreakouts', `breakouts give ${catalog.portCount} ports; ${profileName} supports at most ${profile.maxPorts}`);
  }
  for (const [pipeline, count] of catalog.pipelinePortCounts) {
    const max = profile.pipelines?.[pipeline]?.maxPorts;
    if (max !== undefined && count > max) sink.error('switch.max-ports', 'spec.portBreakouts', `breakouts give ${count} ports on pipeline ${pipeline}; the limit is ${max}`);
  }
}

function validateHydratedValues(context: FabricContext, sw: Manifest, owners: Map<string, Manifest>): void {
  const sink = context.sinkFor(sw);
  const role = getString(sw.spec, 'role');
  const group = getString(getObject(sw.spec, 'redundancy'), 'group');
  const { config } = context;
  const asn = getNumber(sw.spec, 'asn');
  if (asn !== undefined && asn !== 0) {
    if (role === 'spine' && asn !== config.spineASN) sink.error('switch.asn', 'spec.asn', `spine ASN must be ${config.spineASN}, got ${asn}`);
    if (role !== 'spine' && (asn < config.leafASNStart || asn > config.leafASNEnd)) {
      sink.error('switch.asn', 'spec.asn', `leaf ASN ${asn} must be within ${config.leafASNStart}-${config.leafASNEnd}`);
    }
  }
  const claim = (field: string, value: string | undefined, sharedWithinGroup: boolean): void => {
    if (value === undefined) return;
    // Redundancy peers (MCLAG) legitimately share their ASN and VTEP.
    const key = `${field}=${value}`;
    const owner = owners.get(key);
    if (!owner) {
      owners.set(key, sw);
      return;
    }
    const ownerGroup = getString(getObject(owner.spec, 'redundancy'), 'group');
    if (sharedWithinGroup && group !== undefined && ownerGroup === group) return;
    sink.error('switch.hydrated.duplicate', `spec.${field}`, `${field} ${value} is already used by switch ${owner.metadata.name}`, related(owner));
  };
  if (role !== 'spine') claim('asn', asn ? String(asn) : undefined, true);
  const ip = getString(sw.spec, 'ip');
  claim('ip', ip?.split('/')[0], false);
  const protocolIP = getString(sw.spec, 'protocolIP');
  claim('protocolIP', protocolIP, false);
  const vtepIP = getString(sw.spec, 'vtepIP');
  claim('vtepIP', vtepIP, true);
  const inside = (field: string, value: string | undefined, subnetText: string): void => {
    const prefix = value !== undefined ? parseIPv4Prefix(value) : undefined;
    const subnet = parseIPv4Prefix(subnetText);
    if (prefix && subnet && !prefixCovers(subnet, prefix)) sink.error('switch.hydrated.subnet', `spec.${field}`, `${field} ${value} must be inside ${subnetText}`);
  };
  inside('protocolIP', protocolIP, config.protocolSubnet);
  inside('vtepIP', vtepIP, config.vtepSubnet);
  if (config.managementSubnet !== undefined && ip !== undefined) inside('ip', ip.split('/')[0] + '/32', config.managementSubnet);
}
