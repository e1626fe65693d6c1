import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import { Role } from '../entities/enums';
import type { GraphQLContext } from '../graphql/context';
import { hasRole } from './roles';

/** `@Authorized(Role.X)`: the caller needs at least role X; `@Authorized()` means any authenticated user. */
export const authChecker: AuthChecker<GraphQLContext, Role> = ({ context, info }, roles) => {
  const required = roles.length === 0 ? Role.VIEWER : roles[0];
  if (hasRole(context.user.role, required)) return true;
  throw new GraphQLError(`${info.parentType.name}.${info.fieldName} requires the ${required} role; you are ${context.user.role}`, {
    extensions: { code: 'FORBIDDEN' },
  });
};
