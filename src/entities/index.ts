import { ApiToken } from './api-token';
import { AuditEvent } from './audit-event';
import { GitRepository } from './git-repository';
import { HedgehogFabric } from './hedgehog-fabric';
import { HedgehogResource } from './hedgehog-resource';
import { ResourceConflict } from './resource-conflict';
import { ResourceTombstone } from './resource-tombstone';
import { StateTransition } from './state-transition';
import { SyncOperation } from './sync-operation';
import { User } from './user';

export { ApiToken, AuditEvent, GitRepository, HedgehogFabric, HedgehogResource, ResourceConflict, ResourceTombstone, StateTransition, SyncOperation, User };

export const ENTITIES = [User, ApiToken, GitRepository, HedgehogFabric, HedgehogResource, ResourceConflict, StateTransition, SyncOperation, ResourceTombstone, AuditEvent];
