import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { GraphQLDateTimeISO, GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../graphql/node';
import { BaseEntity } from './base-entity';
import { ConflictStatus, ResourceState, SyncDirection } from './enums';
import { HedgehogFabric } from './hedgehog-fabric';
import { User } from './user';

export type JsonObject = Record<string, unknown>;

// simpleResolvers: the plain fields of a page's 100 rows resolve with graphql-js's default resolver, not a wrapper each.
@ObjectType({ implements: Node, simpleResolvers: true, description: 'One Hedgehog Kubernetes object (VPC, Connection, Switch, …) of a fabric' })
@Entity()
@Unique({ properties: ['fabric', 'kind', 'namespace', 'name'] })
@Index({ properties: ['fabric', 'resourceState'] })
@Index({ properties: ['fabric', 'conflictStatus'] })
@Index({ properties: ['fabric', 'name'] })
@Index({ properties: ['fabric', 'managedFilePath'] })
export class HedgehogResource extends BaseEntity {
  @ManyToOne(() => HedgehogFabric, { deleteRule: 'cascade' })
  fabric!: HedgehogFabric;

  @Field(() => String)
  @Property({ type: 'varchar', length: 100 })
  apiVersion!: string;

  @Field(() => String)
  @Property({ type: 'varchar', length: 50 })
  kind!: string;

  @Field(() => String)
  @Property({ type: 'varchar', length: 253, default: 'default' })
  namespace: string = 'default';

  @Field(() => String)
  @Property({ type: 'varchar', length: 253 })
  name!: string;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  spec: JsonObject = {};

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  labels: Record<string, string> = {};

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  annotations: Record<string, string> = {};

  @Field(() => Int, { description: 'Optimistic-lock version; pass it as expectedVersion when updating or deleting' })
  @Property({ type: 'integer', version: true, default: 1 })
  version!: number;

  @Field(() => ResourceState)
  @Enum({ items: () => ResourceState, default: ResourceState.DRAFT })
  resourceState: ResourceState = ResourceState.DRAFT;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Manifest at the last successful sync (the three-way merge base)' })
  @Property({ type: 'jsonb', nullable: true })
  baseManifest?: JsonObject | null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy?: User | null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  lastModifiedBy?: User | null;

  // --- bidirectional_sync_extensions ---

  @Field(() => String, { description: "Path of the resource's managed file in the repository; '' before the first sync" })
  @Property({ type: 'varchar', length: 500, default: '' })
  managedFilePath: string = '';

  @Field(() => String, { description: 'SHA-256 of the canonical manifest at the last sync' })
  @Property({ type: 'varchar', length: 64, default: '' })
  fileHash: string = '';

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastFileSync?: Date | null;

  @Field(() => SyncDirection)
  @Enum({ items: () => SyncDirection, default: SyncDirection.BIDIRECTIONAL })
  syncDirection: SyncDirection = SyncDirection.BIDIRECTIONAL;

  @Field(() => ConflictStatus)
  @Enum({ items: () => ConflictStatus, default: ConflictStatus.NONE })
  conflictStatus: ConflictStatus = ConflictStatus.NONE;

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  conflictDetails: JsonObject = {};

  @Field(() => GraphQLJSON, { description: 'Log of changes detected in Git outside the API' })
  @Property({ type: 'jsonb', defaultRaw: `'[]'` })
  externalModifications: JsonObject[] = [];

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  syncMetadata: JsonObject = {};
}
