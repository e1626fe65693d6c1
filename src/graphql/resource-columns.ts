import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphQLResolveInfo } from 'graphql';
import { rowReader } from '../db/entity-rows';
import { HedgehogResource } from '../entities/hedgehog-resource';
import { RESOURCE_ORDER } from './orderings';
import { selectedFieldNames } from './selection';

const MANIFEST_PROPERTIES = ['apiVersion', 'kind', 'namespace', 'name', 'spec', 'labels', 'annotations'];

/** Fields of a resource that are not the property of the same name, and the properties they read. */
const FIELD_READS: Record<string, readonly string[]> = {
  id: ['id'],
  __typename: [],
  manifest: MANIFEST_PROPERTIES,
  yaml: MANIFEST_PROPERTIES,
  conflicts: ['id'],
  stateHistory: ['id'],
};

/** The ordering's keys, for the edges' cursors. */
const CURSOR_PROPERTIES = RESOURCE_ORDER.keys.map((key) => key.property);

/**
 * Properties a connection page of resources (the field being resolved) need not read for its selection under
 * `edges.node` — wide JSON columns above all. `alsoRead`: properties the page itself needs (a nested page's parent).
 * A field this map does not know reads every column: a new field resolver is correct before it is fast.
 */
export function unreadResourceProperties(em: EntityManager, info: GraphQLResolveInfo, alsoRead: readonly string[] = []): string[] {
  const properties = rowReader(em, HedgehogResource).properties;
  const needed = new Set([...CURSOR_PROPERTIES, ...alsoRead]);
  for (const field of selectedFieldNames(info, ['edges', 'node'])) {
    const reads = FIELD_READS[field] ?? (properties.includes(field) ? [field] : undefined);
    if (!reads) return [];
    for (const property of reads) needed.add(property);
  }
  return properties.filter((property) => !needed.has(property));
}
