/**
 * Smart-HTTP Git server for tests: Debian's `git http-backend` run as CGI behind a Node `http` server on
 * 127.0.0.1, with optional Basic authentication. Serves every bare repository under `projectRoot`
 * (`<url>/<name>.git`). Secrets reach the CGI only as REMOTE_USER (the user name), never as arguments.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitHttpRequestRecord {
  method: string;
  path: string;
  status: number;
  /** User name of a successful Basic login (the password is never recorded). */
  user?: string;
  /** The connection was cut by the `cutResponseAfterBytes` fault. */
  cut?: boolean;
}

export interface GitHttpServer {
  /** http://127.0.0.1:<port> (https:// when `tls` was given) */
  readonly baseUrl: string;
  /** URL of the bare repository `<projectRoot>/<name>` (name includes `.git`). */
  repoUrl(name: string): string;
  /** Every request answered, in order. */
  readonly requests: GitHttpRequestRecord[];
  close(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** Directory holding the bare repositories. */
  projectRoot: string;
  /** user name → password; empty or absent = no authentication. */
  users?: Record<string, string>;
  /** Serve HTTPS with this key and certificate (PEM), e.g. from `selfSignedCertificate()`. */
  tls?: { key: string; cert: string };
  /**
   * Fault injection: asked for every request; a number cuts the connection (TCP reset) after that many
   * response body bytes, e.g. in the middle of the pack of a `git-upload-pack` response.
   */
  cutResponseAfterBytes?: (request: { method: string; path: string }) => number | undefined;
}

/** A throw-away self-signed certificate for 127.0.0.1 (openssl CLI). */
export async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string }> {
  const key = path.join(dir, 'tls-key.pem');
  const cert = path.join(dir, 'tls-cert.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ]);
  return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
}

let backendPath: Promise<string> | undefined;

/** Path of git-http-backend (`$(git --exec-path)/git-http-backend`). */
export function gitHttpBackend(): Promise<string> {
  backendPath ??= run('git', ['--exec-path']).then(({ stdout }) => path.join(stdout.trim(), 'git-http-backend'));
  return backendPath;
}

function checkAuth(req: IncomingMessage, users: Record<string, string>): string | null {
  const header = req.headers.authorization;
  if (!header || !header.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return Object.prototype.hasOwnProperty.call(users, user) && users[user] === password ? user : null;
}

export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const backend = await gitHttpBackend();
  const users = options.users ?? {};
  const authRequired = Object.keys(users).length > 0;
  const requests: GitHttpRequestRecord[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const record: GitHttpRequestRecord = { method: req.method ?? 'GET', path: url.pathname, status: 0 };
    requests.push(record);
    let user: string | null = null;
    if (authRequired) {
      user = checkAuth(req, users);
      if (!user) {
        record.status = 401;
        req.resume();
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
        res.end('authentication required\n');
        return;
      }
      record.user = user;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: options.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      ...(user ? { REMOTE_USER: user } : {}),
    };
    const cgi = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const cutAfter = options.cutResponseAfterBytes?.({ method: record.method, path: record.path });
    let bodyBytes = 0;
    let cut = false;
    // Writes response body bytes, or resets the connection once the fault's byte budget is spent.
    const writeBody = (chunk: Buffer): void => {
      if (cut) return;
      if (cutAfter !== undefined && bodyBytes + chunk.length > cutAfter) {
        res.write(chunk.subarray(0, Math.max(0, cutAfter - bodyBytes)));
        cut = true;
        record.cut = true;
        cgi.kill();
        res.socket?.resetAndDestroy();
        return;
      }
      bodyBytes += chunk.length;
      res.write(chunk);
    };
    req.pipe(cgi.stdin);
    cgi.stdin.on('error', () => undefined);
    let headerBuffer = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        writeBody(chunk);
        return;
      }
      headerBuffer = Buffer.concat([headerBuffer, chunk]);
      let end = headerBuffer.indexOf('\r\n\r\n');
      let sepLength = 4;
      if (end < 0) {
        end = headerBuffer.indexOf('\n\n');
        sepLength = 2;
      }
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of headerBuffer.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      record.status = status;
      res.writeHead(status, headers);
      const rest = headerBuffer.subarray(end + sepLength);
      if (rest.length > 0) writeBody(rest);
    });
    cgi.stderr.resume();
    cgi.on('close', () => {
      if (cut) return;
      if (!headersDone) {
        record.status = 502;
        if (!res.headersSent) res.writeHead(502);
      }
      res.end();
    });
    cgi.on('error', () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };

  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle) : createServer(handle);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    baseUrl,
    requests,
    repoUrl: (name: string) => `${baseUrl}/${name}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
