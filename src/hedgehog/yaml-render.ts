import { stringify } from 'yaml';
import { canonicalizeManifest, type Manifest } from './manifest';

/**
 * Deterministic YAML for a managed file: canonical form, keys in code-point order, no comments,
 * no timestamps, no line folding. Strings that a YAML 1.1 reader (kubectl, go-yaml) could take
 * for another type are quoted, so the file means the same thing to every consumer.
 */
export function renderManifestYaml(manifest: Manifest): string {
  return stringify(canonicalizeManifest(manifest), {
    version: '1.1',
    indent: 2,
    lineWidth: 0,
    minContentWidth: 0,
    sortMapEntries: false,
    aliasDuplicateObjects: false,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
  });
}
