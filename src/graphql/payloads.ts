import { Field, ID, ObjectType } from 'type-graphql';
import { ApiToken } from '../entities/api-token';
import { GitRepository } from '../entities/git-repository';
import { HedgehogFabric } from '../entities/hedgehog-fabric';
import { HedgehogResource } from '../entities/hedgehog-resource';
import { ResourceConflict } from '../entities/resource-conflict';
import { SyncOperation } from '../entities/sync-operation';
import { User } from '../entities/user';
import { UserError } from './user-error';
import { ValidationIssueType } from './validation-types';

@ObjectType('MutationPayloadBase')
abstract class Payload {
  @Field(() => [UserError], { description: 'Expected failures; when present, nothing was changed' })
  userErrors: UserError[] = [];
}

@ObjectType()
export class GitRepositoryPayload extends Payload {
  @Field(() => GitRepository, { nullable: true })
  gitRepository?: GitRepository | null;
}

@ObjectType()
export class HedgehogFabricPayload extends Payload {
  @Field(() => HedgehogFabric, { nullable: true })
  fabric?: HedgehogFabric | null;
}

@ObjectType()
export class HedgehogResourcePayload extends Payload {
  @Field(() => HedgehogResource, { nullable: true })
  resource?: HedgehogResource | null;

  @Field(() => [ValidationIssueType], { description: 'Non-blocking validation findings' })
  warnings: ValidationIssueType[] = [];
}

@ObjectType()
export class DeletePayload extends Payload {
  @Field(() => ID, { nullable: true })
  deletedId?: string | null;
}

@ObjectType()
export class CreateUserPayload extends Payload {
  @Field(() => User, { nullable: true })
  user?: User | null;

  @Field(() => String, { nullable: true, description: 'The new API token; shown only in this response' })
  token?: string | null;
}

@ObjectType()
export class ApiTokenPayload extends Payload {
  @Field(() => ApiToken, { nullable: true })
  apiToken?: ApiToken | null;

  @Field(() => String, { nullable: true, description: 'The token secret; shown only in this response' })
  token?: string | null;
}

@ObjectType()
export class SyncOperationPayload extends Payload {
  @Field(() => SyncOperation, { nullable: true })
  syncOperation?: SyncOperation | null;
}

@ObjectType()
export class ResourceConflictPayload extends Payload {
  @Field(() => ResourceConflict, { nullable: true })
  conflict?: ResourceConflict | null;

  @Field(() => SyncOperation, { nullable: true, description: 'The conflict_resolution operation that applies the decision' })
  syncOperation?: SyncOperation | null;
}
