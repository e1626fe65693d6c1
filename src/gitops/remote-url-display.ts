/**
 * Renders a Git remote URL for messages and logs: no userinfo (user name, password, token), no query string
 * and no fragment. Remote URLs are validated to carry no credentials (`checkRemoteUrl`), but anything that ends up
 * in a message or a log line goes through here anyway.
 */
export function displayRemoteUrl(raw: string): string {
  const url = raw.trim();
  if (url.startsWith('/')) return url;
  // scp-like user@host:path → host:path
  const scp = /^[^\s/@]+@([A-Za-z0-9.-]+:.*)$/.exec(url);
  if (scp && !url.includes('://')) return scp[1];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we understand: drop anything that looks like userinfo before an '@'.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/@\s]*@/i, '$1');
  }
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString();
}

/** True for remotes libgit2 reaches through the local filesystem (absolute paths and file:// URLs). */
export function isLocalRemote(url: string): boolean {
  return url.startsWith('/') || /^file:/i.test(url);
}
