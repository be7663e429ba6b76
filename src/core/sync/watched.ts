import type { ClusterState, KubeObject } from '../k8s/types';
import { changeMark } from '../k8s/change-mark';
import type { Inspection } from './inspection';

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

/** The watched object of an identity (`null`: not in the list), or undefined when its kind is not watched. */
function watchedObject(
  state: ClusterState,
  identity: { apiVersion: string; kind: string; name: string; namespace?: string },
): { readonly list: keyof ClusterState; readonly object: KubeObject | null } | undefined {
  const list = WATCHED[`${groupOf(identity.apiVersion)}/${identity.kind}`];
  if (!list) return undefined;
  const found = (state[list] as readonly KubeObject[]).find(
    (o) =>
      o.metadata?.name === identity.name &&
      (identity.namespace === undefined || o.metadata?.namespace === identity.namespace),
  );
  return { list, object: found ?? null };
}

/**
 * The resourceVersion the watches hold for an object (`null` when the watched list has no such
 * object), with the list it came from; `undefined` when its kind is not watched (only a save or a
 * manual refresh can tell then). What the drift lens compares with the version it checked.
 */
export function watchedVersion(
  state: ClusterState,
  identity: { apiVersion: string; kind: string; name: string; namespace?: string },
): { readonly list: keyof ClusterState; readonly version: string | null } | undefined {
  const now = watchedObject(state, identity);
  if (!now) return undefined;
  return { list: now.list, version: now.object ? (now.object.metadata?.resourceVersion ?? '') : null };
}

/**
 * Whether a watched object moved since the drift lens checked it, so the lens must check again:
 * its change mark (generation, labels, annotations) differs from the one the check read. A
 * status-only write changes the resourceVersion, not the mark, and is not a reason to re-check.
 * `unreadable`: lists the watches may not read (an empty list there proves nothing).
 */
export function movedSince(
  inspection: Pick<Inspection, 'state' | 'mark' | 'namespace' | 'target'>,
  state: ClusterState,
  unreadable: ReadonlySet<keyof ClusterState>,
): boolean {
  const identity = {
    ...inspection.target.identity,
    ...(inspection.namespace ? { namespace: inspection.namespace } : {}),
  };
  const now = watchedObject(state, identity);
  if (!now || unreadable.has(now.list)) return false;
  if (inspection.state === 'missing') return now.object !== null;
  // Absent from the watched lists is not proof of deletion (namespaces watched one by one
  // under limited RBAC): only a changed mark counts, deletions show on the next save.
  return inspection.mark !== undefined && now.object !== null && changeMark(now.object) !== inspection.mark;
}
