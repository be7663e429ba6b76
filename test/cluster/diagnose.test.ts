/** Diagnose on the seeded platform, read from the real API server as `shipshape diagnose --context` does. */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadScenario } from '../../scenarios/loader';
import { readForDiagnosis } from '../../src/adapters/k8s/diagnose-read';
import { diagnoseCommand } from '../../src/cli/diagnose';
import { diagnosePod } from '../../src/core/diagnose/diagnose';
import type { DiagnoseInput, Diagnosis } from '../../src/core/diagnose/types';
import { stateFromObjects } from '../../src/core/k8s/state';
import { writeContainerLog } from '../../scripts/harness/pod-logs';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { restFor } from './support/kube';

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
