import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from '../graphql/context';
import { clearLoaders } from '../graphql/loaders';

/**
 * Mutations run one after the other; once each root mutation field has done its work, the request's loaders forget
 * what they read, so its payload and the following mutations read current rows. Hooks fields of mutations only:
 * a field hook on queries would cost every resolved field.
 */
export function freshLoadersAfterMutationsPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ operation, contextValue }) {
          if (operation.operation !== 'mutation') return;
          return {
            willResolveField({ info }) {
              if (info.parentType.name !== 'Mutation') return;
              return () => clearLoaders(contextValue.loaders);
            },
          };
        },
      };
    },
  };
}
