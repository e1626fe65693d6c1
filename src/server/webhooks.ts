import { createHmac, timingSafeEqual } from 'node:crypto';
import { remoteLocation } from '../gitops/remote-url';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { SyncOperationStatus, SyncOperationType } from '../entities/enums';
import { GitRepository } from '../entities/git-repository';
import { HedgehogFabric } from '../entities/hedgehog-fabric';
import { SyncOperation } from '../entities/sync-operation';
import { encodeGlobalId } from '../graphql/global-id';
import type { AppDependencies } from './app';

export const WEBHOOK_BODY_LIMIT = '5mb';
const PAYLOAD_URL_FIELDS = ['clone_url', 'ssh_url', 'html_url', 'git_url'] as const;
const NOT_VERIFIED = 'webhook signature could not be verified against any configured repository';

export type WebhookDependencies = Pick<AppDependencies, 'orm' | 'secrets' | 'sync' | 'log'>;

/**
 * `host/owner/repo` form of a remote URL for matching webhook payloads to repositories: host and path
 * lower-cased (GitHub paths are case-insensitive; the HMAC, not the match, is what authenticates), no
 * scheme, user, port, `.git` suffix or trailing `/`; scp-like `git@host:o/r.git` → `host/o/r`.
 * Local paths and file:// URLs give undefined (they never receive webhooks).
 */
export function normalizeRepositoryUrl(raw: string): string | undefined {
  const location = remoteLocation(raw);
  if (!location || location.scheme === 'file' || !location.host || !location.path) return undefined;
  return `${location.host}/${location.path}`.toLowerCase();
}

/** True when `header` is `sha256=<hex HMAC-SHA256 of body with secret>` (constant-time comparison). */
export function verifyGitHubSignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

class BadPayload extends Error {}

function parsePayload(req: Request, body: Buffer): Record<string, unknown> {
  let text = body.toString('utf8');
  if (req.is('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new BadPayload('form-encoded webhook without a "payload" field');
    text = payload;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadPayload('webhook body is not valid JSON');
  }
  if (!isRecord(parsed)) throw new BadPayload('webhook body is not a JSON object');
  return parsed;
}

interface WebhookResult {
  status: number;
  body: Record<string, unknown>;
}

/**
 * `POST /webhooks/github`: GitHub webhooks authenticated by `X-Hub-Signature-256` (HMAC-SHA256 of the raw
 * body with the repository's webhook secret; no Bearer token). A `push` to a repository's default or push
 * branch, or a merged pull request into it, queues a `github_to_gui` pull for each of its fabrics,
 * unless one is already pending.
 */
export function webhooksRouter(deps: WebhookDependencies): Router {
  const router = Router();
  const { log } = deps;
  // Per-fabric serialization of "is one pending? else enqueue" for deliveries racing in this process.
  const fabricChains = new Map<string, Promise<void>>();

  async function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = fabricChains.get(key) ?? Promise.resolve();
    const run = previous.then(work);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    fabricChains.set(key, tail);
    try {
      return await run;
    } finally {
      if (fabricChains.get(key) === tail) fabricChains.delete(key);
    }
  }

  async function handle(req: Request, deliveryId: string, event: string): Promise<WebhookResult> {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('x-hub-signature-256');
    if (!signature) return { status: 401, body: { error: 'missing X-Hub-Signature-256 header' } };

    let payload: Record<string, unknown>;
    try {
      payload = parsePayload(req, body);
    } catch (error) {
      if (error instanceof BadPayload) return { status: 400, body: { error: error.message } };
      throw error;
    }

    const payloadRepository = isRecord(payload.repository) ? payload.repository : {};
    const wanted = new Set<string>();
    for (const field of PAYLOAD_URL_FIELDS) {
      const value = payloadRepository[field];
      const normalized = typeof value === 'string' ? normalizeRepositoryUrl(value) : undefined;
      if (normalized) wanted.add(normalized);
    }
    if (wanted.size === 0) {
      log.warn({ deliveryId, event }, 'webhook refused: payload names no repository');
      return { status: 401, body: { error: NOT_VERIFIED } };
    }

    const em = deps.orm.em.fork();
    const names = [...new Set([...wanted].map((url) => url.slice(url.lastIndexOf('/') + 1)))];
    const rows = await em.find(
      GitRepository,
      { $or: names.map((name) => ({ url: { $ilike: `%${escapeLike(name)}%` } })) },
      { populate: ['webhookSecret'] },
    );
    const candidates = rows.filter((repository) => {
      const normalized = normalizeRepositoryUrl(repository.url);
      return normalized !== undefined && wanted.has(normalized);
    });
    const verified: GitRepository[] = [];
    for (const repository of candidates) {
      if (!repository.webhookSecret) continue;
      let secret: string;
      try {
        secret = deps.secrets.decrypt(repository.webhookSecret);
      } catch (error) {
        log.error({ deliveryId, repositoryId: repository.id, err: error }, 'webhook secret of repository cannot be decrypted');
        continue;
      }
      if (verifyGitHubSignature(secret, body, signature)) verified.push(repository);
    }
    if (verified.length === 0) {
      const reason = candidates.length === 0 ? 'no matching repository' : candidates.some((r) => r.webhookSecret) ? 'bad signature' : 'repository has no webhook secret';
      log.warn({ deliveryId, event, candidates: candidates.map((r) => r.id), reason }, 'webhook refused');
      return { status: 401, body: { error: NOT_VERIFIED } };
    }
    const repositoryIds = verified.map((r) => r.id);

    if (event === 'ping') {
      log.info({ deliveryId, repositoryIds }, 'webhook ping');
      return { status: 200, body: { ok: true } };
    }

    let branch: string;
    if (event === 'push') {
      const ref = typeof payload.ref === 'string' ? payload.ref : '';
      if (!ref.startsWith('refs/heads/')) return ignored(deliveryId, event, `ref "${ref}" is not a branch`);
      if (payload.deleted === true) return ignored(deliveryId, event, 'branch deletion');
      branch = ref.slice('refs/heads/'.length);
    } else if (event === 'pull_request') {
      const pull = isRecord(payload.pull_request) ? payload.pull_request : {};
      if (payload.action !== 'closed' || pull.merged !== true) return ignored(deliveryId, event, 'not a merged pull request');
      const base = isRecord(pull.base) && typeof pull.base.ref === 'string' ? pull.base.ref : '';
      branch = base;
    } else {
      return ignored(deliveryId, event, 'event not handled');
    }

    const tracking = verified.filter((r) => branch === r.defaultBranch || branch === r.effectivePushBranch);
    if (tracking.length === 0) return ignored(deliveryId, event, 'branch is not tracked');

    const fabrics = await em.find(HedgehogFabric, { gitRepository: { $in: tracking.map((r) => r.id) } }, { orderBy: { name: 'asc' } });
    const enqueued: string[] = [];
    let skipped = 0;
    for (const fabric of fabrics) {
      const queuedId = await serialized(fabric.id, async () => {
        const pending = await deps.orm.em.fork().count(SyncOperation, {
          fabric: fabric.id,
          operationType: SyncOperationType.GITHUB_TO_GUI,
          status: SyncOperationStatus.PENDING,
        });
        if (pending > 0) return undefined;
        const operation = await deps.sync.enqueue({
          fabricId: fabric.id,
          operationType: SyncOperationType.GITHUB_TO_GUI,
          details: { trigger: 'webhook', deliveryId, event },
        });
        return operation.id;
      });
      if (queuedId) enqueued.push(encodeGlobalId('SyncOperation', queuedId));
      else skipped++;
    }
    log.info({ deliveryId, event, branch, repositoryIds, enqueued: enqueued.length, skipped }, 'webhook queued pulls');
    return { status: 202, body: { enqueued, skipped } };
  }

  function ignored(deliveryId: string, event: string, reason: string): WebhookResult {
    log.info({ deliveryId, event, reason }, 'webhook ignored');
    return { status: 202, body: { ignored: reason, enqueued: [], skipped: 0 } };
  }

  router.post(
    '/webhooks/github',
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (req: Request, res: Response) => {
      const deliveryId = (req.get('x-github-delivery') ?? '').replace(/[^A-Za-z0-9-]/g, '').slice(0, 100);
      const event = (req.get('x-github-event') ?? '').trim();
      if (!/^[a-z_]{1,64}$/.test(event)) {
        res.status(400).json({ error: 'missing or invalid X-GitHub-Event header' });
        return;
      }
      const result = await handle(req, deliveryId, event);
      res.status(result.status).json(result.body);
    },
  );

  router.use('/webhooks/github', (error: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error.type === 'entity.too.large') {
      res.status(413).json({ error: `webhook body exceeds ${WEBHOOK_BODY_LIMIT}` });
      return;
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ error: error.message });
      return;
    }
    log.error({ err: error }, 'webhook handling failed');
    res.status(500).json({ error: 'internal server error' });
  });

  return router;
}
