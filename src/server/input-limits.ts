import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { GraphQLContext } from '../graphql/context';

/** Deeper input values are refused; Hedgehog specs nest about 10 levels, and the validators recurse. */
export const MAX_INPUT_DEPTH = 64;

const NUL = '\u0000';
const NUL_MESSAGE = 'input strings must not contain NUL (U+0000) characters';
// JSON.stringify escapes a lone surrogate as "\udXXX", which PostgreSQL's jsonb refuses; text columns would store U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SURROGATE_MESSAGE = 'input strings must be well-formed Unicode (no unpaired surrogate code units)';

function stringProblem(value: string): string | undefined {
  if (value.includes(NUL)) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(value)) return SURROGATE_MESSAGE;
  return undefined;
}
const DEPTH_MESSAGE = `input values must not nest more than ${MAX_INPUT_DEPTH} levels deep`;

/** Walks variables without recursion (they may be arbitrarily deep): NUL characters or lone surrogates in strings or keys, excessive nesting. */
export function inputValueProblem(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const problem = stringProblem(current);
      if (problem) return problem;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return DEPTH_MESSAGE;
    for (const [key, item] of Object.entries(current)) {
      const problem = stringProblem(key);
      if (problem) return problem;
      stack.push({ value: item, depth: depth + 1 });
    }
  }
  return undefined;
}

/** The same checks on the literals written in the operation itself. */
export function documentLiteralProblem(document: DocumentNode): string | undefined {
  let problem: string | undefined;
  let depth = 0;
  const nest = {
    enter: () => {
      depth += 1;
      if (depth <= MAX_INPUT_DEPTH) return undefined;
      problem ??= DEPTH_MESSAGE;
      return false;
    },
    leave: () => {
      depth -= 1;
    },
  };
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes(NUL)) problem ??= NUL_MESSAGE;
    },
    [Kind.OBJECT]: nest,
    [Kind.LIST]: nest,
  });
  return problem;
}

/**
 * Refuses, before execution, input that no resolver can store or validate safely: PostgreSQL text and jsonb cannot
 * hold U+0000 and jsonb refuses unpaired surrogates (such writes failed with a 500), and very deep JSON exhausted the
 * stack of recursive validators.
 * The client gets HTTP 400 with code BAD_USER_INPUT.
 */
export function inputLimitsPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const problem = inputValueProblem(request.variables ?? {}) ?? documentLiteralProblem(document);
          if (problem) throw new GraphQLError(problem, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        },
      };
    },
  };
}
