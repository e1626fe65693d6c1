import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SyncOperationStatus } from '../entities/enums';
import { ResourceConflict } from '../entities/resource-conflict';
import { SyncOperation } from '../entities/sync-operation';

@ObjectType({ description: 'A stage change, counter change or final status of a sync operation' })
export class SyncOperationProgressEvent {
  @Field(() => SyncOperation, { description: 'The operation as of this event' })
  operation!: SyncOperation;

  @Field(() => ID)
  operationId!: string;

  @Field(() => ID)
  fabricId!: string;

  @Field(() => SyncOperationStatus)
  status!: SyncOperationStatus;

  @Field(() => String)
  stage!: string;

  @Field(() => Float, { description: '0..1' })
  progress!: number;

  @Field(() => String)
  message!: string;

  @Field(() => Int)
  filesProcessed!: number;

  @Field(() => Int)
  filesCreated!: number;

  @Field(() => Int)
  filesUpdated!: number;

  @Field(() => Int)
  filesDeleted!: number;

  @Field(() => GraphQLDateTimeISO)
  at!: Date;
}

export enum ConflictEventType {
  DETECTED = 'detected',
  RESOLVED = 'resolved',
}
registerEnumType(ConflictEventType, { name: 'ConflictEventType' });

@ObjectType({ description: 'A conflict was detected or resolved' })
export class ConflictEvent {
  @Field(() => ConflictEventType)
  type!: ConflictEventType;

  @Field(() => ResourceConflict)
  conflict!: ResourceConflict;

  @Field(() => ID)
  fabricId!: string;

  @Field(() => GraphQLDateTimeISO)
  at!: Date;
}

/** Topics of conflict events; the sync work that detects and resolves conflicts publishes on them. */
export function conflictTopics(fabricId: string): string[] {
  return [`fabric:${fabricId}:conflicts`, 'conflicts'];
}

/** What travels on the bus for a conflict event (ids only: conflicts carry whole manifests). */
export interface ConflictEventPayload {
  kind: 'conflict';
  type: ConflictEventType;
  conflictId: string;
  fabricId: string;
  at: string;
}
