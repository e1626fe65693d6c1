import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ValidationIssue } from '../hedgehog/issues';

export enum ValidationSeverity {
  ERROR = 'error',
  WARNING = 'warning',
}
registerEnumType(ValidationSeverity, { name: 'ValidationSeverity' });

@ObjectType('ValidationIssue', { description: 'One finding of the Hedgehog validation' })
export class ValidationIssueType {
  @Field(() => ValidationSeverity)
  severity!: ValidationSeverity;

  @Field(() => String)
  kind!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  namespace!: string;

  @Field(() => String, { description: 'Dotted path into the manifest, e.g. spec.subnets.default.subnet; empty for the whole document' })
  fieldPath!: string;

  @Field(() => String, { description: 'Stable rule id, e.g. vpc.name.max-length' })
  rule!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true })
  filePath?: string | null;

  @Field(() => Int, { nullable: true, description: 'Index of the YAML document in its file (0-based)' })
  documentIndex?: number | null;
}

export function toIssueType(issue: ValidationIssue): ValidationIssueType {
  return Object.assign(new ValidationIssueType(), { ...issue, severity: issue.severity as ValidationSeverity });
}

@ObjectType({ description: 'What a YAML text would produce against a fabric' })
export class ValidationReport {
  @Field(() => Boolean, { description: 'True when there is no error (warnings allowed)' })
  valid!: boolean;

  @Field(() => [ValidationIssueType])
  errors!: ValidationIssueType[];

  @Field(() => [ValidationIssueType])
  warnings!: ValidationIssueType[];

  @Field(() => Int, { description: 'Hedgehog documents recognised in the text' })
  documentCount!: number;
}
