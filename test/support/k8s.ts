/**
 * The test kit: small plain-object builders, each returning what the API server would minus
 * what the test does not care about. One name, one signature; the seeds' platform built from
 * them is in platform.ts. Names and numbers echo the seeds' platform.
 */
import type {
  ArgoApplication,
  ClusterState,
  ContainerState,
  ContainerStatus,
  CronJob,
  Job,
  NetworkPolicy,
  Node,
  Pod,
  PodDisruptionBudget,
  PodSpec,
  ResourceQuota,
  Service,
  Workload,
} from '../../src/core/k8s/types';
import { emptyClusterState } from '../../src/core/k8s/types';

export const NOW = Date.parse('2025-10-24T18:00:00Z');
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const ago = (ms: number): string => new Date(NOW - ms).toISOString();

export const state = (parts: Partial<ClusterState>): ClusterState => ({ ...emptyClusterState(), ...parts });

export function running(name = 'app', extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    name,
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: ago(HOUR) } },
    image: 'nginx:1.27',
    ...extra,
  };
}

export function waiting(
  name: string,
  reason: string,
  extra: { message?: string; restarts?: number; lastState?: ContainerState; image?: string } = {},
): ContainerStatus {
  return {
    name,
    ready: false,
    restartCount: extra.restarts ?? 0,
    ...(extra.image ? { image: extra.image } : {}),
    state: { waiting: { reason, ...(extra.message ? { message: extra.message } : {}) } },
    ...(extra.lastState ? { lastState: extra.lastState } : {}),
  };
}

export function terminated(
  reason: string | undefined,
  exitCode: number,
  finishedAgo = 3 * MIN,
): ContainerState {
  return {
    terminated: {
      ...(reason !== undefined ? { reason } : {}),
      exitCode,
      startedAt: ago(finishedAgo + MIN),
      finishedAt: ago(finishedAgo),
    },
  };
}

export interface PodExtra {
  namespace?: string;
  owner?: { kind: string; name: string };
  meta?: Partial<NonNullable<Pod['metadata']>>;
  containers?: string[];
  spec?: Partial<PodSpec>;
}

export function pod(name: string, status: Pod['status'], extra: PodExtra = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: extra.namespace ?? 'data-platform',
      uid: `uid-${extra.namespace ?? 'data-platform'}-${name}`,
      ...(extra.owner
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: extra.owner.kind, name: extra.owner.name, controller: true },
            ],
          }
        : {}),
      ...extra.meta,
    },
    spec: {
      containers: (extra.containers ?? ['app']).map((n) => ({ name: n, image: 'nginx:1.27' })),
      ...extra.spec,
    },
    ...(status ? { status } : {}),
  };
}

const readyConditions = (ready: boolean) => [
  { type: 'Initialized', status: 'True' },
  { type: 'Ready', status: ready ? 'True' : 'False' },
  { type: 'PodScheduled', status: 'True' },
];

export const healthyPod = (name: string, extra: PodExtra = {}): Pod =>
  pod(
    name,
    {
      phase: 'Running',
      conditions: readyConditions(true),
      containerStatuses: (extra.containers ?? ['app']).map((c) => running(c)),
    },
    extra,
  );

export const crashPod = (name: string, restarts = 12, lastReason = 'Error', extra: PodExtra = {}): Pod =>
  pod(
    name,
    {
      phase: 'Running',
      conditions: readyConditions(false),
      containerStatuses: [
        waiting('app', 'CrashLoopBackOff', {
          message: 'back-off 5m0s restarting failed container=app',
          restarts,
          lastState: terminated(lastReason, lastReason === 'OOMKilled' ? 137 : 1),
        }),
      ],
    },
    extra,
  );

export const imagePullPod = (name: string, extra: PodExtra = {}): Pod =>
  pod(
    name,
    {
      phase: 'Pending',
      conditions: readyConditions(false),
      containerStatuses: [
        waiting('app', 'ImagePullBackOff', { message: 'Back-off pulling image "nginx:1.27"' }),
      ],
    },
    extra,
  );

export const INSUFFICIENT_CPU =
  '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';

export const unschedulablePod = (name: string, extra: PodExtra = {}): Pod =>
  pod(
    name,
    {
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: INSUFFICIENT_CPU },
      ],
    },
    extra,
  );

export const completedPod = (name: string, extra: PodExtra = {}): Pod =>
  pod(
    name,
    {
      phase: 'Succeeded',
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 0, state: terminated('Completed', 0, 5 * HOUR) },
      ],
    },
    extra,
  );

export const failedPod = (name: string, extra: PodExtra = {}): Pod =>
  pod(
    name,
    {
      phase: 'Failed',
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 0, state: terminated('Error', 1, 2 * HOUR) },
      ],
    },
    extra,
  );

export const evictedPod = (name: string, extra: PodExtra = {}): Pod =>
  pod(name, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }, extra);

const meta = (name: string, namespace: string, owner?: { kind: string; name: string }) => ({
  name,
  namespace,
  uid: `uid-${namespace}-${name}`,
  ...(owner ? { ownerReferences: [{ kind: owner.kind, name: owner.name, controller: true }] } : {}),
});

export function deployment(
  name: string,
  namespace: string,
  replicas: number,
  status?: Workload['status'],
): Workload {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, namespace),
    spec: { replicas },
    ...(status ? { status } : {}),
  };
}

export function replicaSet(
  name: string,
  namespace: string,
  replicas: number,
  owner?: string,
  status?: Workload['status'],
): Workload {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta(name, namespace, owner ? { kind: 'Deployment', name: owner } : undefined),
    spec: { replicas },
    ...(status ? { status } : {}),
  };
}

export function workload(
  kind: 'StatefulSet' | 'DaemonSet',
  name: string,
  namespace: string,
  replicas: number | undefined,
  status?: Workload['status'],
): Workload {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: meta(name, namespace),
    spec: replicas === undefined ? {} : { replicas },
    ...(status ? { status } : {}),
  };
}

export function job(
  name: string,
  namespace: string,
  extra: { cronJob?: string; spec?: Job['spec']; status?: Job['status']; created?: string } = {},
): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      ...meta(name, namespace, extra.cronJob ? { kind: 'CronJob', name: extra.cronJob } : undefined),
      ...(extra.created ? { creationTimestamp: extra.created } : {}),
    },
    spec: { backoffLimit: 6, ...extra.spec },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

export const failedCondition = (reason = 'BackoffLimitExceeded') => ({
  type: 'Failed',
  status: 'True',
  reason,
  message: 'Job has reached the specified backoff limit',
});
export const completeCondition = { type: 'Complete', status: 'True' };

export function cronJob(
  name: string,
  namespace = 'data-platform',
  o: { suspend?: boolean; status?: CronJob['status'] } = {},
): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta(name, namespace),
    spec: { schedule: '0 3 * * *', ...(o.suspend ? { suspend: true } : {}) },
    ...(o.status ? { status: o.status } : {}),
  };
}

export function node(name: string, conditions: Record<string, string>, extra: Partial<Node> = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { conditions: Object.entries(conditions).map(([type, status]) => ({ type, status })) },
    ...extra,
  };
}

export function application(
  name: string,
  sync?: string,
  health?: string,
  extra: ArgoApplication['status'] = {},
) {
  const app: ArgoApplication = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
  };
  if (sync !== undefined || health !== undefined || Object.keys(extra).length > 0)
    app.status = {
      ...(sync !== undefined ? { sync: { status: sync } } : {}),
      ...(health !== undefined ? { health: { status: health } } : {}),
      ...extra,
    };
  return app;
}

export function quota(
  name: string,
  namespace: string,
  hard: Record<string, string>,
  used: Record<string, string>,
): ResourceQuota {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace },
    spec: { hard },
    status: { hard, used },
  };
}

export const pdb = (
  name: string,
  namespace: string,
  matchLabels: Record<string, string>,
  minAvailable = 1,
): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace },
  spec: { minAvailable, selector: { matchLabels } },
});

export const netpol = (
  name: string,
  namespace: string,
  types: string[],
  matchLabels?: Record<string, string>,
): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec: { podSelector: matchLabels ? { matchLabels } : {}, policyTypes: types },
});

export const externalName = (name: string, namespace: string, target: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { type: 'ExternalName', externalName: target },
});
