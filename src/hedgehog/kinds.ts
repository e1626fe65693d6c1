export const VPC_API_VERSION = 'vpc.githedgehog.com/v1beta1';
export const WIRING_API_VERSION = 'wiring.githedgehog.com/v1beta1';

export interface KindInfo {
  kind: string;
  apiVersion: string;
  /** Kubernetes plural, also the folder name under `managed/`. */
  plural: string;
  /** Position in the hhfab validation / GitOps apply order (deletes run in reverse). */
  applyOrder: number;
}

const ORDERED: Array<[kind: string, apiVersion: string, plural: string]> = [
  ['SwitchProfile', WIRING_API_VERSION, 'switchprofiles'],
  ['VLANNamespace', WIRING_API_VERSION, 'vlannamespaces'],
  ['SwitchGroup', WIRING_API_VERSION, 'switchgroups'],
  ['Switch', WIRING_API_VERSION, 'switches'],
  ['Server', WIRING_API_VERSION, 'servers'],
  ['Connection', WIRING_API_VERSION, 'connections'],
  ['ServerProfile', WIRING_API_VERSION, 'serverprofiles'],
  ['IPv4Namespace', VPC_API_VERSION, 'ipv4namespaces'],
  ['VPC', VPC_API_VERSION, 'vpcs'],
  ['VPCAttachment', VPC_API_VERSION, 'vpcattachments'],
  ['VPCPeering', VPC_API_VERSION, 'vpcpeerings'],
  ['External', VPC_API_VERSION, 'externals'],
  ['ExternalAttachment', VPC_API_VERSION, 'externalattachments'],
  ['ExternalPeering', VPC_API_VERSION, 'externalpeerings'],
];

export const KINDS: readonly KindInfo[] = Object.freeze(
  ORDERED.map(([kind, apiVersion, plural], applyOrder) => Object.freeze({ kind, apiVersion, plural, applyOrder })),
);

const BY_KIND = new Map(KINDS.map((k) => [k.kind, k]));

export function findKind(kind: string): KindInfo | undefined {
  return BY_KIND.get(kind);
}

export const SUPPORTED_API_VERSIONS: readonly string[] = [VPC_API_VERSION, WIRING_API_VERSION];

/** API groups that belong to Hedgehog but whose objects this project does not manage (e.g. `Gateway`). */
export const UNMANAGED_HEDGEHOG_GROUPS: readonly string[] = ['gateway.githedgehog.com'];

const MANAGED_GROUPS = new Map([
  ['vpc.githedgehog.com', VPC_API_VERSION],
  ['wiring.githedgehog.com', WIRING_API_VERSION],
]);

export type DocumentTypeStatus =
  | { status: 'supported'; info: KindInfo }
  /** An old version of a managed group, e.g. `wiring.githedgehog.com/v1alpha2`. */
  | { status: 'legacy'; message: string }
  /** The right group and version, but a kind that does not exist there (e.g. `Rack`). */
  | { status: 'unknown-kind'; message: string }
  /** A Hedgehog group outside our 14 kinds, e.g. `gateway.githedgehog.com/v1alpha1`. */
  | { status: 'unmanaged-group'; message: string }
  /** Anything else: other Kubernetes objects, or missing apiVersion/kind. */
  | { status: 'foreign'; message: string };

export function classifyDocumentType(apiVersion: string, kind: string): DocumentTypeStatus {
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  const currentVersion = MANAGED_GROUPS.get(group);
  if (currentVersion !== undefined) {
    const info = findKind(kind);
    if (apiVersion !== currentVersion) {
      return {
        status: 'legacy',
        message:
          `${kind} ${apiVersion} is a legacy or unsupported API version: Hedgehog serves only ${currentVersion}` +
          (version === 'v1alpha2' ? ' (v1alpha2 was renamed to v1beta1 in fabric v0.52.0)' : '') +
          (info && info.apiVersion === currentVersion ? `; change apiVersion to ${currentVersion}` : `; kind ${kind} no longer exists`),
      };
    }
    if (!info || info.apiVersion !== apiVersion) {
      return { status: 'unknown-kind', message: `kind ${kind} does not exist in ${apiVersion}` };
    }
    return { status: 'supported', info };
  }
  if (UNMANAGED_HEDGEHOG_GROUPS.includes(group)) {
    return { status: 'unmanaged-group', message: `${kind} (${apiVersion}) is a Hedgehog object this project does not manage` };
  }
  if (!apiVersion || !kind) return { status: 'foreign', message: 'document has no apiVersion and kind, so it is not a Kubernetes object' };
  return { status: 'foreign', message: `${kind} (${apiVersion}) is not a Hedgehog VPC or wiring resource` };
}
