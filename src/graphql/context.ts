import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SecretBox } from '../auth/secret-box';
import type { User } from '../entities/user';
import type { GitRemotes } from '../sync/executors/git-executor-deps';
import type { SyncRuntime } from '../sync/sync-runtime';
import type { Loaders } from './loaders';
import type { EventBus } from './pubsub/event-bus';

/** Per-request state: a forked EntityManager (own identity map), the caller, and request-scoped loaders. */
export interface GraphQLContext {
  em: EntityManager;
  user: User;
  loaders: Loaders;
  secrets: SecretBox;
  log: Logger;
  sync: SyncRuntime;
  events: EventBus;
  repos: GitRemotes;
  /**
   * Subscriptions: the context for executing one event — a new EntityManager fork and new loaders, so that each
   * event's fields read current rows rather than what an earlier event of the same subscription loaded.
   */
  forEvent?: () => GraphQLContext;
}
