/**
 * Field-level three-way merge of canonical manifests (DESIGN.md §5). Pure: no Git, no DB.
 *
 * base = the manifest at the last sync, ours = the DB row, theirs = the file at the remote head;
 * `null` means absent (never existed at that point, or deleted). Every input is canonicalized
 * first, so formatting, key order and webhook-defaulted fields never count as a change.
 *
 * ## Field paths
 * Dotted from the manifest root: `spec.subnets.default.vlan`, `metadata.labels.app`. A map key that
 * is not made of `[A-Za-z0-9_-]` is written as a JSON string in brackets
 * (`metadata.labels["app.kubernetes.io/name"]`, `spec.portSpeeds["E1/1"]`). Positional list
 * elements are `spec.links[0]`; elements of keyed lists are `spec.nics[name=eth0]`.
 *
 * ## Merge rules
 * - Maps (including `metadata.labels`/`annotations`) merge key by key, recursively. A map that is
 *   absent in base but added on both sides merges against an empty base (keys both added with
 *   different values conflict; keys only one side added are kept).
 * - **Lists — the rule chosen.** A list is *keyed* when every element on every side is an object
 *   with a string `name` and names are unique within each list (e.g. ServerProfile `nics`, `ports`):
 *   it merges element by element by name, recursively (edits to different elements merge, and
 *   disjoint fields inside one element merge too); the merged order satisfies both sides' orders
 *   (a side that did not reorder the common elements yields to the one that did), ties broken by
 *   name; incompatible reorders are a conflict on the list path.
 *   Every other list (Connection `links`, VPC `permit`, string lists, …) merges **by position with
 *   each element atomic**: an element is compared as a whole (so a `links` entry is one unit), two
 *   sides changing the same index differently conflict on `spec.links[i]` even when they touched
 *   different fields inside it, and edits at different indices merge. Why atomic: Hedgehog link
 *   entries have no identity other than their content; after an insertion or removal shifts a list,
 *   a field-level merge inside "the element at index i" would silently apply one side's edit to a
 *   different link. With atomic elements an insert/remove on one side shows as changes at every
 *   shifted index, which then overlap any edit of the other side in that range: a conflict, never
 *   a wrong merge. One side shortening a list while the other lengthens it is also a conflict.
 * - A path changed on one side and a parent or child path changed on the other (ours edited
 *   `spec.subnets.default.vlan`, theirs deleted `spec.subnets.default`) is a conflict; a value
 *   whose type changed (map ↔ list ↔ scalar) is compared as a whole.
 * - The merged manifest is canonicalized. If canonicalization would alter the merged fields
 *   (a webhook default interacting with the combination, e.g. one side disabling DHCP while the other
 *   edits the DHCP range, which canonicalization drops, or a sorted list merged out of order), the
 *   result is a conflict on the altered paths rather than a silent loss of an edit.
 *
 * ## Absent sides
 * | base | ours | theirs | outcome |
 * |------|------|--------|---------|
 * | null | null | null | unchanged (merged null) |
 * | null | M | null | push (created in DB) |
 * | null | null | M | pull (created in Git) |
 * | null | M | M' | converged if equal; otherwise **conflict** on the paths where they differ (two independent
 *   creations are two intents; no field of either is silently preferred) |
 * | B | null | null | unchanged, merged null: deleted on both sides (the caller drops the base/tombstone) |
 * | B | null | B | push (delete the file in Git), merged null |
 * | B | B | null | pull (delete the row in the DB), merged null |
 * | B | null | T≠B | delete_modify, conflictPaths = paths theirs changed |
 * | B | O≠B | null | delete_modify, conflictPaths = paths ours changed |
 */
import { canonicalJson, compareStrings, isJsonObject, type JsonObject, type JsonValue } from '../hedgehog/json';
import { canonicalizeManifest, isManifest, type Manifest } from '../hedgehog/manifest';

export type MergeOutcome =
  | 'unchanged' // ours = base = theirs
  | 'pull' // only Git changed (theirs ≠ base, ours = base): DB should take theirs
  | 'push' // only the DB changed (ours ≠ base, theirs = base): Git should take ours
  | 'converged' // both changed to the same thing
  | 'merged' // both changed, disjoint field paths: `merged` combines them (both sides must take it)
  | 'conflict' // both changed overlapping paths (concurrent_modification)
  | 'delete_modify'; // one side deleted, the other changed (relative to base)

export interface MergeResult {
  outcome: MergeOutcome;
  /** The manifest both sides should end with (null = deleted on both / should be deleted); undefined for conflicts. */
  merged?: Manifest | null;
  /** Field paths (dotted, as `spec.subnets.default.vlan`, list elements `spec.links[0]`) changed by each side relative to base. */
  oursPaths: string[];
  theirsPaths: string[];
  /** Paths both sides changed differently (conflict), or for delete_modify the paths the surviving side changed. */
  conflictPaths: string[];
}

/** One field-level difference; `undefined` before/after means the field is absent on that side. */
export interface FieldDiff {
  path: string;
  before: unknown;
  after: unknown;
}

/** A value in the tree, `undefined` when absent. */
type Value = JsonValue | undefined;
/** Path segment: map key, positional list index, or keyed list element (by `name`). */
type Segment = string | number | { name: string };
type Path = readonly Segment[];

interface RawDiff {
  path: Path;
  before: Value;
  after: Value;
}

// ---------------------------------------------------------------------------------------------
// Paths

const SIMPLE_KEY = /^[A-Za-z0-9_-]+$/;

function formatSegment(segment: Segment, first: boolean): string {
  if (typeof segment === 'number') return `[${segment}]`;
  if (typeof segment === 'string') {
    if (SIMPLE_KEY.test(segment)) return first ? segment : `.${segment}`;
    return `[${JSON.stringify(segment)}]`;
  }
  return `[name=${SIMPLE_KEY.test(segment.name) ? segment.name : JSON.stringify(segment.name)}]`;
}

function formatPath(path: Path): string {
  return path.map((segment, index) => formatSegment(segment, index === 0)).join('');
}

function segmentRank(segment: Segment): number {
  return typeof segment === 'number' ? 0 : typeof segment === 'string' ? 2 : 1;
}

function compareSegments(a: Segment, b: Segment): number {
  const rank = segmentRank(a) - segmentRank(b);
  if (rank !== 0) return rank;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  return compareStrings((a as { name: string }).name, (b as { name: string }).name);
}

/** Segment by segment (indices numerically), a parent before its children. */
function comparePaths(a: Path, b: Path): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = compareSegments(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function sortedUniquePaths(paths: Path[]): string[] {
  const sorted = [...paths].sort(comparePaths);
  const result: string[] = [];
  for (const path of sorted) {
    const text = formatPath(path);
    if (result[result.length - 1] !== text) result.push(text);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Values

function jsonEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keysA = Object.keys(a);
    if (keysA.length !== Object.keys(b).length) return false;
    for (const key of keysA) {
      if (!Object.prototype.hasOwnProperty.call(b, key) || !jsonEqual(a[key], b[key])) return false;
    }
    return true;
  }
  return false; // distinct primitives (=== already failed)
}

function own(object: JsonObject, key: string): Value {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

function unionKeys(...objects: JsonObject[]): string[] {
  const keys = new Set<string>();
  for (const object of objects) for (const key of Object.keys(object)) keys.add(key);
  return [...keys].sort(compareStrings);
}

/** Keyed list rule: every element of every list is an object with a string `name`, unique within its list. */
function isKeyedList(...lists: JsonValue[][]): boolean {
  let elements = 0;
  for (const list of lists) {
    const names = new Set<string>();
    for (const element of list) {
      if (!isJsonObject(element) || typeof element.name !== 'string' || names.has(element.name)) return false;
      names.add(element.name);
      elements++;
    }
  }
  return elements > 0;
}

function byName(list: JsonValue[]): Map<string, JsonObject> {
  const map = new Map<string, JsonObject>();
  for (const element of list) map.set((element as JsonObject).name as string, element as JsonObject);
  return map;
}

function namesOf(list: JsonValue[]): string[] {
  return list.map((element) => (element as JsonObject).name as string);
}

function sequencesEqual(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

// ---------------------------------------------------------------------------------------------
// Diff

function diffTree(path: Path, before: Value, after: Value, out: RawDiff[]): void {
  if (jsonEqual(before, after)) return;
  if (isJsonObject(before) && isJsonObject(after)) {
    for (const key of unionKeys(before, after)) diffTree([...path, key], own(before, key), own(after, key), out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (isKeyedList(before, after)) {
      const a = byName(before);
      const b = byName(after);
      const common = (list: JsonValue[], other: Map<string, JsonObject>): string[] => namesOf(list).filter((name) => other.has(name));
      // A reorder of the elements both lists hold is a change of the list itself.
      if (!sequencesEqual(common(before, b), common(after, a))) out.push({ path, before, after });
      for (const name of [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings)) {
        diffTree([...path, { name }], a.get(name), b.get(name), out);
      }
      return;
    }
    // Positional lists: elements are atomic.
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) {
      const x = i < before.length ? before[i] : undefined;
      const y = i < after.length ? after[i] : undefined;
      if (!jsonEqual(x, y)) out.push({ path: [...path, i], before: x, after: y });
    }
    return;
  }
  out.push({ path, before, after });
}

function diffPaths(path: Path, before: Value, after: Value): Path[] {
  const out: RawDiff[] = [];
  diffTree(path, before, after, out);
  return out.map((entry) => entry.path);
}

// ---------------------------------------------------------------------------------------------
// Merge

interface MergeContext {
  conflicts: Path[];
}

/** Records conflict paths; never records nothing (the node itself stands in), so a conflict cannot go unnoticed. */
function recordConflicts(context: MergeContext, path: Path, paths: Path[]): void {
  if (paths.length === 0) context.conflicts.push(path);
  else context.conflicts.push(...paths);
}

function conflictAt(path: Path, base: Value, ours: Value, theirs: Value, context: MergeContext): void {
  if (base === undefined) {
    // Added on both sides with different content: the paths where the two additions differ.
    recordConflicts(context, path, diffPaths(path, ours, theirs));
  } else {
    // Both sides' changes under this path (this covers parent/child overlaps).
    recordConflicts(context, path, [...diffPaths(path, base, ours), ...diffPaths(path, base, theirs)]);
  }
}

/** Three-way merge of one value; records conflicts in `context` (the returned value is then meaningless). */
function mergeValue(path: Path, base: Value, ours: Value, theirs: Value, context: MergeContext): Value {
  if (jsonEqual(ours, theirs)) return ours;
  if (jsonEqual(base, ours)) return theirs;
  if (jsonEqual(base, theirs)) return ours;
  if (isJsonObject(ours) && isJsonObject(theirs) && (base === undefined || isJsonObject(base))) {
    return mergeMaps(path, base ?? {}, ours, theirs, context);
  }
  if (Array.isArray(ours) && Array.isArray(theirs) && (base === undefined || Array.isArray(base))) {
    return isKeyedList(base ?? [], ours, theirs)
      ? mergeKeyedLists(path, base ?? [], ours, theirs, context)
      : mergePositionalLists(path, base ?? [], ours, theirs, context);
  }
  conflictAt(path, base, ours, theirs, context);
  return ours;
}

function mergeMaps(path: Path, base: JsonObject, ours: JsonObject, theirs: JsonObject, context: MergeContext): JsonObject {
  const result: JsonObject = {};
  for (const key of unionKeys(base, ours, theirs)) {
    const value = mergeValue([...path, key], own(base, key), own(ours, key), own(theirs, key), context);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function mergePositionalLists(path: Path, base: JsonValue[], ours: JsonValue[], theirs: JsonValue[], context: MergeContext): JsonValue[] {
  const shrinkVersusGrow =
    (ours.length < base.length && theirs.length > base.length) || (theirs.length < base.length && ours.length > base.length);
  if (shrinkVersusGrow) {
    // Merging by index would leave a hole (one side removed the tail, the other appended after it).
    const from = Math.min(ours.length, theirs.length);
    const beyond = (candidate: Path): boolean => typeof candidate[path.length] === 'number' && (candidate[path.length] as number) >= from;
    recordConflicts(context, path, [...diffPaths(path, base, ours).filter(beyond), ...diffPaths(path, base, theirs).filter(beyond)]);
    return ours;
  }
  const result: JsonValue[] = [];
  const length = Math.max(base.length, ours.length, theirs.length);
  let ended = false;
  for (let i = 0; i < length; i++) {
    const b = i < base.length ? base[i] : undefined;
    const o = i < ours.length ? ours[i] : undefined;
    const t = i < theirs.length ? theirs[i] : undefined;
    let value: Value;
    if (jsonEqual(o, t)) value = o;
    else if (jsonEqual(b, o)) value = t;
    else if (jsonEqual(b, t)) value = o;
    else {
      context.conflicts.push([...path, i]); // atomic element: both changed it differently
      continue;
    }
    if (value === undefined) ended = true;
    else if (ended) context.conflicts.push([...path, i]); // cannot happen without shrink-versus-grow; kept as a guard
    else result.push(value);
  }
  return result;
}

function mergeKeyedLists(path: Path, base: JsonValue[], ours: JsonValue[], theirs: JsonValue[], context: MergeContext): JsonValue[] {
  const b = byName(base);
  const o = byName(ours);
  const t = byName(theirs);
  const merged = new Map<string, JsonValue>();
  for (const name of [...new Set([...b.keys(), ...o.keys(), ...t.keys()])].sort(compareStrings)) {
    const value = mergeValue([...path, { name }], b.get(name), o.get(name), t.get(name), context);
    if (value !== undefined) merged.set(name, value);
  }

  // Order: each side's order of the surviving elements is a set of "a before b" constraints.
  const common = new Set([...merged.keys()].filter((name) => b.has(name) && o.has(name) && t.has(name)));
  const baseCommon = namesOf(base).filter((name) => common.has(name));
  const oursCommon = namesOf(ours).filter((name) => common.has(name));
  const theirsCommon = namesOf(theirs).filter((name) => common.has(name));
  const oursReordered = !sequencesEqual(oursCommon, baseCommon);
  const theirsReordered = !sequencesEqual(theirsCommon, baseCommon);
  if (oursReordered && theirsReordered && !sequencesEqual(oursCommon, theirsCommon)) {
    context.conflicts.push(path);
    return ours;
  }
  const edges = new Map<string, Set<string>>();
  for (const name of merged.keys()) edges.set(name, new Set());
  const constrain = (list: JsonValue[], keepCommonPairs: boolean): void => {
    const sequence = namesOf(list).filter((name) => merged.has(name));
    for (let i = 1; i < sequence.length; i++) {
      const [before, after] = [sequence[i - 1], sequence[i]];
      if (!keepCommonPairs && common.has(before) && common.has(after)) continue;
      edges.get(before)!.add(after);
    }
  };
  // A side that kept base's order of the common elements yields to the side that reordered them.
  constrain(ours, !(theirsReordered && !oursReordered));
  constrain(theirs, !(oursReordered && !theirsReordered));

  const indegree = new Map<string, number>();
  for (const name of merged.keys()) indegree.set(name, 0);
  for (const targets of edges.values()) for (const target of targets) indegree.set(target, indegree.get(target)! + 1);
  const ready = [...merged.keys()].filter((name) => indegree.get(name) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort(compareStrings);
    const next = ready.shift()!;
    order.push(next);
    for (const target of edges.get(next)!) {
      const remaining = indegree.get(target)! - 1;
      indegree.set(target, remaining);
      if (remaining === 0) ready.push(target);
    }
  }
  if (order.length < merged.size) {
    // The two sides order the elements incompatibly (e.g. one inserted between two the other swapped).
    context.conflicts.push(path);
    return ours;
  }
  return order.map((name) => merged.get(name)!);
}

// ---------------------------------------------------------------------------------------------
// Public API

function toTree(manifest: Manifest | null): JsonObject | undefined {
  return manifest === null ? undefined : (canonicalizeManifest(manifest) as unknown as JsonObject);
}

/**
 * Canonical forms omit empty label/annotation maps; for diffing and merging they are made explicit,
 * so that adding the first label is `metadata.labels.app`, not a change of `metadata.labels` as a whole.
 */
function withMetadataMaps(tree: JsonObject | undefined): JsonObject | undefined {
  if (tree === undefined || !isJsonObject(tree.metadata)) return tree;
  return { ...tree, metadata: { annotations: {}, labels: {}, ...tree.metadata } };
}

function changedPaths(before: JsonObject | undefined, after: JsonObject | undefined): Path[] {
  if (before === undefined && after === undefined) return [];
  return diffPaths([], withMetadataMaps(before) ?? {}, withMetadataMaps(after) ?? {});
}

function asManifest(tree: JsonObject): Manifest {
  const candidate: unknown = tree;
  if (!isManifest(candidate)) throw new Error('three-way merge produced something that is not a manifest');
  return candidate;
}

/** Back to the canonical shape: empty label/annotation maps are omitted. */
function pruneEmptyMetadataMaps(tree: JsonObject): JsonObject {
  const metadata = tree.metadata;
  if (!isJsonObject(metadata)) return tree;
  const pruned: JsonObject = {};
  for (const [key, value] of Object.entries(metadata)) {
    if ((key === 'labels' || key === 'annotations') && isJsonObject(value) && Object.keys(value).length === 0) continue;
    pruned[key] = value;
  }
  return { ...tree, metadata: pruned };
}

/** base/ours/theirs: null means absent (never existed at that point, or deleted). */
export function threeWayMerge(base: Manifest | null, ours: Manifest | null, theirs: Manifest | null): MergeResult {
  const b = toTree(base);
  const o = toTree(ours);
  const t = toTree(theirs);
  const oursPaths = sortedUniquePaths(changedPaths(b, o));
  const theirsPaths = sortedUniquePaths(changedPaths(b, t));
  const result = (outcome: MergeOutcome, merged: JsonObject | null | undefined, conflictPaths: Path[] = []): MergeResult => ({
    outcome,
    ...(merged === undefined ? {} : { merged: merged === null ? null : asManifest(merged) }),
    oursPaths,
    theirsPaths,
    conflictPaths: sortedUniquePaths(conflictPaths),
  });

  if (jsonEqual(o, t)) {
    // Equal sides: nothing to do if base agrees; deleted on both sides is reported as `unchanged` with merged null.
    if (o === undefined) return result('unchanged', null);
    return result(jsonEqual(b, o) ? 'unchanged' : 'converged', o);
  }
  if (jsonEqual(b, o)) return result('pull', t ?? null);
  if (jsonEqual(b, t)) return result('push', o ?? null);
  // Both sides changed, differently.
  if (b === undefined) return result('conflict', undefined, changedPaths(o, t)); // created independently
  if (o === undefined) return result('delete_modify', undefined, changedPaths(b, t));
  if (t === undefined) return result('delete_modify', undefined, changedPaths(b, o));

  const context: MergeContext = { conflicts: [] };
  const raw = mergeValue([], withMetadataMaps(b), withMetadataMaps(o), withMetadataMaps(t), context);
  if (context.conflicts.length > 0) return result('conflict', undefined, context.conflicts);
  if (!isJsonObject(raw)) throw new Error('three-way merge of two manifests produced a non-object');
  const pruned = pruneEmptyMetadataMaps(raw);
  const canonical = canonicalizeManifest(asManifest(pruned)) as unknown as JsonObject;
  if (canonicalJson(canonical) !== canonicalJson(pruned)) {
    // Canonicalization (webhook defaults, sorted lists) would rewrite the combination: an edit would be lost.
    return result('conflict', undefined, diffPaths([], pruned, canonical));
  }
  return result('merged', canonical);
}

/** Field-level differences between two manifests (for dry-run plans and conflict details): [{path, before, after}], sorted by path. */
export function diffManifests(before: Manifest | null, after: Manifest | null): FieldDiff[] {
  const a = toTree(before);
  const b = toTree(after);
  if (a === undefined && b === undefined) return [];
  const out: RawDiff[] = [];
  diffTree([], withMetadataMaps(a) ?? {}, withMetadataMaps(b) ?? {}, out);
  return out
    .sort((x, y) => comparePaths(x.path, y.path))
    .map((entry) => ({ path: formatPath(entry.path), before: entry.before, after: entry.after }));
}
