import type { ClusterState, KubeObject } from '../k8s/types';

/** Kinds whose live objects the explorer keeps watched (group-qualified, as apiVersion says). */
const WATCHED: Readonly<Record<string, keyof ClusterState>> = {
  'v1/Namespace': 'namespaces',
  'v1/Service': 'services',
  'v1/ResourceQuota': 'resourceQuotas',
  'apps/Deployment': 'deployments',
  'apps/StatefulSet': 'statefulSets',
  'apps/DaemonSet': 'daemonSets',
  'apps/ReplicaSet': 'replicaSets',
  'batch/Job': 'jobs',
  'batch/CronJob': 'cronJobs',
  'policy/PodDisruptionBudget': 'pdbs',
  'networking.k8s.io/NetworkPolicy': 'networkPolicies',
  'argoproj.io/Application': 'applications',
};

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : 'v1');

/**
 * The resourceVersion the watches hold for an object (`null` when the watched list has no such
 * object), with the list it came from; `undefined` when its kind is not watched (only a save or a
 * manual refresh can tell then). What the drift lens compares with the version it checked.
 */
export function watchedVersion(
  state: ClusterState,
  identity: { apiVersion: string; kind: string; name: string; namespace?: string },
): { readonly list: keyof ClusterState; readonly version: string | null } | undefined {
  const list = WATCHED[`${groupOf(identity.apiVersion)}/${identity.kind}`];
  if (!list) return undefined;
  const found = (state[list] as readonly KubeObject[]).find(
    (o) =>
      o.metadata?.name === identity.name &&
      (identity.namespace === undefined || o.metadata?.namespace === identity.namespace),
  );
  return { list, version: found ? (found.metadata?.resourceVersion ?? '') : null };
}
