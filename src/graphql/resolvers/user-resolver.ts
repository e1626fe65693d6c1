import { GraphQLError } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { hasRole } from '../../auth/roles';
import { ApiToken } from '../../entities/api-token';
import { Role } from '../../entities/enums';
import { User } from '../../entities/user';
import { createApiToken, createUser, revokeApiToken } from '../../services/user-service';
import { UserConnection } from '../connections';
import type { GraphQLContext } from '../context';
import { decodeIdOfType } from '../global-id';
import { CreateApiTokenInput, CreateUserInput } from '../inputs/user-inputs';
import { withUserErrors } from '../mutation-payload';
import { USER_ORDER } from '../orderings';
import { PageArgsInput } from '../page-args';
import { paginate } from '../pagination';
import { ApiTokenPayload, CreateUserPayload } from '../payloads';
import { MutationError, UserErrorCode } from '../../services/mutation-error';
import { requireByGlobalId } from './lookup';

@Resolver(() => User)
export class UserResolver {
  @Authorized(Role.ADMIN)
  @Query(() => UserConnection)
  async users(@Args() page: PageArgsInput, @Ctx() { em }: GraphQLContext) {
    return new UserConnection(await paginate(em, User, {}, USER_ORDER, page));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreateUserPayload, { description: 'Creates a user with a first API token (returned once)' })
  createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() { em, user: actor }: GraphQLContext) {
    return withUserErrors(new CreateUserPayload(), async (payload) => {
      const { user, token } = await createUser(em, actor, input);
      payload.user = user;
      payload.token = token;
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiTokenPayload, { description: 'Issues another API token for a user (returned once)' })
  createApiToken(@Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput, @Ctx() { em, loaders, user: actor }: GraphQLContext) {
    return withUserErrors(new ApiTokenPayload(), async (payload) => {
      const user = await requireByGlobalId<User>(loaders, 'User', input.userId, ['input', 'userId']);
      const issued = await createApiToken(em, actor, user, input.name, input.expiresAt);
      payload.apiToken = issued.apiToken;
      payload.token = issued.token;
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiTokenPayload, { description: 'Revokes an API token at once' })
  revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() { em, user: actor }: GraphQLContext) {
    return withUserErrors(new ApiTokenPayload(), async (payload) => {
      const tokenId = decodeIdOfType(id, 'ApiToken');
      const apiToken = tokenId ? await em.findOne(ApiToken, { id: tokenId }) : null;
      if (!apiToken) throw MutationError.single(UserErrorCode.NOT_FOUND, ['id'], `no ApiToken with id "${id}"`);
      payload.apiToken = await revokeApiToken(em, actor, apiToken);
    });
  }

  @FieldResolver(() => [ApiToken], { description: "The user's API tokens (visible to admins and to the user)" })
  async apiTokens(@Root() owner: User, @Ctx() { em, user }: GraphQLContext): Promise<ApiToken[]> {
    if (owner.id !== user.id && !hasRole(user.role, Role.ADMIN)) {
      throw new GraphQLError('only admins can see the tokens of other users', { extensions: { code: 'FORBIDDEN' } });
    }
    return em.find(ApiToken, { user: owner.id }, { orderBy: { created: 'asc' } });
  }
}
