/**
 * End to end over the pure core: a `kubectl get -A -o json`-shaped snapshot (mixed kinds, a
 * PodList whose items lack `kind`, an events.k8s.io EventList, CRs we do not read) through
 * stateFromObjects and summarise, checked against numbers worked out by hand.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SUGGESTIONS } from '../../../src/core/health/suggestions';
import { formatPercent, summarise } from '../../../src/core/health/summary';
import { namespacesOf, stateFromObjects } from '../../../src/core/k8s/state';
import { repoRoot } from '../../../scripts/harness/paths';
import { NOW } from '../../support/k8s';

const snapshot: unknown = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'fixtures', 'health', 'snapshot.json'), 'utf8'),
);
const state = stateFromObjects([snapshot]);
const health = summarise(state, NOW);

test('the snapshot loads: kinds grouped, kind-less list items kept, unknown kinds dropped', () => {
  assert.deepEqual(
    [
      state.pods.length,
      state.deployments.length,
      state.replicaSets.length,
      state.jobs.length,
      state.events.length,
    ],
    [9, 3, 2, 2, 1],
  );
  assert.deepEqual(namespacesOf(state), ['argocd', 'data-platform', 'kafka']);
  assert.equal(state.events[0]?.message, '0/2 nodes are available: 2 Insufficient cpu.');
});

test('counts and percentages: 4 healthy of 8 counted; 5 of 9 running', () => {
  assert.deepEqual(health.pods, {
    total: 9,
    healthy: 4,
    running: 5,
    succeeded: 1,
    failing: 3,
    pending: 1,
    terminating: 0,
    notReady: 0,
  });
  assert.equal(formatPercent(health.healthPercent), '50%');
  assert.equal(formatPercent(health.runningPercent), '55.6%');
});

test('problems, ranked, with top-level owners and runbook suggestions', () => {
  assert.deepEqual(
    health.problems.map((p) => [
      p.severity,
      p.kind,
      p.namespace,
      p.pod ?? '',
      p.reason,
      `${p.owner.kind}/${p.owner.name}`,
    ]),
    [
      [4, 'pod', 'data-platform', 'datahub-init-db-9xk2p', 'Error', 'Job/datahub-init-db'],
      [4, 'pod', 'data-platform', 'redis-67b547c596-gwd9s', 'ImagePullBackOff', 'Deployment/redis'],
      [
        4,
        'pod',
        'data-platform',
        'trino-worker-7f9b6c5d4-x2x7q',
        'CrashLoopBackOff',
        'Deployment/trino-worker',
      ],
      [3, 'application', 'argocd', '', 'Degraded', 'Application/data-platform'],
      [3, 'job', 'data-platform', '', 'BackoffLimitExceeded', 'Job/datahub-init-db'],
      [
        3,
        'pod',
        'data-platform',
        'spark-history-server-64f987bdcf-4g965',
        'Unschedulable',
        'Deployment/spark-history-server',
      ],
      [2, 'node', '', '', 'MemoryPressure', 'Node/k8s-worker'],
      [2, 'quota', 'data-platform', '', 'QuotaNearLimit', 'ResourceQuota/data-platform-quota'],
    ],
  );
  const suggestion = (reason: string) => health.problems.find((p) => p.reason === reason)?.suggestion;
  assert.equal(suggestion('CrashLoopBackOff'), SUGGESTIONS.oom, 'the worker was OOMKilled');
  assert.equal(suggestion('ImagePullBackOff'), SUGGESTIONS.image);
  assert.equal(suggestion('Unschedulable'), SUGGESTIONS.capacity);
  assert.equal(suggestion('BackoffLimitExceeded'), SUGGESTIONS.jobFailed);
  assert.equal(health.problems.find((p) => p.kind === 'quota')?.message, 'requests.cpu 95% (95 of 100)');
});

test('workloads: status where written, pods where not; the spark ReplicaSet is inferred', () => {
  assert.deepEqual(
    health.workloads.map((w) => [
      w.namespace,
      w.kind,
      w.name,
      `${w.ready}/${w.desired}`,
      w.healthy,
      w.reason ?? '',
    ]),
    [
      ['data-platform', 'Deployment', 'redis', '0/1', false, 'ImagePullBackOff'],
      ['data-platform', 'Deployment', 'spark-history-server', '0/1', false, 'Unschedulable'],
      ['data-platform', 'Deployment', 'trino-worker', '1/2', false, 'CrashLoopBackOff'],
      ['data-platform', 'Job', 'datahub-init-db', '0/1', false, 'BackoffLimitExceeded'],
      ['data-platform', 'Job', 'dolphinscheduler-init-db', '1/1', true, ''],
      ['kafka', 'StatefulSet', 'kafka', '3/3', true, ''],
    ],
  );
  assert.deepEqual(
    health.namespaces.map((n) => [n.name, formatPercent(n.healthPercent), n.problems, n.worstSeverity]),
    [
      ['data-platform', '20%', 6, 4],
      ['argocd', '–', 1, 3],
      ['kafka', '100%', 0, 0],
    ],
  );
});
