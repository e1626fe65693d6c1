/**
 * Failures that mean "the database cannot be reached right now" (connection refused or cut, backend
 * terminated, server shutting down, no pooled connection within the timeout), as opposed to a bad query.
 * Clients get them as DATABASE_UNAVAILABLE (retryable) instead of a masked internal error.
 */
export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is temporarily unavailable; retry the request';

// SQLSTATE class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections).
const SQLSTATES = /^(08...|57P0[123]|53300)$/;
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// knex's "Transaction query already complete": the transaction's connection died under it (its BEGIN or an earlier
// statement failed with the connection) and the next statement of the transaction finds it ended.
const MESSAGES =
  /Connection terminated|Client has encountered a connection error|Knex: Timeout acquiring a connection|Connection ended unexpectedly|terminating connection due to administrator command|Client was closed and is not queryable|Transaction query already complete/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof candidate.code === 'string' && (SQLSTATES.test(candidate.code) || NODE_CODES.has(candidate.code))) return true;
    if (typeof candidate.message === 'string' && MESSAGES.test(candidate.message)) return true;
    current = candidate.originalError ?? candidate.cause;
  }
  return false;
}
