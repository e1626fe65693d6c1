import type { EntityManager } from '@mikro-orm/postgresql';
import { HedgehogResource } from '../entities/hedgehog-resource';
import type { JsonObject } from '../hedgehog/json';
import { manifestRef, type Manifest } from '../hedgehog/manifest';
import { resourceKey, type ResourceRef, type ValidationIssue } from '../hedgehog/issues';
import type { FabricEntry } from '../hedgehog/validate-fabric';
import { validateFabric } from '../hedgehog/validate-fabric';
import { fabricManifestCache } from './fabric-manifest-cache';
import { MutationError, UserErrorCode, type UserErrorDetail } from './mutation-error';

/** Every stored resource of a fabric as a manifest, keyed by kind/namespace/name. */
export async function loadFabricManifests(em: EntityManager, fabricId: string): Promise<Map<string, Manifest>> {
  const rows = await em
    .createQueryBuilder(HedgehogResource, 'r')
    .select(['r.api_version', 'r.kind', 'r.namespace', 'r.name', 'r.labels', 'r.annotations', 'r.spec'])
    .where({ fabric: fabricId })
    .execute<Array<{ api_version: string; kind: string; namespace: string; name: string; labels: Record<string, string>; annotations: Record<string, string>; spec: JsonObject }>>('all', false);
  const manifests = new Map<string, Manifest>();
  for (const row of rows) {
    const manifest: Manifest = {
      apiVersion: row.api_version,
      kind: row.kind,
      metadata: { name: row.name, namespace: row.namespace, labels: row.labels, annotations: row.annotations },
      spec: row.spec,
    };
    manifests.set(resourceKey(manifestRef(manifest)), manifest);
  }
  return manifests;
}

export interface FabricChange {
  /** Manifests added or replacing the stored one with the same identity. */
  upserts: FabricEntry[];
  /** Identities removed from the fabric. */
  deletes?: ResourceRef[];
}

/** Validates the fabric as it would be after `change`, reporting only findings about or involving the changed resources. */
export async function validateFabricChange(em: EntityManager, fabricId: string, change: FabricChange): Promise<ValidationIssue[]> {
  const entries = await fabricManifestCache.loadEntries(em, fabricId);
  for (const ref of change.deletes ?? []) entries.delete(resourceKey(ref));
  for (const entry of change.upserts) entries.set(resourceKey(manifestRef(entry.manifest)), entry);
  const focus = [...change.upserts.map((entry) => manifestRef(entry.manifest)), ...(change.deletes ?? [])];
  return validateFabric(entries.values(), { focus });
}

/** `spec.subnets.default` → ["input", "spec", "subnets", "default"]; metadata fields map to the input's own fields. */
function inputFieldPath(fieldPath: string): string[] {
  const segments = fieldPath.match(/"(?:[^"\\]|\\.)*"|[^.[\]]+/g)?.map((s) => (s.startsWith('"') ? JSON.parse(s) as string : s)) ?? [];
  if (segments[0] === 'metadata') segments.shift();
  return ['input', ...segments];
}

/** Errors become VALIDATION user errors on the input; warnings are returned to the caller. */
export function throwOnErrors(issues: ValidationIssue[], subject: ResourceRef): ValidationIssue[] {
  const errors: UserErrorDetail[] = issues
    .filter((issue) => issue.severity === 'error')
    .map((issue) => {
      const own = issue.kind === subject.kind && issue.name === subject.name && issue.namespace === subject.namespace;
      return {
        code: UserErrorCode.VALIDATION,
        field: own ? inputFieldPath(issue.fieldPath) : ['input'],
        message: own ? `${issue.message} [${issue.rule}]` : `${issue.kind} ${issue.namespace}/${issue.name}: ${issue.message} [${issue.rule}]`,
      };
    });
  if (errors.length > 0) throw new MutationError(errors);
  return issues.filter((issue) => issue.severity === 'warning');
}
