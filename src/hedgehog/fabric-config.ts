/**
 * Fabric-level settings the validations depend on (fabricator `pkg/fab/defaults.go`).
 * Hosts may override them per fabric.
 */
export interface FabricConfig {
  /** When set, hydrated switch `ip` values must be inside it. The samples use different ones, so off by default. */
  managementSubnet?: string;
  protocolSubnet: string;
  vtepSubnet: string;
  fabricSubnet: string;
  /** VPC subnets, IPv4Namespace subnets and static-external subnets must not overlap these. */
  reservedSubnets: readonly string[];
  spineASN: number;
  leafASNStart: number;
  leafASNEnd: number;
  /** VLANs that VLANNamespaces and VPC subnets must not use. */
  reservedVLANs: { from: number; to: number };
  maxServerFacingMTU: number;
}

export const DEFAULT_FABRIC_CONFIG: Readonly<FabricConfig> = Object.freeze({
  protocolSubnet: '172.30.8.0/22',
  vtepSubnet: '172.30.12.0/22',
  fabricSubnet: '172.30.128.0/17',
  reservedSubnets: Object.freeze([
    '172.30.0.0/21',
    '172.30.8.0/22',
    '172.30.12.0/22',
    '172.30.128.0/17',
    '172.30.16.0/22',
    '172.30.96.0/19',
    '172.30.95.0/31',
  ]),
  spineASN: 65100,
  leafASNStart: 65101,
  leafASNEnd: 65533,
  reservedVLANs: Object.freeze({ from: 3000, to: 3999 }),
  maxServerFacingMTU: 9036,
});
