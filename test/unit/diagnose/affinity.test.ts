/** Required pod (anti-)affinity in the per-node table, judged per topology domain. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../../src/core/diagnose/diagnose';
import { emptyClusterState, type Node, type Pod } from '../../../src/core/k8s/types';

const node = (name: string, zone: string): Node => ({
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } },
  status: {
    allocatable: { cpu: '8', memory: '16Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True' }],
  },
});

const running = (name: string, nodeName: string, labels: Record<string, string>, ns = 'kafka'): Pod => ({
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { nodeName, containers: [{ name: 'c' }] },
  status: { phase: 'Running' },
});

const pending = (
  affinity: Record<string, unknown>,
  labels: Record<string, string> = { app: 'broker' },
): Pod => ({
  kind: 'Pod',
  metadata: { name: 'broker-2', namespace: 'kafka', labels },
  spec: { containers: [{ name: 'c' }], affinity } as NonNullable<Pod['spec']>,
  status: { phase: 'Pending' },
});

const nodes = [node('a1', 'a'), node('a2', 'a'), node('b1', 'b')];

const table = (pod: Pod, pods: Pod[]) =>
  diagnose(pod, {
    state: { ...emptyClusterState(), nodes, pods: [pod, ...pods] },
    inventory: {},
    now: Date.parse('2026-12-01T12:00:00Z'),
  }).sections[0]?.table?.slice(1) ?? [];

test('anti-affinity per host: only the nodes already running a broker are out', () => {
  const pod = pending({
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { app: 'broker' } }, topologyKey: 'kubernetes.io/hostname' },
      ],
    },
  });
  const rows = table(pod, [
    running('broker-0', 'a1', { app: 'broker' }),
    running('broker-1', 'b1', { app: 'broker' }),
    running('other-ns', 'a2', { app: 'broker' }, 'elsewhere'),
  ]);
  assert.deepEqual(
    rows.map((r) => [r[0], r[1]]),
    [
      ['a1', 'no'],
      ['a2', 'yes'],
      ['b1', 'no'],
    ],
  );
  assert.equal(
    rows[0]?.[2],
    'pod anti-affinity: broker-0 (app=broker) already runs in its kubernetes.io/hostname domain',
  );
});

test('anti-affinity per zone: a zone with one broker rules out each of its nodes', () => {
  const pod = pending({
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { app: 'broker' } }, topologyKey: 'topology.kubernetes.io/zone' },
      ],
    },
  });
  const d = diagnose(pod, {
    state: { ...emptyClusterState(), nodes, pods: [pod, running('broker-0', 'a1', { app: 'broker' })] },
    inventory: {},
    now: 0,
  });
  assert.deepEqual(
    d.sections[0]?.table?.slice(1).map((r) => r[1]),
    ['no', 'no', 'yes'],
  );
});

test('affinity: only the zone that runs the pod it must sit beside; the first of a group goes anywhere', () => {
  const beside = pending({
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { app: 'zookeeper' } }, topologyKey: 'topology.kubernetes.io/zone' },
      ],
    },
  });
  const rows = table(beside, [running('zk-0', 'b1', { app: 'zookeeper' })]);
  assert.deepEqual(
    rows.map((r) => r[1]),
    ['no', 'no', 'yes'],
  );
  assert.equal(
    rows[0]?.[2],
    'pod affinity: no pod with app=zookeeper in its topology.kubernetes.io/zone domain',
  );
  const first = pending(
    {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app: 'broker' } }, topologyKey: 'topology.kubernetes.io/zone' },
        ],
      },
    },
    { app: 'broker' },
  );
  assert.deepEqual(
    table(first, []).map((r) => r[1]),
    ['yes', 'yes', 'yes'],
  );
});
