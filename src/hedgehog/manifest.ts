import { createHash } from 'node:crypto';
import { applyWebhookDefaults } from './defaults';
import { canonicalJson, compareStrings, isJsonObject, resortKeysOwned, sortKeysDeep, type JsonObject } from './json';
import type { ResourceRef } from './issues';

export interface ManifestMetadata {
  name: string;
  namespace: string;
  /** Omitted when empty. */
  labels?: Record<string, string>;
  /** Omitted when empty. */
  annotations?: Record<string, string>;
}

/** A Hedgehog resource reduced to the parts that are versioned in Git. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: ManifestMetadata;
  spec: JsonObject;
}

export const DEFAULT_NAMESPACE = 'default';

/**
 * Labels whose key contains this marker are owned by Hedgehog's webhooks: `Default()` deletes
 * them and recomputes them from the spec, so keeping them would only create false drift.
 */
const WEBHOOK_LABEL_MARKER = 'fabric.githedgehog.com/';

/** Written by `kubectl apply`; a copy of the object itself, never part of the desired state. */
const VOLATILE_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

export function manifestRef(manifest: Manifest): ResourceRef {
  return { kind: manifest.kind, namespace: manifest.metadata.namespace || DEFAULT_NAMESPACE, name: manifest.metadata.name };
}

function cleanStringMap(map: Record<string, string> | undefined, keep: (key: string) => boolean): Record<string, string> | undefined {
  if (!map) return undefined;
  const entries = Object.keys(map)
    .filter(keep)
    .sort(compareStrings)
    .map((key): [string, string] => [key, map[key]]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * The canonical form: namespace defaulted, webhook defaults applied, lists that Hedgehog sorts
 * sorted, webhook-owned labels dropped, empty label/annotation maps omitted, keys in code-point
 * order. Idempotent, and never mutates its input.
 */
export function canonicalizeManifest(manifest: Manifest): Manifest {
  // One copy (already in key order); the defaults then only add keys, so re-sorting that copy is cheap.
  const spec = sortKeysDeep(manifest.spec ?? {}) as JsonObject;
  applyWebhookDefaults(manifest.kind, spec);
  const metadata: ManifestMetadata = {
    name: manifest.metadata.name,
    namespace: manifest.metadata.namespace || DEFAULT_NAMESPACE,
  };
  const annotations = cleanStringMap(manifest.metadata.annotations, (key) => !VOLATILE_ANNOTATIONS.has(key));
  const labels = cleanStringMap(manifest.metadata.labels, (key) => !key.includes(WEBHOOK_LABEL_MARKER));
  const sortedMetadata: ManifestMetadata = {
    ...(annotations ? { annotations } : {}),
    ...(labels ? { labels } : {}),
    ...metadata,
  };
  return {
    apiVersion: manifest.apiVersion,
    kind: manifest.kind,
    metadata: sortedMetadata,
    spec: resortKeysOwned(spec) as JsonObject,
  };
}

/** Canonical JSON text of a manifest (canonicalized first). */
export function manifestCanonicalJson(manifest: Manifest): string {
  const canonical = canonicalizeManifest(manifest);
  return canonicalJson(canonical as unknown as JsonObject);
}

/** SHA-256 (hex) of the canonical JSON: equal exactly when two manifests mean the same resource state. */
export function manifestHash(manifest: Manifest): string {
  return createHash('sha256').update(manifestCanonicalJson(manifest)).digest('hex');
}

export function manifestsEqual(a: Manifest, b: Manifest): boolean {
  return manifestCanonicalJson(a) === manifestCanonicalJson(b);
}

export function isManifest(value: unknown): value is Manifest {
  return (
    isJsonObject(value) &&
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string' &&
    isJsonObject(value.metadata) &&
    typeof value.metadata.name === 'string' &&
    isJsonObject(value.spec)
  );
}
