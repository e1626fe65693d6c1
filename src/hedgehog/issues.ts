import type { RuleId } from './rules';

export type IssueSeverity = 'error' | 'warning';

/** Identity of a resource inside a fabric. */
export interface ResourceRef {
  kind: string;
  namespace: string;
  name: string;
}

/** One finding, shaped so that ingestion and the API can both report it. */
export interface ValidationIssue {
  severity: IssueSeverity;
  kind: string;
  name: string;
  namespace: string;
  /** Dotted path into the manifest, e.g. `spec.subnets.default.subnet`; empty for the whole document. */
  fieldPath: string;
  /** Stable identifier, e.g. `vpc.name.max-length`; see `RULES`. */
  rule: RuleId;
  message: string;
  filePath?: string;
  documentIndex?: number;
}

export function resourceKey(ref: ResourceRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** Joins path segments, quoting segments that contain dots (map keys such as `E1/1` stay readable). */
export function joinPath(base: string, segment: string | number): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  const part = /^[A-Za-z0-9_-]+$/.test(segment) ? segment : `"${segment.replace(/"/g, '\\"')}"`;
  return base ? `${base}.${part}` : part;
}

/**
 * Collects issues about one subject resource. `related` lists other resources that a finding
 * involves, so that fabric-wide results can be narrowed to the resources a caller cares about.
 */
export class IssueSink {
  readonly issues: Array<ValidationIssue & { related?: ResourceRef[] }> = [];

  constructor(private readonly subject: ResourceRef) {}

  error(rule: RuleId, fieldPath: string, message: string, related?: ResourceRef[]): void {
    this.add('error', rule, fieldPath, message, related);
  }

  warning(rule: RuleId, fieldPath: string, message: string, related?: ResourceRef[]): void {
    this.add('warning', rule, fieldPath, message, related);
  }

  private add(severity: IssueSeverity, rule: RuleId, fieldPath: string, message: string, related?: ResourceRef[]): void {
    const { kind, name, namespace } = this.subject;
    this.issues.push({ severity, kind, name, namespace, fieldPath, rule, message, ...(related ? { related } : {}) });
  }
}

/** Removes the internal `related` list before issues leave the module. */
export function publicIssue(issue: ValidationIssue & { related?: ResourceRef[] }): ValidationIssue {
  const { related: _related, ...rest } = issue;
  return rest;
}

export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}
