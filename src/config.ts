import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection URL; undefined → embedded PGlite under `dataDir/pgdata`. */
  databaseUrl?: string;
  databasePoolSize: number;
  adminToken?: string;
  /** Key material for AES-256-GCM secrets; undefined → generated into `dataDir/secret-key`. */
  secretKey?: string;
  /** Former keys (HNP_SECRET_KEY_PREVIOUS, comma-separated): they still decrypt, never encrypt. */
  secretKeyPrevious: string[];
  logLevel: string;
  maxRequestBodyBytes: number;
  shutdownTimeoutMs: number;
  syncWorkers: number;
  syncPollIntervalMs: number;
  syncHeartbeatMs: number;
  /** Queue periodic pulls per fabric.sync_interval (the fallback of webhooks). */
  syncPolling: boolean;
  /** GitHub REST API root for pull requests; undefined → https://api.github.com (GitHub Enterprise: https://<host>/api/v3). */
  githubApiUrl?: string;
  limits: RequestLimits;
  rateLimit: RateLimitConfig;
  /** Origins allowed by CORS; undefined → CORS off (no CORS headers). */
  corsOrigins?: string[];
  /** graphql-ws: a socket without connection_init after this long is closed with 4408. */
  wsConnectionInitTimeoutMs: number;
  /** Express `trust proxy`: which X-Forwarded-For hops to believe for the client address (rate limits, logs). */
  trustProxy: boolean | number | string[];
}

/** Per-operation limits, identical for HTTP and WebSocket (see README "Limits"). */
export interface RequestLimits {
  maxDepth: number;
  maxComplexity: number;
  maxAliases: number;
  maxRootFields: number;
  maxTokens: number;
  maxDirectives: number;
  /** Operations per batched HTTP request (JSON array body); 0 → batches are refused. */
  maxBatch: number;
}

export interface RateLimitConfig {
  /** Sustained requests per second per token (or IP); 0 → no rate limit. */
  perSecond: number;
  /** Requests allowed above the sustained rate in a short burst. */
  burst: number;
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function trustProxy(env: NodeJS.ProcessEnv): boolean | number | string[] {
  const raw = optional(env, 'TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return integer(env, 'TRUST_PROXY', 0, 0, 100);
  const list = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of list) {
    if (!/^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/.test(entry)) {
      throw new ConfigError(`TRUST_PROXY must be true, false, a hop count, or a comma list of addresses/CIDRs, got "${entry}"`);
    }
  }
  return list;
}

function origins(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const list = raw.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of list) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) throw new ConfigError(`${name} must list origins like "https://app.example.com" (scheme, host, optional port; no path), got "${origin}"`);
  }
  return list.length > 0 ? list : undefined;
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function list(env: NodeJS.ProcessEnv, name: string): string[] {
  return (optional(env, name) ?? '').split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: optional(env, 'HOST') ?? '127.0.0.1',
    dataDir: path.resolve(optional(env, 'DATA_DIR') ?? './data'),
    databaseUrl: optional(env, 'DATABASE_URL'),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    adminToken: optional(env, 'HNP_ADMIN_TOKEN'),
    secretKey: optional(env, 'HNP_SECRET_KEY'),
    secretKeyPrevious: list(env, 'HNP_SECRET_KEY_PREVIOUS'),
    logLevel: optional(env, 'LOG_LEVEL') ?? 'info',
    maxRequestBodyBytes: integer(env, 'MAX_REQUEST_BODY_BYTES', 5 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    syncWorkers: integer(env, 'SYNC_WORKERS', 2, 0, 64),
    syncPollIntervalMs: integer(env, 'SYNC_POLL_INTERVAL_MS', 5_000, 50, 3_600_000),
    syncHeartbeatMs: integer(env, 'SYNC_HEARTBEAT_MS', 5_000, 100, 600_000),
    syncPolling: (optional(env, 'SYNC_POLLING') ?? 'true') !== 'false',
    githubApiUrl: optional(env, 'GITHUB_API_URL'),
    limits: {
      maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 15, 1, 1000),
      maxComplexity: integer(env, 'GRAPHQL_MAX_COMPLEXITY', 50_000, 1, 100_000_000),
      maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 30, 0, 10_000),
      maxRootFields: integer(env, 'GRAPHQL_MAX_ROOT_FIELDS', 20, 1, 10_000),
      maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 5_000, 100, 1_000_000),
      maxDirectives: integer(env, 'GRAPHQL_MAX_DIRECTIVES', 50, 0, 10_000),
      maxBatch: integer(env, 'GRAPHQL_MAX_BATCH', 0, 0, 1000),
    },
    rateLimit: {
      perSecond: integer(env, 'RATE_LIMIT_PER_SECOND', 50, 0, 1_000_000),
      burst: integer(env, 'RATE_LIMIT_BURST', 100, 0, 1_000_000),
    },
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    wsConnectionInitTimeoutMs: integer(env, 'WS_CONNECTION_INIT_TIMEOUT_MS', 3_000, 100, 600_000),
    trustProxy: trustProxy(env),
  };
}
