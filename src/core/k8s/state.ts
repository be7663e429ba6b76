import { emptyClusterState, type ClusterState, type KubeObject } from './types';

const LIST_OF: Record<string, keyof ClusterState> = {
  Namespace: 'namespaces',
  Pod: 'pods',
  Deployment: 'deployments',
  StatefulSet: 'statefulSets',
  DaemonSet: 'daemonSets',
  ReplicaSet: 'replicaSets',
  Job: 'jobs',
  CronJob: 'cronJobs',
  Node: 'nodes',
  Service: 'services',
  PodDisruptionBudget: 'pdbs',
  ResourceQuota: 'resourceQuotas',
  NetworkPolicy: 'networkPolicies',
  Event: 'events',
  Application: 'applications',
};

const isObject = (value: unknown): value is KubeObject & Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Groups plain objects (a `kubectl get -A -o json` List, a YAML dump, API responses) into a
 * ClusterState. Lists of any kind are expanded (`PodList` items may omit `kind`); unknown kinds
 * and garbage are skipped quietly.
 */
export function stateFromObjects(objects: readonly unknown[]): ClusterState {
  const state = emptyClusterState() as { -readonly [K in keyof ClusterState]: unknown[] };
  const add = (value: unknown, inferredKind?: string): void => {
    if (Array.isArray(value)) {
      for (const v of value) add(v, inferredKind);
      return;
    }
    if (!isObject(value)) return;
    const kind = typeof value.kind === 'string' ? value.kind : inferredKind;
    if (kind && (kind === 'List' || kind.endsWith('List')) && Array.isArray(value['items'])) {
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -4);
      for (const item of value['items'] as unknown[]) add(item, itemKind);
      return;
    }
    if (!kind) return;
    if (kind === 'Application' && !(value.apiVersion ?? 'argoproj.io').startsWith('argoproj.io')) return;
    const list = LIST_OF[kind];
    if (!list) return;
    state[list].push(value.kind === kind ? value : { ...value, kind });
  };
  for (const o of objects) add(o);
  return state as unknown as ClusterState;
}

/** Namespace names known to the state: Namespace objects plus every namespace an object lives in
 * (users who may not list namespaces still see where their objects are). */
export function namespacesOf(state: ClusterState): string[] {
  const names = new Set<string>();
  for (const n of state.namespaces) if (n.metadata?.name) names.add(n.metadata.name);
  for (const key of Object.keys(state) as (keyof ClusterState)[]) {
    if (key === 'namespaces' || key === 'nodes') continue;
    for (const o of state[key] as readonly KubeObject[])
      if (o.metadata?.namespace) names.add(o.metadata.namespace);
  }
  return [...names].sort();
}
