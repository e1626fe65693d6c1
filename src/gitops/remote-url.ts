/** Validation of Git remote URLs: credentials never belong in them (they go through credential callbacks). */

export type RemoteUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/;

export function checkRemoteUrl(raw: string): RemoteUrlCheck {
  const url = raw.trim();
  if (url.length === 0) return { ok: false, reason: 'must not be empty' };
  if (url.length > 500) return { ok: false, reason: 'must be at most 500 characters' };
  if (/\s/.test(url)) return { ok: false, reason: 'must not contain whitespace' };
  if (url.startsWith('/')) return { ok: true, url };
  if (SCP_LIKE.test(url)) return { ok: true, url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'must be an https://, http://, ssh://, file:// URL, an scp-like user@host:path, or an absolute path' };
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (!['https', 'http', 'ssh', 'git', 'file'].includes(scheme)) return { ok: false, reason: `unsupported scheme "${scheme}"` };
  if (scheme !== 'ssh' && (parsed.username || parsed.password)) {
    return { ok: false, reason: 'must not contain credentials; pass them in "credentials" instead' };
  }
  if (scheme === 'ssh' && parsed.password) return { ok: false, reason: 'must not contain a password; pass credentials in "credentials"' };
  if (scheme !== 'file' && !parsed.hostname) return { ok: false, reason: 'must name a host' };
  return { ok: true, url };
}

/** git check-ref-format rules for a branch name. */
export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 100) return 'must be at most 100 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return 'must not contain spaces, control characters or any of ~ ^ : ? * [ \\';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'must not start or end with "/" or contain "//"';
  if (name.includes('..') || name.includes('@{') || name === '@') return 'must not contain ".." or "@{"';
  if (name.endsWith('.') || name.endsWith('.lock') || name.split('/').some((part) => part.startsWith('.'))) {
    return 'must not end with "." or ".lock", and no segment may start with "."';
  }
  if (name.startsWith('-')) return 'must not start with "-"';
  return undefined;
}

export interface RemoteLocation {
  /** Lower-case scheme; `ssh` for scp-like addresses. */
  scheme: string;
  host: string;
  /** Repository path without leading/trailing `/` and without a `.git` suffix. */
  path: string;
  hasQueryOrFragment: boolean;
}

const SCP_ADDRESS = /^(?:[^\s@/:]+@)?([A-Za-z0-9.-]+):(.+)$/;

/** Host and repository path of a URL or scp-like `user@host:path`; undefined for anything unparseable (local paths too). */
export function remoteLocation(raw: string): RemoteLocation | undefined {
  const url = raw.trim();
  if (url.length === 0 || url.startsWith('/')) return undefined;
  let location: Omit<RemoteLocation, 'path'> & { pathname: string };
  const scp = url.includes('://') ? null : SCP_ADDRESS.exec(url);
  if (scp) {
    location = { scheme: 'ssh', host: scp[1], pathname: scp[2], hasQueryOrFragment: false };
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    location = { scheme: parsed.protocol.replace(/:$/, '').toLowerCase(), host: parsed.hostname, pathname: parsed.pathname, hasQueryOrFragment: Boolean(parsed.search || parsed.hash) };
  }
  const path = location.pathname.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/i, '').replace(/\/+$/, '');
  return { scheme: location.scheme, host: location.host, path, hasQueryOrFragment: location.hasQueryOrFragment };
}
