import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PushMode, Role, SyncDirection, SyncOperationType } from '../../entities/enums';
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
import { withUserErrors } from '../mutation-payload';
import { SyncOperationPayload } from '../payloads';
import { decodeIdOfType } from '../global-id';
import { MutationError, UserErrorCode } from '../../services/mutation-error';
import { findByGlobalId, requireByGlobalId } from './lookup';

const SYNC_OPERATION_OF: Partial<Record<SyncDirection, SyncOperationType>> = {
  [SyncDirection.GIT_TO_GUI]: SyncOperationType.GITHUB_TO_GUI,
  [SyncDirection.GUI_TO_GIT]: SyncOperationType.GUI_TO_GITHUB,
  [SyncDirection.BIDIRECTIONAL]: SyncOperationType.BIDIRECTIONAL_SYNC,
};

/** Queues a Git operation for a fabric that has a repository. */
function enqueueGitOperation(
  { em, loaders, sync, user }: GraphQLContext,
  fabricId: string,
  operationType: SyncOperationType,
  details: Record<string, unknown>,
  options: { dryRun?: boolean; pushMode?: PushMode } = {},
): Promise<SyncOperationPayload> {
  return withUserErrors(new SyncOperationPayload(), async (payload) => {
    const fabric = await requireByGlobalId<HedgehogFabric>(loaders, 'HedgehogFabric', fabricId, ['fabricId']);
    if (!fabric.gitRepository) {
      throw MutationError.single(UserErrorCode.INVALID_STATE, ['fabricId'], `fabric "${fabric.name}" has no Git repository; set gitRepositoryId first`);
    }
    const queued = await sync.enqueue({ fabricId: fabric.id, operationType, initiatedById: user.id, details, ...options });
    payload.syncOperation = await em.findOneOrFail(SyncOperation, { id: queued.id });
  });
}

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

  @Authorized(Role.OPERATOR)
  @Mutation(() => SyncOperationPayload, { description: 'Queues the Hedgehog validation of every stored resource of the fabric; findings land in details' })
  validateFabric(@Arg('fabricId', () => ID) fabricId: string, @Ctx() { em, loaders, sync, user }: GraphQLContext) {
    return withUserErrors(new SyncOperationPayload(), async (payload) => {
      const fabric = await requireByGlobalId<HedgehogFabric>(loaders, 'HedgehogFabric', fabricId, ['fabricId']);
      const queued = await sync.enqueue({ fabricId: fabric.id, operationType: SyncOperationType.VALIDATION, initiatedById: user.id });
      payload.syncOperation = await em.findOneOrFail(SyncOperation, { id: queued.id });
    });
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => SyncOperationPayload, { description: "Queues the creation of the fabric's GitOps layout in its repository (one commit); a no-op when initialized, unless force" })
  initializeGitopsDirectory(
    @Arg('fabricId', () => ID) fabricId: string,
    @Arg('force', () => Boolean, { defaultValue: false }) force: boolean,
    @Ctx() context: GraphQLContext,
  ) {
    return enqueueGitOperation(context, fabricId, SyncOperationType.DIRECTORY_INIT, { force });
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => SyncOperationPayload, {
    description:
      'Queues a sync of the fabric with its repository: GIT_TO_GUI pulls, GUI_TO_GIT pushes, BIDIRECTIONAL does both (three-way per resource; conflicts are stored, not overwritten). ' +
      'mode PULL_REQUEST (implied when the repository has directPushEnabled false) pushes a branch hnp/<fabric>/<operation> and opens a pull request (GitHub); the resources stay PENDING until a pull sees the change on the base branch. ' +
      'dryRun returns the plan in details and changes nothing',
  })
  syncFabric(
    @Arg('fabricId', () => ID) fabricId: string,
    @Arg('direction', () => SyncDirection) direction: SyncDirection,
    @Arg('mode', () => PushMode, { nullable: true }) mode: PushMode | undefined,
    @Arg('dryRun', () => Boolean, { defaultValue: false }) dryRun: boolean,
    @Ctx() context: GraphQLContext,
  ) {
    const operationType = SYNC_OPERATION_OF[direction];
    if (!operationType) {
      return Promise.resolve(Object.assign(new SyncOperationPayload(), {
        userErrors: [{ code: UserErrorCode.VALIDATION, field: ['direction'], message: 'direction must be GIT_TO_GUI, GUI_TO_GIT or BIDIRECTIONAL' }],
      }));
    }
    return enqueueGitOperation(context, fabricId, operationType, { direction }, { dryRun, pushMode: mode ?? PushMode.DIRECT_PUSH });
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => SyncOperationPayload, { description: 'Queues the ingestion of raw/*.yaml files (and the import of managed files the database does not know)' })
  ingestRawFiles(@Arg('fabricId', () => ID) fabricId: string, @Ctx() context: GraphQLContext) {
    return enqueueGitOperation(context, fabricId, SyncOperationType.INGESTION, {});
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => SyncOperationPayload, {
    description: 'Cancels a pending operation at once; a running one stops at its next stage boundary (never after its Git push started)',
  })
  cancelSyncOperation(@Arg('id', () => ID) id: string, @Ctx() { em, sync, user }: GraphQLContext) {
    return withUserErrors(new SyncOperationPayload(), async (payload) => {
      const operationId = decodeIdOfType(id, 'SyncOperation');
      if (!operationId) throw MutationError.single(UserErrorCode.NOT_FOUND, ['id'], `no SyncOperation with id "${id}"`);
      await sync.cancel(operationId, user.id);
      payload.syncOperation = await em.findOneOrFail(SyncOperation, { id: operationId });
    });
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
