import { MutationError } from '../services/mutation-error';
import type { UserError } from './user-error';

/** Runs a mutation's work; expected failures (MutationError) become `userErrors`, anything else stays an error. */
export async function withUserErrors<P extends { userErrors: UserError[] }>(payload: P, work: (payload: P) => Promise<void>): Promise<P> {
  try {
    await work(payload);
  } catch (error) {
    if (!(error instanceof MutationError)) throw error;
    payload.userErrors = error.errors;
  }
  return payload;
}
