import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Node } from '../graphql/node';
import { BaseEntity } from './base-entity';
import { User } from './user';

/**
 * Who did what to which object, and when. Written in the same transaction as the change it records, so a change
 * without its event (or an event without its change) cannot exist. Targets are kept by id, type and name rather than
 * by foreign key: the trail outlives the objects it describes.
 */
@ObjectType({ implements: Node, description: 'One audited change (admin only)' })
@Entity()
@Index({ properties: ['created', 'id'] })
@Index({ properties: ['targetId', 'created'] })
@Index({ properties: ['fabricId', 'created'] })
@Index({ properties: ['action', 'created'] })
@Index({ properties: ['actor', 'created'] })
export class AuditEvent extends BaseEntity {
  @Field(() => GraphQLDateTimeISO, { description: 'When the change was committed' })
  get at(): Date {
    return this.created;
  }

  @Field(() => String, { description: 'What happened, e.g. resource.update, fabric.delete, sync_operation.complete' })
  @Property({ type: 'varchar', length: 60 })
  action!: string;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  actor?: User | null;

  @Field(() => String, { nullable: true, description: 'Username at the time; null for the system (sync workers, polling, webhooks)' })
  @Property({ type: 'varchar', length: 150, nullable: true })
  actorName?: string | null;

  @Field(() => String, { description: 'GraphQL type of the object changed (HedgehogResource, HedgehogFabric, …)' })
  @Property({ type: 'varchar', length: 60 })
  targetType!: string;

  @Property({ type: 'uuid' })
  targetId!: string;

  @Field(() => String, { description: 'Name of the object at the time (kind namespace/name for resources)' })
  @Property({ type: 'varchar', length: 600, default: '' })
  targetName: string = '';

  @Property({ type: 'uuid', nullable: true })
  fabricId?: string | null;

  @Field(() => GraphQLJSONObject, { description: 'What changed: fields, versions, operation counters' })
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  details: Record<string, unknown> = {};
}
