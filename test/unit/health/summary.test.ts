import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyPod, type PodHealth } from '../../../src/core/health/pod';
import { formatPercent, podKey, summarise } from '../../../src/core/health/summary';
import { SUGGESTIONS } from '../../../src/core/health/suggestions';
import {
  HOUR,
  MIN,
  NOW,
  completedPod,
  crashPod,
  evictedPod,
  failedPod,
  healthyPod,
  imagePullPod,
  pod,
  quota,
  running,
  state,
  terminated,
  unschedulablePod,
} from '../../support/k8s';

const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

test('health % = healthy / (total − succeeded); running/total is reported separately', () => {
  const pods = [healthyPod('a'), healthyPod('b'), healthyPod('c'), crashPod('d'), completedPod('job-x')];
  const h = summarise(state({ pods }), NOW);
  assert.deepEqual(h.pods, {
    total: 5,
    healthy: 3,
    running: 4,
    succeeded: 1,
    failing: 1,
    pending: 0,
    terminating: 0,
    notReady: 0,
  });
  assert.equal(h.healthPercent, 75);
  assert.equal(h.runningPercent, 80);
});

test('a crash-looping platform is 100% "running" but not healthy (the "always 100%" dashboard bug)', () => {
  const pods = [healthyPod('trino-coordinator-0'), crashPod('trino-worker-0'), crashPod('trino-worker-1')];
  const h = summarise(state({ pods }), NOW);
  assert.equal(h.runningPercent, 100);
  assert.equal(formatPercent(h.healthPercent), '33.3%');
  assert.deepEqual([h.pods.running, h.pods.healthy, h.pods.failing], [3, 1, 2]);
});

test('nothing counted: percentages are null, shown as a dash', () => {
  const empty = summarise(state({}), NOW);
  assert.deepEqual([empty.healthPercent, empty.runningPercent, empty.problems.length], [null, null, 0]);
  const done = summarise(state({ pods: [completedPod('a')] }), NOW);
  assert.deepEqual([done.healthPercent, done.runningPercent], [null, 0]);
  assert.equal(formatPercent(null), '–');
});

test('formatPercent: one decimal, no trailing .0, never rounds up to 100', () => {
  assert.deepEqual([87.0748, 75, 100, 99.96, 0, 33.333].map(formatPercent), [
    '87.1%',
    '75%',
    '100%',
    '99.9%',
    '0%',
    '33.3%',
  ]);
});

test('a seeds-like platform: 147 pods, 19 not running, numbers computed by hand', () => {
  // Phase 4's baseline: 147 pods, 128 Running ("87.1% health"). Of the 128, 8 crash-loop.
  // Of the 19 not running: 6 Completed, 5 ImagePullBackOff, 3 Unschedulable, 3 Error, 2 Evicted.
  const ns = (i: number) => ({ namespace: ['data-platform', 'kafka', 'monitoring'][i % 3] ?? '' });
  const pods = [
    ...times(120, (i) => healthyPod(`ok-${i}`, ns(i))),
    ...times(8, (i) => crashPod(`crash-${i}`, 12, 'Error', ns(i))),
    ...times(6, (i) => completedPod(`done-${i}`, ns(i))),
    ...times(5, (i) => imagePullPod(`image-${i}`, ns(i))),
    ...times(3, (i) => unschedulablePod(`unsched-${i}`, ns(i))),
    ...times(3, (i) => failedPod(`error-${i}`, ns(i))),
    ...times(2, (i) => evictedPod(`evicted-${i}`, ns(i))),
  ];
  const h = summarise(state({ pods }), NOW);
  assert.deepEqual(h.pods, {
    total: 147,
    healthy: 120,
    running: 128,
    succeeded: 6,
    failing: 8 + 5 + 3 + 2,
    pending: 3,
    terminating: 0,
    notReady: 0,
  });
  // running: 128 / 147 = 87.07 % — the seeds' figure. health: 120 / (147 − 6) = 120 / 141 = 85.11 %.
  assert.equal(formatPercent(h.runningPercent), '87.1%');
  assert.equal(formatPercent(h.healthPercent), '85.1%');
  assert.equal(h.healthPercent, (120 / 141) * 100);
  assert.equal(h.problems.length, 8 + 5 + 3 + 3 + 2);
  const bySeverity = (s: number) => h.problems.filter((p) => p.severity === s).length;
  assert.deepEqual([bySeverity(4), bySeverity(3)], [18, 3]);
  assert.equal(
    h.namespaces.reduce((n, x) => n + x.counts.total, 0),
    147,
    'namespaces partition the pods',
  );
});

test('problems are ranked by severity, then namespace, then name; every pod problem has a suggestion', () => {
  const pods = [
    unschedulablePod('spark-history-server', { namespace: 'data-platform' }),
    crashPod('superset-worker', 3, 'Error', { namespace: 'data-platform' }),
    crashPod('kafka-2', 3, 'OOMKilled', { namespace: 'kafka' }),
    crashPod('datahub-gms', 3, 'Error', { namespace: 'data-platform' }),
    pod(
      'es-0',
      { phase: 'Running', containerStatuses: [running('app', { ready: false })] },
      { namespace: 'a' },
    ),
  ];
  const h = summarise(state({ pods }), NOW);
  assert.deepEqual(
    h.problems.map((p) => [p.severity, p.namespace, p.pod]),
    [
      [4, 'data-platform', 'datahub-gms'],
      [4, 'data-platform', 'superset-worker'],
      [4, 'kafka', 'kafka-2'],
      [3, 'data-platform', 'spark-history-server'],
      [2, 'a', 'es-0'],
    ],
  );
  const kafka = h.problems.find((p) => p.pod === 'kafka-2');
  assert.deepEqual(
    [kafka?.kind, kafka?.reason, kafka?.container, kafka?.restarts, kafka?.owner],
    ['pod', 'CrashLoopBackOff', 'app', 3, { kind: 'Pod', name: 'kafka-2' }],
  );
  assert.equal(kafka?.suggestion, SUGGESTIONS.oom, 'an OOM kill behind the loop changes the advice');
  assert.equal(h.problems.find((p) => p.pod === 'datahub-gms')?.suggestion, SUGGESTIONS.crash);
  assert.equal(h.problems.find((p) => p.pod === 'spark-history-server')?.suggestion, SUGGESTIONS.capacity);
  assert.equal(h.problems.find((p) => p.pod === 'es-0')?.suggestion, SUGGESTIONS.notReady);
});

test('a flapping pod counts as healthy but is listed at severity 1; a completed pod is not listed', () => {
  const flappy = pod('flappy', {
    phase: 'Running',
    containerStatuses: [running('app', { restartCount: 6, lastState: terminated('Error', 1, 10 * MIN) })],
  });
  const h = summarise(state({ pods: [flappy, completedPod('done')] }), NOW);
  assert.equal(h.healthPercent, 100);
  assert.deepEqual(
    h.problems.map((p) => [p.reason, p.severity, p.restarts]),
    [['Restarting', 1, 6]],
  );
  assert.equal(h.problems[0]?.suggestion, SUGGESTIONS.restarting);
});

test('stuck Terminating pods are problems with the force-delete advice; fresh ones say wait', () => {
  const stuck = pod(
    'stuck',
    { phase: 'Running' },
    { meta: { deletionTimestamp: new Date(NOW - HOUR).toISOString() } },
  );
  const fresh = pod(
    'fresh',
    { phase: 'Running' },
    { meta: { deletionTimestamp: new Date(NOW + 10_000).toISOString() } },
  );
  const h = summarise(state({ pods: [stuck, fresh] }), NOW);
  assert.deepEqual(
    h.problems.map((p) => [p.pod, p.severity, p.suggestion]),
    [
      ['stuck', 4, SUGGESTIONS.stuck],
      ['fresh', 1, SUGGESTIONS.terminating],
    ],
  );
  assert.equal(h.pods.terminating, 2);
});

test('namespaces: own health %, sorted by worst severity, then problem count, then name', () => {
  const pods = [
    healthyPod('a', { namespace: 'monitoring' }),
    crashPod('b', 3, 'Error', { namespace: 'data-platform' }),
    healthyPod('c', { namespace: 'data-platform' }),
    unschedulablePod('d', { namespace: 'ml-platform' }),
    unschedulablePod('e', { namespace: 'ml-platform' }),
    unschedulablePod('f', { namespace: 'kafka' }),
  ];
  const namespaces = [{ kind: 'Namespace', metadata: { name: 'empty' } }];
  const quotas = [quota('victoria-quota', 'victoria-metrics', { pods: '10' }, { pods: '9' })];
  const h = summarise(state({ pods, namespaces, resourceQuotas: quotas }), NOW);
  assert.deepEqual(
    h.namespaces.map((n) => [n.name, n.healthPercent, n.problems, n.worstSeverity]),
    [
      ['data-platform', 50, 1, 4],
      ['ml-platform', 0, 2, 3],
      ['kafka', 0, 1, 3],
      ['victoria-metrics', null, 1, 2],
      ['empty', null, 0, 0],
      ['monitoring', 100, 0, 0],
    ],
  );
});

test('callers can memoise: a classify function or a cache by uid (or namespace/name)', () => {
  const crashing = crashPod('trino-worker');
  const fine = classifyPod(healthyPod('x'), NOW);
  let calls = 0;
  const viaClassify = summarise(state({ pods: [crashing] }), NOW, {
    classify: () => {
      calls++;
      return fine;
    },
  });
  assert.deepEqual([calls, viaClassify.pods.healthy], [1, 1]);

  const cache = new Map<string, PodHealth>([[podKey(crashing), fine]]);
  const other = crashPod('superset-beat');
  const viaCache = summarise(state({ pods: [crashing, other] }), NOW, { cache });
  assert.deepEqual([viaCache.pods.healthy, viaCache.problems.map((p) => p.pod)], [1, ['superset-beat']]);
  assert.equal(podKey(crashing), 'uid-data-platform-trino-worker');
  assert.equal(podKey({ metadata: { namespace: 'kafka', name: 'kafka-0' } }), 'kafka/kafka-0');
});

test('20,000 synthetic pods in 500 namespaces add up (linear-time rollup, no timing assertion)', () => {
  const pods = times(20_000, (i) => {
    const extra = {
      namespace: `ns-${i % 500}`,
      owner: { kind: 'ReplicaSet', name: `app-${i % 2000}-5d9c7b8f4` },
      meta: { labels: { 'pod-template-hash': '5d9c7b8f4' } },
    };
    return i % 33 === 0 ? crashPod(`p-${i}`, 5, 'Error', extra) : healthyPod(`p-${i}`, extra);
  });
  const deployments = times(2000, (d) => ({
    kind: 'Deployment',
    metadata: { name: `app-${d}`, namespace: `ns-${d % 500}` },
    spec: { replicas: 10 },
  }));
  const h = summarise(state({ pods, deployments }), NOW);
  const failing = Math.ceil(20_000 / 33);
  assert.deepEqual([h.pods.total, h.pods.failing, h.pods.healthy], [20_000, failing, 20_000 - failing]);
  assert.equal(h.namespaces.length, 500);
  assert.equal(h.workloads.length, 2000);
  assert.equal(
    h.workloads.reduce((n, w) => n + w.pods.length, 0),
    20_000,
    'every pod is folded into its Deployment',
  );
  assert.equal(h.problems.length, failing, 'the crash-looping pods explain their Deployments');
  assert.equal(
    h.workloads.filter((w) => !w.healthy).length,
    new Set(times(failing, (k) => (k * 33) % 2000)).size,
  );
});
