import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConflictResolutionStrategy, ConflictStatus, Role } from '../../entities/enums';
import { HedgehogFabric } from '../../entities/hedgehog-fabric';
import { HedgehogResource } from '../../entities/hedgehog-resource';
import { ResourceConflict } from '../../entities/resource-conflict';
import { SyncOperation } from '../../entities/sync-operation';
import { User } from '../../entities/user';
import { ResourceConflictConnection } from '../connections';
import type { GraphQLContext } from '../context';
import { badUserInput } from '../errors';
import { CONFLICT_ORDER } from '../orderings';
import { PageArgsInput } from '../page-args';
import { paginate } from '../pagination';
import { resolveConflict } from '../../services/conflict-service';
import { withUserErrors } from '../mutation-payload';
import { ResourceConflictPayload } from '../payloads';
import { findByGlobalId } from './lookup';

@Resolver(() => ResourceConflict)
export class ConflictResolver {
  @Authorized()
  @Query(() => ResourceConflictConnection, { description: 'Conflicts of a fabric, newest first' })
  async conflicts(
    @Arg('fabricId', () => ID) fabricId: string,
    @Arg('status', () => ConflictStatus, { nullable: true }) status: ConflictStatus | undefined,
    @Args() page: PageArgsInput,
    @Ctx() { em, loaders }: GraphQLContext,
  ) {
    const fabric = await findByGlobalId<HedgehogFabric>(loaders, 'HedgehogFabric', fabricId);
    if (!fabric) throw badUserInput(`no HedgehogFabric with id "${fabricId}"`, 'fabricId');
    return new ResourceConflictConnection(await paginate(em, ResourceConflict, { fabric: fabric.id, ...(status ? { status } : {}) }, CONFLICT_ORDER, page));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => ResourceConflictPayload, {
    description: 'Resolves a conflict: GUI_WINS keeps the database side, GIT_WINS the Git side, MERGE the automatic merge (CONFLICT when paths overlap), MANUAL the given mergedSpec. Runs as a conflict_resolution operation',
  })
  resolveConflict(
    @Arg('conflictId', () => ID) conflictId: string,
    @Arg('strategy', () => ConflictResolutionStrategy) strategy: ConflictResolutionStrategy,
    @Arg('mergedSpec', () => GraphQLJSONObject, { nullable: true }) mergedSpec: Record<string, unknown> | undefined,
    @Ctx() { em, sync, user }: GraphQLContext,
  ) {
    return withUserErrors(new ResourceConflictPayload(), async (payload) => {
      const { conflict, operationId } = await resolveConflict(em, sync, user, conflictId, strategy, mergedSpec);
      payload.conflict = conflict;
      payload.syncOperation = await em.findOneOrFail(SyncOperation, { id: operationId });
    });
  }

  @FieldResolver(() => HedgehogResource)
  async resource(@Root() conflict: ResourceConflict, @Ctx() { loaders }: GraphQLContext): Promise<HedgehogResource> {
    return (await loaders.resource.load(conflict.resource.id))!;
  }

  @FieldResolver(() => HedgehogFabric)
  async fabric(@Root() conflict: ResourceConflict, @Ctx() { loaders }: GraphQLContext): Promise<HedgehogFabric> {
    return (await loaders.fabric.load(conflict.fabric.id))!;
  }

  @FieldResolver(() => User, { nullable: true })
  resolvedBy(@Root() conflict: ResourceConflict, @Ctx() { loaders }: GraphQLContext): Promise<User | null> | null {
    return conflict.resolvedBy ? loaders.user.load(conflict.resolvedBy.id) : null;
  }

  @FieldResolver(() => SyncOperation, { nullable: true })
  operation(@Root() conflict: ResourceConflict, @Ctx() { loaders }: GraphQLContext): Promise<SyncOperation | null> | null {
    return conflict.operation ? loaders.syncOperation.load(conflict.operation.id) : null;
  }
}
