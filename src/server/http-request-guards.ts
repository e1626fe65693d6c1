import type { NextFunction, Request, Response } from 'express';

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/**
 * GraphQL over HTTP: a POST body must be `application/json`. Anything else (text/plain, forms, no type) is 415, which
 * also keeps browsers' CORS-simple POSTs (a CSRF vector) away from the API.
 */
export function requireJsonPost(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'POST' && !req.is('application/json')) {
    refuse(res, 415, 'UNSUPPORTED_MEDIA_TYPE', `POST bodies must be application/json, got ${req.headers['content-type'] ? `"${req.headers['content-type']}"` : 'no Content-Type'}`);
    return;
  }
  next();
}

/** Operations in a request: a JSON array body is a batch. */
export function operationCount(req: Request): number {
  return Array.isArray(req.body) ? req.body.length : 1;
}

/** Batched requests (JSON array bodies): refused when maxBatch is 0, else at most maxBatch operations. */
export function batchLimit(maxBatch: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!Array.isArray(req.body)) return next();
    if (maxBatch === 0) return refuse(res, 400, 'BATCHING_DISABLED', 'batched requests (JSON array bodies) are not accepted; send one operation per request');
    if (req.body.length === 0 || req.body.length > maxBatch) {
      return refuse(res, 400, 'BATCH_TOO_LARGE', `a batch must hold between 1 and ${maxBatch} operations, got ${req.body.length}`);
    }
    next();
  };
}
