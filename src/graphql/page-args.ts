import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class PageArgsInput {
  @Field(() => Int, { nullable: true, description: 'Page size: default 50, at most 500' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge already seen' })
  after?: string;
}
