import { AuditEvent } from '../entities/audit-event';
import { GitRepository } from '../entities/git-repository';
import { HedgehogFabric } from '../entities/hedgehog-fabric';
import { HedgehogResource } from '../entities/hedgehog-resource';
import { ResourceConflict } from '../entities/resource-conflict';
import { SyncOperation } from '../entities/sync-operation';
import { User } from '../entities/user';
import { ConnectionType } from './connection';

export const GitRepositoryConnection = ConnectionType(GitRepository, 'GitRepository');
export const HedgehogFabricConnection = ConnectionType(HedgehogFabric, 'HedgehogFabric');
export const HedgehogResourceConnection = ConnectionType(HedgehogResource, 'HedgehogResource');
export const SyncOperationConnection = ConnectionType(SyncOperation, 'SyncOperation');
export const ResourceConflictConnection = ConnectionType(ResourceConflict, 'ResourceConflict');
export const UserConnection = ConnectionType(User, 'User');
export const AuditEventConnection = ConnectionType(AuditEvent, 'AuditEvent');
