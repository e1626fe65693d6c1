import { compareStrings, isJsonObject, isStringArray, type JsonObject, type JsonValue } from './json';
import { formatIPv4, normalizeMac, parseIPv4Prefix } from './ip';

/**
 * Applies, in place, the defaults that Hedgehog's `Default()` webhooks write into stored objects
 * (fabric `api/*\/v1beta1/*_types.go`). Without them a resource read back from a cluster would
 * differ from the one written to Git. Values of the wrong type are left alone for validation to report.
 */
export function applyWebhookDefaults(kind: string, spec: JsonObject): void {
  switch (kind) {
    case 'VPC':
      return defaultVpc(spec);
    case 'VPCAttachment':
      return defaultVpcAttachment(spec);
    case 'Switch':
      return defaultSwitch(spec);
    case 'IPv4Namespace':
      sortStringList(spec, 'subnets');
      return;
    case 'External':
      defaultString(spec, 'ipv4Namespace', 'default');
      return;
    case 'ExternalAttachment':
      // Non-pointer Go structs without omitempty effect: always serialized, even when empty.
      ensureObject(spec, 'switch');
      ensureObject(spec, 'neighbor');
      return;
    case 'ExternalPeering':
      return defaultExternalPeering(spec);
    default:
      return;
  }
}

function ensureObject(parent: JsonObject, key: string): JsonObject | undefined {
  if (parent[key] === undefined || parent[key] === null) parent[key] = {};
  const value = parent[key];
  return isJsonObject(value) ? value : undefined;
}

function defaultString(parent: JsonObject, key: string, value: string): void {
  if (parent[key] === undefined || parent[key] === null || parent[key] === '') parent[key] = value;
}

function sortStringList(parent: JsonObject, key: string): void {
  const list = parent[key];
  if (isStringArray(list)) list.sort(compareStrings);
}

function defaultVpc(spec: JsonObject): void {
  defaultString(spec, 'ipv4Namespace', 'default');
  defaultString(spec, 'vlanNamespace', 'default');
  const subnets = spec.subnets;
  if (!isJsonObject(subnets)) return;
  for (const subnet of Object.values(subnets)) {
    if (isJsonObject(subnet)) defaultVpcSubnet(subnet);
  }
}

function defaultVpcSubnet(subnet: JsonObject): void {
  const dhcp = ensureObject(subnet, 'dhcp');
  const prefix = typeof subnet.subnet === 'string' ? parseIPv4Prefix(subnet.subnet) : undefined;
  if (!dhcp || !prefix) return;
  if ((subnet.gateway === undefined || subnet.gateway === '') && subnet.hostBGP !== true) {
    subnet.gateway = formatIPv4(prefix.network + 1);
  }
  normalizeStaticMacs(dhcp);
  if (prefix.bits > 30) return;
  if (dhcp.enable !== true) {
    delete dhcp.range;
    delete dhcp.options;
    return;
  }
  const range = ensureObject(dhcp, 'range');
  if (range) {
    defaultString(range, 'start', formatIPv4(prefix.network + 2));
    defaultString(range, 'end', formatIPv4(prefix.last));
  }
  if (isJsonObject(dhcp.options)) defaultDhcpOptions(dhcp, dhcp.options);
}

function defaultDhcpOptions(dhcp: JsonObject, options: JsonObject): void {
  const meaningful = ['pxeURL', 'dnsServers', 'timeServers', 'interfaceMTU', 'leaseTimeSeconds', 'disableDefaultRoute', 'advertisedRoutes'];
  const isEmptyValue = (value: JsonValue | undefined): boolean =>
    value === undefined || value === null || value === '' || value === 0 || value === false;
  if (meaningful.every((key) => isEmptyValue(options[key]))) {
    delete dhcp.options;
    return;
  }
  if (isEmptyValue(options.interfaceMTU)) options.interfaceMTU = 9036;
  if (isEmptyValue(options.leaseTimeSeconds)) options.leaseTimeSeconds = 3600;
  for (const key of ['dnsServers', 'timeServers']) {
    if (options[key] === undefined || options[key] === null) options[key] = [];
    sortStringList(options, key);
  }
  if (options.advertisedRoutes === undefined || options.advertisedRoutes === null) options.advertisedRoutes = [];
  const routes = options.advertisedRoutes;
  if (Array.isArray(routes) && routes.every(isJsonObject)) {
    const text = (value: JsonValue | undefined): string => (typeof value === 'string' ? value : '');
    (routes as JsonObject[]).sort(
      (a, b) => compareStrings(text(a.destination), text(b.destination)) || compareStrings(text(a.gateway), text(b.gateway)),
    );
  }
}

function normalizeStaticMacs(dhcp: JsonObject): void {
  const statics = dhcp.static;
  if (!isJsonObject(statics)) return;
  for (const mac of Object.keys(statics)) {
    const normalized = normalizeMac(mac);
    if (normalized !== undefined && normalized !== mac && statics[normalized] === undefined) {
      statics[normalized] = statics[mac];
      delete statics[mac];
    }
  }
}

function defaultVpcAttachment(spec: JsonObject): void {
  const subnet = spec.subnet;
  if (typeof subnet === 'string' && subnet !== '' && !subnet.includes('/')) spec.subnet = `${subnet}/default`;
}

function defaultSwitch(spec: JsonObject): void {
  for (const key of ['portGroupSpeeds', 'portSpeeds']) {
    const speeds = spec[key];
    if (!isJsonObject(speeds)) continue;
    for (const [port, speed] of Object.entries(speeds)) {
      if (typeof speed === 'string' && speed.startsWith('SPEED_')) speeds[port] = speed.slice('SPEED_'.length);
    }
  }
  if (spec.vlanNamespaces === undefined || spec.vlanNamespaces === null || (Array.isArray(spec.vlanNamespaces) && spec.vlanNamespaces.length === 0)) {
    spec.vlanNamespaces = ['default'];
  }
  const redundancy = ensureObject(spec, 'redundancy');
  ensureObject(spec, 'boot');
  ensureObject(spec, 'ecmp');
  const group = redundancy?.group;
  if (typeof group === 'string' && group !== '') {
    if (spec.groups === undefined || spec.groups === null) spec.groups = [];
    if (isStringArray(spec.groups) && !spec.groups.includes(group)) spec.groups.push(group);
  }
  if (isJsonObject(spec.linkFlapErrDisable)) {
    const linkFlap = spec.linkFlapErrDisable;
    if (linkFlap.flapThreshold === undefined) linkFlap.flapThreshold = 3;
    if (linkFlap.samplingInterval === undefined) linkFlap.samplingInterval = 30;
    if (linkFlap.recoveryInterval === undefined) linkFlap.recoveryInterval = 300;
  }
  sortStringList(spec, 'groups');
  sortStringList(spec, 'vlanNamespaces');
}

function defaultExternalPeering(spec: JsonObject): void {
  const permit = ensureObject(spec, 'permit');
  if (!permit) return;
  const vpc = ensureObject(permit, 'vpc');
  const external = ensureObject(permit, 'external');
  if (vpc) sortStringList(vpc, 'subnets');
  const prefixes = external?.prefixes;
  if (Array.isArray(prefixes) && prefixes.every((entry) => isJsonObject(entry) && typeof entry.prefix === 'string')) {
    (prefixes as JsonObject[]).sort((a, b) => compareStrings(a.prefix as string, b.prefix as string));
  }
}
