import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from '../graphql/context';
import { redactSecretVariablesInErrors } from '../graphql/secret-variable-redaction';

/** Strips values of secret input fields from the errors of HTTP responses (see secret-variable-redaction). */
export function secretRedactionPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = redactSecretVariablesInErrors(response.body.singleResult.errors, request.variables);
        },
      };
    },
  };
}
