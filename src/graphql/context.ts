import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SecretBox } from '../auth/secret-box';
import type { User } from '../entities/user';
import type { Loaders } from './loaders';

/** Per-request state: a forked EntityManager (own identity map), the caller, and request-scoped loaders. */
export interface GraphQLContext {
  em: EntityManager;
  user: User;
  loaders: Loaders;
  secrets: SecretBox;
  log: Logger;
}
