import { Arg, Authorized, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { hasRole } from '../../auth/roles';
import { ENTITIES, ResourceTombstone } from '../../entities';
import { ApiToken } from '../../entities/api-token';
import { AuditEvent } from '../../entities/audit-event';
import { Role } from '../../entities/enums';
import { User } from '../../entities/user';
import { KINDS } from '../../hedgehog/kinds';
import type { GraphQLContext } from '../context';
import { decodeGlobalId } from '../global-id';
import { Node } from '../node';

@ObjectType({ description: 'A Hedgehog kind the API accepts' })
export class KindInfo {
  @Field(() => String)
  kind!: string;

  @Field(() => String)
  apiVersion!: string;

  @Field(() => String, { description: 'Kubernetes plural, also the folder under managed/' })
  plural!: string;

  @Field(() => Int, { description: 'Position in the apply order (deletes run in reverse)' })
  applyOrder!: number;
}

// Tombstones are bookkeeping of the sync, not API objects.
const ENTITY_BY_TYPE = new Map<string, (typeof ENTITIES)[number]>(ENTITIES.filter((entity) => entity !== ResourceTombstone).map((entity) => [entity.name, entity]));

@Resolver()
export class NodeResolver {
  @Authorized()
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID; null when it does not exist' })
  async node(@Arg('id', () => ID) id: string, @Ctx() { em, user }: GraphQLContext): Promise<Node | null> {
    const decoded = decodeGlobalId(id);
    const entity = decoded && ENTITY_BY_TYPE.get(decoded.typeName);
    if (!decoded || !entity) return null;
    const found = (await em.findOne(entity as never, { id: decoded.id } as never)) as Node | null;
    // Same rule as User.apiTokens: only admins see other users' tokens.
    if (found instanceof ApiToken && found.user.id !== user.id && !hasRole(user.role, Role.ADMIN)) return null;
    // The audit trail is for admins only.
    if (found instanceof AuditEvent && !hasRole(user.role, Role.ADMIN)) return null;
    return found;
  }

  @Authorized()
  @Query(() => User, { nullable: true, description: 'The authenticated caller' })
  viewer(@Ctx() { user }: GraphQLContext): User {
    return user;
  }

  @Authorized()
  @Query(() => [KindInfo], { description: 'Hedgehog kinds in apply order' })
  supportedKinds(): KindInfo[] {
    return KINDS.map((k) => Object.assign(new KindInfo(), k));
  }
}
