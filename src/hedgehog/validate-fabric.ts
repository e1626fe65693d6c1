import { DEFAULT_FABRIC_CONFIG, type FabricConfig } from './fabric-config';
import { validateExternalAttachments, validateVpcAttachments } from './fabric-rules/attachments';
import { validateConnections } from './fabric-rules/connections';
import { FabricIndex, type FabricContext } from './fabric-rules/context';
import { validateExternalPeerings, validateExternals, validateVpcPeerings } from './fabric-rules/peerings';
import { validateSwitches } from './fabric-rules/switches';
import { validateVpcs } from './fabric-rules/vpcs';
import { IssueSink, publicIssue, resourceKey, type ResourceRef, type ValidationIssue } from './issues';
import { canonicalizeManifest, manifestRef, type Manifest } from './manifest';
import { asSwitchProfileSpec, BUILT_IN_SWITCH_PROFILES, type SwitchProfileSpec } from './switch-profiles';
import { reservedPrefixesOf, validateResource } from './validate-resource';

/** A manifest plus where it came from, so that issues can point at the file and document. */
export interface FabricEntry {
  manifest: Manifest;
  filePath?: string;
  documentIndex?: number;
  /** The manifest is already canonical (e.g. a stored, cached one): used as is, and never modified. */
  canonical?: boolean;
}

export interface ValidateFabricOptions {
  config?: FabricConfig;
  /** Report only issues about, or involving, these resources (e.g. the one being created). */
  focus?: ReadonlyArray<ResourceRef>;
  /** Also run `validateResource` on every (focused) resource. Default true. */
  includeResourceChecks?: boolean;
}

function toEntry(item: Manifest | FabricEntry): FabricEntry {
  return 'manifest' in item ? item : { manifest: item };
}

/**
 * Validates a whole fabric (the complete set of resources after a change): every reference
 * of the reference graph, port usage against the switch profiles, VLAN and subnet
 * uniqueness, namespace containment, redundancy and hydration consistency. Indexed by kind
 * and name, so the cost grows as n log n with the number of resources.
 */
export function validateFabric(items: Iterable<Manifest | FabricEntry>, options: ValidateFabricOptions = {}): ValidationIssue[] {
  const config = options.config ?? DEFAULT_FABRIC_CONFIG;
  const index = new FabricIndex();
  // Keyed by the manifest object (rules only see the indexed objects): no key string per resource and rule.
  // Origins of entries that name a file or document only: the others have nothing to add to an issue.
  const origins = new Map<Manifest, FabricEntry>();
  const sinks = new Map<Manifest, IssueSink>();
  const sinkFor = (manifest: Manifest): IssueSink => {
    let sink = sinks.get(manifest);
    if (!sink) sinks.set(manifest, (sink = new IssueSink(manifestRef(manifest))));
    return sink;
  };
  const focusKeys = options.focus ? new Set(options.focus.map((ref) => resourceKey({ ...ref, namespace: ref.namespace || 'default' }))) : undefined;
  const focusNames = options.focus ? new Set(options.focus.map((ref) => ref.name)) : undefined;
  const inFocus = (ref: ResourceRef): boolean => !focusKeys || (focusNames!.has(ref.name) && focusKeys.has(resourceKey(ref)));

  const resourceIssues: ValidationIssue[] = [];
  for (const item of items) {
    const entry = toEntry(item);
    const manifest = entry.canonical ? entry.manifest : canonicalizeManifest(entry.manifest);
    const ref = manifestRef(manifest);
    const first = index.add(manifest);
    if (first) {
      // The duplicate's issue points at its own file; the duplicate itself is not validated further.
      const duplicate = new IssueSink(ref);
      duplicate.error('fabric.duplicate-resource', 'metadata.name', `${manifest.kind} ${manifest.metadata.name} is defined more than once; names are unique per kind`, [manifestRef(first)]);
      const duplicateIssues = duplicate.issues.map((issue) => locate(publicIssue(issue), entry));
      if (inFocus(ref) || (focusKeys?.has(resourceKey(manifestRef(first))) ?? false)) resourceIssues.push(...duplicateIssues);
      continue;
    }
    if (entry.filePath !== undefined || entry.documentIndex !== undefined) origins.set(manifest, entry);
    if ((options.includeResourceChecks ?? true) && inFocus(ref)) {
      resourceIssues.push(...validateResource(manifest, { config }).map((issue) => locate(issue, entry)));
    }
  }

  const profiles = new Map<string, SwitchProfileSpec>(BUILT_IN_SWITCH_PROFILES);
  for (const profile of index.all('SwitchProfile')) {
    if (BUILT_IN_SWITCH_PROFILES.has(profile.metadata.name)) {
      sinkFor(profile).warning('switchprofile.overrides-built-in', 'metadata.name', `SwitchProfile ${profile.metadata.name} replaces the built-in profile of the same name; the fabric controller keeps its own copy`);
    }
    profiles.set(profile.metadata.name, asSwitchProfileSpec(profile.spec));
  }

  const context: FabricContext = { index, config, reservedPrefixes: reservedPrefixesOf(config), profiles, portCatalogs: new Map(), sinkFor };
  validateSwitches(context);
  const shapes = validateConnections(context);
  validateVpcs(context);
  validateVpcAttachments(context, shapes);
  validateVpcPeerings(context);
  validateExternals(context);
  validateExternalAttachments(context, shapes);
  validateExternalPeerings(context);

  const fabricIssues: ValidationIssue[] = [];
  for (const [manifest, sink] of sinks) {
    const entry = origins.get(manifest);
    for (const issue of sink.issues) {
      const touchesFocus = inFocus(issue) || (issue.related ?? []).some(inFocus);
      if (touchesFocus) fabricIssues.push(entry ? locate(publicIssue(issue), entry) : publicIssue(issue));
    }
  }
  return [...resourceIssues, ...fabricIssues];
}

function locate(issue: ValidationIssue, entry: FabricEntry): ValidationIssue {
  return {
    ...issue,
    ...(entry.filePath !== undefined ? { filePath: entry.filePath } : {}),
    ...(entry.documentIndex !== undefined ? { documentIndex: entry.documentIndex } : {}),
  };
}
