import type { Container, Pod, PodSpec } from '../k8s/types';
import { parseQuantity } from '../health/quantity';

/** The parts of a full pod spec Diagnose reads that the explorer's slim model leaves out. */
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}
export interface SelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: SelectorRequirement[];
}
export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  topologyKey: string;
}
export interface FullPodSpec extends PodSpec {
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: {
        nodeSelectorTerms?: {
          matchExpressions?: SelectorRequirement[];
          matchFields?: SelectorRequirement[];
        }[];
      };
    };
    podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[] };
    podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[] };
  };
  overhead?: Record<string, string>;
}
export interface KeyRef {
  name?: string;
  key?: string;
  optional?: boolean;
}
export interface FullContainer extends Container {
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef };
  }[];
  envFrom?: { prefix?: string; secretRef?: KeyRef; configMapRef?: KeyRef }[];
  command?: string[];
  args?: string[];
}

export const specOf = (pod: Pod): FullPodSpec => pod.spec ?? {};
export const containersOf = (pod: Pod): FullContainer[] => [
  ...((pod.spec?.initContainers ?? []) as FullContainer[]),
  ...((pod.spec?.containers ?? []) as FullContainer[]),
];

/**
 * The pod's effective requests as the scheduler computes them: the sum over app containers, or
 * the largest init container if bigger (init containers run one at a time), plus overhead.
 */
export function podRequests(pod: Pod): Map<string, number> {
  const sum = new Map<string, number>();
  const add = (into: Map<string, number>, requests: Record<string, string> | undefined) => {
    for (const [name, q] of Object.entries(requests ?? {})) {
      const v = parseQuantity(q);
      if (Number.isFinite(v)) into.set(name, (into.get(name) ?? 0) + v);
    }
  };
  for (const c of pod.spec?.containers ?? []) add(sum, c.resources?.requests ?? c.resources?.limits);
  for (const c of pod.spec?.initContainers ?? []) {
    const one = new Map<string, number>();
    add(one, c.resources?.requests ?? c.resources?.limits);
    for (const [k, v] of one) if (v > (sum.get(k) ?? 0)) sum.set(k, v);
  }
  add(sum, specOf(pod).overhead);
  return sum;
}

/** "1.5" cores / "750m", "2Gi" / "512Mi": the unit a user would type back into a manifest. */
export function formatResource(resource: string, value: number): string {
  if (resource === 'cpu') {
    if (Math.abs(value) >= 1 && Number.isInteger(Math.round(value * 1000) / 1000))
      return String(Math.round(value * 1000) / 1000);
    return `${Math.round(value * 1000)}m`;
  }
  if (resource === 'memory' || resource === 'ephemeral-storage') {
    const gi = value / 2 ** 30;
    if (Math.abs(gi) >= 1) return `${Math.round(gi * 100) / 100}Gi`;
    return `${Math.round(value / 2 ** 20)}Mi`;
  }
  return String(Math.round(value * 1000) / 1000);
}

/** One node-selector or label-selector requirement against a set of labels. */
export function matches(req: SelectorRequirement, labels: Record<string, string>): boolean {
  const v = labels[req.key];
  switch (req.operator) {
    case 'In':
      return v !== undefined && (req.values ?? []).includes(v);
    case 'NotIn':
      return v === undefined || !(req.values ?? []).includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
      return v !== undefined && Number(v) > Number(req.values?.[0]);
    case 'Lt':
      return v !== undefined && Number(v) < Number(req.values?.[0]);
    default:
      return false;
  }
}

/** A label selector (matchLabels and matchExpressions, all must hold); an empty one selects all. */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  return (
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (selector.matchExpressions ?? []).every((r) => matches(r, labels))
  );
}
