import type { ClusterState, KubeObject } from './types';

/**
 * One row per kind Shipshape keeps in a `ClusterState`: where the API serves it and which list
 * holds it. The informers, snapshot loading and live inspection all read this table, so a new
 * kind is one row here plus its list in `ClusterState` (see CONTRIBUTING.md).
 */
export interface KindInfo {
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly list: keyof ClusterState;
  /** Served only where a CRD is installed: a missing API is normal, not an error. */
  readonly optional?: boolean;
  /** What the explorer watches of it, when not everything. */
  readonly fieldSelector?: string;
}

const row = (
  kind: string,
  group: string,
  version: string,
  plural: string,
  list: keyof ClusterState,
  extra: Partial<Pick<KindInfo, 'namespaced' | 'optional' | 'fieldSelector'>> = {},
): KindInfo => ({ kind, group, version, plural, list, namespaced: extra.namespaced ?? true, ...extra });

/** In the order the explorer lists them first (namespaces and nodes frame the rest). */
export const KINDS: readonly KindInfo[] = [
  row('Namespace', '', 'v1', 'namespaces', 'namespaces', { namespaced: false }),
  row('Node', '', 'v1', 'nodes', 'nodes', { namespaced: false }),
  row('Pod', '', 'v1', 'pods', 'pods'),
  row('Deployment', 'apps', 'v1', 'deployments', 'deployments'),
  row('ReplicaSet', 'apps', 'v1', 'replicasets', 'replicaSets'),
  row('StatefulSet', 'apps', 'v1', 'statefulsets', 'statefulSets'),
  row('DaemonSet', 'apps', 'v1', 'daemonsets', 'daemonSets'),
  row('Job', 'batch', 'v1', 'jobs', 'jobs'),
  row('CronJob', 'batch', 'v1', 'cronjobs', 'cronJobs'),
  row('Service', '', 'v1', 'services', 'services'),
  row('PodDisruptionBudget', 'policy', 'v1', 'poddisruptionbudgets', 'pdbs'),
  row('ResourceQuota', '', 'v1', 'resourcequotas', 'resourceQuotas'),
  row('NetworkPolicy', 'networking.k8s.io', 'v1', 'networkpolicies', 'networkPolicies'),
  // Normal events are most of the volume and say nothing about problems.
  row('Event', '', 'v1', 'events', 'events', { fieldSelector: 'type=Warning' }),
  row('Application', 'argoproj.io', 'v1alpha1', 'applications', 'applications', { optional: true }),
];

const BY_KIND: ReadonlyMap<string, KindInfo> = new Map(KINDS.map((k) => [k.kind, k]));

/** The registry's row for a kind, or undefined for kinds a `ClusterState` does not keep. */
export const kindInfo = (kind: string): KindInfo | undefined => BY_KIND.get(kind);

/** The object of that kind, namespace and name in a cluster state (a snapshot, the informers'). */
export function findInState(
  state: ClusterState,
  kind: string,
  namespace: string | undefined,
  name: string,
): KubeObject | undefined {
  const list = kindInfo(kind)?.list;
  if (!list) return undefined;
  return (state[list] as readonly KubeObject[]).find(
    (o) => o.metadata?.name === name && (o.metadata.namespace ?? undefined) === namespace,
  );
}
