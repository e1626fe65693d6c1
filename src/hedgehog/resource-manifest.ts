import { canonicalizeManifest, type Manifest } from './manifest';
import type { JsonObject } from './json';
import { renderManifestYaml } from './yaml-render';

/** The fields of a stored resource that make up its manifest. */
export interface ResourceFields {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Record<string, unknown>;
}

/** The canonical Kubernetes manifest of a stored resource. */
export function resourceManifest(resource: ResourceFields): Manifest {
  return canonicalizeManifest({
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    metadata: { name: resource.name, namespace: resource.namespace, labels: resource.labels, annotations: resource.annotations },
    spec: resource.spec as JsonObject,
  });
}

/** The bytes of the resource's managed file in Git. */
export function renderResourceYaml(resource: ResourceFields): string {
  return renderManifestYaml(resourceManifest(resource));
}
