import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';

export interface GraphQLErrorShape {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLErrorShape[];
}

/** POSTs one operation to /graphql with a Bearer token (omit the token to call unauthenticated). */
export async function postGraphQL<T, V>(
  url: string,
  token: string | undefined,
  document: TypedDocumentNode<T, V> | DocumentNode | string,
  variables?: V,
): Promise<GraphQLResponse<T>> {
  const query = typeof document === 'string' ? document : print(document);
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: GraphQLErrorShape[] };
  return { status: response.status, data: body.data, errors: body.errors };
}

/** Like postGraphQL but fails the test on any GraphQL error, returning `data`. */
export async function queryOk<T, V>(url: string, token: string, document: TypedDocumentNode<T, V>, variables?: V): Promise<T> {
  const result = await postGraphQL(url, token, document, variables);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL request failed (HTTP ${result.status}): ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}
