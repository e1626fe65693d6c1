import { stringify } from 'yaml';

export interface ResourceFields {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Record<string, unknown>;
}

/** The Kubernetes manifest of a stored resource; empty labels/annotations are left out. */
export function resourceManifest(resource: ResourceFields): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: resource.name, namespace: resource.namespace };
  if (Object.keys(resource.labels).length > 0) metadata.labels = resource.labels;
  if (Object.keys(resource.annotations).length > 0) metadata.annotations = resource.annotations;
  return { apiVersion: resource.apiVersion, kind: resource.kind, metadata, spec: resource.spec };
}

/** Deterministic YAML: keys sorted below the top level, no timestamps. */
export function renderResourceYaml(resource: ResourceFields): string {
  return stringify(resourceManifest(resource), { sortMapEntries: true, lineWidth: 0 });
}
