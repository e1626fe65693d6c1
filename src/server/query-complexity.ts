import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { badUserInput } from '../graphql/errors';
import { MAX_PAGE_SIZE, pageSize } from '../graphql/pagination';

/**
 * Every field costs 1 plus its selection; a field with a page-size argument costs 1 + size × its selection, the size
 * being the argument's value (default first = 50; `last` for stateHistory), so `fabrics(first: 100) { resources(first: 100) { … } }` costs
 * about 10,000 × the resource selection. Sizes out of range are refused here already (BAD_USER_INPUT), so that a
 * client asking for first: 100000 learns about the page-size limit, not about complexity.
 */
const pageSizeEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (field.args.some((arg) => arg.name === 'first')) return 1 + pageSize(args.first as number | null | undefined) * childComplexity;
  if (field.args.some((arg) => arg.name === 'last')) {
    // stateHistory(last:); the same bound as its resolver's
    const last = args.last as unknown;
    if (typeof last !== 'number' || !Number.isInteger(last) || last < 0 || last > MAX_PAGE_SIZE) throw badUserInput(`"last" must be between 0 and ${MAX_PAGE_SIZE}`, 'last');
    return 1 + last * childComplexity;
  }
  return 1 + childComplexity;
};

/** Upper bound of the work an operation may cause; undefined when the variables do not fit the operation (execution reports that). */
export function operationComplexity(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined | null, variables: Record<string, unknown> | undefined): number {
  try {
    return getComplexity({ schema, query: document, operationName: operationName ?? undefined, variables: variables ?? {}, estimators: [pageSizeEstimator] });
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT') {
      throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
    }
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) return Number.POSITIVE_INFINITY;
    // Variables that do not coerce: execution refuses the request with its own, precise error.
    return 0;
  }
}
