import { isIP } from 'node:net';

/** An IPv4 address as an unsigned 32-bit integer. */
export type IPv4 = number;

export interface IPv4Prefix {
  address: IPv4;
  bits: number;
  /** First address of the prefix. */
  network: IPv4;
  /** Last address of the prefix. */
  last: IPv4;
  /** True when no host bits are set (`10.0.0.0/8`, not `10.0.0.1/8`). */
  canonical: boolean;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** Strict dotted-quad parsing as Go's netip does it: no leading zeros, no shorthand. */
export function parseIPv4(text: string): IPv4 | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let result = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    result = result * 256 + octet;
  }
  return result;
}

export function formatIPv4(address: IPv4): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

export function parseIPv4Prefix(text: string): IPv4Prefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIPv4(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (address === undefined || !/^(0|[1-9][0-9]?)$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const network = Math.floor(address / size) * size;
  return { address, bits, network, last: network + size - 1, canonical: network === address };
}

export function prefixContains(prefix: IPv4Prefix, address: IPv4): boolean {
  return address >= prefix.network && address <= prefix.last;
}

export function prefixCovers(outer: IPv4Prefix, inner: IPv4Prefix): boolean {
  return inner.network >= outer.network && inner.last <= outer.last;
}

export function prefixesOverlap(a: IPv4Prefix, b: IPv4Prefix): boolean {
  return a.network <= b.last && b.network <= a.last;
}

/** Any IPv4 or IPv6 address without a prefix length. */
export function isIPAddress(text: string): boolean {
  return isIP(text) !== 0 && !text.includes('%');
}

/** Any IPv4 or IPv6 CIDR, as Go's net.ParseCIDR accepts it. */
export function isCIDR(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const address = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  const family = isIP(address);
  if (family === 0 || !/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128) && (family === 6 || parseIPv4(address) !== undefined);
}

/**
 * Parses a 48-bit MAC address in the forms Go's net.ParseMAC accepts
 * (`0c:20:12:ff:00:00`, `0c-20-12-ff-00-00`, `0c20.12ff.0000`) and returns the lowercase colon form.
 */
export function normalizeMac(text: string): string | undefined {
  let hex: string | undefined;
  if (/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/.test(text)) {
    const separator = text[2];
    if (text.split(separator).length !== 6) return undefined;
    hex = text.split(separator).join('');
  } else if (/^[0-9a-fA-F]{4}(\.[0-9a-fA-F]{4}){2}$/.test(text)) {
    hex = text.split('.').join('');
  }
  if (hex === undefined) return undefined;
  return hex.toLowerCase().match(/../g)?.join(':');
}

export interface Interval<T> {
  start: number;
  end: number;
  value: T;
}

/**
 * Reports every pair of overlapping intervals in O(n log n + k): sorted by start, each interval
 * is compared only with the still-open ones before it.
 */
export function findOverlaps<T>(intervals: ReadonlyArray<Interval<T>>): Array<[Interval<T>, Interval<T>]> {
  const sorted = [...intervals].sort((a, b) => a.start - b.start || a.end - b.end);
  const overlaps: Array<[Interval<T>, Interval<T>]> = [];
  let open: Array<Interval<T>> = [];
  for (const current of sorted) {
    open = open.filter((candidate) => candidate.end >= current.start);
    for (const candidate of open) overlaps.push([candidate, current]);
    open.push(current);
  }
  return overlaps;
}
