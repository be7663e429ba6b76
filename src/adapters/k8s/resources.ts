import { slimObject, slimPod } from '../../core/k8s/slim';
import type { ClusterState } from '../../core/k8s/types';
import type { ResourceType } from './informer';

type StateKey = Exclude<keyof ClusterState, never>;

export interface WatchedResource {
  readonly key: StateKey;
  readonly type: ResourceType;
  readonly project: (raw: Record<string, unknown>) => unknown;
  /** Missing API (a CRD not installed) is normal, not an error. */
  readonly optional?: boolean;
  readonly fieldSelector?: string;
}

const t = (
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced = true,
): ResourceType => ({
  group,
  version,
  plural,
  kind,
  namespaced,
});

/** What the explorer keeps live for each cluster. */
export const WATCHED: readonly WatchedResource[] = [
  {
    key: 'namespaces',
    type: t('', 'v1', 'namespaces', 'Namespace', false),
    project: slimObject('Namespace'),
  },
  { key: 'nodes', type: t('', 'v1', 'nodes', 'Node', false), project: slimObject('Node') },
  { key: 'pods', type: t('', 'v1', 'pods', 'Pod'), project: slimPod },
  {
    key: 'deployments',
    type: t('apps', 'v1', 'deployments', 'Deployment'),
    project: slimObject('Deployment'),
  },
  {
    key: 'replicaSets',
    type: t('apps', 'v1', 'replicasets', 'ReplicaSet'),
    project: slimObject('ReplicaSet'),
  },
  {
    key: 'statefulSets',
    type: t('apps', 'v1', 'statefulsets', 'StatefulSet'),
    project: slimObject('StatefulSet'),
  },
  { key: 'daemonSets', type: t('apps', 'v1', 'daemonsets', 'DaemonSet'), project: slimObject('DaemonSet') },
  { key: 'jobs', type: t('batch', 'v1', 'jobs', 'Job'), project: slimObject('Job') },
  { key: 'cronJobs', type: t('batch', 'v1', 'cronjobs', 'CronJob'), project: slimObject('CronJob') },
  { key: 'services', type: t('', 'v1', 'services', 'Service'), project: slimObject('Service') },
  {
    key: 'pdbs',
    type: t('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
    project: slimObject('PodDisruptionBudget'),
  },
  {
    key: 'resourceQuotas',
    type: t('', 'v1', 'resourcequotas', 'ResourceQuota'),
    project: slimObject('ResourceQuota'),
  },
  {
    key: 'networkPolicies',
    type: t('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
    project: slimObject('NetworkPolicy'),
  },
  {
    key: 'events',
    type: t('', 'v1', 'events', 'Event'),
    project: slimObject('Event'),
    // Normal events are most of the volume and say nothing about problems.
    fieldSelector: 'type=Warning',
  },
  {
    key: 'applications',
    type: t('argoproj.io', 'v1alpha1', 'applications', 'Application'),
    project: slimObject('Application'),
    optional: true,
  },
];
