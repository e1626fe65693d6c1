import path from 'node:path/posix';
import { findKind } from '../hedgehog/kinds';

export const STRUCTURE_VERSION = 1;

/** Every repository path of one fabric's GitOps layout (DESIGN §4), relative to the repository root. */
export class FabricPaths {
  constructor(readonly root: string) {}

  /** `relative` inside the fabric directory; the root '' is the repository root. */
  at(relative: string): string {
    return this.root === '' ? relative : `${this.root}/${relative}`;
  }

  get readme(): string {
    return this.at('README.md');
  }

  get manifest(): string {
    return this.at('.hnp/manifest.yaml');
  }

  get archiveLog(): string {
    return this.at('.hnp/archive-log.yaml');
  }

  get raw(): string {
    return this.at('raw');
  }

  get unmanaged(): string {
    return this.at('unmanaged');
  }

  get managed(): string {
    return this.at('managed');
  }

  managedDirectory(plural: string): string {
    return this.at(`managed/${plural}`);
  }

  /** managed/<plural>/<name>.yaml, or <namespace>-<name>.yaml outside the default namespace. */
  managedFile(kind: string, namespace: string, name: string): string {
    const info = findKind(kind);
    if (!info) throw new Error(`unknown kind ${kind}`);
    const file = namespace === 'default' ? `${name}.yaml` : `${namespace}-${name}.yaml`;
    return this.at(`managed/${info.plural}/${file}`);
  }

  /** Path relative to the fabric directory, or undefined when `repoPath` lies outside it. */
  relative(repoPath: string): string | undefined {
    if (this.root === '') return repoPath;
    return repoPath.startsWith(this.root + '/') ? repoPath.slice(this.root.length + 1) : undefined;
  }

  /** A YAML file directly in raw/ (sub-folders and archived files are not ingested). */
  isRawYaml(repoPath: string): boolean {
    const relative = this.relative(repoPath);
    return relative !== undefined && /^raw\/[^/]+\.ya?ml$/i.test(relative);
  }

  /** A file under managed/<plural>/ named *.yaml. */
  isManagedYaml(repoPath: string): boolean {
    const relative = this.relative(repoPath);
    return relative !== undefined && /^managed\/[^/]+\/[^/]+\.ya?ml$/i.test(relative);
  }

  static basename(repoPath: string): string {
    return path.basename(repoPath);
  }
}
