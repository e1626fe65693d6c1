import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { MutationError, UserErrorCode } from './mutation-error';

/** Runs `work`; a unique-constraint race that slipped past the service's own checks becomes ALREADY_EXISTS. */
export async function mapUniqueViolation<R>(work: () => Promise<R>, field: string[], message: string): Promise<R> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw MutationError.single(UserErrorCode.ALREADY_EXISTS, field, message);
    throw error;
  }
}
