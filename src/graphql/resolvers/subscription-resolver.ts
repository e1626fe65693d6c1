import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { ResourceConflict } from '../../entities/resource-conflict';
import { FINAL_STATUSES, operationFromSnapshot, snapshotFromRow, type OperationSnapshot } from '../../sync/operation-snapshot';
import type { ProgressEvent } from '../../sync/progress-publisher';
import type { GraphQLContext } from '../context';
import { badUserInput } from '../errors';
import { decodeIdOfType, encodeGlobalId } from '../global-id';
import { ConflictEvent, conflictTopics, SyncOperationProgressEvent, type ConflictEventPayload } from '../subscription-events';

interface SubscriptionData {
  args: { operationId?: string | null; fabricId?: string | null };
  context: GraphQLContext;
}

function idArgument(globalId: string | null | undefined, typeName: string, argument: string): string | undefined {
  if (globalId === null || globalId === undefined) return undefined;
  const id = decodeIdOfType(globalId, typeName);
  if (!id) throw badUserInput(`"${argument}" is not a ${typeName} id`, argument);
  return id;
}

const isProgress = (payload: Record<string, unknown>) => payload.kind === 'progress';
const isConflict = (payload: Record<string, unknown>) => payload.kind === 'conflict';

/** A stream whose first next() fails with `error`: graphql-ws sends it as an `error` message for the operation. */
async function* failing(error: unknown): AsyncGenerator<never> {
  throw error;
}

/**
 * A fabric's or all operations' progress is the bus subscription itself (filtered as events are delivered):
 * these are the streams a thousand dashboards share, and every async generator layer per subscriber costs
 * several promises per event. One operation's progress first yields its current state.
 */
function operationProgress({ args, context }: SubscriptionData): AsyncIterableIterator<ProgressEvent> {
  let operationId: string | undefined;
  let fabricId: string | undefined;
  try {
    operationId = idArgument(args.operationId, 'SyncOperation', 'operationId');
    fabricId = idArgument(args.fabricId, 'HedgehogFabric', 'fabricId');
  } catch (error) {
    return failing(error);
  }
  if (operationId) return oneOperationProgress(operationId, fabricId, args.operationId!, context);
  return context.events.subscribe<ProgressEvent>(fabricId ? [`fabric:${fabricId}:ops`] : ['ops'], isProgress);
}

/** Current state first (so a late subscriber still learns the outcome), then live events until the final status. */
async function* oneOperationProgress(operationId: string, fabricId: string | undefined, globalId: string, context: GraphQLContext): AsyncGenerator<ProgressEvent> {
  const live = context.events.subscribe<ProgressEvent>([`op:${operationId}`], isProgress);
  try {
    const rows = await context.em.getConnection().execute<Array<Record<string, unknown>>>('select * from sync_operation where id = ?', [operationId]);
    if (rows.length === 0) throw badUserInput(`no SyncOperation with id "${globalId}"`, 'operationId');
    const current = snapshotFromRow(rows[0]);
    if (fabricId && current.fabricId !== fabricId) throw badUserInput('the operation does not belong to that fabric', 'fabricId');
    yield { operation: current, message: 'current state', at: new Date().toISOString() };
    if (FINAL_STATUSES.includes(current.status)) return;
    for await (const event of live) {
      yield event;
      if (FINAL_STATUSES.includes(event.operation.status)) return;
    }
  } finally {
    await live.return?.();
  }
}

function conflictStream({ args, context }: SubscriptionData): AsyncIterableIterator<ConflictEventPayload> {
  let fabricId: string | undefined;
  try {
    fabricId = idArgument(args.fabricId, 'HedgehogFabric', 'fabricId');
  } catch (error) {
    return failing(error);
  }
  return context.events.subscribe<ConflictEventPayload>(fabricId ? [conflictTopics(fabricId)[0]] : ['conflicts'], isConflict);
}

// One bus event reaches every subscriber as the same payload object: build its GraphQL shape once.
const progressEvents = new WeakMap<ProgressEvent, SyncOperationProgressEvent>();

function toProgressEvent(event: ProgressEvent): SyncOperationProgressEvent {
  const cached = progressEvents.get(event);
  if (cached) return cached;
  const snapshot: OperationSnapshot = event.operation;
  const built = Object.assign(new SyncOperationProgressEvent(), {
    operation: operationFromSnapshot(snapshot),
    operationId: encodeGlobalId('SyncOperation', snapshot.id),
    fabricId: encodeGlobalId('HedgehogFabric', snapshot.fabricId),
    status: snapshot.status,
    stage: snapshot.stage,
    progress: snapshot.progress,
    message: event.message,
    filesProcessed: snapshot.filesProcessed,
    filesCreated: snapshot.filesCreated,
    filesUpdated: snapshot.filesUpdated,
    filesDeleted: snapshot.filesDeleted,
    at: new Date(event.at),
  });
  progressEvents.set(event, built);
  return built;
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => SyncOperationProgressEvent, {
    description: 'Stage changes, counter changes and the final status of one operation, of a fabric\'s operations, or of all',
    subscribe: (data) => operationProgress(data as unknown as SubscriptionData),
  })
  syncOperationProgress(
    @Root() event: ProgressEvent,
    @Arg('operationId', () => ID, { nullable: true }) _operationId?: string,
    @Arg('fabricId', () => ID, { nullable: true }) _fabricId?: string,
  ): SyncOperationProgressEvent {
    return toProgressEvent(event);
  }

  @Subscription(() => ConflictEvent, {
    description: 'Conflicts detected and resolved, in one fabric or in all',
    subscribe: (data) => conflictStream(data as unknown as SubscriptionData),
  })
  async conflictEvents(
    @Root() event: ConflictEventPayload,
    @Ctx() { em }: GraphQLContext,
    @Arg('fabricId', () => ID, { nullable: true }) _fabricId?: string,
  ): Promise<ConflictEvent> {
    const conflict = await em.fork().findOneOrFail(ResourceConflict, { id: event.conflictId });
    return Object.assign(new ConflictEvent(), { type: event.type, conflict, fabricId: encodeGlobalId('HedgehogFabric', event.fabricId), at: new Date(event.at) });
  }
}
