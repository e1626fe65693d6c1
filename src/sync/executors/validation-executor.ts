import { SyncOperationType } from '../../entities/enums';
import { KINDS } from '../../hedgehog/kinds';
import type { ValidationIssue } from '../../hedgehog/issues';
import type { Manifest } from '../../hedgehog/manifest';
import { validateFabric } from '../../hedgehog/validate-fabric';
import { validateResource } from '../../hedgehog/validate-resource';
import { loadFabricManifests } from '../../services/fabric-validation';
import type { OperationContext, OperationExecutor } from '../executor';

/** Findings kept in `details.issues`; counts always cover all of them. */
const MAX_REPORTED_ISSUES = 500;

interface KindSummary {
  resources: number;
  errors: number;
  warnings: number;
}

function count(issues: ValidationIssue[], severity: ValidationIssue['severity']): number {
  return issues.filter((issue) => issue.severity === severity).length;
}

/**
 * `validateFabric`: the Hedgehog validation over every stored resource of the fabric — per kind in
 * apply order (one stage per kind present), then the fabric-wide checks — with the findings in `details`.
 */
export const validationExecutor: OperationExecutor = {
  type: SyncOperationType.VALIDATION,
  retryAfterInterruption: true,

  async execute(context: OperationContext): Promise<void> {
    await context.stage('load', 0);
    const manifests = [...(await loadFabricManifests(context.em, context.operation.fabricId)).values()];
    const byKind = new Map<string, Manifest[]>();
    for (const manifest of manifests) {
      const list = byKind.get(manifest.kind);
      if (list) list.push(manifest);
      else byKind.set(manifest.kind, [manifest]);
    }

    const issues: ValidationIssue[] = [];
    const summary: Record<string, KindSummary> = {};
    const steps = KINDS.length + 1;
    for (const [index, kind] of KINDS.entries()) {
      const ofKind = byKind.get(kind.kind);
      // Kinds the fabric does not use are no stage of their own.
      if (!ofKind) continue;
      await context.stage(`validate:${kind.kind}`, index / steps, `${ofKind.length} ${kind.plural}`);
      const found = ofKind.flatMap((manifest) => validateResource(manifest));
      issues.push(...found);
      summary[kind.kind] = { resources: ofKind.length, errors: count(found, 'error'), warnings: count(found, 'warning') };
      await context.addCounters({ filesProcessed: ofKind.length });
    }

    await context.stage('validate:fabric', KINDS.length / steps, 'references, ports, VLANs, subnets');
    const fabricWide = validateFabric(manifests, { includeResourceChecks: false });
    issues.push(...fabricWide);

    const errors = count(issues, 'error');
    await context.mergeDetails({
      valid: errors === 0,
      resourceCount: manifests.length,
      errorCount: errors,
      warningCount: count(issues, 'warning'),
      fabricWide: { errors: count(fabricWide, 'error'), warnings: count(fabricWide, 'warning') },
      byKind: summary,
      issues: issues.slice(0, MAX_REPORTED_ISSUES),
      issuesTruncated: issues.length > MAX_REPORTED_ISSUES,
    });
  },
};
