import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyClusterState, type Node, type Pod } from '../../../src/core/k8s/types';
import { nearLimitProblems } from '../../../src/core/usage/problems';
import {
  amountLine,
  formatBytes,
  formatCpu,
  nearMemoryLimit,
  nodeDescription,
  sparkline,
  usageDescription,
} from '../../../src/core/usage/format';
import { nodeUsage, podUsage } from '../../../src/core/usage/model';
import { nodesTable, podsTable, topNodeRows, topRows } from '../../../src/core/usage/top';

const Mi = 2 ** 20;

const pod = (name: string, containers: { name: string; limits?: Record<string, string> }[]): Pod => ({
  metadata: { name, namespace: 'kafka' },
  spec: {
    nodeName: 'cpu1',
    containers: containers.map((c) => ({
      name: c.name,
      image: 'x',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, ...(c.limits ? { limits: c.limits } : {}) },
    })),
  },
});

const metrics = (name: string, usage: Record<string, { cpu: string; memory: string }>) => ({
  metadata: { name, namespace: 'kafka' },
  containers: Object.entries(usage).map(([n, u]) => ({ name: n, usage: u })),
});

test('a container near its memory limit reads like the issue asks: 412Mi / 512Mi limit · 80 %', () => {
  const u = podUsage(
    metrics('broker-0', { kafka: { cpu: '120m', memory: '412Mi' } }),
    pod('broker-0', [{ name: 'kafka', limits: { cpu: '500m', memory: '512Mi' } }]),
  );
  assert.equal(amountLine(u.memory, formatBytes), '412Mi / 512Mi limit · 80 %');
  assert.equal(amountLine(u.cpu, formatCpu), '120m / 500m limit · 24 %');
  assert.equal(usageDescription(u), 'mem 412Mi 80 % · cpu 120m');
  assert.deepEqual(nearMemoryLimit(u), []);
});

test('metrics-server quantities (nanocores, Ki) become cores and bytes; 90 % of the limit is flagged', () => {
  const u = podUsage(
    metrics('hog', { app: { cpu: '249873421n', memory: '491520Ki' }, proxy: { cpu: '2m', memory: '20Mi' } }),
    pod('hog', [{ name: 'app', limits: { memory: '512Mi' } }, { name: 'proxy' }]),
  );
  assert.equal(formatCpu(u.containers[0]?.cpu.used ?? 0), '250m');
  assert.equal(u.containers[0]?.memory.used, 480 * Mi);
  assert.deepEqual(nearMemoryLimit(u), [{ container: 'app', share: 480 / 512 }]);
  // One container without a limit: the pod has no memory limit as a whole.
  assert.equal(u.memory.limit, undefined);
  assert.equal(amountLine(u.memory, formatBytes), '500Mi (no limit)');
});

test('top rows: busiest memory first (or CPU), per container on request, as a table', () => {
  const usage = [
    podUsage(metrics('small', { app: { cpu: '900m', memory: '10Mi' } }), pod('small', [{ name: 'app' }])),
    podUsage(
      metrics('big', { app: { cpu: '5m', memory: '1536Mi' } }),
      pod('big', [{ name: 'app', limits: { memory: '2Gi', cpu: '1' } }]),
    ),
  ];
  assert.deepEqual(
    topRows(usage).map((r) => r.pod),
    ['big', 'small'],
  );
  assert.deepEqual(
    topRows(usage, { sortBy: 'cpu' }).map((r) => r.pod),
    ['small', 'big'],
  );
  assert.equal(
    podsTable(topRows(usage)),
    [
      'NAMESPACE   POD     CPU    CPU LIMIT   MEMORY   MEMORY LIMIT   OF LIMIT',
      'kafka       big     5m     1           1.5Gi    2Gi            75%',
      'kafka       small   900m   -           10Mi     -              -',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    topRows(usage, { containers: true }).map((r) => `${r.pod}/${r.container ?? ''}`),
    ['big/app', 'small/app'],
  );
});

test('nodes: usage against allocatable, and what the pods on it request', () => {
  const node: Node = { metadata: { name: 'cpu1' }, status: { allocatable: { cpu: '32', memory: '128Gi' } } };
  const u = nodeUsage({ metadata: { name: 'cpu1' }, usage: { cpu: '8', memory: '32Gi' } }, node, [
    pod('a', [{ name: 'app' }]),
  ]);
  assert.equal(u.cpu.request, 0.1);
  assert.equal(nodeDescription(u), 'cpu 8 (25 %) · mem 32Gi (25 %)');
  assert.equal(
    nodesTable(topNodeRows([u])),
    ['NODE   CPU   CPU%   MEMORY   MEMORY%', 'cpu1   8     25%    32Gi     25%', ''].join('\n'),
  );
});

test('sparkline: scaled to its own range; flat samples stay flat', () => {
  assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([5, 5, 5]), '▄▄▄');
  assert.equal(sparkline([]), '');
});

test('Problems gets an "OOMKilled soon" row for a container above 90 % of its memory limit, unless the pod already is one', () => {
  const state = {
    ...emptyClusterState(),
    pods: [
      pod('broker-0', [{ name: 'kafka', limits: { memory: '512Mi' } }]),
      pod('broker-1', [{ name: 'kafka', limits: { memory: '512Mi' } }]),
      pod('broker-2', [{ name: 'kafka', limits: { memory: '512Mi' } }]),
    ],
  };
  const known = [
    {
      severity: 4,
      namespace: 'kafka',
      pod: 'broker-2',
      reason: 'CrashLoopBackOff',
      owner: { kind: 'Pod', name: 'broker-2' },
      suggestion: '',
      kind: 'pod' as const,
    },
  ];
  const problems = nearLimitProblems(
    state,
    [
      metrics('broker-0', { kafka: { cpu: '10m', memory: '480Mi' } }),
      metrics('broker-1', { kafka: { cpu: '10m', memory: '400Mi' } }),
      metrics('broker-2', { kafka: { cpu: '10m', memory: '500Mi' } }),
    ],
    known,
  );
  assert.deepEqual(
    problems.map((p) => [p.pod, p.reason, p.container, p.severity]),
    [['broker-0', 'OOMKilled soon', 'kafka', 2]],
  );
  assert.match(problems[0]?.message ?? '', /480Mi of its 512Mi memory limit \(94 %\)/);
  assert.deepEqual(nearLimitProblems(state, [], known), [], 'no metrics-server: nothing to rank');
});
