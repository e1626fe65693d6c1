import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Node } from '../graphql/node';
import { BaseEntity } from './base-entity';
import { ConflictResolutionStrategy, ConflictStatus, ConflictType } from './enums';
import { HedgehogFabric } from './hedgehog-fabric';
import { HedgehogResource, JsonObject } from './hedgehog-resource';
import { SyncOperation } from './sync-operation';
import { User } from './user';

/** A resource changed differently in the API and in Git; kept until explicitly resolved. */
@ObjectType({ implements: Node })
@Entity()
@Index({ properties: ['fabric', 'status'] })
@Index({ properties: ['resource', 'status'] })
export class ResourceConflict extends BaseEntity {
  @ManyToOne(() => HedgehogResource, { deleteRule: 'cascade' })
  resource!: HedgehogResource;

  @ManyToOne(() => HedgehogFabric, { deleteRule: 'cascade' })
  fabric!: HedgehogFabric;

  @Field(() => ConflictType)
  @Enum({ items: () => ConflictType })
  conflictType!: ConflictType;

  @Field(() => ConflictStatus)
  @Enum({ items: () => ConflictStatus, default: ConflictStatus.DETECTED })
  status: ConflictStatus = ConflictStatus.DETECTED;

  @Field(() => [String], { description: 'JSON paths changed on both sides' })
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  fieldPaths: string[] = [];

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'jsonb', nullable: true })
  base?: JsonObject | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The database (API) side' })
  @Property({ type: 'jsonb', nullable: true })
  ours?: JsonObject | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The Git side' })
  @Property({ type: 'jsonb', nullable: true })
  theirs?: JsonObject | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'varchar', length: 40, nullable: true })
  gitCommit?: string | null;

  @Field(() => GraphQLDateTimeISO)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  detectedAt: Date = new Date();

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  resolvedAt?: Date | null;

  @Field(() => ConflictResolutionStrategy, { nullable: true })
  @Enum({ items: () => ConflictResolutionStrategy, nullable: true })
  resolutionStrategy?: ConflictResolutionStrategy | null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  resolvedBy?: User | null;

  /** Added by bidirectional_sync_extensions together with the sync_operation table. */
  @ManyToOne(() => SyncOperation, { nullable: true, deleteRule: 'set null' })
  operation?: SyncOperation | null;
}
