/**
 * What checks read from a ClusterState, computed once per evaluation and only when a check asks:
 * pod classifications, the health summary, pods by namespace. Plus the small wording helpers
 * every evidence sentence shares.
 */
import { classifyPod, type PodHealth } from '../health/pod';
import { summarise, type PlatformHealth } from '../health/summary';
import type { ClusterState, KubeObject, LabelSelector, Pod } from '../k8s/types';
import { selects } from '../rules/scope';
import type { ExecFacts } from './catalog/exec';
import type { Labels, ObjectRef } from './types';

/** How the evidence names each part of the state when it could not be read. */
const STATE_NAMES: Readonly<Record<keyof ClusterState, string>> = {
  namespaces: 'Namespaces',
  pods: 'Pods',
  deployments: 'Deployments',
  statefulSets: 'StatefulSets',
  daemonSets: 'DaemonSets',
  replicaSets: 'ReplicaSets',
  jobs: 'Jobs',
  cronJobs: 'CronJobs',
  nodes: 'Nodes',
  services: 'Services',
  pdbs: 'PodDisruptionBudgets',
  resourceQuotas: 'ResourceQuotas',
  networkPolicies: 'NetworkPolicies',
  events: 'Events',
  applications: 'Argo CD Applications',
};

export class Facts {
  private readonly healthCache = new Map<Pod, PodHealth>();
  private summaryCache: PlatformHealth | undefined;
  private podIndex: Map<string, Pod[]> | undefined;

  constructor(
    readonly state: ClusterState,
    readonly now: number,
    readonly missing: ReadonlySet<keyof ClusterState>,
    /** Results of the runbook's exec checks, run by an adapter (the core runs nothing). */
    readonly exec: ExecFacts = { results: new Map() },
  ) {}

  /** Undefined when everything is readable; else the sentence an unknown result carries. */
  unreadable(keys: readonly (keyof ClusterState)[]): string | undefined {
    const gone = keys.filter((k) => this.missing.has(k));
    if (gone.length === 0) return undefined;
    const names = gone.map((k) => STATE_NAMES[k]);
    return `Cannot check: ${names.join(' and ')} could not be read (resource not installed, or access denied).`;
  }

  health(pod: Pod): PodHealth {
    let h = this.healthCache.get(pod);
    if (!h) this.healthCache.set(pod, (h = classifyPod(pod, this.now)));
    return h;
  }

  summary(): PlatformHealth {
    this.summaryCache ??= summarise(this.state, this.now, { classify: (p) => this.health(p) });
    return this.summaryCache;
  }

  /** Pods of one namespace, or of all when `namespace` is undefined. */
  pods(namespace?: string): readonly Pod[] {
    if (namespace === undefined) return this.state.pods;
    if (!this.podIndex) {
      this.podIndex = new Map();
      for (const pod of this.state.pods) {
        const ns = pod.metadata?.namespace ?? '';
        const list = this.podIndex.get(ns);
        if (list) list.push(pod);
        else this.podIndex.set(ns, [pod]);
      }
    }
    return this.podIndex.get(namespace) ?? [];
  }

  pod(namespace: string, name: string): Pod | undefined {
    return this.pods(namespace).find((p) => p.metadata?.name === name);
  }
}

export const nameOf = (o: KubeObject): string => o.metadata?.name ?? '';
export const namespaceOf = (o: KubeObject): string => o.metadata?.namespace ?? '';
export const inNamespace = (o: KubeObject, namespace: string | undefined): boolean =>
  namespace === undefined || namespaceOf(o) === namespace;

export function refOf(kind: string, o: KubeObject): ObjectRef {
  return { kind, namespace: namespaceOf(o), name: nameOf(o) };
}

/** "data-platform/trino-worker-0" (cluster-scoped: just the name). */
export const qualified = (ref: ObjectRef): string =>
  ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;

export const LIST_CAP = 5;

/**
 * "a, b and c" / "a, b, c, d, e and 3 more": at most five names, so evidence stays one line.
 * `label` renders each entry (default: namespace/name).
 */
export function listed<T>(entries: readonly T[], label: (t: T) => string): string {
  const shown = entries.slice(0, LIST_CAP).map(label);
  const rest = entries.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1] ?? ''}`;
}

/** The refs a capped list names: the first five. */
export const named = (refs: readonly ObjectRef[]): ObjectRef[] => refs.slice(0, LIST_CAP);

export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** "in data-platform" / "in the cluster". */
export const where = (namespace: string | undefined): string =>
  namespace === undefined ? 'in the cluster' : `in ${namespace}`;

export const selectorText = (labels: Labels): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/**
 * Does a Kubernetes LabelSelector select these labels? An absent selector selects nothing and
 * `{}` selects everything, as for policy/v1 PDBs and NetworkPolicies.
 */
export function selectorSelects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  return selects(
    {
      matchLabels: selector.matchLabels ?? {},
      matchExpressions: (selector.matchExpressions ?? []).map((e) => ({ ...e, values: e.values ?? [] })),
    },
    labels,
  );
}

/** Every label of `wanted` is on `labels` with the same value. */
export function hasLabels(labels: Labels | undefined, wanted: Labels): boolean {
  return Object.entries(wanted).every(([k, v]) => labels?.[k] === v);
}

/** Pods that are still meant to run: completed and failed ones leave selectors' concern. */
export const live = (pod: Pod): boolean =>
  pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
