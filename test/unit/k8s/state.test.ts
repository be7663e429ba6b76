import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { namespacesOf, stateFromObjects } from '../../../src/core/k8s/state';
import type { ClusterState } from '../../../src/core/k8s/types';

const obj = (kind: string, name: string, namespace?: string, apiVersion?: string) => ({
  ...(apiVersion ? { apiVersion } : {}),
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

const names = (s: ClusterState, key: keyof ClusterState) =>
  (s[key] as readonly { metadata?: { name?: string } }[]).map((o) => o.metadata?.name);

test('every kind lands in its own array', () => {
  const kinds: [string, keyof ClusterState, string?][] = [
    ['Namespace', 'namespaces'],
    ['Pod', 'pods'],
    ['Deployment', 'deployments'],
    ['StatefulSet', 'statefulSets'],
    ['DaemonSet', 'daemonSets'],
    ['ReplicaSet', 'replicaSets'],
    ['Job', 'jobs'],
    ['CronJob', 'cronJobs'],
    ['Node', 'nodes'],
    ['Service', 'services'],
    ['PodDisruptionBudget', 'pdbs'],
    ['ResourceQuota', 'resourceQuotas'],
    ['NetworkPolicy', 'networkPolicies'],
    ['Event', 'events', 'v1'],
    ['Application', 'applications', 'argoproj.io/v1alpha1'],
  ];
  const s = stateFromObjects(kinds.map(([kind, , apiVersion]) => obj(kind, `a-${kind}`, 'ns', apiVersion)));
  for (const [kind, key] of kinds) assert.deepEqual(names(s, key), [`a-${kind}`], kind);
});

test('List and typed *List objects are expanded; typed items may omit kind and apiVersion', () => {
  const podList = { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'b', namespace: 'y' } }] };
  const input = [
    {
      apiVersion: 'v1',
      kind: 'List',
      items: [obj('Pod', 'a', 'x'), obj('Deployment', 'd', 'x'), { metadata: { name: 'no-kind' } }, podList],
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationList',
      items: [{ metadata: { name: 'data-platform', namespace: 'argocd' } }],
    },
  ];
  const before = JSON.stringify(input);
  const s = stateFromObjects(input);
  assert.deepEqual(
    s.pods.map((p) => [p.kind, p.apiVersion, p.metadata?.name]),
    [
      ['Pod', undefined, 'a'],
      ['Pod', 'v1', 'b'],
    ],
  );
  assert.deepEqual(names(s, 'deployments'), ['d']);
  assert.deepEqual(
    s.applications.map((a) => [a.kind, a.apiVersion]),
    [['Application', 'argoproj.io/v1alpha1']],
  );
  assert.equal(JSON.stringify(input), before, 'the input is not modified');
});

test('garbage, unknown kinds and other groups’ Applications are skipped quietly', () => {
  const s = stateFromObjects([
    null,
    undefined,
    42,
    'text',
    true,
    {},
    { kind: 5 },
    { kind: '' },
    { kind: 'PodList', items: 'not a list' },
    { kind: 'List', items: [null, 7, ['nested', obj('Pod', 'deep', 'z')]] },
    obj('CustomResourceDefinition', 'kafkas.kafka.strimzi.io'),
    obj('Application', 'other', 'default', 'app.k8s.io/v1beta1'),
    [obj('Node', 'k8s-worker'), [obj('Node', 'cpu1')]],
  ]);
  assert.deepEqual(names(s, 'pods'), ['deep']);
  assert.deepEqual(names(s, 'nodes'), ['k8s-worker', 'cpu1']);
  assert.equal(s.applications.length, 0);
  const total = (Object.values(s) as unknown[][]).reduce((n, list) => n + list.length, 0);
  assert.equal(total, 3);
});

test('core v1 Events pass as they are; events.k8s.io/v1 Events gain the v1 field names', () => {
  const v1 = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e1', namespace: 'data-platform' },
    involvedObject: { kind: 'Pod', name: 'redis-67b547c596-gwd9s' },
    reason: 'Failed',
    message: 'Failed to pull image "bitnami/redis:7.2-debian-12"',
    count: 4,
  };
  const list = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'EventList',
    items: [
      {
        metadata: { name: 'e2', namespace: 'data-platform' },
        regarding: { kind: 'Pod', name: 'spark-history-server-64f987bdcf-4g965' },
        reason: 'FailedScheduling',
        note: '0/2 nodes are available: 2 Insufficient cpu.',
        type: 'Warning',
        eventTime: '2025-10-24T17:00:00.000000Z',
        series: { count: 12, lastObservedTime: '2025-10-24T17:55:00.000000Z' },
      },
    ],
  };
  const s = stateFromObjects([v1, list]);
  assert.deepEqual(s.events[0], v1);
  const e = s.events[1];
  assert.deepEqual(
    [
      e?.kind,
      e?.apiVersion,
      e?.involvedObject?.name,
      e?.message,
      e?.count,
      e?.firstTimestamp,
      e?.lastTimestamp,
    ],
    [
      'Event',
      'events.k8s.io/v1',
      'spark-history-server-64f987bdcf-4g965',
      '0/2 nodes are available: 2 Insufficient cpu.',
      12,
      '2025-10-24T17:00:00.000000Z',
      '2025-10-24T17:55:00.000000Z',
    ],
  );
  assert.equal(
    (e as Record<string, unknown> | undefined)?.['note'],
    '0/2 nodes are available: 2 Insufficient cpu.',
  );
});

test('namespacesOf: Namespace objects plus every namespace an object lives in, sorted', () => {
  const s = stateFromObjects([
    obj('Namespace', 'monitoring'),
    obj('Pod', 'a', 'data-platform'),
    obj('ResourceQuota', 'q', 'kafka'),
    obj('Application', 'app', 'argocd', 'argoproj.io/v1alpha1'),
    obj('Node', 'k8s-worker'),
    obj('Pod', 'no-namespace'),
  ]);
  assert.deepEqual(namespacesOf(s), ['argocd', 'data-platform', 'kafka', 'monitoring']);
});
