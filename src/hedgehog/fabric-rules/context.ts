import type { FabricConfig } from '../fabric-config';
import type { IPv4Prefix } from '../ip';
import type { IssueSink, ResourceRef } from '../issues';
import { manifestRef, type Manifest } from '../manifest';
import type { SwitchPortCatalog, SwitchProfileSpec } from '../switch-profiles';

/** Canonical manifests of one fabric, indexed by kind and name. */
export class FabricIndex {
  private readonly byKind = new Map<string, Map<string, Manifest>>();

  add(manifest: Manifest): Manifest | undefined {
    let names = this.byKind.get(manifest.kind);
    if (!names) this.byKind.set(manifest.kind, (names = new Map()));
    const existing = names.get(manifest.metadata.name);
    if (!existing) names.set(manifest.metadata.name, manifest);
    return existing;
  }

  get(kind: string, name: string | undefined): Manifest | undefined {
    return name === undefined ? undefined : this.byKind.get(kind)?.get(name);
  }

  all(kind: string): Iterable<Manifest> {
    return this.byKind.get(kind)?.values() ?? [];
  }
}

export interface FabricContext {
  index: FabricIndex;
  config: FabricConfig;
  reservedPrefixes: IPv4Prefix[];
  profiles: ReadonlyMap<string, SwitchProfileSpec>;
  /** Port catalogs of switches whose profile resolved, by switch name. */
  portCatalogs: Map<string, SwitchPortCatalog>;
  sinkFor(manifest: Manifest): IssueSink;
}

export function refOf(manifest: Manifest): ResourceRef {
  return manifestRef(manifest);
}

/** Related-resource list for an issue, skipping references that did not resolve. */
export function related(...manifests: Array<Manifest | undefined>): ResourceRef[] {
  return manifests.filter((m): m is Manifest => m !== undefined).map(refOf);
}

export function missingRef(kind: string, name: string): ResourceRef {
  return { kind, namespace: 'default', name };
}
