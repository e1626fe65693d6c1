import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Info, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../entities/enums';
import { GitRepository } from '../../entities/git-repository';
import { HedgehogFabric } from '../../entities/hedgehog-fabric';
import { createFabric, deleteFabric, updateFabric } from '../../services/fabric-service';
import { HedgehogFabricConnection, HedgehogResourceConnection, SyncOperationConnection } from '../connections';
import type { GraphQLContext } from '../context';
import { fabricWhere, operationWhere, resourceWhere } from '../filters';
import { CreateFabricInput, FabricFilter, UpdateFabricInput } from '../inputs/fabric-inputs';
import { ResourceFilter } from '../inputs/resource-inputs';
import { unreadResourceProperties } from '../resource-columns';
import { SyncOperationFilter } from '../inputs/sync-operation-inputs';
import { withUserErrors } from '../mutation-payload';
import { FABRIC_ORDER } from '../orderings';
import { PageArgsInput } from '../page-args';
import { pageSize, paginate } from '../pagination';
import { DeletePayload, HedgehogFabricPayload } from '../payloads';
import { findByGlobalId, requireByGlobalId } from './lookup';

@ObjectType({ description: 'Number of resources of one kind' })
export class ResourceCount {
  @Field(() => String)
  kind!: string;

  @Field(() => Int)
  count!: number;
}

@Resolver(() => HedgehogFabric)
export class FabricResolver {
  @Authorized()
  @Query(() => HedgehogFabricConnection)
  async fabrics(
    @Args() page: PageArgsInput,
    @Arg('filter', () => FabricFilter, { nullable: true }) filter: FabricFilter | undefined,
    @Ctx() { em }: GraphQLContext,
  ) {
    return new HedgehogFabricConnection(await paginate(em, HedgehogFabric, fabricWhere(filter), FABRIC_ORDER, page));
  }

  @Authorized()
  @Query(() => HedgehogFabric, { nullable: true })
  fabric(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<HedgehogFabric | null> {
    return findByGlobalId(loaders, 'HedgehogFabric', id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => HedgehogFabricPayload)
  createFabric(@Arg('input', () => CreateFabricInput) input: CreateFabricInput, @Ctx() { em, user }: GraphQLContext) {
    return withUserErrors(new HedgehogFabricPayload(), async (payload) => {
      payload.fabric = await createFabric(em, user, input);
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => HedgehogFabricPayload)
  updateFabric(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateFabricInput) input: UpdateFabricInput, @Ctx() { em, loaders, user }: GraphQLContext) {
    return withUserErrors(new HedgehogFabricPayload(), async (payload) => {
      const fabric = await requireByGlobalId<HedgehogFabric>(loaders, 'HedgehogFabric', id, ['id']);
      payload.fabric = await updateFabric(em, user, fabric.id, input);
    });
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DeletePayload, { description: 'Deletes the fabric with its resources, conflicts and operations (the Git directory stays)' })
  deleteFabric(@Arg('id', () => ID) id: string, @Ctx() { em, loaders, user }: GraphQLContext) {
    return withUserErrors(new DeletePayload(), async (payload) => {
      const fabric = await requireByGlobalId<HedgehogFabric>(loaders, 'HedgehogFabric', id, ['id']);
      await deleteFabric(em, user, fabric);
      payload.deletedId = id;
    });
  }

  @FieldResolver(() => GitRepository, { nullable: true })
  gitRepository(@Root() fabric: HedgehogFabric, @Ctx() { loaders }: GraphQLContext): Promise<GitRepository | null> | null {
    return fabric.gitRepository ? loaders.gitRepository.load(fabric.gitRepository.id) : null;
  }

  @FieldResolver(() => HedgehogResourceConnection)
  async resources(
    @Root() fabric: HedgehogFabric,
    @Args() page: PageArgsInput,
    @Arg('filter', () => ResourceFilter, { nullable: true }) filter: ResourceFilter | undefined,
    @Ctx() { em, loaders }: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    pageSize(page.first);
    // The page is grouped by its parent: the fabric column is always read.
    const omit = unreadResourceProperties(em, info, ['fabric']);
    return new HedgehogResourceConnection(
      await loaders.fabricResources.load({ parentId: fabric.id, where: resourceWhere(filter), args: { first: page.first, after: page.after }, omit }),
    );
  }

  @FieldResolver(() => SyncOperationConnection)
  async syncOperations(
    @Root() fabric: HedgehogFabric,
    @Args() page: PageArgsInput,
    @Arg('filter', () => SyncOperationFilter, { nullable: true }) filter: SyncOperationFilter | undefined,
    @Ctx() { loaders }: GraphQLContext,
  ) {
    pageSize(page.first);
    return new SyncOperationConnection(
      await loaders.fabricOperations.load({ parentId: fabric.id, where: operationWhere(filter), args: { first: page.first, after: page.after } }),
    );
  }

  @FieldResolver(() => [ResourceCount], { description: 'Resources per kind (kinds with none are left out)' })
  resourceCounts(@Root() fabric: HedgehogFabric, @Ctx() { loaders }: GraphQLContext) {
    return loaders.resourceCounts.load(fabric.id);
  }

  @FieldResolver(() => Int, { description: 'Open (detected or resolving) conflicts' })
  conflictCount(@Root() fabric: HedgehogFabric, @Ctx() { loaders }: GraphQLContext): Promise<number> {
    return loaders.openConflictCount.load(fabric.id);
  }
}
