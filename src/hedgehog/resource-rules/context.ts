import type { FabricConfig } from '../fabric-config';
import type { IssueSink } from '../issues';
import type { IPv4Prefix } from '../ip';
import type { JsonObject } from '../json';
import type { Manifest } from '../manifest';

/** What a per-kind rule set receives: the canonical manifest, its spec, a sink and the fabric settings. */
export interface ResourceRuleContext {
  manifest: Manifest;
  spec: JsonObject;
  sink: IssueSink;
  config: FabricConfig;
  reservedPrefixes: IPv4Prefix[];
}

export type ResourceRules = (context: ResourceRuleContext) => void;
