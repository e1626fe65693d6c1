import { decodeManifest } from './decode';
import type { ValidationIssue } from './issues';
import type { Manifest } from './manifest';
import { parseYamlDocuments, type YamlParseLimits } from './yaml-documents';

export interface ParsedManifest {
  manifest: Manifest;
  documentIndex: number;
  filePath?: string;
}

export interface ParseManifestsResult {
  manifests: ParsedManifest[];
  /** Parse and decode issues (not validation), each with its document index and file path. */
  issues: ValidationIssue[];
}

export interface ParseManifestsOptions {
  filePath?: string;
  limits?: Partial<YamlParseLimits>;
}

/** Multi-document YAML text → manifests of our kinds, plus issues for everything else. */
export function parseManifests(text: string, options: ParseManifestsOptions = {}): ParseManifestsResult {
  const { filePath } = options;
  const located = (issue: ValidationIssue, documentIndex?: number): ValidationIssue => ({
    ...issue,
    ...(filePath !== undefined ? { filePath } : {}),
    ...(documentIndex !== undefined ? { documentIndex } : {}),
  });
  const parsed = parseYamlDocuments(text, options.limits);
  const issues = parsed.issues.map((issue) => located(issue, issue.documentIndex));
  const manifests: ParsedManifest[] = [];
  for (const document of parsed.documents) {
    const decoded = decodeManifest(document.value);
    issues.push(...decoded.issues.map((issue) => located(issue, document.documentIndex)));
    if (decoded.manifest) {
      manifests.push({ manifest: decoded.manifest, documentIndex: document.documentIndex, ...(filePath !== undefined ? { filePath } : {}) });
    }
  }
  return { manifests, issues };
}
