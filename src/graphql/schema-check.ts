import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema, type GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';

export interface SchemaCompatibility {
  /** Breaking changes to elements that were not deprecated in the base schema: these fail the check. */
  breaking: Change[];
  /** Breaking changes to elements the base schema had marked @deprecated: allowed. */
  deprecatedRemovals: Change[];
  /** Everything else (additions, dangerous and safe changes). */
  other: Change[];
}

/**
 * Compares two SDL texts. A breaking change passes only when the element it removes or changes (a field, an
 * argument, an input field or an enum value, or anything under such an element) was @deprecated in `baseSdl`.
 */
export async function checkSchemaCompatibility(baseSdl: string, currentSdl: string): Promise<SchemaCompatibility> {
  const base = buildSchema(baseSdl);
  const current = buildSchema(currentSdl);
  const result: SchemaCompatibility = { breaking: [], deprecatedRemovals: [], other: [] };
  for (const change of await diff(base, current)) {
    if (change.criticality.level !== CriticalityLevel.Breaking) result.other.push(change);
    else if (change.path && deprecatedInBase(base, change.path)) result.deprecatedRemovals.push(change);
    else result.breaking.push(change);
  }
  return result;
}

/** Whether `Type.member[.argument]` or its member was deprecated in `schema`. Types themselves cannot be deprecated. */
function deprecatedInBase(schema: GraphQLSchema, changePath: string): boolean {
  const [typeName, memberName, argumentName] = changePath.split('.');
  const type = schema.getType(typeName);
  if (!type || memberName === undefined) return false;
  if (isObjectType(type) || isInterfaceType(type)) {
    const field = type.getFields()[memberName];
    if (!field) return false;
    if (field.deprecationReason != null) return true;
    return argumentName !== undefined && field.args.some((arg) => arg.name === argumentName && arg.deprecationReason != null);
  }
  if (isInputObjectType(type)) return type.getFields()[memberName]?.deprecationReason != null;
  if (isEnumType(type)) return type.getValue(memberName)?.deprecationReason != null;
  return false;
}
