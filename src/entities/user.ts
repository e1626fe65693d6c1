import { Entity, Enum, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Node } from '../graphql/node';
import { BaseEntity } from './base-entity';
import { Role } from './enums';

@ObjectType({ implements: Node, description: 'A person or integration that calls the API with Bearer tokens' })
@Entity({ tableName: 'app_user' })
export class User extends BaseEntity {
  @Field(() => String)
  @Property({ type: 'varchar', length: 150, unique: true })
  username!: string;

  @Field(() => Role)
  @Enum({ items: () => Role, default: Role.VIEWER })
  role: Role = Role.VIEWER;

  @Field(() => Boolean)
  @Property({ type: 'boolean', default: true })
  isActive: boolean = true;
}
