/** Diagnose on the seeded platform, read from the real API server as `shipshape diagnose --context` does. */
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadScenario } from '../../scenarios/loader';
import { readForDiagnosis } from '../../src/adapters/k8s/diagnose-read';
import type { KubeRest } from '../../src/adapters/k8s/rest';
import { diagnoseCommand } from '../../src/cli/diagnose';
import { diagnoseAll, diagnosePod } from '../../src/core/diagnose/diagnose';
import type { DiagnoseInput, Diagnosis } from '../../src/core/diagnose/types';
import { stateFromObjects } from '../../src/core/k8s/state';
import { writeContainerLog } from '../../scripts/harness/pod-logs';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually, namespace, restFor } from './support/kube';

let cluster: TestCluster;
let input: DiagnoseInput;
let raw = '';
before(async () => {
  cluster = await startTestCluster();
  await loadScenario(cluster.kubeconfig, 'seeds');
  const read = await readForDiagnosis(restFor(cluster.kubeconfig));
  raw = JSON.stringify(read);
  input = { state: stateFromObjects(read.objects), inventory: read.inventory, now: Date.now() };
});
after(async () => {
  await cluster?.stop();
});

const text = (d: Diagnosis | undefined) =>
  (d?.sections ?? []).flatMap((s) => s.findings.map((f) => f.text)).join('\n');
const podOf = (prefix: string) => {
  const pod = input.state.pods.find((p) => p.metadata?.name?.startsWith(prefix));
  return diagnosePod(input, pod?.metadata?.namespace ?? '', pod?.metadata?.name ?? '');
};

test('Secrets are read for names and keys only: no value is held after the read', () => {
  const secret = input.inventory.secrets?.find((s) => s.name === 'superset-secrets');
  assert.deepEqual(secret, {
    namespace: 'data-platform',
    name: 'superset-secrets',
    keys: ['admin-password', 'database-uri', 'secret-key'],
  });
  assert.equal(raw.includes('Y2hhbmdlLW1l'), false, 'the seeded value never leaves the reader');
});

test('superset: the optional secretKeyRef names superset-secret; superset-secrets exists', () => {
  const d = podOf('superset-worker-');
  assert.match(
    d?.verdict ?? '',
    /Secret `superset-secret` not found in data-platform.*`superset-secrets` exists/,
  );
  assert.match(text(d), /Refusing to start due to insecure SECRET_KEY/);
});

test('doris-fe: exit 127 and the missing start script from the termination message', () => {
  const d = diagnosePod(input, 'data-platform', 'doris-fe-0');
  assert.match(d?.verdict ?? '', /Exit 127: command not found/);
  assert.match(text(d), /start_fe\.sh: No such file or directory/);
});

test('datahub-gms: a bare Service name from another namespace, with the FQDN that exists', () => {
  assert.match(
    text(podOf('datahub-gms-')),
    /use `datahub-kafka-kafka-pool\.kafka\.svc\.cluster\.local:9092`/,
  );
  // The ExternalName Service in its own namespace resolves: not reported.
  assert.doesNotMatch(text(podOf('datahub-gms-')), /postgres-shared-service/);
});

test('spark-history-server: per-node cpu numbers from the real nodes and pods; the smallest change', () => {
  const d = podOf('spark-history-server-');
  const table = d?.sections.find((s) => s.title === 'Why it is Pending')?.table ?? [];
  assert.deepEqual(
    table.slice(1).map((r) => [r[0], r[1]]),
    [
      ['cpu1', 'no'],
      ['k8s-worker', 'no'],
    ],
  );
  for (const row of table.slice(1))
    assert.match(row[2] ?? '', /^Insufficient cpu: requests 48, free [\d.m]+ \(32 allocatable − /);
  assert.match(text(d), /0\/2 nodes fit: 2 Insufficient cpu/);
  assert.match(text(d), /larger than the whole node/);
});

test('portal-services: ErrImagePull classified as not found; the stuck Terminating pod names its finalizer', () => {
  assert.match(podOf('portal-services-')?.verdict ?? '', /portal-services:1\.0\.0.*not found/);
  const old = podOf('superset-web-7c9f8d6b5d-');
  assert.equal(old?.sections[0]?.title, 'Why it is stuck Terminating');
  assert.match(text(old), /shipshape\.dev\/stuck-volume-detach: set by a controller of shipshape\.dev/);
});

test('shipshape diagnose --context --all: every problem pod explained, as json', async () => {
  let printed = '';
  const code = await diagnoseCommand(
    ['--all', '--kubeconfig', cluster.kubeconfig, '--format', 'json'],
    (s) => (printed += s),
  );
  assert.equal(code, 0);
  const { diagnoses } = JSON.parse(printed) as { diagnoses: Diagnosis[] };
  assert.equal(diagnoses.length, 19);
  for (const d of diagnoses) assert.ok(d.verdict, `${d.namespace}/${d.pod} has no verdict`);
  assert.equal(printed.includes('Y2hhbmdlLW1l'), false);
});

test("mlflow (OOMKilled): the previous container's last log lines, read through the API server from the node's kubelet", async () => {
  const pod = input.state.pods.find((p) => p.metadata?.name?.startsWith('mlflow-'));
  const name = pod?.metadata?.name ?? '';
  const status = pod?.status?.containerStatuses?.[0];
  assert.equal(status?.lastState?.terminated?.reason, 'OOMKilled');
  assert.equal(status?.restartCount, 14);
  // The kubelet keeps one file per container start: restart 13 is the instance that was killed.
  const log = { namespace: 'data-platform', name, container: status?.name ?? '' };
  writeContainerLog(cluster.podLogs, { ...log, restart: 13 }, [
    '[INFO] Starting gunicorn 21.2.0',
    { text: 'Loading model registry cache: 120000 runs', stream: 'stderr' },
  ]);
  writeContainerLog(cluster.podLogs, { ...log, restart: 14 }, ['the current instance, not this one']);
  let printed = '';
  const code = await diagnoseCommand(
    [`data-platform/${name}`, '--kubeconfig', cluster.kubeconfig, '--format', 'json'],
    (s) => (printed += s),
  );
  assert.equal(code, 0);
  const [d] = (JSON.parse(printed) as { diagnoses: Diagnosis[] }).diagnoses;
  assert.match(d?.verdict ?? '', /OOMKilled: the kernel killed it/);
  assert.match(
    text(d),
    new RegExp(
      `Last 2 log lines of ${status?.name ?? ''}'s previous container \\(before restart 14\\):\n {4}\\[INFO\\] Starting gunicorn 21\\.2\\.0\n {4}Loading model registry cache: 120000 runs`,
    ),
  );
  assert.doesNotMatch(printed, /the current instance/);
});

/**
 * Cases the seeds lack, each in objects of its own (after the seeded tests above, which count
 * the seeded problems): the API server's own admission and aggregation decide what is stored
 * (the pvc-protection finalizer, a claim's Pending phase, an APIService's Available condition);
 * Diagnose is then read back as `shipshape diagnose --context` reads it.
 */
describe('cases beyond the seeds, on the real API server', () => {
  const NS = 'diagnose-cases';
  let rest: KubeRest;
  let cases: DiagnoseInput;
  const create = (path: string, body: Record<string, unknown>) =>
    rest.request<Record<string, unknown>>('POST', path, { body, what: `create ${path}` });
  const pod = (name: string, spec: Record<string, unknown>) =>
    create(`/api/v1/namespaces/${NS}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NS },
      spec: {
        containers: [{ name: 'app', image: 'busybox:1.36', resources: { requests: { cpu: '1' } } }],
        ...spec,
      },
    });

  before(async () => {
    rest = restFor(cluster.kubeconfig);
    await namespace(rest, NS);
    // A GPU node reserved by its taint: admission adds its own not-ready taint, replaced here as
    // the node lifecycle controller and an operator would leave it.
    const gpu = await create('/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'gpu-1', labels: { 'kubernetes.io/hostname': 'gpu-1', pool: 'gpu' } },
    });
    const capacity = { cpu: '8', memory: '64Gi', pods: '110' };
    await rest.request('PUT', '/api/v1/nodes/gpu-1/status', {
      body: {
        ...gpu,
        status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
      },
      what: 'write node status',
    });
    await rest.request('PATCH', '/api/v1/nodes/gpu-1', {
      body: { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } },
      contentType: 'application/merge-patch+json',
      what: 'taint gpu-1',
    });
    await pod('trainer', { nodeSelector: { pool: 'gpu' } });
    // A claim no provisioner will ever bind, and the pod waiting for it.
    const claim = (name: string, storageClassName: string) =>
      create(`/api/v1/namespaces/${NS}/persistentvolumeclaims`, {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name, namespace: NS },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName,
          resources: { requests: { storage: '1Gi' } },
        },
      });
    await claim('scratch', 'fast-ssd');
    const volume = (claimName: string) => ({
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    });
    await pod('writer', volume('scratch'));
    // A claim deleted while a pod on a node still mounts it.
    await claim('data', 'standard');
    await pod('reader', { nodeName: 'cpu1', ...volume('data') });
    await rest.request('DELETE', `/api/v1/namespaces/${NS}/persistentvolumeclaims/data`, {
      what: 'delete claim data',
    });
    // An aggregated API whose Service does not exist, and a namespace deleted after it.
    await create('/apis/apiregistration.k8s.io/v1/apiservices', {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.metrics.diagnose.example' },
      spec: {
        group: 'metrics.diagnose.example',
        version: 'v1beta1',
        service: { namespace: NS, name: 'metrics' },
        groupPriorityMinimum: 100,
        versionPriority: 100,
        insecureSkipTLSVerify: true,
      },
    });
    await namespace(rest, 'old-team');
    await rest.request('DELETE', '/api/v1/namespaces/old-team', { what: 'delete namespace old-team' });
    const read = async () => {
      const got = await readForDiagnosis(rest);
      return { state: stateFromObjects(got.objects), inventory: got.inventory, now: Date.now() };
    };
    // The aggregator's availability controller judges the APIService on its own schedule.
    cases = await eventually(
      async () => {
        const r = await read();
        const api = r.inventory.apiServices?.find((a) => a.name === 'v1beta1.metrics.diagnose.example');
        assert.equal(api?.available, false, JSON.stringify(api));
        return r;
      },
      60_000,
      'the APIService judged unavailable',
    );
  });
  after(() => rest?.dispose());

  test('untolerated taint: the GPU node is named for its taint, the others for the nodeSelector', () => {
    const d = diagnosePod(cases, NS, 'trainer');
    const table = d?.sections.find((s) => s.title === 'Why it is Pending')?.table ?? [];
    const row = (node: string) => table.find((r) => r[0] === node);
    assert.deepEqual(row('gpu-1')?.slice(1), ['no', 'untolerated taint dedicated=gpu:NoSchedule']);
    for (const node of ['cpu1', 'k8s-worker'])
      assert.match(row(node)?.[2] ?? '', /^nodeSelector pool=gpu \(node has no such label\)$/);
    // Counted per reason, in node order.
    assert.match(d?.verdict ?? '', /^0\/3 nodes fit: /);
    assert.match(d?.verdict ?? '', /\b1 untolerated taint dedicated=gpu\b/);
    assert.match(d?.verdict ?? '', /\b2 nodeSelector pool=gpu\b/);
    assert.match(text(d), /Smallest change: add a toleration for dedicated=gpu:NoSchedule/);
  });

  test('unbound PVC: the claim the API server stored as Pending is the cause', () => {
    const d = diagnosePod(cases, NS, 'writer');
    assert.match(
      d?.verdict ?? '',
      /^PersistentVolumeClaim scratch is Pending \(StorageClass fast-ssd\): the pod waits for it to bind$/,
    );
  });

  test('PVC stuck Terminating: the pvc-protection finalizer admission added, and the pod still using it', () => {
    const claim = cases.inventory.claims?.find((c) => c.namespace === NS && c.name === 'data');
    assert.deepEqual(claim?.finalizers, ['kubernetes.io/pvc-protection']);
    assert.ok(claim?.deletionTimestamp);
    const d = diagnoseAll(cases).find((x) => x.owner === 'PersistentVolumeClaim/data');
    assert.match(
      d?.verdict ?? '',
      /^kubernetes\.io\/pvc-protection: removed by the PVC protection controller once no pod uses the claim — still used by reader: delete those pods first\.$/,
    );
  });

  test("namespace stuck Terminating: the unavailable APIService, in the aggregator's own words", () => {
    const d = diagnoseAll(cases).find((x) => x.owner === 'Namespace/old-team');
    assert.match(
      d?.verdict ?? '',
      /^APIService v1beta1\.metrics\.diagnose\.example is unavailable \(ServiceNotFound: .*metrics.*\): the namespace controller cannot list its resources in old-team, so deletion waits — fix Service diagnose-cases\/metrics or delete the APIService\.$/,
    );
  });
});
