import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SUGGESTIONS } from '../../../src/core/health/suggestions';
import { summarise } from '../../../src/core/health/summary';
import {
  HOUR,
  NOW,
  ago,
  completeCondition,
  completedPod,
  crashPod,
  cronJob,
  deployment,
  failedCondition,
  failedPod,
  healthyPod,
  imagePullPod,
  job,
  pod,
  replicaSet,
  running,
  state,
  workload,
} from '../../support/k8s';
import type { Workload } from '../../../src/core/k8s/types';

const NS = 'data-platform';
const rsPod = (name: string, rs: string, make = healthyPod, hash = rs.slice(rs.lastIndexOf('-') + 1)) =>
  make(name, { owner: { kind: 'ReplicaSet', name: rs }, meta: { labels: { 'pod-template-hash': hash } } });
const find = (h: ReturnType<typeof summarise>, kind: string, name: string) =>
  h.workloads.find((w) => w.kind === kind && w.name === name);

describe('ownership', () => {
  test('pods fold into Deployments through their ReplicaSets; problems name the Deployment', () => {
    const bad = rsPod('redis-67b547c596-gwd9s', 'redis-67b547c596', imagePullPod);
    const h = summarise(
      state({
        pods: [bad],
        replicaSets: [replicaSet('redis-67b547c596', NS, 1, 'redis')],
        deployments: [deployment('redis', NS, 1)],
      }),
      NOW,
    );
    const w = find(h, 'Deployment', 'redis');
    assert.deepEqual(
      [w?.ready, w?.desired, w?.healthy, w?.reason, w?.pods],
      [0, 1, false, 'ImagePullBackOff', ['redis-67b547c596-gwd9s']],
    );
    assert.deepEqual(
      h.problems.map((p) => [p.kind, p.reason, p.owner]),
      [['pod', 'ImagePullBackOff', { kind: 'Deployment', name: 'redis' }]],
      'the pod explains the Deployment: no second problem',
    );
    assert.ok(!h.workloads.some((x) => x.kind === 'ReplicaSet'), 'owned ReplicaSets are folded');
  });

  test("an old ReplicaSet's leftover pod still belongs to the Deployment", () => {
    const old = pod(
      'trino-worker-6c8d-abcde',
      { phase: 'Running' },
      {
        owner: { kind: 'ReplicaSet', name: 'trino-worker-6c8d' },
        meta: { deletionTimestamp: ago(HOUR) },
      },
    );
    const h = summarise(
      state({
        pods: [old, rsPod('trino-worker-7f9b-xyz12', 'trino-worker-7f9b')],
        replicaSets: [
          replicaSet('trino-worker-6c8d', NS, 0, 'trino-worker'),
          replicaSet('trino-worker-7f9b', NS, 1, 'trino-worker'),
        ],
        deployments: [deployment('trino-worker', NS, 1)],
      }),
      NOW,
    );
    assert.deepEqual(find(h, 'Deployment', 'trino-worker')?.pods, [
      'trino-worker-6c8d-abcde',
      'trino-worker-7f9b-xyz12',
    ]);
    assert.deepEqual(
      h.problems.map((p) => [p.reason, p.owner.name, p.severity]),
      [['Terminating', 'trino-worker', 4]],
    );
    const w = find(h, 'Deployment', 'trino-worker');
    assert.deepEqual(
      [w?.healthy, w?.ready],
      [true, 1],
      'a stuck leftover pod is its own problem, not the rollout’s',
    );
  });

  test('without ReplicaSets in view, the pod-template-hash label names the Deployment', () => {
    const h = summarise(
      state({
        pods: [rsPod('mlflow-5d9c7b8f4-x2x7q', 'mlflow-5d9c7b8f4', (n, e) => crashPod(n, 3, 'Error', e))],
      }),
      NOW,
    );
    assert.deepEqual(h.problems[0]?.owner, { kind: 'Deployment', name: 'mlflow' });
    const unlabelled = pod(
      'x',
      { phase: 'Pending' },
      { owner: { kind: 'ReplicaSet', name: 'standalone-rs' } },
    );
    assert.deepEqual(summarise(state({ pods: [unlabelled] }), NOW).problems[0]?.owner, {
      kind: 'ReplicaSet',
      name: 'standalone-rs',
    });
  });

  test('StatefulSet, DaemonSet and naked pods are their own top level', () => {
    const pods = [
      crashPod('kafka-0', 3, 'Error', { owner: { kind: 'StatefulSet', name: 'kafka' } }),
      crashPod('fluent-bit-abcde', 3, 'Error', { owner: { kind: 'DaemonSet', name: 'fluent-bit' } }),
      crashPod('debug', 3),
    ];
    const h = summarise(state({ pods }), NOW);
    assert.deepEqual(
      h.problems.map((p) => p.owner),
      [
        { kind: 'Pod', name: 'debug' },
        { kind: 'DaemonSet', name: 'fluent-bit' },
        { kind: 'StatefulSet', name: 'kafka' },
      ],
    );
  });

  test('a standalone ReplicaSet is a workload; one with 0 desired and no pods is omitted', () => {
    const h = summarise(
      state({
        pods: [rsPod('legacy-abc-1', 'legacy-abc', healthyPod, 'none')],
        replicaSets: [replicaSet('legacy-abc', NS, 1), replicaSet('old-xyz', NS, 0)],
      }),
      NOW,
    );
    assert.deepEqual(
      h.workloads.map((w) => [w.kind, w.name, w.ready, w.healthy]),
      [['ReplicaSet', 'legacy-abc', 1, true]],
    );
  });
});

describe('workload rollups', () => {
  test('no status (no controller-manager): the pods are the truth; no pods at all is NoPods', () => {
    const h = summarise(
      state({
        deployments: [deployment('mlflow', 'ml-platform', 2), deployment('superset-web', NS, 3)],
        pods: [
          rsPod('superset-web-abc-1', 'superset-web-abc'),
          rsPod('superset-web-abc-2', 'superset-web-abc'),
        ],
      }),
      NOW,
    );
    assert.deepEqual(
      h.problems.map((p) => [p.kind, p.reason, p.owner.name, p.severity, p.message]),
      [
        ['workload', 'Unavailable', 'superset-web', 2, '2/3 ready'],
        ['workload', 'NoPods', 'mlflow', 3, '0/2 ready'],
      ].sort((a, b) => Number(b[3]) - Number(a[3])),
    );
    assert.equal(h.problems.find((p) => p.reason === 'NoPods')?.suggestion, SUGGESTIONS.noPods);
  });

  test("status wins when a controller wrote one; the controller's ReplicaFailure explains a shortfall", () => {
    const quotaMessage = 'pods "superset-worker-x" is forbidden: exceeded quota: data-platform-quota';
    const h = summarise(
      state({
        statefulSets: [workload('StatefulSet', 'kafka', 'kafka', 3, { replicas: 3, readyReplicas: 3 })],
        deployments: [
          deployment('superset-worker', NS, 2, {
            replicas: 0,
            conditions: [
              { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: quotaMessage },
            ],
          }),
        ],
      }),
      NOW,
    );
    assert.equal(find(h, 'StatefulSet', 'kafka')?.healthy, true);
    assert.deepEqual(
      h.problems.map((p) => [p.reason, p.message, p.suggestion]),
      [['FailedCreate', `0/2 ready · ${quotaMessage}`, SUGGESTIONS.failedCreate]],
    );
  });

  test('a rollout with terminating old pods but enough ready ones is healthy', () => {
    const leaving = pod(
      'web-old-1',
      { phase: 'Running', containerStatuses: [running()] },
      {
        owner: { kind: 'ReplicaSet', name: 'web-old' },
        meta: {
          labels: { 'pod-template-hash': 'old' },
          deletionTimestamp: new Date(NOW + 20_000).toISOString(),
        },
      },
    );
    const h = summarise(
      state({ deployments: [deployment('web', NS, 1)], pods: [leaving, rsPod('web-new-1', 'web-new')] }),
      NOW,
    );
    assert.deepEqual([find(h, 'Deployment', 'web')?.healthy, find(h, 'Deployment', 'web')?.ready], [true, 1]);
  });

  test('DaemonSets: numberReady / desiredNumberScheduled, else their pods', () => {
    const h = summarise(
      state({
        daemonSets: [
          workload('DaemonSet', 'fluent-bit', 'monitoring', undefined, {
            desiredNumberScheduled: 2,
            numberReady: 1,
          }),
          workload('DaemonSet', 'node-exporter', 'monitoring', undefined),
        ],
        pods: [
          healthyPod('node-exporter-a', {
            namespace: 'monitoring',
            owner: { kind: 'DaemonSet', name: 'node-exporter' },
          }),
        ],
      }),
      NOW,
    );
    assert.deepEqual(
      h.workloads.map((w) => [w.name, w.ready, w.desired, w.healthy, w.reason]),
      [
        ['fluent-bit', 1, 2, false, 'NoPods'],
        ['node-exporter', 1, 1, true, undefined],
      ],
    );
  });

  test('workloads are sorted by namespace, kind, name', () => {
    const h = summarise(
      state({
        deployments: [deployment('b', 'z', 0), deployment('a', 'z', 0), deployment('c', 'a', 0)],
        statefulSets: [workload('StatefulSet', 'a', 'a', 0)],
      }),
      NOW,
    );
    assert.deepEqual(
      h.workloads.map((w) => `${w.namespace}/${w.kind}/${w.name}`),
      ['a/Deployment/c', 'a/StatefulSet/a', 'z/Deployment/a', 'z/Deployment/b'],
    );
  });
});

describe('Jobs and CronJobs', () => {
  test('a failed Job is one "job" problem (not also a workload problem), besides its failed pods', () => {
    const h = summarise(
      state({
        jobs: [
          job('datahub-init-db', NS, {
            spec: { backoffLimit: 0 },
            status: { failed: 1, conditions: [failedCondition()] },
          }),
        ],
        pods: [failedPod('datahub-init-db-abcde', { owner: { kind: 'Job', name: 'datahub-init-db' } })],
      }),
      NOW,
    );
    const w = find(h, 'Job', 'datahub-init-db');
    assert.deepEqual([w?.healthy, w?.reason, w?.ready, w?.desired], [false, 'BackoffLimitExceeded', 0, 1]);
    assert.deepEqual(
      h.problems.map((p) => [p.kind, p.reason, p.owner.kind, p.severity]),
      [
        ['pod', 'Error', 'Job', 4],
        ['job', 'BackoffLimitExceeded', 'Job', 3],
      ],
    );
    const jobProblem = h.problems.find((p) => p.kind === 'job');
    assert.equal(
      jobProblem?.message,
      'Job datahub-init-db: 1 failed pod(s) · Job has reached the specified backoff limit',
    );
    assert.equal(jobProblem?.suggestion, SUGGESTIONS.jobFailed);
    assert.equal(h.problems[0]?.suggestion, SUGGESTIONS.jobFailed, "a Job's failed pod goes with its Job");
    const naked = summarise(state({ pods: [failedPod('debug')] }), NOW).problems[0];
    assert.equal(naked?.suggestion, SUGGESTIONS.crash);
  });

  test('without status, failed pods beyond backoffLimit mean BackoffLimitExceeded; succeeded pods count', () => {
    const owner = (name: string) => ({ owner: { kind: 'Job', name } });
    const h = summarise(
      state({
        jobs: [job('init-a', NS, { spec: { backoffLimit: 1 } }), job('init-b', NS)],
        pods: [
          failedPod('init-a-1', owner('init-a')),
          failedPod('init-a-2', owner('init-a')),
          completedPod('init-b-1', owner('init-b')),
        ],
      }),
      NOW,
    );
    assert.deepEqual(
      h.workloads.map((w) => [w.name, w.healthy, w.reason, w.ready]),
      [
        ['init-a', false, 'BackoffLimitExceeded', 0],
        ['init-b', true, undefined, 1],
      ],
    );
  });

  test('a running Job is healthy unless its pods fail; a complete one stays healthy; suspension is shown', () => {
    const h = summarise(
      state({
        jobs: [
          job('etl-running', NS, { status: { active: 1 } }),
          job('etl-crashing', NS, { status: { active: 1 } }),
          job('etl-done', NS, {
            spec: { suspend: true },
            status: { succeeded: 1, conditions: [completeCondition] },
          }),
        ],
        pods: [
          healthyPod('etl-running-1', { owner: { kind: 'Job', name: 'etl-running' } }),
          crashPod('etl-crashing-1', 3, 'Error', { owner: { kind: 'Job', name: 'etl-crashing' } }),
          failedPod('etl-done-1', { owner: { kind: 'Job', name: 'etl-done' } }),
        ],
      }),
      NOW,
    );
    assert.deepEqual(
      h.workloads.map((w) => [w.name, w.healthy, w.reason, w.suspended]),
      [
        ['etl-crashing', false, 'CrashLoopBackOff', undefined],
        ['etl-done', true, undefined, true],
        ['etl-running', true, undefined, undefined],
      ],
    );
  });

  test("a CronJob's verdict is its newest Job's; every failed Job is a problem owned by the CronJob", () => {
    const cron = (name: string, jobs: Parameters<typeof job>[2][]) => ({
      cronJob: cronJob(name, NS, { suspend: name === 'iceberg-compaction' }),
      jobs: jobs.map((j, i) =>
        job(`${name}-2900${i}`, NS, { cronJob: name, created: ago((3 - i) * HOUR), ...j }),
      ),
    });
    const failing = cron('iceberg-compaction', [
      { status: { succeeded: 1, conditions: [completeCondition] } },
      { status: { failed: 7, conditions: [failedCondition()] } },
    ]);
    const recovered = cron('velero-hourly', [
      { status: { failed: 7, conditions: [failedCondition()] } },
      { status: { succeeded: 1, conditions: [completeCondition] } },
    ]);
    const h = summarise(
      state({
        cronJobs: [failing.cronJob, recovered.cronJob],
        jobs: [...failing.jobs, ...recovered.jobs],
        pods: [
          completedPod('velero-hourly-29001-x', { owner: { kind: 'Job', name: 'velero-hourly-29001' } }),
        ],
      }),
      NOW,
    );
    assert.deepEqual(
      h.workloads.map((w) => [w.kind, w.name, w.healthy, w.reason, w.ready, w.desired, w.suspended, w.pods]),
      [
        ['CronJob', 'iceberg-compaction', false, 'LastRunFailed', 1, 2, true, []],
        ['CronJob', 'velero-hourly', true, undefined, 1, 2, undefined, ['velero-hourly-29001-x']],
      ],
      'Jobs of CronJobs are not workloads of their own',
    );
    assert.deepEqual(
      h.problems.map((p) => [p.kind, p.owner.kind, p.owner.name, p.message?.split(':')[0]]),
      [
        ['job', 'CronJob', 'iceberg-compaction', 'Job iceberg-compaction-29001'],
        ['job', 'CronJob', 'velero-hourly', 'Job velero-hourly-29000'],
      ],
    );
  });

  test('Job pods fold into the CronJob even when the Job is out of view (name inferred)', () => {
    const h = summarise(
      state({
        cronJobs: [cronJob('iceberg-compaction', NS)],
        pods: [
          imagePullPod('iceberg-compaction-29001-abc', {
            owner: { kind: 'Job', name: 'iceberg-compaction-29001' },
          }),
        ],
      }),
      NOW,
    );
    assert.deepEqual(h.problems[0]?.owner, { kind: 'CronJob', name: 'iceberg-compaction' });
    assert.deepEqual(find(h, 'CronJob', 'iceberg-compaction')?.pods, ['iceberg-compaction-29001-abc']);
  });
});

/**
 * `kubectl get pods,deployments -A -o json` holds no ReplicaSets: each pod names a ReplicaSet the
 * state lacks. Dumps (and some exporters) may also drop the `pod-template-hash` label.
 */
describe('an incomplete owner chain (no ReplicaSets in view)', () => {
  const selected = (name: string, labels: Record<string, string>): Workload => ({
    ...deployment(name, NS, 5, { replicas: 5, readyReplicas: 0, availableReplicas: 0 }),
    spec: { replicas: 5, selector: { matchLabels: labels } },
  });
  const notReadyPod = (name: string, rs: string | undefined, labels: Record<string, string>) =>
    pod(
      name,
      {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [running('app', { ready: false })],
      },
      { ...(rs ? { owner: { kind: 'ReplicaSet', name: rs } } : {}), meta: { labels } },
    );

  test('5 running-but-not-ready pods are the Deployment\'s, not "no pods"', () => {
    const pods = [0, 1, 2, 3, 4].map((i) =>
      notReadyPod(`superset-web-7d9f8c6b5-x${i}`, 'superset-web-7d9f8c6b5', { app: 'superset-web' }),
    );
    const h = summarise(
      state({ deployments: [selected('superset-web', { app: 'superset-web' })], pods }),
      NOW,
    );
    const w = find(h, 'Deployment', 'superset-web');
    assert.deepEqual([w?.ready, w?.desired, w?.pods.length], [0, 5, 5]);
    assert.notEqual(w?.reason, 'NoPods');
    assert.ok(!h.problems.some((p) => p.reason === 'NoPods'), 'never "no pods" beside its 5 pods');
    assert.deepEqual(
      [...new Set(h.problems.map((p) => `${p.kind} ${p.owner.kind}/${p.owner.name}`))],
      ['pod Deployment/superset-web'],
      'the pods explain the Deployment and are listed under it',
    );
    assert.ok(!h.workloads.some((x) => x.kind === 'ReplicaSet'));
  });

  test('the ReplicaSet name picks the Deployment it is `<name>-<hash>` of, not a shorter prefix', () => {
    const h = summarise(
      state({
        deployments: [selected('web', { tier: 'web' }), selected('web-api', { tier: 'web' })],
        pods: [notReadyPod('web-api-5c4d8b9f7-aaaaa', 'web-api-5c4d8b9f7', { tier: 'web' })],
      }),
      NOW,
    );
    assert.deepEqual(find(h, 'Deployment', 'web-api')?.pods, ['web-api-5c4d8b9f7-aaaaa']);
    assert.deepEqual(find(h, 'Deployment', 'web')?.pods, []);
  });

  test("a name that fits but labels the Deployment's selector rejects is not its pod", () => {
    const h = summarise(
      state({
        deployments: [selected('web', { app: 'web' })],
        pods: [notReadyPod('web-5c4d8b9f7-aaaaa', 'web-5c4d8b9f7', { app: 'other' })],
      }),
      NOW,
    );
    assert.deepEqual(find(h, 'Deployment', 'web')?.pods, []);
    assert.equal(find(h, 'Deployment', 'web')?.reason, 'NoPods');
  });

  test('when the name says nothing, the one Deployment whose selector matches the pod owns it', () => {
    const h = summarise(
      state({
        deployments: [selected('checkout', { app: 'checkout' }), selected('cart', { app: 'cart' })],
        pods: [notReadyPod('renamed-rs-aaaaa', 'renamed-rs', { app: 'checkout', 'pod-template-hash': 'zz' })],
      }),
      NOW,
    );
    assert.deepEqual(find(h, 'Deployment', 'checkout')?.pods, ['renamed-rs-aaaaa']);
    assert.equal(find(h, 'Deployment', 'cart')?.reason, 'NoPods');
  });

  test('a pod with no owner at all stays a bare pod, even when a selector matches it', () => {
    const h = summarise(
      state({
        deployments: [selected('web', { app: 'web' })],
        pods: [notReadyPod('debug', undefined, { app: 'web' })],
      }),
      NOW,
    );
    assert.deepEqual(find(h, 'Deployment', 'web')?.pods, []);
    assert.deepEqual(h.problems.find((p) => p.kind === 'pod')?.owner, { kind: 'Pod', name: 'debug' });
  });
});
