import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Every given condition must hold' })
export class AuditEventFilter {
  @Field(() => [String], { nullable: true, description: 'Actions such as resource.update or sync_operation.queue' })
  action?: string[];

  @Field(() => ID, { nullable: true, description: 'Changes made by this user' })
  actorId?: string;

  @Field(() => ID, { nullable: true, description: 'Changes of this object (also after it was deleted)' })
  targetId?: string;

  @Field(() => String, { nullable: true, description: 'GraphQL type of the objects changed, e.g. HedgehogResource' })
  targetType?: string;

  @Field(() => ID, { nullable: true, description: 'Changes within this fabric' })
  fabricId?: string;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'At or after this time' })
  since?: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Before this time' })
  until?: Date;
}
