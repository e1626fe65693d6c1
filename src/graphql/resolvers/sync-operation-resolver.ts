import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { HedgehogFabric } from '../../entities/hedgehog-fabric';
import { SyncOperation } from '../../entities/sync-operation';
import { User } from '../../entities/user';
import { SyncOperationConnection } from '../connections';
import type { GraphQLContext } from '../context';
import { badUserInput } from '../errors';
import { operationWhere } from '../filters';
import { SyncOperationFilter } from '../inputs/sync-operation-inputs';
import { OPERATION_ORDER } from '../orderings';
import { PageArgsInput } from '../page-args';
import { paginate } from '../pagination';
import { findByGlobalId } from './lookup';

@Resolver(() => SyncOperation)
export class SyncOperationResolver {
  @Authorized()
  @Query(() => SyncOperationConnection, { description: 'Sync operations, newest first; all fabrics when fabricId is omitted' })
  async syncOperations(
    @Arg('fabricId', () => ID, { nullable: true }) fabricId: string | undefined,
    @Args() page: PageArgsInput,
    @Arg('filter', () => SyncOperationFilter, { nullable: true }) filter: SyncOperationFilter | undefined,
    @Ctx() { em, loaders }: GraphQLContext,
  ) {
    const where = operationWhere(filter);
    if (fabricId) {
      const fabric = await findByGlobalId<HedgehogFabric>(loaders, 'HedgehogFabric', fabricId);
      if (!fabric) throw badUserInput(`no HedgehogFabric with id "${fabricId}"`, 'fabricId');
      return new SyncOperationConnection(await paginate(em, SyncOperation, { $and: [{ fabric: fabric.id }, where] }, OPERATION_ORDER, page));
    }
    return new SyncOperationConnection(await paginate(em, SyncOperation, where, OPERATION_ORDER, page));
  }

  @Authorized()
  @Query(() => SyncOperation, { nullable: true })
  syncOperation(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<SyncOperation | null> {
    return findByGlobalId(loaders, 'SyncOperation', id);
  }

  @FieldResolver(() => HedgehogFabric)
  async fabric(@Root() operation: SyncOperation, @Ctx() { loaders }: GraphQLContext): Promise<HedgehogFabric> {
    return (await loaders.fabric.load(operation.fabric.id))!;
  }

  @FieldResolver(() => User, { nullable: true })
  initiatedBy(@Root() operation: SyncOperation, @Ctx() { loaders }: GraphQLContext): Promise<User | null> | null {
    return operation.initiatedBy ? loaders.user.load(operation.initiatedBy.id) : null;
  }
}
