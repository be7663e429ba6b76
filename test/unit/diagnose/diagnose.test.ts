import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  emptyClusterState,
  type ClusterState,
  type KubeEvent,
  type Node,
  type Pod,
} from '../../../src/core/k8s/types';
import { explainExit } from '../../../src/core/diagnose/crash';
import { diagnose, diagnoseAll, diagnosePod } from '../../../src/core/diagnose/diagnose';
import { classifyPullError } from '../../../src/core/diagnose/image';
import { inventoryFromObjects } from '../../../src/core/diagnose/inventory';
import { nearMisses } from '../../../src/core/diagnose/refs';
import { editDistance } from '../../../src/core/text/edit-distance';
import { diagnosisMarkdown, diagnosisText } from '../../../src/core/diagnose/render';
import type { DiagnoseInput, Inventory } from '../../../src/core/diagnose/types';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const iso = (ms: number) => new Date(NOW - ms).toISOString();

const input = (parts: Partial<ClusterState>, inventory: Inventory = {}): DiagnoseInput => ({
  state: { ...emptyClusterState(), ...parts },
  inventory,
  now: NOW,
});

const node = (name: string, cpu: string, memory: string, extra: Partial<Node> = {}): Node => ({
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: {
    allocatable: { cpu, memory, pods: '110' },
    conditions: [{ type: 'Ready', status: 'True' }],
  },
  ...extra,
});

const bound = (name: string, nodeName: string, cpu: string): Pod => ({
  kind: 'Pod',
  metadata: { name, namespace: 'x' },
  spec: { nodeName, containers: [{ name: 'c', resources: { requests: { cpu, memory: '1Gi' } } }] },
  status: { phase: 'Running' },
});

const pendingPod = (cpu: string, extra: Record<string, unknown> = {}): Pod => ({
  kind: 'Pod',
  metadata: { name: 'spark', namespace: 'data' },
  spec: { containers: [{ name: 'app', resources: { requests: { cpu, memory: '1Gi' } } }], ...extra },
  status: {
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: '0/2 nodes are available: 2 Insufficient cpu.',
      },
    ],
  },
});

const text = (d: { sections: readonly { findings: readonly { text: string }[] }[] }) =>
  d.sections.flatMap((s) => s.findings.map((f) => f.text)).join('\n');

test('Pending: per node, requests against allocatable minus what is already requested, and the smallest change', () => {
  const pod = pendingPod('4');
  const d = diagnose(
    pod,
    input({
      pods: [
        pod,
        bound('a', 'worker-1', '30'),
        bound('b', 'worker-2', '29.2'),
        { ...bound('done', 'worker-2', '2'), status: { phase: 'Succeeded' } },
      ],
      nodes: [node('worker-1', '32', '64Gi'), node('worker-2', '32', '64Gi')],
    }),
  );
  const section = d.sections[0];
  assert.equal(section?.title, 'Why it is Pending');
  assert.deepEqual(section?.table?.[0], ['Node', 'Fits', 'Why not']);
  const w2 = section?.table?.find((r) => r[0] === 'worker-2');
  assert.equal(w2?.[1], 'no');
  // 32 − 29.2 = 2.8 free; the Succeeded pod holds nothing.
  assert.match(
    w2?.[2] ?? '',
    /Insufficient cpu: requests 4, free 2800m \(32 allocatable − 29200m requested by 1 pods\)/,
  );
  assert.match(text(d), /0\/2 nodes fit: 2 Insufficient cpu/);
  assert.match(text(d), /lower the cpu request to 2800m.*or free 1200m of cpu on worker-2/);
});

test('Pending: an untolerated taint, a nodeSelector and max pods are named per node', () => {
  const pod = pendingPod('1', { nodeSelector: { gpu: 'true' } });
  const full = node('full', '32', '64Gi');
  full.status = { ...full.status, allocatable: { cpu: '32', memory: '64Gi', pods: '1' } };
  const d = diagnose(
    pod,
    input({
      pods: [pod, bound('a', 'full', '1')],
      nodes: [
        node('tainted', '32', '64Gi', {
          spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
        }),
        full,
      ],
    }),
  );
  const table = d.sections[0]?.table ?? [];
  assert.match(
    table.find((r) => r[0] === 'tainted')?.[2] ?? '',
    /untolerated taint dedicated=gpu:NoSchedule/,
  );
  assert.match(
    table.find((r) => r[0] === 'tainted')?.[2] ?? '',
    /nodeSelector gpu=true \(node has no such label\)/,
  );
  assert.match(table.find((r) => r[0] === 'full')?.[2] ?? '', /Too many pods \(1 of 1\)/);
  // Tolerated, the taint is no longer in the way.
  const tolerated = pendingPod('1', {
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
  });
  const d2 = diagnose(
    tolerated,
    input({
      pods: [tolerated],
      nodes: [
        node('tainted', '32', '64Gi', {
          spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
        }),
      ],
    }),
  );
  assert.equal(d2.sections[0]?.table?.[1]?.[1], 'yes');
  const taintOnly = pendingPod('1');
  const d3 = diagnose(
    taintOnly,
    input({
      pods: [taintOnly],
      nodes: [
        node('tainted', '32', '64Gi', {
          spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
        }),
      ],
    }),
  );
  assert.match(text(d3), /Smallest change: add a toleration for dedicated=gpu:NoSchedule/);
});

test('Pending: an unbound or missing PVC is the cause', () => {
  const pod = pendingPod('100m', {
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data-0' } },
      { name: 'x', persistentVolumeClaim: { claimName: 'gone' } },
    ],
  });
  const d = diagnose(
    pod,
    input(
      { pods: [pod], nodes: [node('n', '4', '8Gi')] },
      { claims: [{ namespace: 'data', name: 'data-0', phase: 'Pending', storageClassName: 'fast' }] },
    ),
  );
  assert.match(text(d), /PersistentVolumeClaim data-0 is Pending \(StorageClass fast\)/);
  assert.match(text(d), /PersistentVolumeClaim gone does not exist in data/);
});

const crashing = (env: unknown[], last: Record<string, unknown>, extra: Record<string, unknown> = {}): Pod =>
  ({
    kind: 'Pod',
    metadata: { name: 'superset-worker-1', namespace: 'data-platform', uid: 'u1' },
    spec: { nodeName: 'n', containers: [{ name: 'app', image: 'apache/superset:4.0.2', env }], ...extra },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          restartCount: 23,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { finishedAt: iso(60_000), ...last } },
        },
      ],
    },
  }) as Pod;

test('CrashLoopBackOff: exit codes explained (137 OOMKilled, 127, 126, 1)', () => {
  assert.match(explainExit(137, 'OOMKilled'), /OOMKilled: the kernel killed it/);
  assert.match(explainExit(127, 'Error'), /command not found/);
  assert.match(explainExit(126, 'Error'), /not executable/);
  assert.match(explainExit(1, 'Error'), /application reported an error/);
  const pod = crashing([], {
    exitCode: 127,
    reason: 'Error',
    message: 'bash: /opt/apache-doris/fe/bin/start_fe.sh: No such file or directory',
  });
  const d = diagnose(pod, input({ pods: [pod] }, { secrets: [], configMaps: [] }));
  assert.match(d.verdict ?? '', /Exit 127: command not found/);
  assert.match(text(d), /start_fe\.sh: No such file or directory/);
  assert.ok(d.todo.some((t) => t.action === 'showPreviousLogs'));
});

test('probe failures from events, liveness as a cause', () => {
  const pod = crashing([], { exitCode: 137, reason: 'Error' });
  const events: KubeEvent[] = [
    {
      kind: 'Event',
      involvedObject: { kind: 'Pod', name: 'superset-worker-1', namespace: 'data-platform', uid: 'u1' },
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Liveness probe failed: HTTP probe failed with statuscode: 500',
      count: 7,
      lastTimestamp: iso(30_000),
    },
    {
      kind: 'Event',
      involvedObject: { kind: 'Pod', name: 'other', namespace: 'data-platform' },
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Liveness probe failed: nope',
    },
  ];
  const d = diagnose(pod, input({ pods: [pod], events }));
  assert.match(text(d), /Liveness probe failed: HTTP probe failed with statuscode: 500 \(7×\)/);
  assert.doesNotMatch(text(d), /nope/);
  assert.equal(d.timeline.length, 1);
});

test('secretKeyRef to a missing Secret: the near-miss by edit distance; a missing key; envFrom and volumes', () => {
  assert.equal(editDistance('superset-secret', 'superset-secrets'), 1);
  assert.deepEqual(nearMisses('superset-secret', ['superset-secrets', 'redis', 'superset-config']), [
    'superset-secrets',
  ]);
  const pod = crashing(
    [
      {
        name: 'SUPERSET_SECRET_KEY',
        valueFrom: { secretKeyRef: { name: 'superset-secret', key: 'secret-key', optional: true } },
      },
      { name: 'DB', valueFrom: { secretKeyRef: { name: 'superset-secrets', key: 'database_uri' } } },
    ],
    { exitCode: 1, reason: 'Error' },
    { volumes: [{ name: 'cfg', configMap: { name: 'superset-confg' } }] },
  );
  const d = diagnose(
    pod,
    input(
      { pods: [pod] },
      {
        secrets: [
          { namespace: 'data-platform', name: 'superset-secrets', keys: ['secret-key', 'database-uri'] },
        ],
        configMaps: [{ namespace: 'data-platform', name: 'superset-config', keys: ['superset_config.py'] }],
      },
    ),
  );
  const refs = d.sections.find((s) => s.title === 'References that do not resolve');
  const all = refs?.findings.map((f) => f.text).join('\n') ?? '';
  assert.match(
    all,
    /Secret `superset-secret` not found in data-platform \(env SUPERSET_SECRET_KEY of container app\); `superset-secrets` exists in this namespace\. It is marked optional/,
  );
  assert.match(all, /Secret `superset-secrets` has no key `database_uri`.*it has `database-uri`/);
  assert.match(all, /ConfigMap `superset-confg` not found.*`superset-config` exists/);
  // The missing reference leads: it is the root cause, the crash only the symptom.
  assert.match(d.verdict ?? '', /superset-secret/);
});

test('env host:port naming a Service that lives in another namespace: the FQDN that exists', () => {
  const pod = crashing(
    [
      { name: 'KAFKA', value: 'datahub-kafka-kafka-pool:9092' },
      { name: 'ZK', value: 'zookeeper-service:2181' },
      { name: 'OK', value: 'redis:6379' },
      { name: 'EXT', value: 'https://api.example.com:443/x' },
    ],
    { exitCode: 1 },
  );
  const svc = (name: string, namespace: string) => ({ kind: 'Service', metadata: { name, namespace } });
  const d = diagnose(
    pod,
    input({
      pods: [pod],
      services: [
        svc('datahub-kafka-kafka-pool', 'kafka'),
        svc('zookeeper', 'data-platform'),
        svc('redis', 'data-platform'),
      ],
    }),
  );
  const all = text(d);
  assert.match(
    all,
    /env KAFKA.*`datahub-kafka-kafka-pool:9092`: no Service `datahub-kafka-kafka-pool` in data-platform; it exists in another namespace: use `datahub-kafka-kafka-pool\.kafka\.svc\.cluster\.local:9092`/,
  );
  assert.match(
    all,
    /env ZK.*no Service `zookeeper-service` in data-platform; did you mean `zookeeper:2181`\?/,
  );
  assert.doesNotMatch(all, /redis|example\.com/);
});

test('ImagePullBackOff: the kubelet message classified, pull secrets checked, the nodes that run the image', () => {
  assert.equal(
    classifyPullError('rpc error: code = NotFound desc = failed to pull and unpack image "x": not found'),
    'not found',
  );
  assert.equal(
    classifyPullError(
      'pull access denied, repository does not exist or may require authorization: authorization failed: 401 Unauthorized',
    ),
    'unauthorized',
  );
  assert.equal(classifyPullError('toomanyrequests: You have reached your pull rate limit'), 'rate limited');
  assert.equal(classifyPullError('dial tcp: lookup harbor.254carbon.com: no such host'), 'unreachable');
  const image = 'harbor.254carbon.com/library/portal-services:1.0.0';
  const pod: Pod = {
    kind: 'Pod',
    metadata: { name: 'portal-1', namespace: 'data-platform', uid: 'p1' },
    spec: {
      nodeName: 'k8s-worker',
      imagePullSecrets: [{ name: 'harbor-creds' }],
      containers: [{ name: 'app', image }],
    },
    status: {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'app',
          image,
          state: {
            waiting: {
              reason: 'ErrImagePull',
              message: `failed to pull and unpack image "${image}": not found`,
            },
          },
        },
      ],
    },
  };
  const other: Pod = {
    kind: 'Pod',
    metadata: { name: 'portal-0', namespace: 'data-platform' },
    spec: { nodeName: 'cpu1', containers: [{ name: 'app', image }] },
    status: {
      phase: 'Running',
      containerStatuses: [{ name: 'app', image, imageID: 'sha', state: { running: {} } }],
    },
  };
  const d = diagnose(pod, input({ pods: [pod, other] }, { secrets: [] }));
  const all = text(d);
  assert.match(
    all,
    /Image `harbor\.254carbon\.com\/library\/portal-services:1\.0\.0` \(container app\): not found/,
  );
  assert.match(all, /imagePullSecret `harbor-creds`: does not exist in data-platform/);
  assert.match(
    all,
    /runs in 1 other pod\(s\) on cpu1, but this pod is on k8s-worker: the image is present on cpu1 only/,
  );
});

test('stuck Terminating: each finalizer with who removes it, and force last', () => {
  const pod: Pod = {
    kind: 'Pod',
    metadata: {
      name: 'old',
      namespace: 'data-platform',
      uid: 'o1',
      deletionTimestamp: iso(3_600_000),
      deletionGracePeriodSeconds: 0,
      finalizers: ['kubernetes.io/pvc-protection', 'foregroundDeletion', 'example.com/cleanup'],
    },
    spec: { nodeName: 'gone-node', containers: [{ name: 'app' }] },
    status: { phase: 'Running' },
  };
  const d = diagnose(
    pod,
    input({
      pods: [
        pod,
        {
          kind: 'Pod',
          metadata: {
            name: 'child',
            namespace: 'data-platform',
            ownerReferences: [{ kind: 'Pod', name: 'old', uid: 'o1' }],
          },
        },
      ],
    }),
  );
  const all = text(d);
  assert.equal(d.sections[0]?.title, 'Why it is stuck Terminating');
  assert.match(all, /foregroundDeletion: .* 1 left: Pod\/child/);
  assert.match(
    all,
    /example\.com\/cleanup: set by a controller of example\.com.*no Deployment or StatefulSet named like "example"/,
  );
  assert.match(all, /node gone-node no longer exists/);
  assert.match(all, /Force delete \(grace period 0\) last/);
  assert.equal(d.todo[d.todo.length - 1]?.action, 'forceDeletePod');
});

test('no Secret value ever reaches the output: snapshots holding Secret data are reduced to keys', () => {
  const VALUE = 'c3VwZXItc2VjcmV0LXZhbHVl';
  const PLAIN = 'hunter2-plain';
  const inventory = inventoryFromObjects([
    {
      kind: 'SecretList',
      items: [
        {
          metadata: { name: 'superset-secrets', namespace: 'data-platform' },
          data: { 'secret-key': VALUE },
          stringData: { 'admin-password': PLAIN },
        },
      ],
    },
    { kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'data-platform' }, data: { 'a.py': PLAIN } },
  ]);
  assert.deepEqual(inventory.secrets, [
    { namespace: 'data-platform', name: 'superset-secrets', keys: ['admin-password', 'secret-key'] },
  ]);
  assert.equal(JSON.stringify(inventory).includes(VALUE) || JSON.stringify(inventory).includes(PLAIN), false);
  const pod = crashing(
    [{ name: 'K', valueFrom: { secretKeyRef: { name: 'superset-secret', key: 'secret-key' } } }],
    { exitCode: 1 },
  );
  const d = diagnose(pod, input({ pods: [pod] }, inventory));
  const rendered = [JSON.stringify(d), diagnosisMarkdown(d), diagnosisText(d)].join('\n');
  assert.match(rendered, /superset-secrets/);
  assert.equal(rendered.includes(VALUE), false);
  assert.equal(rendered.includes(PLAIN), false);
  // Not listed at all: unknown, not "missing".
  assert.equal(inventoryFromObjects([]).secrets, undefined);
});

test('events timeline: pod, ReplicaSet and Deployment merged and sorted; markdown keeps cluster text inert', () => {
  const pod = crashing([], { exitCode: 1 });
  pod.metadata = {
    ...pod.metadata,
    ownerReferences: [{ kind: 'ReplicaSet', name: 'superset-worker-7c', controller: true }],
  };
  const rs = {
    kind: 'ReplicaSet',
    metadata: {
      name: 'superset-worker-7c',
      namespace: 'data-platform',
      ownerReferences: [{ kind: 'Deployment', name: 'superset-worker', controller: true }],
    },
  };
  const dep = { kind: 'Deployment', metadata: { name: 'superset-worker', namespace: 'data-platform' } };
  const ev = (kind: string, name: string, at: number, message: string): KubeEvent => ({
    kind: 'Event',
    involvedObject: { kind, name, namespace: 'data-platform' },
    reason: 'R',
    message,
    lastTimestamp: iso(at),
  });
  const d = diagnose(
    pod,
    input({
      pods: [pod],
      replicaSets: [rs],
      deployments: [dep],
      events: [
        ev('Pod', 'superset-worker-1', 10_000, '<img src=x onerror=alert(1)>'),
        ev('Deployment', 'superset-worker', 90_000, 'scaled'),
        ev('ReplicaSet', 'superset-worker-7c', 50_000, 'created pod'),
      ],
    }),
  );
  assert.equal(d.owner, 'Deployment/superset-worker');
  assert.deepEqual(
    d.timeline.map((e) => e.object),
    ['Deployment/superset-worker', 'ReplicaSet/superset-worker-7c', 'Pod/superset-worker-1'],
  );
  const md = diagnosisMarkdown(d);
  assert.equal(md.includes('<img'), false);
  assert.match(md, /&lt;img src=x onerror=alert\(1\)&gt;/);
});

test('diagnoseAll covers every problem pod and skips healthy and completed ones; diagnosePod finds by name', () => {
  const healthy: Pod = {
    kind: 'Pod',
    metadata: { name: 'ok', namespace: 'a' },
    spec: { nodeName: 'n', containers: [{ name: 'c' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'c', ready: true, state: { running: {} } }],
    },
  };
  const done: Pod = {
    kind: 'Pod',
    metadata: { name: 'done', namespace: 'a' },
    status: { phase: 'Succeeded' },
  };
  const bad = crashing([], { exitCode: 1 });
  const all = diagnoseAll(input({ pods: [healthy, done, bad] }));
  assert.deepEqual(
    all.map((d) => d.pod),
    ['superset-worker-1'],
  );
  assert.equal(
    diagnosePod(input({ pods: [bad] }), 'data-platform', 'superset-worker-1')?.reason,
    'CrashLoopBackOff',
  );
  assert.equal(diagnosePod(input({ pods: [bad] }), 'data-platform', 'nope'), undefined);
});

test('a namespace stuck Terminating: the objects left, a discovery failure (unavailable APIService) as the cause', () => {
  const ns = {
    kind: 'Namespace',
    metadata: { name: 'old-team', deletionTimestamp: iso(3_600_000) },
    status: {
      phase: 'Terminating',
      conditions: [
        {
          type: 'NamespaceDeletionDiscoveryFailure',
          status: 'True',
          message:
            'Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: stale GroupVersion discovery',
        },
      ],
    },
  };
  const left: Pod = {
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'old-team' },
    status: { phase: 'Running' },
  };
  const all = diagnoseAll(
    input({
      namespaces: [ns, { kind: 'Namespace', metadata: { name: 'fine' }, status: { phase: 'Active' } }],
      pods: [left],
    }),
  );
  const d = all.find((x) => x.owner === 'Namespace/old-team');
  assert.ok(d);
  assert.equal(all.filter((x) => x.owner.startsWith('Namespace/')).length, 1);
  assert.match(text(d), /Objects still in old-team: 1 Pod/);
  assert.match(
    text(d),
    /NamespaceDeletionDiscoveryFailure: .*metrics\.k8s\.io\/v1beta1.* an unavailable APIService blocks namespace deletion/,
  );
  assert.match(diagnosisMarkdown(d), /^# Diagnose: Namespace\/old-team/);
});
