import { BeforeCreate, Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Node } from '../graphql/node';
import { BaseEntity } from './base-entity';
import { ResourceState } from './enums';
import { HedgehogResource } from './hedgehog-resource';
import { assertTransition } from '../sync/resource-state-machine';
import { User } from './user';

/** History of resource state changes, written in the same transaction as the change. */
@ObjectType({ implements: Node })
@Entity()
@Index({ properties: ['resource', 'timestamp'] })
export class StateTransition extends BaseEntity {
  @ManyToOne(() => HedgehogResource, { deleteRule: 'cascade' })
  resource!: HedgehogResource;

  @Field(() => ResourceState, { nullable: true, description: 'Null when the resource was created' })
  @Enum({ items: () => ResourceState, nullable: true })
  fromState?: ResourceState | null;

  @Field(() => ResourceState)
  @Enum({ items: () => ResourceState })
  toState!: ResourceState;

  @Field(() => String)
  @Property({ type: 'varchar', length: 50 })
  trigger!: string;

  @Field(() => String)
  @Property({ type: 'text', default: '' })
  reason: string = '';

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  context: Record<string, unknown> = {};

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  user?: User | null;

  @Field(() => GraphQLDateTimeISO)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  timestamp: Date = new Date();

  /** The state machine is enforced where transitions are written: an invalid one aborts the transaction. */
  @BeforeCreate()
  checkTransition(): void {
    assertTransition(this.fromState, this.toState, this.trigger);
  }
}
