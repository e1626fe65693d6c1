import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../entities/enums';
import { GitRepository } from '../../entities/git-repository';
import { User } from '../../entities/user';
import { testGitRepositoryConnection } from '../../services/git-connection-test';
import { createGitRepository, deleteGitRepository, updateGitRepository } from '../../services/git-repository-service';
import { GitRepositoryConnection } from '../connections';
import type { GraphQLContext } from '../context';
import { CreateGitRepositoryInput, UpdateGitRepositoryInput } from '../inputs/git-repository-inputs';
import { withUserErrors } from '../mutation-payload';
import { REPOSITORY_ORDER } from '../orderings';
import { PageArgsInput } from '../page-args';
import { paginate } from '../pagination';
import { DeletePayload, GitRepositoryPayload } from '../payloads';
import { findByGlobalId, requireByGlobalId } from './lookup';

@Resolver(() => GitRepository)
export class GitRepositoryResolver {
  @Authorized()
  @Query(() => GitRepositoryConnection)
  async gitRepositories(@Args() page: PageArgsInput, @Ctx() { em }: GraphQLContext) {
    return new GitRepositoryConnection(await paginate(em, GitRepository, {}, REPOSITORY_ORDER, page));
  }

  @Authorized()
  @Query(() => GitRepository, { nullable: true })
  gitRepository(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<GitRepository | null> {
    return findByGlobalId(loaders, 'GitRepository', id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => GitRepositoryPayload)
  createGitRepository(@Arg('input', () => CreateGitRepositoryInput) input: CreateGitRepositoryInput, @Ctx() { em, secrets, user }: GraphQLContext) {
    return withUserErrors(new GitRepositoryPayload(), async (payload) => {
      payload.gitRepository = await createGitRepository(em, secrets, user, input);
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => GitRepositoryPayload)
  updateGitRepository(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateGitRepositoryInput) input: UpdateGitRepositoryInput,
    @Ctx() { em, secrets, loaders, user }: GraphQLContext,
  ) {
    return withUserErrors(new GitRepositoryPayload(), async (payload) => {
      const repository = await requireByGlobalId<GitRepository>(loaders, 'GitRepository', id, ['id']);
      payload.gitRepository = await updateGitRepository(em, secrets, user, repository, input);
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeletePayload)
  deleteGitRepository(@Arg('id', () => ID) id: string, @Ctx() { em, loaders, user }: GraphQLContext) {
    return withUserErrors(new DeletePayload(), async (payload) => {
      const repository = await requireByGlobalId<GitRepository>(loaders, 'GitRepository', id, ['id']);
      await deleteGitRepository(em, user, repository);
      payload.deletedId = id;
    });
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => GitRepositoryPayload, { description: 'Contacts the remote (fetch of the default branch) and records connectionStatus, lastValidated, validationError' })
  testGitRepositoryConnection(@Arg('id', () => ID) id: string, @Ctx() { em, loaders, repos, secrets }: GraphQLContext) {
    return withUserErrors(new GitRepositoryPayload(), async (payload) => {
      const repository = await requireByGlobalId<GitRepository>(loaders, 'GitRepository', id, ['id']);
      payload.gitRepository = await testGitRepositoryConnection(em, repos, secrets, repository.id);
    });
  }

  @FieldResolver(() => User, { nullable: true })
  createdBy(@Root() repository: GitRepository, @Ctx() { loaders }: GraphQLContext): Promise<User | null> | null {
    return repository.createdBy ? loaders.user.load(repository.createdBy.id) : null;
  }
}
