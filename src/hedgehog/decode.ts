import { classifyDocumentType, type DocumentTypeStatus } from './kinds';
import { isJsonObject, toJsonValue, type JsonObject } from './json';
import { IssueSink, joinPath, publicIssue, type ValidationIssue } from './issues';
import { DEFAULT_NAMESPACE, type Manifest, type ManifestMetadata } from './manifest';

export interface DecodeResult {
  /** Present when the document is one of our kinds and structurally a manifest (it may still be invalid). */
  manifest?: Manifest;
  /** How the document's apiVersion/kind was classified; absent when it is not even an object. */
  documentType?: DocumentTypeStatus;
  issues: ValidationIssue[];
}

const TOP_LEVEL_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

/** Set by the API server; dropped silently because they never belong in Git. */
const SERVER_METADATA_FIELDS = new Set([
  'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink',
]);
/** Valid Kubernetes metadata that has no place in a GitOps manifest; dropped with a warning. */
const DROPPED_METADATA_FIELDS = new Set(['generateName', 'ownerReferences', 'finalizers']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Strict structural decoding of one parsed YAML/JSON document into a manifest, following what
 * `hhfab` does on load: only current wiring/vpc kinds, no unknown top-level or metadata fields.
 * Never throws; problems come back as issues.
 */
export function decodeManifest(document: unknown): DecodeResult {
  const converted = toJsonValue(document);
  const head = isJsonObject(document) ? document : {};
  const apiVersion = typeof head.apiVersion === 'string' ? head.apiVersion : '';
  const kind = typeof head.kind === 'string' ? head.kind : '';
  const rawMetadata = isJsonObject(head.metadata) ? head.metadata : {};
  const name = typeof rawMetadata.name === 'string' ? rawMetadata.name : '';
  const namespace = typeof rawMetadata.namespace === 'string' && rawMetadata.namespace !== '' ? rawMetadata.namespace : DEFAULT_NAMESPACE;
  const sink = new IssueSink({ kind, name, namespace });
  const done = (documentType?: DocumentTypeStatus, manifest?: Manifest): DecodeResult => ({
    ...(manifest ? { manifest } : {}),
    ...(documentType ? { documentType } : {}),
    issues: sink.issues.map(publicIssue),
  });

  if (converted.error) {
    sink.error('document.invalid-value', converted.error.path, converted.error.message);
    return done();
  }
  const value = converted.value;
  if (!isJsonObject(value)) {
    sink.error('document.not-object', '', `document is ${describe(value)}, expected a Kubernetes object (a map with apiVersion, kind, metadata and spec)`);
    return done();
  }
  const documentType = classifyDocumentType(apiVersion, kind);
  switch (documentType.status) {
    case 'supported':
      break;
    case 'legacy':
      sink.error('document.legacy-version', 'apiVersion', documentType.message);
      return done(documentType);
    case 'unknown-kind':
      sink.error('document.unknown-kind', 'kind', documentType.message);
      return done(documentType);
    case 'unmanaged-group':
      sink.warning('document.unmanaged-kind', 'apiVersion', `${documentType.message}; it is left untouched and not validated`);
      return done(documentType);
    case 'foreign':
      sink.error('document.not-hedgehog', apiVersion ? 'apiVersion' : '', documentType.message);
      return done(documentType);
  }

  for (const field of Object.keys(value)) {
    if (!TOP_LEVEL_FIELDS.has(field)) {
      sink.error('document.unknown-field', field, `unknown top-level field "${field}"; a ${kind} has only apiVersion, kind, metadata, spec and status`);
    }
  }
  const metadata = decodeMetadata(value.metadata, sink);
  let spec: JsonObject = {};
  if (isJsonObject(value.spec)) spec = value.spec;
  else if (value.spec !== undefined && value.spec !== null) {
    sink.error('schema.type', 'spec', `spec must be a map, got ${describe(value.spec)}`);
    return done(documentType);
  }
  if (!metadata) return done(documentType);
  return done(documentType, { apiVersion, kind, metadata, spec });
}

function decodeMetadata(raw: unknown, sink: IssueSink): ManifestMetadata | undefined {
  if (!isJsonObject(raw)) {
    sink.error('metadata.required', 'metadata', 'metadata with a name is required');
    return undefined;
  }
  let valid = true;
  if (typeof raw.name !== 'string' || raw.name === '') {
    sink.error('metadata.name.required', 'metadata.name', 'metadata.name is required and must be a string');
    valid = false;
  }
  if (raw.namespace !== undefined && raw.namespace !== null && typeof raw.namespace !== 'string') {
    sink.error('schema.type', 'metadata.namespace', `metadata.namespace must be a string, got ${describe(raw.namespace)}`);
    valid = false;
  }
  const metadata: ManifestMetadata = {
    name: typeof raw.name === 'string' ? raw.name : '',
    namespace: typeof raw.namespace === 'string' ? raw.namespace : '',
  };
  for (const field of ['labels', 'annotations'] as const) {
    const map = raw[field];
    if (map === undefined || map === null) continue;
    if (!isJsonObject(map)) {
      sink.error('metadata.string-map', `metadata.${field}`, `metadata.${field} must be a map of strings, got ${describe(map)}`);
      valid = false;
      continue;
    }
    const entries: Record<string, string> = {};
    for (const [key, entry] of Object.entries(map)) {
      if (typeof entry !== 'string') {
        sink.error('metadata.string-map', joinPath(`metadata.${field}`, key), `${field} values must be strings (quote ${JSON.stringify(entry)})`);
        valid = false;
      } else entries[key] = entry;
    }
    metadata[field] = entries;
  }
  for (const field of Object.keys(raw)) {
    if (['name', 'namespace', 'labels', 'annotations'].includes(field) || SERVER_METADATA_FIELDS.has(field)) continue;
    if (DROPPED_METADATA_FIELDS.has(field)) {
      sink.warning('metadata.field-dropped', `metadata.${field}`, `metadata.${field} is not kept in Git and will be dropped`);
    } else {
      sink.error('metadata.unknown-field', `metadata.${field}`, `unknown metadata field "${field}"`);
      valid = false;
    }
  }
  return valid ? metadata : undefined;
}
