import type { NextFunction, Request, Response } from 'express';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../config';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes `points` requests from the key's allowance. */
  consume(key: string, points?: number): Promise<RateLimitDecision>;
}

export const RATE_LIMITED = 'RATE_LIMITED';

/**
 * In memory, per instance: `perSecond` requests in each one-second window, plus a burst allowance of `burst`
 * requests that refills over burst / perSecond seconds. Undefined when RATE_LIMIT_PER_SECOND is 0 (off).
 */
export function createRateLimiter(config: RateLimitConfig): RateLimiter | undefined {
  if (config.perSecond === 0) return undefined;
  const steady = new RateLimiterMemory({ keyPrefix: 'steady', points: config.perSecond, duration: 1 });
  const limiter =
    config.burst > 0
      ? new BurstyRateLimiter(steady, new RateLimiterMemory({ keyPrefix: 'burst', points: config.burst, duration: Math.max(1, Math.ceil(config.burst / config.perSecond)) }))
      : steady;
  return {
    async consume(key, points = 1) {
      try {
        await limiter.consume(key, points);
        return { allowed: true };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
    },
  };
}

export function rateLimitMessage(retryAfterSeconds: number): string {
  return `rate limit exceeded; retry after ${retryAfterSeconds} s`;
}

/** HTTP 429 with Retry-After and a GraphQL-shaped body. */
export function sendRateLimited(res: Response, retryAfterSeconds: number): void {
  res
    .status(429)
    .set('Retry-After', String(retryAfterSeconds))
    .json({ errors: [{ message: rateLimitMessage(retryAfterSeconds), extensions: { code: RATE_LIMITED, retryAfterSeconds } }] });
}

/**
 * The client address within a scope (failed authentications, webhook deliveries): the socket's peer, or with
 * express "trust proxy" set, the address a known proxy forwarded.
 */
export function clientAddressKey(scope: string, req: Request): string {
  return `${scope}:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

/** Express middleware counting `points(req)` against `key(req, res)`; a no-op when the limiter is off. */
export function rateLimitMiddleware(limiter: RateLimiter | undefined, key: (req: Request, res: Response) => string, points: (req: Request) => number = () => 1) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!limiter) return next();
    try {
      const decision = await limiter.consume(key(req, res), points(req));
      if (!decision.allowed) return sendRateLimited(res, decision.retryAfterSeconds);
      next();
    } catch (error) {
      next(error);
    }
  };
}
