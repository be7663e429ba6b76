/**
 * Diagnose's Pending verdicts against the real kube-scheduler's: the test control plane runs the
 * scheduler (testcluster -scheduler), which writes its own "0/3 nodes are available: …" into each
 * pod it cannot place; Shipshape judges the same pods from the same API server, node by node, and
 * both must name the same reasons for the same number of nodes.
 */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readForDiagnosis } from '../../src/adapters/k8s/diagnose-read';
import type { KubeRest } from '../../src/adapters/k8s/rest';
import { diagnosePod } from '../../src/core/diagnose/diagnose';
import { stateFromObjects } from '../../src/core/k8s/state';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually, namespace, restFor } from './support/kube';

const NS = 'scheduling';
let cluster: TestCluster;
let rest: KubeRest;

const create = (path: string, body: Record<string, unknown>) =>
  rest.request<Record<string, unknown>>('POST', path, { body, what: `create ${path}` });

/** A Ready node with its capacity, and exactly the taints given (admission's not-ready one lifted). */
async function node(name: string, cpu: string, labels: Record<string, string>, taints: unknown[]) {
  const created = await create('/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  });
  const capacity = { cpu, memory: '16Gi', pods: '110' };
  await rest.request('PUT', `/api/v1/nodes/${name}/status`, {
    body: {
      ...created,
      status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
    },
    what: 'write node status',
  });
  await rest.request('PATCH', `/api/v1/nodes/${name}`, {
    body: { spec: { taints: taints.length ? taints : null } },
    contentType: 'application/merge-patch+json',
    what: `set the taints of ${name}`,
  });
}

const pod = (name: string, cpu: string, spec: Record<string, unknown> = {}) =>
  create(`/api/v1/namespaces/${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS },
    spec: {
      containers: [{ name: 'app', image: 'busybox:1.36', resources: { requests: { cpu } } }],
      ...spec,
    },
  });

before(async () => {
  cluster = await startTestCluster({ scheduler: true });
  rest = restFor(cluster.kubeconfig);
  await namespace(rest, NS);
  // Every node settled before any pod exists: the scheduler's first try sees the final cluster.
  await node('n1', '4', {}, []);
  await node('n2', '4', {}, []);
  await node('gpu-1', '8', { pool: 'gpu' }, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
  await pod('filler', '3', { nodeName: 'n1' });
  const broker = { labels: { app: 'broker' } };
  await create(`/api/v1/namespaces/${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'broker-0', namespace: NS, ...broker },
    spec: { nodeName: 'n2', containers: [{ name: 'app', image: 'busybox:1.36' }] },
  });
  await create(`/api/v1/namespaces/${NS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'broker-1', namespace: NS, ...broker },
    spec: {
      containers: [{ name: 'app', image: 'busybox:1.36', resources: { requests: { cpu: '2' } } }],
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: broker.labels }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      },
    },
  });
  await pod('big', '6');
  await pod('gpu-job', '1', { nodeSelector: { pool: 'gpu' } });
  await create(`/api/v1/namespaces/${NS}/persistentvolumeclaims`, {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'scratch', namespace: NS },
    // No class: bound immediately or never — no PersistentVolume exists.
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: '',
      resources: { requests: { storage: '1Gi' } },
    },
  });
  await pod('writer', '100m', { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'scratch' } }] });
  await boundVolume('gpu-data', { pool: ['gpu'] });
  await pod('gpu-reader', '100m', {
    volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'gpu-data' } }],
  });
});

/**
 * A claim already bound to a PersistentVolume that may only be attached on nodes matching
 * `affinity` (a local disk, a zonal cloud disk): the scheduler's VolumeBinding filter.
 */
async function boundVolume(name: string, affinity: Record<string, string[]>) {
  await create('/api/v1/persistentvolumes', {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pv-${name}` },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: '',
      hostPath: { path: `/tmp/${name}` },
      claimRef: { namespace: NS, name },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            {
              matchExpressions: Object.entries(affinity).map(([key, values]) => ({
                key,
                operator: 'In',
                values,
              })),
            },
          ],
        },
      },
    },
  });
  await create(`/api/v1/namespaces/${NS}/persistentvolumeclaims`, {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    // What the PV controller writes once it has bound the pair.
    metadata: { name, namespace: NS, annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: '',
      volumeName: `pv-${name}`,
      resources: { requests: { storage: '1Gi' } },
    },
  });
  const bound = { body: { status: { phase: 'Bound' } }, contentType: 'application/merge-patch+json' };
  await rest.request('PATCH', `/api/v1/namespaces/${NS}/persistentvolumeclaims/${name}/status`, {
    ...bound,
    what: 'bind the claim',
  });
  await rest.request('PATCH', `/api/v1/persistentvolumes/pv-${name}/status`, {
    ...bound,
    what: 'bind the volume',
  });
}
after(async () => {
  rest?.dispose();
  await cluster?.stop();
});

/** "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu." → reason → node count. */
function schedulerReasons(message: string): Record<string, number> {
  // The list ends at its first full stop; notes follow ("no new claims to deallocate, preemption: …").
  const list = /nodes are available: ([^.]*)/.exec(message)?.[1] ?? '';
  const out: Record<string, number> = {};
  for (const part of list.split(', ')) {
    const m = /^(\d+) (.*)$/.exec(part);
    if (!m) continue;
    const text = m[2] ?? '';
    // The scheduler no longer names the taint ("node(s) had untolerated taint(s)").
    const key = /untolerated taint/.test(text)
      ? 'untolerated taint'
      : /node affinity\/selector/.test(text)
        ? 'node selector'
        : /pod anti-affinity rules/.test(text)
          ? 'pod anti-affinity'
          : // "volume node affinity conflict" until Kubernetes 1.28.
            /volume node affinity conflict|didn't match PersistentVolume's node affinity/.test(text)
            ? 'volume node affinity conflict'
            : text;
    out[key] = (out[key] ?? 0) + Number(m[1]);
  }
  return out;
}

/** Shipshape's "0/3 nodes fit: 2 Insufficient cpu, 1 untolerated taint dedicated=gpu" the same way. */
function shipshapeReasons(verdict: string): Record<string, number> {
  const list = /nodes fit: (.*)$/.exec(verdict)?.[1] ?? '';
  const out: Record<string, number> = {};
  for (const part of list.split(', ')) {
    const m = /^(\d+) (.*)$/.exec(part);
    if (!m) continue;
    const text = m[2] ?? '';
    const key = text.startsWith('untolerated taint ')
      ? 'untolerated taint'
      : /^(nodeSelector|required node affinity)/.test(text)
        ? 'node selector'
        : text;
    out[key] = (out[key] ?? 0) + Number(m[1]);
  }
  return out;
}

/** Reads the cluster as `shipshape diagnose --context` does until the scheduler has judged `name`. */
async function judged(name: string) {
  return eventually(
    async () => {
      const read = await readForDiagnosis(rest);
      const input = { state: stateFromObjects(read.objects), inventory: read.inventory, now: Date.now() };
      const p = input.state.pods.find((x) => x.metadata?.namespace === NS && x.metadata?.name === name);
      const condition = p?.status?.conditions?.find((c) => c.type === 'PodScheduled');
      assert.equal(condition?.reason, 'Unschedulable', `the scheduler has not judged ${name} yet`);
      return { scheduler: condition?.message ?? '', diagnosis: diagnosePod(input, NS, name) };
    },
    120_000,
    `the scheduler's verdict on ${name}`,
  );
}

test('resources: the same nodes short of cpu, and the tainted one, as the scheduler says', async () => {
  const { scheduler, diagnosis } = await judged('big');
  assert.deepEqual(schedulerReasons(scheduler), { 'Insufficient cpu': 2, 'untolerated taint': 1 }, scheduler);
  assert.deepEqual(shipshapeReasons(diagnosis?.verdict ?? ''), schedulerReasons(scheduler), scheduler);
  assert.match(diagnosis?.verdict ?? '', /^0\/3 nodes fit: /);
});

test('taint and node selector: the reserved node for its taint, the others for the selector', async () => {
  const { scheduler, diagnosis } = await judged('gpu-job');
  assert.deepEqual(schedulerReasons(scheduler), { 'untolerated taint': 1, 'node selector': 2 }, scheduler);
  assert.deepEqual(shipshapeReasons(diagnosis?.verdict ?? ''), schedulerReasons(scheduler), scheduler);
  assert.match(
    diagnosis?.sections.flatMap((s) => s.findings.map((f) => f.text)).join('\n') ?? '',
    /Smallest change: add a toleration for dedicated=gpu:NoSchedule/,
  );
});

test('pod anti-affinity: the node running the other broker, as the scheduler says', async () => {
  const { scheduler, diagnosis } = await judged('broker-1');
  assert.deepEqual(
    schedulerReasons(scheduler),
    { 'Insufficient cpu': 1, 'pod anti-affinity': 1, 'untolerated taint': 1 },
    scheduler,
  );
  assert.deepEqual(shipshapeReasons(diagnosis?.verdict ?? ''), schedulerReasons(scheduler), scheduler);
  const table = diagnosis?.sections.find((s) => s.title === 'Why it is Pending')?.table ?? [];
  assert.match(table.find((r) => r[0] === 'n2')?.[2] ?? '', /^pod anti-affinity: broker-0 \(app=broker\)/);
});

test('unbound PVC: the scheduler waits on the claim; Diagnose names it', async () => {
  const { scheduler, diagnosis } = await judged('writer');
  assert.match(scheduler, /unbound immediate PersistentVolumeClaims/);
  assert.match(diagnosis?.verdict ?? '', /^PersistentVolumeClaim scratch is Pending/);
});

test('volume node affinity: the nodes its bound volume cannot reach, as the scheduler says', async () => {
  const { scheduler, diagnosis } = await judged('gpu-reader');
  assert.deepEqual(
    schedulerReasons(scheduler),
    { 'untolerated taint': 1, 'volume node affinity conflict': 2 },
    scheduler,
  );
  assert.deepEqual(shipshapeReasons(diagnosis?.verdict ?? ''), schedulerReasons(scheduler), scheduler);
  const table = diagnosis?.sections.find((s) => s.title === 'Why it is Pending')?.table ?? [];
  assert.match(
    table.find((r) => r[0] === 'n1')?.[2] ?? '',
    /^volume node affinity conflict: the node doesn't match PersistentVolume pv-gpu-data's node affinity \(claim gpu-data: needs pool In \[gpu\]; node has no pool\)$/,
  );
});

test('the oracle is live: a pod that fits is bound, never to the tainted node', async () => {
  // Created last: where it lands changes what is free on n1 or n2.
  await pod('fits', '1');
  const bound = await eventually(
    async () => {
      const p = await rest.request<{ spec?: { nodeName?: string } }>(
        'GET',
        `/api/v1/namespaces/${NS}/pods/fits`,
        { what: 'read pod fits' },
      );
      assert.ok(p.spec?.nodeName, 'not bound yet');
      return p.spec.nodeName;
    },
    120_000,
    'the scheduler binding fits',
  );
  assert.ok(['n1', 'n2'].includes(bound), bound);
});
