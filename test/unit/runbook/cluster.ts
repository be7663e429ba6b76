/**
 * ClusterState fixtures for runbook checks, as plain objects the API server would return. Names
 * and numbers echo the seeds' platform: `failingPlatform()` is Day 1 morning (crash loops,
 * ImagePullBackOff, pending Spark History Server, failed init job, wrong ExternalName, no PDBs or
 * quotas), `remediatedPlatform()` the same cluster after each task's fix.
 */
import type {
  ArgoApplication,
  ClusterState,
  Condition,
  CronJob,
  Job,
  NetworkPolicy,
  Pod,
  PodDisruptionBudget,
  ResourceQuota,
  Service,
  Workload,
} from '../../../src/core/k8s/types';
import { emptyClusterState } from '../../../src/core/k8s/types';

export const NOW = Date.parse('2025-10-24T18:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
export const ago = (ms: number): string => new Date(NOW - ms).toISOString();

export const state = (parts: Partial<ClusterState>): ClusterState => ({ ...emptyClusterState(), ...parts });

type PodState =
  'ready' | 'crashloop' | 'imagepull' | 'unschedulable' | 'pending' | 'failed' | 'stuck' | 'completed';

const conditions = (ready: boolean, scheduled = true): Condition[] => [
  { type: 'Initialized', status: 'True' },
  { type: 'Ready', status: ready ? 'True' : 'False' },
  { type: 'PodScheduled', status: scheduled ? 'True' : 'False' },
];

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  owner?: { kind: string; name: string };
  createdAgo?: number;
}

export function pod(name: string, how: PodState, o: PodOptions = {}): Pod {
  const namespace = o.namespace ?? 'data-platform';
  const meta = {
    name,
    namespace,
    uid: `uid-${namespace}-${name}`,
    creationTimestamp: ago(o.createdAgo ?? 3 * HOUR),
    labels: o.labels ?? {},
    ...(o.owner ? { ownerReferences: [{ kind: o.owner.kind, name: o.owner.name, controller: true }] } : {}),
    ...(how === 'stuck' ? { deletionTimestamp: ago(2 * HOUR), deletionGracePeriodSeconds: 30 } : {}),
  };
  const running = {
    name: 'app',
    ready: true,
    restartCount: 0,
    state: { running: { startedAt: ago(2 * HOUR) } },
  };
  const waiting = (reason: string, restarts = 0) => ({
    name: 'app',
    ready: false,
    restartCount: restarts,
    state: { waiting: { reason } },
    lastState: restarts ? { terminated: { reason: 'Error', exitCode: 1, finishedAt: ago(2 * MIN) } } : {},
  });
  const status: Pod['status'] = {
    ready: { phase: 'Running', conditions: conditions(true), containerStatuses: [running] },
    stuck: { phase: 'Running', conditions: conditions(true), containerStatuses: [running] },
    crashloop: {
      phase: 'Running',
      conditions: conditions(false),
      containerStatuses: [waiting('CrashLoopBackOff', 14)],
    },
    imagepull: {
      phase: 'Pending',
      conditions: conditions(false),
      containerStatuses: [waiting('ImagePullBackOff')],
    },
    unschedulable: {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/2 nodes are available: 2 Insufficient memory.',
        },
      ],
    },
    pending: { phase: 'Pending' },
    failed: {
      phase: 'Failed',
      containerStatuses: [
        { name: 'app', ready: false, state: { terminated: { reason: 'Error', exitCode: 1 } } },
      ],
    },
    completed: {
      phase: 'Succeeded',
      containerStatuses: [
        { name: 'app', ready: false, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
      ],
    },
  }[how];
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: { containers: [{ name: 'app' }] }, status };
}

export interface DeploymentOptions {
  namespace?: string;
  replicas?: number;
  /** One state per pod; default: `replicas` ready pods. */
  pods?: PodState[];
  labels?: Record<string, string>;
}

/** A Deployment and its pods (owned through a ReplicaSet named like the controller does). */
export function deployment(name: string, o: DeploymentOptions = {}): { workload: Workload; pods: Pod[] } {
  const namespace = o.namespace ?? 'data-platform';
  const replicas = o.replicas ?? 1;
  const states = o.pods ?? Array.from({ length: replicas }, () => 'ready' as const);
  const labels = o.labels ?? { app: name };
  const hash = '5d8f7c9b6';
  const pods = states.map((s, i) =>
    pod(`${name}-${hash}-${String.fromCharCode(97 + i)}x${i}`, s, {
      namespace,
      labels: { ...labels, 'pod-template-hash': hash },
      owner: { kind: 'ReplicaSet', name: `${name}-${hash}` },
    }),
  );
  const ready = states.filter((s) => s === 'ready').length;
  return {
    workload: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, generation: 1 },
      spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels } } },
      status: {
        observedGeneration: 1,
        replicas: states.length,
        readyReplicas: ready,
        availableReplicas: ready,
      },
    },
    pods,
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

export const quota = (
  namespace: string,
  used: Record<string, string>,
  hard: Record<string, string>,
): ResourceQuota => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: `${namespace}-quota`, namespace },
  spec: { hard },
  status: { hard, used },
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

export function job(
  name: string,
  outcome: 'complete' | 'failed' | 'running',
  o: { namespace?: string; cron?: string; startedAgo?: number } = {},
): Job {
  const namespace = o.namespace ?? 'data-platform';
  const conditions: Condition[] =
    outcome === 'complete'
      ? [{ type: 'Complete', status: 'True' }]
      : outcome === 'failed'
        ? [
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ]
        : [];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace,
      creationTimestamp: ago(o.startedAgo ?? HOUR),
      ...(o.cron ? { ownerReferences: [{ kind: 'CronJob', name: o.cron, controller: true }] } : {}),
    },
    spec: { backoffLimit: 2, completions: 1 },
    status: {
      startTime: ago(o.startedAgo ?? HOUR),
      ...(outcome === 'complete'
        ? { succeeded: 1, completionTime: ago((o.startedAgo ?? HOUR) - 5 * MIN) }
        : {}),
      ...(outcome === 'failed' ? { failed: 3 } : {}),
      ...(outcome === 'running' ? { active: 1 } : {}),
      conditions,
    },
  };
}

export const cronJob = (
  name: string,
  status: CronJob['status'] = {},
  namespace = 'data-platform',
): CronJob => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name, namespace },
  spec: { schedule: '0 2 * * *', concurrencyPolicy: 'Forbid' },
  status,
});

export const app = (name: string, sync: string, health: string): ArgoApplication => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd' },
  status: { sync: { status: sync }, health: { status: health } },
});

const kafkaLabels = (i: number) => ({
  'strimzi.io/cluster': 'datahub-kafka',
  'strimzi.io/kind': 'Kafka',
  'strimzi.io/broker-role': 'true',
  'strimzi.io/pool-name': 'pool',
  'statefulset.kubernetes.io/pod-name': `datahub-kafka-kafka-pool-${i}`,
});
const rayLabels = (type: 'head' | 'worker') => ({ 'ray.io/cluster': 'ml-cluster', 'ray.io/node-type': type });

/** Pods the platform runs in either state: Kafka brokers, Ray, DolphinScheduler, Grafana… */
function steadyParts() {
  const deployments = [
    deployment('dolphinscheduler-api', { replicas: 6 }),
    deployment('datahub-frontend'),
    deployment('superset-web'),
    deployment('trino-coordinator'),
    deployment('grafana', { namespace: 'monitoring' }),
  ];
  const kafka = [0, 1, 2].map((i) =>
    pod(`datahub-kafka-kafka-pool-${i}`, 'ready', {
      namespace: 'kafka',
      labels: kafkaLabels(i),
      owner: { kind: 'StrimziPodSet', name: 'datahub-kafka-kafka-pool' },
    }),
  );
  const ray = [
    pod('ml-cluster-head-k7x2p', 'ready', {
      namespace: 'ml-platform',
      labels: rayLabels('head'),
      owner: { kind: 'RayCluster', name: 'ml-cluster' },
    }),
    pod('ml-cluster-worker-group-4h8dq', 'ready', {
      namespace: 'ml-platform',
      labels: rayLabels('worker'),
      owner: { kind: 'RayCluster', name: 'ml-cluster' },
    }),
    pod('ml-cluster-worker-group-9zm3c', 'ready', {
      namespace: 'ml-platform',
      labels: rayLabels('worker'),
      owner: { kind: 'RayCluster', name: 'ml-cluster' },
    }),
  ];
  return { deployments, pods: [...kafka, ...ray] };
}

const namespaces = [
  'data-platform',
  'kafka',
  'ml-platform',
  'monitoring',
  'victoria-metrics',
  'argocd',
  'kong',
].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } }));

function assemble(parts: { workload: Workload; pods: Pod[] }[], extra: Partial<ClusterState>): ClusterState {
  return state({
    namespaces,
    deployments: parts.map((p) => p.workload),
    ...extra,
    pods: [...parts.flatMap((p) => p.pods), ...(extra.pods ?? [])],
  });
}

export function failingPlatform(): ClusterState {
  const steady = steadyParts();
  const failing = [
    deployment('datahub-gms', { pods: ['crashloop'] }),
    deployment('spark-history-server', { pods: ['unschedulable'] }),
    deployment('mlflow', { pods: ['crashloop'] }),
    deployment('redis', { pods: ['imagepull'] }),
    deployment('superset-beat', { pods: ['crashloop'] }),
    deployment('superset-worker', { pods: ['crashloop'] }),
    deployment('trino-worker', { pods: ['crashloop'] }),
    deployment('portal-services', { pods: ['pending'] }),
  ];
  return assemble([...steady.deployments, ...failing], {
    pods: [
      ...steady.pods,
      pod('init-db-job-7qk2w', 'failed', { owner: { kind: 'Job', name: 'init-db-job' } }),
      pod('doris-fe-0', 'stuck', { owner: { kind: 'StatefulSet', name: 'doris-fe' } }),
    ],
    jobs: [
      job('init-db-job', 'failed', { startedAgo: 5 * HOUR }),
      job('commodity-price-pipeline-29354520', 'failed', { cron: 'commodity-price-pipeline' }),
    ],
    cronJobs: [
      cronJob('commodity-price-pipeline', {
        lastScheduleTime: ago(HOUR),
        lastSuccessfulTime: ago(25 * HOUR),
      }),
    ],
    services: [
      externalName('postgres-shared-service', 'data-platform', 'postgres-temp.kong.svc.cluster.local'),
    ],
    applications: [
      app('data-platform', 'OutOfSync', 'Degraded'),
      app('ml-platform', 'OutOfSync', 'Degraded'),
      app('kyverno', 'Synced', 'Healthy'),
    ],
  });
}

export function remediatedPlatform(): ClusterState {
  const steady = steadyParts();
  const fixed = [
    deployment('datahub-gms'),
    deployment('spark-history-server'),
    deployment('mlflow'),
    deployment('redis'),
    deployment('superset-beat'),
    deployment('superset-worker'),
    deployment('trino-worker'),
    deployment('portal-services'),
  ];
  const hard = {
    'requests.cpu': '100',
    'requests.memory': '200Gi',
    'limits.cpu': '150',
    'limits.memory': '300Gi',
  };
  const used = {
    'requests.cpu': '13970m',
    'requests.memory': '29Gi',
    'limits.cpu': '33950m',
    'limits.memory': '64Gi',
  };
  return assemble([...steady.deployments, ...fixed], {
    pods: [...steady.pods],
    jobs: [
      job('commodity-price-pipeline-29354520', 'complete', {
        cron: 'commodity-price-pipeline',
        startedAgo: 2 * HOUR,
      }),
      job('commodity-price-pipeline-29353080', 'failed', {
        cron: 'commodity-price-pipeline',
        startedAgo: 26 * HOUR,
      }),
    ],
    cronJobs: [
      cronJob('commodity-price-pipeline', {
        lastScheduleTime: ago(2 * HOUR),
        lastSuccessfulTime: ago(HOUR + 55 * MIN),
      }),
    ],
    services: [
      externalName('postgres-shared-service', 'data-platform', 'kong-postgres.kong.svc.cluster.local'),
    ],
    pdbs: [
      pdb('dolphinscheduler-api-pdb', 'data-platform', { app: 'dolphinscheduler-api' }, 2),
      pdb('kafka-broker-pdb', 'kafka', { 'strimzi.io/cluster': 'datahub-kafka' }, 2),
    ],
    resourceQuotas: ['data-platform', 'kafka', 'ml-platform', 'monitoring', 'victoria-metrics'].map((ns) =>
      quota(ns, used, hard),
    ),
    networkPolicies: [netpol('allow-external-egress', 'data-platform', ['Egress'])],
    applications: [
      app('data-platform', 'Synced', 'Healthy'),
      app('ml-platform', 'Synced', 'Healthy'),
      app('kyverno', 'Synced', 'Healthy'),
    ],
  });
}
