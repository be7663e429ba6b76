/**
 * The seeds' platform for runbook checks, built from the kit (k8s.ts): pods by named state, a
 * Deployment with its pods, Job runs by outcome, and two whole clusters — `failingPlatform()` is
 * Day 1 morning (crash loops, ImagePullBackOff, pending Spark History Server, failed init job,
 * wrong ExternalName, no PDBs or quotas), `remediatedPlatform()` the same cluster after each
 * task's fix.
 */
import type { ClusterState, Condition, Job, Pod, Workload } from '../../src/core/k8s/types';
import { ago, application, cronJob, externalName, HOUR, MIN, netpol, pdb, quota, state } from './k8s';

export type PodState =
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

export function podIn(name: string, how: PodState, o: PodOptions = {}): Pod {
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
export function deploymentWithPods(
  name: string,
  o: DeploymentOptions = {},
): { workload: Workload; pods: Pod[] } {
  const namespace = o.namespace ?? 'data-platform';
  const replicas = o.replicas ?? 1;
  const states = o.pods ?? Array.from({ length: replicas }, () => 'ready' as const);
  const labels = o.labels ?? { app: name };
  const hash = '5d8f7c9b6';
  const pods = states.map((s, i) =>
    podIn(`${name}-${hash}-${String.fromCharCode(97 + i)}x${i}`, s, {
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

export function jobRun(
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
    deploymentWithPods('dolphinscheduler-api', { replicas: 6 }),
    deploymentWithPods('datahub-frontend'),
    deploymentWithPods('superset-web'),
    deploymentWithPods('trino-coordinator'),
    deploymentWithPods('grafana', { namespace: 'monitoring' }),
  ];
  const kafka = [0, 1, 2].map((i) =>
    podIn(`datahub-kafka-kafka-pool-${i}`, 'ready', {
      namespace: 'kafka',
      labels: kafkaLabels(i),
      owner: { kind: 'StrimziPodSet', name: 'datahub-kafka-kafka-pool' },
    }),
  );
  const ray = [
    podIn('ml-cluster-head-k7x2p', 'ready', {
      namespace: 'ml-platform',
      labels: rayLabels('head'),
      owner: { kind: 'RayCluster', name: 'ml-cluster' },
    }),
    podIn('ml-cluster-worker-group-4h8dq', 'ready', {
      namespace: 'ml-platform',
      labels: rayLabels('worker'),
      owner: { kind: 'RayCluster', name: 'ml-cluster' },
    }),
    podIn('ml-cluster-worker-group-9zm3c', 'ready', {
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
    deploymentWithPods('datahub-gms', { pods: ['crashloop'] }),
    deploymentWithPods('spark-history-server', { pods: ['unschedulable'] }),
    deploymentWithPods('mlflow', { pods: ['crashloop'] }),
    deploymentWithPods('redis', { pods: ['imagepull'] }),
    deploymentWithPods('superset-beat', { pods: ['crashloop'] }),
    deploymentWithPods('superset-worker', { pods: ['crashloop'] }),
    deploymentWithPods('trino-worker', { pods: ['crashloop'] }),
    deploymentWithPods('portal-services', { pods: ['pending'] }),
  ];
  return assemble([...steady.deployments, ...failing], {
    pods: [
      ...steady.pods,
      podIn('init-db-job-7qk2w', 'failed', { owner: { kind: 'Job', name: 'init-db-job' } }),
      podIn('doris-fe-0', 'stuck', { owner: { kind: 'StatefulSet', name: 'doris-fe' } }),
    ],
    jobs: [
      jobRun('init-db-job', 'failed', { startedAgo: 5 * HOUR }),
      jobRun('commodity-price-pipeline-29354520', 'failed', { cron: 'commodity-price-pipeline' }),
    ],
    cronJobs: [
      cronJob('commodity-price-pipeline', 'data-platform', {
        status: { lastScheduleTime: ago(HOUR), lastSuccessfulTime: ago(25 * HOUR) },
      }),
    ],
    services: [
      externalName('postgres-shared-service', 'data-platform', 'postgres-temp.kong.svc.cluster.local'),
    ],
    applications: [
      application('data-platform', 'OutOfSync', 'Degraded'),
      application('ml-platform', 'OutOfSync', 'Degraded'),
      application('kyverno', 'Synced', 'Healthy'),
    ],
  });
}

export function remediatedPlatform(): ClusterState {
  const steady = steadyParts();
  const fixed = [
    deploymentWithPods('datahub-gms'),
    deploymentWithPods('spark-history-server'),
    deploymentWithPods('mlflow'),
    deploymentWithPods('redis'),
    deploymentWithPods('superset-beat'),
    deploymentWithPods('superset-worker'),
    deploymentWithPods('trino-worker'),
    deploymentWithPods('portal-services'),
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
      jobRun('commodity-price-pipeline-29354520', 'complete', {
        cron: 'commodity-price-pipeline',
        startedAgo: 2 * HOUR,
      }),
      jobRun('commodity-price-pipeline-29353080', 'failed', {
        cron: 'commodity-price-pipeline',
        startedAgo: 26 * HOUR,
      }),
    ],
    cronJobs: [
      cronJob('commodity-price-pipeline', 'data-platform', {
        status: { lastScheduleTime: ago(2 * HOUR), lastSuccessfulTime: ago(HOUR + 55 * MIN) },
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
      quota(`${ns}-quota`, ns, hard, used),
    ),
    networkPolicies: [netpol('allow-external-egress', 'data-platform', ['Egress'])],
    applications: [
      application('data-platform', 'Synced', 'Healthy'),
      application('ml-platform', 'Synced', 'Healthy'),
      application('kyverno', 'Synced', 'Healthy'),
    ],
  });
}
