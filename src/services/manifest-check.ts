import type { EntityManager } from '@mikro-orm/postgresql';
import type { ValidationIssue } from '../hedgehog/issues';
import { parseManifests } from '../hedgehog/parse-manifests';
import { validateFabricChange } from './fabric-validation';

/** Every finding a YAML text would produce against the fabric as it is stored now; nothing is written. */
export async function validateYamlAgainstFabric(em: EntityManager, fabricId: string, yaml: string): Promise<{ issues: ValidationIssue[]; documentCount: number }> {
  const parsed = parseManifests(yaml);
  const fabricIssues = parsed.manifests.length > 0 ? await validateFabricChange(em, fabricId, { upserts: parsed.manifests }) : [];
  return { issues: [...parsed.issues, ...fabricIssues], documentCount: parsed.manifests.length };
}
