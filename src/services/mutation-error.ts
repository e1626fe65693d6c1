/** Expected failure codes of mutations (DESIGN §6). */
export enum UserErrorCode {
  VALIDATION = 'VALIDATION',
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  STALE_VERSION = 'STALE_VERSION',
  CONFLICT = 'CONFLICT',
  FORBIDDEN = 'FORBIDDEN',
  GIT_ERROR = 'GIT_ERROR',
  INVALID_STATE = 'INVALID_STATE',
}

export interface UserErrorDetail {
  /** Path to the offending input field, e.g. ["input", "spec", "subnets"]. */
  field: string[];
  message: string;
  code: UserErrorCode;
}

/** Thrown by services for expected failures; resolvers turn it into `userErrors`. Nothing has been written. */
export class MutationError extends Error {
  constructor(readonly errors: UserErrorDetail[]) {
    super(errors.map((e) => e.message).join('; '));
  }

  static single(code: UserErrorCode, field: string[], message: string): MutationError {
    return new MutationError([{ code, field, message }]);
  }
}

/** Collects validation problems so that all of them are reported at once. */
export class ErrorCollector {
  readonly errors: UserErrorDetail[] = [];

  add(code: UserErrorCode, field: string[], message: string): void {
    this.errors.push({ code, field, message });
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new MutationError(this.errors);
  }
}
