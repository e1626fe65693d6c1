import builtInProfilesJson from './switch-profiles.json';
import type { JsonObject } from './json';

/** The parts of a SwitchProfile spec that port and feature validation read. */
export interface SwitchProfileSpec {
  features?: Partial<Record<SwitchFeature, boolean>>;
  ports?: Record<string, ProfilePort>;
  portGroups?: Record<string, { nos?: string; profile?: string }>;
  portProfiles?: Record<string, PortProfile>;
  pipelines?: Record<string, { maxPorts?: number }>;
  maxPorts?: number;
}

export type SwitchFeature = 'subinterfaces' | 'acls' | 'l2vni' | 'l3vni' | 'roce' | 'mclag' | 'eslag' | 'ecmpRoCEQPN';

export interface ProfilePort {
  nos?: string;
  baseNOSName?: string;
  label?: string;
  group?: string;
  profile?: string;
  management?: boolean;
  oniePortName?: string;
  pipeline?: string;
}

export interface PortProfile {
  speed?: { default?: string; supported?: string[] };
  breakout?: { default?: string; supported?: Record<string, { offsets?: string[] }> };
  autoNegAllowed?: boolean;
  autoNegDefault?: boolean;
}

/** Built-in profiles shipped with fabric (githedgehog/fabric `pkg/ctrl/switchprofile`, Apache-2.0; see NOTICE). */
export const BUILT_IN_SWITCH_PROFILES: ReadonlyMap<string, SwitchProfileSpec> = new Map(
  Object.entries(builtInProfilesJson as unknown as Record<string, SwitchProfileSpec>),
);

/** Narrowing of a user-supplied SwitchProfile spec (already schema-checked) to the fields we read. */
export function asSwitchProfileSpec(spec: JsonObject): SwitchProfileSpec {
  return spec as unknown as SwitchProfileSpec;
}

export interface SwitchPortCatalog {
  /** API port names usable in Connections, e.g. `E1/1`, `E1/5/2`; breakout base names alias sub-port 1. */
  dataPorts: Set<string>;
  managementPorts: Set<string>;
  /** Number of physical lanes in use after breakouts, and per pipeline. */
  portCount: number;
  pipelinePortCounts: Map<string, number>;
}

export function breakoutPortProfile(profile: SwitchProfileSpec, portName: string): PortProfile['breakout'] | undefined {
  const port = profile.ports?.[portName];
  if (!port?.profile) return undefined;
  return profile.portProfiles?.[port.profile]?.breakout;
}

/**
 * Port names a switch exposes given its profile and `portBreakouts` (fabric
 * `GetAPI2NOSPortsFor`). Breakout modes the profile does not support are skipped here and
 * reported by the breakout check.
 */
export function buildPortCatalog(profile: SwitchProfileSpec, portBreakouts: Readonly<Record<string, string>>): SwitchPortCatalog {
  const catalog: SwitchPortCatalog = { dataPorts: new Set(), managementPorts: new Set(), portCount: 0, pipelinePortCounts: new Map() };
  for (const [name, port] of Object.entries(profile.ports ?? {})) {
    if (port.management) {
      catalog.managementPorts.add(name);
      continue;
    }
    const breakout = breakoutPortProfile(profile, name);
    let lanes = 1;
    if (breakout) {
      const mode = portBreakouts[name] ?? breakout.default ?? '';
      const offsets = breakout.supported?.[mode]?.offsets;
      if (!offsets) continue;
      lanes = offsets.length;
      catalog.dataPorts.add(name);
      for (let index = 1; index <= offsets.length; index++) catalog.dataPorts.add(`${name}/${index}`);
    } else {
      catalog.dataPorts.add(name);
    }
    catalog.portCount += lanes;
    if (port.pipeline) catalog.pipelinePortCounts.set(port.pipeline, (catalog.pipelinePortCounts.get(port.pipeline) ?? 0) + lanes);
  }
  return catalog;
}
