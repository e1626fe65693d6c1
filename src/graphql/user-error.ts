import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { UserErrorCode } from '../services/mutation-error';

registerEnumType(UserErrorCode, { name: 'UserErrorCode', description: 'Stable codes of expected mutation failures' });

@ObjectType({ description: 'An expected failure of a mutation; nothing was changed' })
export class UserError {
  @Field(() => [String], { description: 'Path to the input field at fault' })
  field!: string[];

  @Field(() => String)
  message!: string;

  @Field(() => UserErrorCode)
  code!: UserErrorCode;
}
