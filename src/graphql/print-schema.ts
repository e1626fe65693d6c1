import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildGraphQLSchema } from './schema';

const HEADER = '# Generated from the code by `npm run schema`; do not edit by hand.\n\n';

/** schema.graphql's exact text (types sorted so that the file diffs cleanly). */
export function printSchemaText(): string {
  return HEADER + printSchema(lexicographicSortSchema(buildGraphQLSchema())) + '\n';
}
