import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { ConflictStatus, ResourceState } from '../../entities/enums';

@InputType()
export class CreateResourceInput {
  @Field(() => ID)
  fabricId!: string;

  @Field(() => String, { description: 'One of supportedKinds, e.g. VPC, Connection, Switch' })
  kind!: string;

  @Field(() => String, { description: 'RFC 1123 name' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Defaults to "default" (the only namespace Hedgehog accepts)' })
  namespace?: string;

  @Field(() => String, { nullable: true, description: "Defaults to the kind's apiVersion; must match it when given" })
  apiVersion?: string;

  @Field(() => GraphQLJSONObject)
  spec!: Record<string, unknown>;

  @Field(() => GraphQLJSONObject, { nullable: true })
  labels?: Record<string, unknown>;

  @Field(() => GraphQLJSONObject, { nullable: true })
  annotations?: Record<string, unknown>;
}

@InputType({ description: 'Fields to change; a resource cannot be renamed (its identity is kind/namespace/name)' })
export class UpdateResourceInput {
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Replaces the whole spec' })
  spec?: Record<string, unknown>;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Replaces all labels' })
  labels?: Record<string, unknown>;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Replaces all annotations' })
  annotations?: Record<string, unknown>;
}

@InputType()
export class ResourceFilter {
  @Field(() => [String], { nullable: true })
  kind?: string[];

  @Field(() => String, { nullable: true })
  namespace?: string;

  @Field(() => String, { nullable: true })
  namePrefix?: string;

  @Field(() => [ResourceState], { nullable: true })
  resourceState?: ResourceState[];

  @Field(() => [ConflictStatus], { nullable: true })
  conflictStatus?: ConflictStatus[];
}
