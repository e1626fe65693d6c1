/** Rules for a fabric's repository-relative GitOps directory ('' = repository root). */

export type NormalizedDirectory = { ok: true; path: string } | { ok: false; reason: string };

const MAX_LENGTH = 500;

export function normalizeGitopsDirectory(input: string): NormalizedDirectory {
  if (input.length > MAX_LENGTH) return { ok: false, reason: `must be at most ${MAX_LENGTH} characters` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(input)) return { ok: false, reason: 'must not contain control characters or backslashes' };
  const segments = input.trim().split('/').filter((segment) => segment !== '' && segment !== '.');
  for (const segment of segments) {
    if (segment === '..') return { ok: false, reason: 'must not contain ".."' };
    if (segment.toLowerCase() === '.git') return { ok: false, reason: 'must not name ".git"' };
    if (segment !== segment.trim()) return { ok: false, reason: 'path segments must not start or end with spaces' };
  }
  return { ok: true, path: segments.join('/') };
}

/** True when one directory contains the other (or they are equal); the repository root contains everything. */
export function directoriesOverlap(a: string, b: string): boolean {
  if (a === '' || b === '' || a === b) return true;
  return a.startsWith(b + '/') || b.startsWith(a + '/');
}
