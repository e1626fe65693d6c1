import { GraphQLError } from 'graphql';

/** A client mistake in arguments (bad cursor, oversized page …): a GraphQL error with code BAD_USER_INPUT. */
export function badUserInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) } });
}
