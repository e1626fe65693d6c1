import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import '../entities/enums';
import { AuditEventResolver } from './resolvers/audit-event-resolver';
import { ConflictResolver } from './resolvers/conflict-resolver';
import { FabricResolver } from './resolvers/fabric-resolver';
import { GitRepositoryResolver } from './resolvers/git-repository-resolver';
import { NodeResolver } from './resolvers/node-resolver';
import { ResourceResolver } from './resolvers/resource-resolver';
import { StateTransitionResolver } from './resolvers/state-transition-resolver';
import { SubscriptionResolver } from './resolvers/subscription-resolver';
import { SyncOperationResolver } from './resolvers/sync-operation-resolver';
import { UserResolver } from './resolvers/user-resolver';

export const RESOLVERS = [
  NodeResolver,
  UserResolver,
  GitRepositoryResolver,
  FabricResolver,
  ResourceResolver,
  SyncOperationResolver,
  ConflictResolver,
  StateTransitionResolver,
  SubscriptionResolver,
  AuditEventResolver,
] as const;

// Every @Subscription here brings its own `subscribe` function reading the per-server EventBus from the
// context; type-graphql still insists on a pubSub, so this one only explains that topics are not used.
const topicPubSubUnused = {
  publish(): void {
    throw new Error('publish through the EventBus in the GraphQL context');
  },
  subscribe(): AsyncIterable<unknown> {
    throw new Error('subscriptions use their own subscribe functions');
  },
};

let schema: GraphQLSchema | undefined;

/** The executable schema (built once per process; type-graphql metadata is global). */
export function buildGraphQLSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({ resolvers: RESOLVERS, authChecker, authMode: 'error', validate: false, pubSub: topicPubSubUnused });
  return schema;
}
