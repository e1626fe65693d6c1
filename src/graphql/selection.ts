import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Names of the fields selected at `path` below the current field (e.g. ['edges', 'node'] of a connection), through
 * fragments and inline fragments. @skip/@include are ignored: the result may be a superset, never a subset.
 */
export function selectedFieldNames(info: GraphQLResolveInfo, path: readonly string[]): Set<string> {
  let sets: SelectionSetNode[] = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) {
    const next: SelectionSetNode[] = [];
    forEachField(info, sets, (field) => {
      if (field.name.value === name && field.selectionSet) next.push(field.selectionSet);
    });
    sets = next;
  }
  const names = new Set<string>();
  forEachField(info, sets, (field) => names.add(field.name.value));
  return names;
}

function forEachField(info: GraphQLResolveInfo, sets: readonly SelectionSetNode[], visit: (field: FieldNode) => void, seen = new Set<string>()): void {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) visit(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) forEachField(info, [selection.selectionSet], visit, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = info.fragments[selection.name.value];
        if (fragment) forEachField(info, [fragment.selectionSet], visit, seen);
      }
    }
  }
}
