import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Node } from '../graphql/node';
import { BaseEntity } from './base-entity';
import { PushMode, SyncOperationStatus, SyncOperationType } from './enums';
import { HedgehogFabric } from './hedgehog-fabric';
import { User } from './user';

/** One unit of sync work (directory init, ingestion, pull, push, resolution, validation) and its progress. */
@ObjectType({ implements: Node })
@Entity()
@Index({ properties: ['fabric', 'status'] })
@Index({ properties: ['operationType', 'status'] })
@Index({ properties: ['status', 'created'] })
@Index({ properties: ['fabric', 'created'] })
export class SyncOperation extends BaseEntity {
  @ManyToOne(() => HedgehogFabric, { deleteRule: 'cascade' })
  fabric!: HedgehogFabric;

  @Field(() => SyncOperationType)
  @Enum({ items: () => SyncOperationType })
  operationType!: SyncOperationType;

  @Field(() => SyncOperationStatus)
  @Enum({ items: () => SyncOperationStatus, default: SyncOperationStatus.PENDING })
  status: SyncOperationStatus = SyncOperationStatus.PENDING;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  startedAt?: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  completedAt?: Date | null;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  details: Record<string, unknown> = {};

  @Field(() => String)
  @Property({ type: 'text', default: '' })
  errorMessage: string = '';

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  filesProcessed: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  filesCreated: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  filesUpdated: number = 0;

  @Field(() => Int)
  @Property({ type: 'integer', default: 0 })
  filesDeleted: number = 0;

  @Field(() => String, { nullable: true })
  @Property({ type: 'varchar', length: 40, nullable: true })
  commitSha?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'varchar', length: 500, nullable: true })
  pullRequestUrl?: string | null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  initiatedBy?: User | null;

  @Field(() => String, { description: 'Current stage (clone, discovery, validation, commit, push, db_apply, …)' })
  @Property({ type: 'varchar', length: 50, default: '' })
  stage: string = '';

  @Field(() => Float, { description: '0..1' })
  @Property({ type: 'double precision', default: 0 })
  progress: number = 0;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  heartbeatAt?: Date | null;

  @Field(() => Int)
  @Property({ type: 'integer', default: 1 })
  attempt: number = 1;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: false })
  dryRun: boolean = false;

  @Field(() => PushMode, { nullable: true })
  @Enum({ items: () => PushMode, nullable: true })
  pushMode?: PushMode | null;

  // --- sync_runtime ---

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When cancellation was asked for a running operation' })
  @Property({ type: 'timestamptz', nullable: true })
  cancelRequestedAt?: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the operation passed its point of no return (the Git push); it cannot be cancelled after that' })
  @Property({ type: 'timestamptz', nullable: true })
  pointOfNoReturnAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'The operation this one retries after an interruption' })
  @Property({ type: 'uuid', nullable: true })
  retryOf?: string | null;
}
