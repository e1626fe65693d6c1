import type { JsonObject } from '../../src/hedgehog';
import { baseFabric } from '../hedgehog/base-fabric';

/** The spec of one object of the valid base fabric (test/hedgehog/base-fabric.ts), as a fresh copy. */
export function baseSpec(kind: string, name: string): JsonObject {
  const found = baseFabric().find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`base fabric has no ${kind} ${name}`);
  return structuredClone(found.spec);
}

/** The namespaces a VPC refers to by default ("default" IPv4Namespace 10.0.0.0/16, "default" VLANNamespace 1000-2999). */
export const NAMESPACES: ReadonlyArray<{ kind: string; name: string; spec: () => JsonObject }> = [
  { kind: 'IPv4Namespace', name: 'default', spec: () => baseSpec('IPv4Namespace', 'default') },
  { kind: 'VLANNamespace', name: 'default', spec: () => baseSpec('VLANNamespace', 'default') },
];

/** A valid one-subnet VPC spec inside the default namespaces; distinct `n` (0..200) give non-overlapping subnets and VLANs. */
export function simpleVpcSpec(n: number): JsonObject {
  return { subnets: { default: { subnet: `10.0.${20 + n}.0/24`, vlan: 1100 + n } } };
}
