export const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes object name rule (RFC 1123 subdomain, ≤ 253 characters); undefined when valid. */
export function rfc1123NameProblem(name: string, maxLength = 253): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > maxLength) return `must be at most ${maxLength} characters (got ${name.length})`;
  if (!RFC1123_SUBDOMAIN.test(name)) {
    return 'must be a lower-case RFC 1123 name: a-z, 0-9, "-" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}
