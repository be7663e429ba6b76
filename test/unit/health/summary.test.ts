import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuantity } from '../../../src/core/health/quantity';
import { summarise } from '../../../src/core/health/summary';
import { stateFromObjects, namespacesOf } from '../../../src/core/k8s/state';
import { emptyClusterState, type ClusterState } from '../../../src/core/k8s/types';
import { NOW, crashPod, healthyPod, pod } from './builders';

const state = (parts: Partial<ClusterState>): ClusterState => ({ ...emptyClusterState(), ...parts });

test('health % = healthy / (total − succeeded); running/total is reported separately', () => {
  const pods = [
    healthyPod('a'),
    healthyPod('b'),
    healthyPod('c'),
    crashPod('d'),
    pod('job-x', { phase: 'Succeeded' }),
  ];
  const h = summarise(state({ pods }), NOW);
  assert.equal(h.pods.total, 5);
  assert.equal(h.pods.healthy, 3);
  assert.equal(h.pods.succeeded, 1);
  assert.equal(h.healthPercent, 75);
  // The crash-looping pod is "running": the figure that always looks fine.
  assert.equal(h.pods.running, 4);
  assert.equal(h.runningPercent, 80);
});

test('a seeds-like platform: 147 pods, 19 failing, reproduces both figures', () => {
  const pods = [
    ...Array.from({ length: 124 }, (_, i) => healthyPod(`ok-${i}`)),
    ...Array.from({ length: 4 }, (_, i) => pod(`done-${i}`, { phase: 'Succeeded' })),
    ...Array.from({ length: 19 }, (_, i) => crashPod(`bad-${i}`)),
  ];
  const h = summarise(state({ pods }), NOW);
  assert.equal(h.pods.total, 147);
  assert.equal(h.problems.filter((p) => p.kind === 'pod').length, 19);
  assert.equal(h.healthPercent?.toFixed(1), ((124 / 143) * 100).toFixed(1));
  assert.equal(h.runningPercent?.toFixed(1), ((143 / 147) * 100).toFixed(1));
});

test('pods fold into Deployments through their ReplicaSets; problems name the Deployment', () => {
  const rs = {
    kind: 'ReplicaSet',
    metadata: {
      name: 'redis-67b547c596',
      namespace: 'data-platform',
      ownerReferences: [{ kind: 'Deployment', name: 'redis', controller: true }],
    },
    spec: { replicas: 1 },
  };
  const deploy = {
    kind: 'Deployment',
    metadata: { name: 'redis', namespace: 'data-platform' },
    spec: { replicas: 1 },
  };
  const bad = pod(
    'redis-67b547c596-gwd9s',
    {
      phase: 'Pending',
      containerStatuses: [{ name: 'redis', state: { waiting: { reason: 'ImagePullBackOff' } } }],
    },
    { owner: { kind: 'ReplicaSet', name: 'redis-67b547c596' } },
  );
  const h = summarise(state({ pods: [bad], replicaSets: [rs], deployments: [deploy] }), NOW);
  const w = h.workloads.find((x) => x.name === 'redis');
  assert.deepEqual(
    [w?.kind, w?.ready, w?.desired, w?.healthy, w?.reason, w?.pods],
    ['Deployment', 0, 1, false, 'ImagePullBackOff', ['redis-67b547c596-gwd9s']],
  );
  assert.deepEqual(
    h.problems.map((p) => [p.kind, p.reason, p.owner]),
    [['pod', 'ImagePullBackOff', { kind: 'Deployment', name: 'redis' }]],
  );
  assert.match(h.problems[0]?.suggestion ?? '', /image name and tag/);
  assert.ok(
    !h.workloads.some((x) => x.kind === 'ReplicaSet'),
    'owned ReplicaSets are folded into their Deployment',
  );
});

test('a workload with no pods at all is a problem of its own; status wins over pods when present', () => {
  const empty = {
    kind: 'Deployment',
    metadata: { name: 'mlflow', namespace: 'ml-platform' },
    spec: { replicas: 2 },
  };
  const reported = {
    kind: 'StatefulSet',
    metadata: { name: 'kafka', namespace: 'kafka' },
    spec: { replicas: 3 },
    status: { replicas: 3, readyReplicas: 3 },
  };
  const h = summarise(state({ deployments: [empty], statefulSets: [reported] }), NOW);
  assert.deepEqual(
    h.problems.map((p) => [p.kind, p.reason, p.owner.name]),
    [['workload', 'NoPods', 'mlflow']],
  );
  assert.equal(h.workloads.find((w) => w.name === 'kafka')?.healthy, true);
});

test('failed Jobs, CronJobs whose last run failed, suspended CronJobs', () => {
  const failedJob = {
    kind: 'Job',
    metadata: { name: 'datahub-init-db', namespace: 'data-platform' },
    spec: { backoffLimit: 2 },
    status: { failed: 3, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
  };
  const cron = {
    kind: 'CronJob',
    metadata: { name: 'iceberg-compaction', namespace: 'data-platform' },
    spec: { schedule: '0 3 * * *', suspend: true },
  };
  const cronJob = {
    kind: 'Job',
    metadata: {
      name: 'iceberg-compaction-1',
      namespace: 'data-platform',
      creationTimestamp: '2025-10-24T03:00:00Z',
      ownerReferences: [{ kind: 'CronJob', name: 'iceberg-compaction', controller: true }],
    },
    status: { failed: 7, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
  };
  const h = summarise(state({ jobs: [failedJob, cronJob], cronJobs: [cron] }), NOW);
  assert.equal(h.workloads.find((w) => w.name === 'datahub-init-db')?.healthy, false);
  const c = h.workloads.find((w) => w.kind === 'CronJob');
  assert.deepEqual([c?.healthy, c?.reason, c?.suspended], [false, 'LastRunFailed', true]);
  assert.deepEqual(
    h.problems
      .filter((p) => p.kind === 'job')
      .map((p) => [p.reason, p.owner.kind])
      .sort(),
    [
      ['BackoffLimitExceeded', 'CronJob'],
      ['BackoffLimitExceeded', 'Job'],
    ],
  );
});

test('namespaces are sorted problem-first with their own health %', () => {
  const h = summarise(
    state({
      pods: [
        healthyPod('a', { namespace: 'monitoring' }),
        crashPod('b', 3, 'Error', { namespace: 'data-platform' }),
        healthyPod('c', { namespace: 'data-platform' }),
      ],
    }),
    NOW,
  );
  assert.deepEqual(
    h.namespaces.map((n) => [n.name, n.healthPercent, n.problems]),
    [
      ['data-platform', 50, 1],
      ['monitoring', 100, 0],
    ],
  );
});

test('nodes with pressure, Argo CD apps out of sync or degraded, quotas near their limit', () => {
  const node = {
    kind: 'Node',
    metadata: { name: 'k8s-worker' },
    status: {
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'MemoryPressure', status: 'True' },
      ],
    },
  };
  const apps = [
    {
      kind: 'Application',
      apiVersion: 'argoproj.io/v1alpha1',
      metadata: { name: 'data-platform', namespace: 'argocd' },
      status: { sync: { status: 'OutOfSync' }, health: { status: 'Degraded' } },
    },
    {
      kind: 'Application',
      apiVersion: 'argoproj.io/v1alpha1',
      metadata: { name: 'api-gateway', namespace: 'argocd' },
      status: { sync: { status: 'OutOfSync' }, health: { status: 'Healthy' } },
    },
    {
      kind: 'Application',
      apiVersion: 'argoproj.io/v1alpha1',
      metadata: { name: 'monitoring', namespace: 'argocd' },
      status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
    },
  ];
  const quota = {
    kind: 'ResourceQuota',
    metadata: { name: 'kafka-quota', namespace: 'kafka' },
    status: {
      hard: { 'requests.cpu': '20', 'requests.memory': '50Gi' },
      used: { 'requests.cpu': '19500m', 'requests.memory': '10Gi' },
    },
  };
  const h = summarise(state({ nodes: [node], applications: apps, resourceQuotas: [quota] }), NOW);
  assert.deepEqual(h.nodes, [
    { name: 'k8s-worker', ready: true, pressures: ['MemoryPressure'], unschedulable: false },
  ]);
  assert.deepEqual(h.problems.map((p) => `${p.kind}:${p.reason}:${p.owner.name}`).sort(), [
    'application:Degraded:data-platform',
    'application:OutOfSync:api-gateway',
    'node:MemoryPressure:k8s-worker',
    'quota:QuotaNearLimit:kafka-quota',
  ]);
  assert.match(h.problems.find((p) => p.kind === 'quota')?.message ?? '', /requests\.cpu 98%/);
});

test('quantities', () => {
  assert.deepEqual(['500m', '2', '1Gi', '512Mi', '1e3', '100k', '1.5', 'bogus'].map(parseQuantity), [
    0.5,
    2,
    2 ** 30,
    512 * 2 ** 20,
    1000,
    100000,
    1.5,
    NaN,
  ]);
});

test('stateFromObjects expands Lists (typed and untyped) and ignores garbage and unknown kinds', () => {
  const s = stateFromObjects([
    {
      kind: 'List',
      items: [healthyPod('a'), { kind: 'Deployment', metadata: { name: 'd', namespace: 'x' } }],
    },
    { kind: 'PodList', items: [{ metadata: { name: 'b', namespace: 'y' } }] },
    { kind: 'Whatever', metadata: { name: 'w' } },
    null,
    42,
    'text',
  ]);
  assert.deepEqual(
    s.pods.map((p) => [p.kind, p.metadata?.name]),
    [
      ['Pod', 'a'],
      ['Pod', 'b'],
    ],
  );
  assert.equal(s.deployments.length, 1);
  assert.deepEqual(namespacesOf(s), ['data-platform', 'x', 'y']);
});

test('20,000 synthetic pods in 500 namespaces add up (linear-time rollup, no timing assertion)', () => {
  const pods = Array.from({ length: 20_000 }, (_, i) =>
    i % 33 === 0
      ? crashPod(`p-${i}`, 5, 'Error', { namespace: `ns-${i % 500}` })
      : healthyPod(`p-${i}`, { namespace: `ns-${i % 500}` }),
  );
  const h = summarise(state({ pods }), NOW);
  const failing = Math.ceil(20_000 / 33);
  assert.equal(h.pods.total, 20_000);
  assert.equal(h.pods.failing, failing);
  assert.equal(h.namespaces.length, 500);
  assert.equal(h.problems.length, failing);
});
