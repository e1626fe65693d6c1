import { stringify } from 'yaml';
import { KINDS } from '../hedgehog/kinds';
import { FabricPaths, STRUCTURE_VERSION } from './fabric-paths';
import type { GitSnapshot } from './git-types';

export interface LayoutFile {
  path: string;
  content: string;
}

/** `.hnp/manifest.yaml`: tells tools (and us) what this directory is. No timestamps: re-rendering gives the same bytes. */
export function layoutManifest(fabricName: string): string {
  return stringify(
    {
      structureVersion: STRUCTURE_VERSION,
      generator: 'hnp-graphql',
      fabric: fabricName,
      directories: { raw: 'raw', managed: 'managed', unmanaged: 'unmanaged' },
      kinds: KINDS.map((k) => ({ kind: k.kind, apiVersion: k.apiVersion, directory: `managed/${k.plural}` })),
    },
    { lineWidth: 0 },
  );
}

function readme(fabricName: string): string {
  return [
    `# Hedgehog fabric \`${fabricName}\``,
    '',
    'This directory is kept in sync with HNP GraphQL.',
    '',
    '- `raw/` — drop multi-document YAML files here; the next ingestion validates them, moves each Hedgehog',
    '  object to `managed/`, and archives the file.',
    '- `managed/<kind>/<name>.yaml` — one file per resource, the source of truth in Git. Edit them here or',
    '  through the API; both directions are synced.',
    '- `unmanaged/` — documents that are not Hedgehog resources or failed validation, with an error report.',
    '- `.hnp/` — layout manifest and the log of ingested raw files.',
    '',
  ].join('\n');
}

/** Every file of a fresh layout: README, .hnp files, and a .gitkeep in each folder. */
export function layoutFiles(paths: FabricPaths, fabricName: string): LayoutFile[] {
  const files: LayoutFile[] = [
    { path: paths.readme, content: readme(fabricName) },
    { path: paths.manifest, content: layoutManifest(fabricName) },
    { path: paths.archiveLog, content: stringify({ entries: [] }) },
    { path: `${paths.raw}/.gitkeep`, content: '' },
    { path: `${paths.unmanaged}/.gitkeep`, content: '' },
  ];
  for (const kind of KINDS) files.push({ path: `${paths.managedDirectory(kind.plural)}/.gitkeep`, content: '' });
  return files;
}

/**
 * Why the directory cannot hold our layout, or undefined when it can: a file where a folder must be,
 * or a layout manifest of another fabric or of a newer structure version.
 */
export async function layoutIncompatibility(snapshot: GitSnapshot, paths: FabricPaths, fabricName: string): Promise<string | undefined> {
  if (snapshot.commitSha === null) return undefined;
  if (paths.root && (await snapshot.readFile(paths.root))) return `"${paths.root}" is a file, not a folder`;
  const files = await snapshot.listFiles(paths.root);
  const filePaths = new Set(files.map((f) => f.path));
  const folders = [paths.root, paths.at('.hnp'), paths.raw, paths.unmanaged, paths.managed, ...KINDS.map((k) => paths.managedDirectory(k.plural))].filter(Boolean);
  for (const folder of folders) {
    if (filePaths.has(folder)) return `"${folder}" is a file, but the layout needs a folder there`;
  }
  const manifest = await snapshot.readFile(paths.manifest);
  if (manifest) {
    const text = manifest.toString('utf8');
    const fabric = /^fabric:\s*(.+)$/m.exec(text)?.[1]?.trim().replace(/^["']|["']$/g, '');
    const version = Number(/^structureVersion:\s*(\d+)/m.exec(text)?.[1] ?? NaN);
    if (fabric && fabric !== fabricName) return `"${paths.manifest}" belongs to fabric "${fabric}"`;
    if (Number.isFinite(version) && version > STRUCTURE_VERSION) return `"${paths.manifest}" has structure version ${version}; this server knows ${STRUCTURE_VERSION}`;
  }
  return undefined;
}
