import { availabilityRules } from './catalog/availability';
import { correctnessRules } from './catalog/correctness';
import { imageRules } from './catalog/images';
import { podSecurityBaselineRules } from './catalog/pod-security-baseline';
import { podSecurityRestrictedRules } from './catalog/pod-security-restricted';
import { probeRules } from './catalog/probes';
import { rbacRules } from './catalog/rbac';
import { resourceRules } from './catalog/resources';
import type { Rule } from './types';

/** Every manifest rule, in catalogue order (RULES.md numbering). */
export const allRules: readonly Rule[] = [
  ...podSecurityBaselineRules,
  ...podSecurityRestrictedRules,
  ...imageRules,
  ...resourceRules,
  ...probeRules,
  ...availabilityRules,
  ...correctnessRules,
  ...rbacRules,
].sort((a, b) => a.number - b.number);

export const rulesById: ReadonlyMap<string, Rule> = new Map(allRules.map((r) => [r.id, r]));

/** "Harden workload" (RULES.md bundles): rules 13, 14, 15, 17, 18, 19 applied together. */
export const HARDEN_BUNDLE = [
  'privileged-container',
  'seccomp-profile',
  'allow-privilege-escalation',
  'run-as-non-root',
  'read-only-root-filesystem',
  'drop-all-capabilities',
  'automount-service-account-token',
] as const;

/** "Make it resilient": resources, probes, spread and a PDB. */
export const RESILIENCE_BUNDLE = [
  'cpu-request',
  'memory-request',
  'memory-limit',
  'readiness-probe',
  'liveness-probe',
  'pod-spread',
  'pdb-missing',
] as const;
