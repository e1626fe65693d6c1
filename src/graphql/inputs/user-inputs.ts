import { GraphQLDateTimeISO } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { Role } from '../../entities/enums';

@InputType()
export class CreateUserInput {
  @Field(() => String)
  username!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { nullable: true, description: 'Name of the first API token, created with the user (default "default")' })
  tokenName?: string;
}

@InputType()
export class CreateApiTokenInput {
  @Field(() => ID)
  userId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  expiresAt?: Date;
}
