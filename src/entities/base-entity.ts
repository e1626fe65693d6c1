import { randomUUID } from 'node:crypto';
import { PrimaryKey, Property } from '@mikro-orm/core';
import { GraphQLDateTimeISO, GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { encodeGlobalId } from '../graphql/global-id';

/** Columns every table has (DESIGN §3): uuid id, timestamps, custom field data and tags. */
// Registered so that subclasses inherit its fields; no field returns it, so it stays out of the schema.
@ObjectType('EntityBase')
export abstract class BaseEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => GraphQLDateTimeISO)
  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  created: Date = new Date();

  @Field(() => GraphQLDateTimeISO)
  @Property({ type: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  lastUpdated: Date = new Date();

  @Field(() => GraphQLJSONObject)
  @Property({ type: 'jsonb', defaultRaw: `'{}'` })
  customFieldData: Record<string, unknown> = {};

  @Field(() => [String])
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  tags: string[] = [];

  /** The GraphQL type name, also the entity class name. */
  get typeName(): string {
    return this.constructor.name;
  }

  get globalId(): string {
    return encodeGlobalId(this.typeName, this.id);
  }
}
