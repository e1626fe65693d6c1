import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { RequestLimits } from '../config';
import type { GraphQLContext } from '../graphql/context';
import { operationComplexity } from './query-complexity';

/** Codes of the limits below, one per limit, so that clients can tell them apart. */
export const LimitCode = {
  DEPTH: 'QUERY_TOO_DEEP',
  ALIASES: 'TOO_MANY_ALIASES',
  ROOT_FIELDS: 'TOO_MANY_ROOT_FIELDS',
  DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  COMPLEXITY: 'QUERY_TOO_COMPLEX',
  TOKENS: 'TOO_MANY_TOKENS',
} as const;

export function limitError(code: string, message: string, limit: number, actual?: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, limit, ...(actual === undefined ? {} : { actual }), http: { status: 400 } } });
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
}

/** Deepest field nesting, fragments inlined (the document is validated, so fragments do not cycle). */
function selectionDepth(selectionSet: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, memo: Map<string, number>): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      deepest = Math.max(deepest, selection.selectionSet ? 1 + selectionDepth(selection.selectionSet, fragments, memo) : 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, memo));
    } else {
      const name = selection.name.value;
      let depth = memo.get(name);
      if (depth === undefined) {
        depth = selectionDepth(fragments.get(name)?.selectionSet, fragments, memo);
        memo.set(name, depth);
      }
      deepest = Math.max(deepest, depth);
    }
  }
  return deepest;
}

/** Fields selected at the root, through fragments (a `{ ...a ...b }` operation is as wide as its fragments). */
function rootFieldCount(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) count += 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFieldCount(selection.selectionSet, fragments, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) count += rootFieldCount(fragment.selectionSet, fragments, seen);
    }
  }
  return count;
}

function countAliasesAndDirectives(document: DocumentNode): { aliases: number; directives: number } {
  let aliases = 0;
  let directives = 0;
  visit(document, {
    [Kind.FIELD]: (node) => {
      if (node.alias) aliases += 1;
    },
    [Kind.DIRECTIVE]: () => {
      directives += 1;
    },
  });
  return { aliases, directives };
}

export interface OperationRequest {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * The limits of a parsed and validated operation, the same for HTTP (Apollo plugin) and WebSocket (graphql-ws
 * onSubscribe). Cheap checks first; complexity (which walks the operation with its variables) last.
 * Throws GraphQLError (HTTP 400) with the code of the first limit exceeded; `first` out of range is BAD_USER_INPUT.
 */
export function enforceRequestLimits(schema: GraphQLSchema, limits: RequestLimits, request: OperationRequest): void {
  const { document } = request;
  const operation = getOperationAST(document, request.operationName ?? undefined);
  if (!operation) return; // graphql-js reports the missing or ambiguous operation itself
  const fragments = fragmentsOf(document);

  const { aliases, directives } = countAliasesAndDirectives(document);
  if (aliases > limits.maxAliases) throw limitError(LimitCode.ALIASES, `operations may use at most ${limits.maxAliases} aliases, this one uses ${aliases}`, limits.maxAliases, aliases);
  if (directives > limits.maxDirectives) throw limitError(LimitCode.DIRECTIVES, `operations may use at most ${limits.maxDirectives} directives, this one uses ${directives}`, limits.maxDirectives, directives);

  const rootFields = rootFieldCount(operation.selectionSet, fragments);
  if (rootFields > limits.maxRootFields) throw limitError(LimitCode.ROOT_FIELDS, `operations may select at most ${limits.maxRootFields} root fields, this one selects ${rootFields}`, limits.maxRootFields, rootFields);

  const depth = selectionDepth(operation.selectionSet, fragments, new Map());
  if (depth > limits.maxDepth) throw limitError(LimitCode.DEPTH, `operations may nest fields at most ${limits.maxDepth} levels deep, this one nests ${depth}`, limits.maxDepth, depth);

  const complexity = operationComplexity(schema, document, request.operationName, request.variables ?? undefined);
  if (complexity > limits.maxComplexity) {
    const actual = Number.isFinite(complexity) ? complexity : undefined;
    throw limitError(LimitCode.COMPLEXITY, `operation complexity ${actual ?? 'beyond measure'} exceeds the limit of ${limits.maxComplexity} (lists count their "first" items, 50 when omitted)`, limits.maxComplexity, actual);
  }
}

/** Message graphql-js gives when the parser stops at `maxTokens` (16.x spells it "more that"). */
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens/;

/** graphql-js stops parsing at maxTokens with a syntax error; this turns it into the TOO_MANY_TOKENS limit error. */
export function tokenLimitError(error: { message: string }, limits: RequestLimits): GraphQLError | undefined {
  if (!TOKEN_LIMIT_MESSAGE.test(error.message)) return undefined;
  return limitError(LimitCode.TOKENS, `operations may have at most ${limits.maxTokens} tokens`, limits.maxTokens);
}

const PASSED_VARIABLES_PER_DOCUMENT = 64;
const MAX_CACHED_VARIABLES_LENGTH = 2048;

/**
 * Apollo plugin: the request limits, checked once the operation is parsed and validated, before execution.
 * Apollo reuses one DocumentNode per query text, and dashboards repeat the same operation with the same variables:
 * an operation that passed is remembered with its variables (walking it again cost ~3% of a small request).
 */
export function requestLimitsPlugin(limits: RequestLimits): ApolloServerPlugin<GraphQLContext> {
  const passed = new WeakMap<DocumentNode, Set<string>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, request, document }) {
          const variables = JSON.stringify(request.variables ?? {});
          const key = variables.length <= MAX_CACHED_VARIABLES_LENGTH ? `${request.operationName ?? ''}\u0000${variables}` : undefined;
          let seen = passed.get(document);
          if (key !== undefined && seen?.has(key)) return;
          enforceRequestLimits(schema, limits, { document, operationName: request.operationName, variables: request.variables });
          if (key === undefined) return;
          if (!seen || seen.size >= PASSED_VARIABLES_PER_DOCUMENT) passed.set(document, (seen = new Set()));
          seen.add(key);
        },
      };
    },
  };
}
