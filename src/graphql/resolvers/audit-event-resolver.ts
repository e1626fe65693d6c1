import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { AuditEvent } from '../../entities/audit-event';
import { Role } from '../../entities/enums';
import { User } from '../../entities/user';
import { AuditEventConnection } from '../connections';
import type { GraphQLContext } from '../context';
import { badUserInput } from '../errors';
import { decodeGlobalId, encodeGlobalId } from '../global-id';
import { AuditEventFilter } from '../inputs/audit-event-inputs';
import { AUDIT_ORDER } from '../orderings';
import { PageArgsInput } from '../page-args';
import { paginate } from '../pagination';

function uuidOf(globalId: string, field: string, typeName?: string): string {
  const decoded = decodeGlobalId(globalId);
  if (!decoded || (typeName && decoded.typeName !== typeName)) throw badUserInput(`"${globalId}" is not the ID of a${typeName ? ` ${typeName}` : 'n object'}`, `filter.${field}`);
  return decoded.id;
}

function auditWhere(filter: AuditEventFilter | undefined | null): FilterQuery<AuditEvent> {
  const where: Record<string, unknown> = {};
  if (filter?.action?.length) where.action = { $in: filter.action };
  if (filter?.actorId != null) where.actor = uuidOf(filter.actorId, 'actorId', 'User');
  if (filter?.targetId != null) where.targetId = uuidOf(filter.targetId, 'targetId');
  if (filter?.targetType != null) where.targetType = filter.targetType;
  if (filter?.fabricId != null) where.fabricId = uuidOf(filter.fabricId, 'fabricId', 'HedgehogFabric');
  const created: Record<string, Date> = {};
  if (filter?.since != null) created.$gte = filter.since;
  if (filter?.until != null) created.$lt = filter.until;
  if (Object.keys(created).length > 0) where.created = created;
  return where as FilterQuery<AuditEvent>;
}

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Authorized(Role.ADMIN)
  @Query(() => AuditEventConnection, { description: 'The audit trail, newest first (admin only)' })
  async auditEvents(
    @Args() page: PageArgsInput,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | undefined,
    @Ctx() { em }: GraphQLContext,
  ) {
    return new AuditEventConnection(await paginate(em, AuditEvent, auditWhere(filter), AUDIT_ORDER, page));
  }

  @FieldResolver(() => User, { nullable: true, description: 'Null for the system, or when the user was deleted (actorName remains)' })
  actor(@Root() event: AuditEvent, @Ctx() { loaders }: GraphQLContext): Promise<User | null> | null {
    return event.actor ? loaders.user.load(event.actor.id) : null;
  }

  @FieldResolver(() => ID, { description: 'Global ID of the object changed; node(id:) finds it while it exists' })
  targetId(@Root() event: AuditEvent): string {
    return encodeGlobalId(event.targetType, event.targetId);
  }

  @FieldResolver(() => ID, { nullable: true })
  fabricId(@Root() event: AuditEvent): string | null {
    return event.fabricId ? encodeGlobalId('HedgehogFabric', event.fabricId) : null;
  }
}
