import { DEFAULT_FABRIC_CONFIG, type FabricConfig } from './fabric-config';
import { RFC1123_SUBDOMAIN } from './names';
import { parseIPv4Prefix, type IPv4Prefix } from './ip';
import { IssueSink, publicIssue, type ValidationIssue } from './issues';
import { classifyDocumentType } from './kinds';
import { canonicalizeManifest, DEFAULT_NAMESPACE, type Manifest } from './manifest';
import type { ResourceRuleContext, ResourceRules } from './resource-rules/context';
import { validateConnection } from './resource-rules/connection';
import { validateExternal, validateExternalPeering } from './resource-rules/external';
import { validateExternalAttachment } from './resource-rules/external-attachment';
import { validateIPv4Namespace, validateVlanNamespace } from './resource-rules/namespaces';
import { validateSwitch, validateSwitchProfile } from './resource-rules/switch';
import { validateVpc } from './resource-rules/vpc';
import { validateVpcAttachment } from './resource-rules/vpc-attachment';
import { validateVpcPeering } from './resource-rules/vpc-peering';
import { checkSchema } from './schema';
import { SPEC_SCHEMAS } from './spec-schemas';

const MAX_NAME_LENGTH = 253;

const KIND_RULES: Readonly<Record<string, ResourceRules>> = {
  VPC: validateVpc,
  VPCAttachment: validateVpcAttachment,
  VPCPeering: validateVpcPeering,
  IPv4Namespace: validateIPv4Namespace,
  External: validateExternal,
  ExternalAttachment: validateExternalAttachment,
  ExternalPeering: validateExternalPeering,
  Connection: validateConnection,
  Switch: validateSwitch,
  SwitchProfile: validateSwitchProfile,
  VLANNamespace: validateVlanNamespace,
};

export interface ValidateResourceOptions {
  config?: FabricConfig;
}

/** Cached per config object, since the reserved list is read for every subnet. */
const reservedCache = new WeakMap<FabricConfig, IPv4Prefix[]>();
export function reservedPrefixesOf(config: FabricConfig): IPv4Prefix[] {
  let prefixes = reservedCache.get(config);
  if (!prefixes) {
    prefixes = config.reservedSubnets.map(parseIPv4Prefix).filter((prefix): prefix is IPv4Prefix => prefix !== undefined);
    reservedCache.set(config, prefixes);
  }
  return prefixes;
}

/**
 * Everything that can be checked on one resource alone: metadata, strict spec shape, and the
 * per-kind rules of the Hedgehog webhooks. Runs on the canonical form, as the webhooks run
 * `Validate()` after `Default()`.
 */
export function validateResource(manifest: Manifest, options: ValidateResourceOptions = {}): ValidationIssue[] {
  const canonical = canonicalizeManifest(manifest);
  const { name, namespace } = canonical.metadata;
  const sink = new IssueSink({ kind: canonical.kind, name, namespace });
  const documentType = classifyDocumentType(canonical.apiVersion, canonical.kind);
  if (documentType.status !== 'supported') {
    const rule = documentType.status === 'legacy' ? 'document.legacy-version' : documentType.status === 'unknown-kind' ? 'document.unknown-kind' : 'document.not-hedgehog';
    sink.error(rule, 'apiVersion', documentType.message);
    return sink.issues.map(publicIssue);
  }
  if (!RFC1123_SUBDOMAIN.test(name)) {
    sink.error('metadata.name.format', 'metadata.name', `name "${name}" must be a lowercase RFC 1123 subdomain: a-z, 0-9, "-" and ".", starting and ending with a letter or digit`);
  }
  if (name.length > MAX_NAME_LENGTH) sink.error('metadata.name.max-length', 'metadata.name', `name has ${name.length} characters; the limit is ${MAX_NAME_LENGTH}`);
  if (namespace !== DEFAULT_NAMESPACE) {
    sink.error('metadata.namespace.default-only', 'metadata.namespace', `namespace "${namespace}" is not supported; Hedgehog accepts only namespace "default"`);
  }
  const schema = SPEC_SCHEMAS[canonical.kind];
  if (schema) checkSchema(schema, canonical.spec, 'spec', sink);
  // Kind rules read through type-checking accessors, so they also run on specs with shape errors.
  const kindRules = KIND_RULES[canonical.kind];
  if (kindRules) {
    const config = options.config ?? DEFAULT_FABRIC_CONFIG;
    const context: ResourceRuleContext = { manifest: canonical, spec: canonical.spec, sink, config, reservedPrefixes: reservedPrefixesOf(config) };
    kindRules(context);
  }
  return sink.issues.map(publicIssue);
}
