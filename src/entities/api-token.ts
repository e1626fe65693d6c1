import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Node } from '../graphql/node';
import { BaseEntity } from './base-entity';
import { User } from './user';

/** A Bearer token. Only its SHA-256 hash is stored; the secret is shown once at creation. */
@ObjectType({ implements: Node, description: 'An API token (the secret itself is never readable)' })
@Entity()
export class ApiToken extends BaseEntity {
  @Index()
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Field(() => String)
  @Property({ type: 'varchar', length: 100 })
  name!: string;

  /** Hex SHA-256 of the whole token. */
  @Property({ type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  @Field(() => String, { description: 'First characters of the token, to recognise it' })
  @Property({ type: 'varchar', length: 16 })
  prefix!: string;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null;
}
