/** The seeded platform, loaded through the real API, read back like `kubectl get -A` would. */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { countScenario, loadScenario, seedsScenario } from '../../scenarios/loader';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { restFor } from './support/kube';

interface PodItem {
  metadata: { name: string; namespace: string; deletionTimestamp?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: { ready?: boolean; state?: { waiting?: { reason?: string } } }[];
    initContainerStatuses?: { state?: { waiting?: { reason?: string } } }[];
  };
}

/** kubectl's STATUS column, computed from the raw objects (independent of our health model). */
function kubectlStatus(p: PodItem): string {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  const init = p.status?.initContainerStatuses?.find((c) => c.state?.waiting?.reason);
  if (init) return `Init:${init.state?.waiting?.reason ?? ''}`;
  const waiting = p.status?.containerStatuses?.find(
    (c) => c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing',
  );
  if (waiting) return waiting.state?.waiting?.reason ?? '';
  if (p.status?.phase === 'Succeeded') return 'Completed';
  if (p.status?.phase === 'Failed') return 'Error';
  const unscheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return unscheduled.reason ?? 'Pending';
  if (p.status?.phase === 'Running' && !(p.status.containerStatuses ?? []).every((c) => c.ready))
    return 'NotReady';
  return p.status?.phase ?? 'Unknown';
}

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster();
  await loadScenario(cluster.kubeconfig, 'seeds');
});
after(async () => {
  await cluster?.stop();
});

test("the scenario file's expected block matches its own data", () => {
  const { scenario } = seedsScenario();
  const counted = countScenario(scenario);
  assert.deepEqual(
    { pods: counted.pods, failing: counted.failing, completed: counted.completed },
    {
      pods: scenario.expected?.pods,
      failing: scenario.expected?.failing,
      completed: scenario.expected?.completed,
    },
  );
  assert.deepEqual(counted.reasons, scenario.expected?.reasons);
});

test('pods across all namespaces: totals and reasons are what the scenario says (147, 19 failing)', async () => {
  const expected = seedsScenario().scenario.expected;
  const pods = (
    await restFor(cluster.kubeconfig).request<{ items: PodItem[] }>('GET', '/api/v1/pods', {
      what: 'list pods',
    })
  ).items;
  const statuses = pods.map(kubectlStatus);
  assert.equal(pods.length, expected?.pods);
  assert.equal(statuses.filter((s) => s === 'Completed').length, expected?.completed);
  assert.equal(statuses.filter((s) => s !== 'Running' && s !== 'Completed').length, expected?.failing);
  const reasons: Record<string, number> = {};
  for (const s of statuses) if (s !== 'Running' && s !== 'Completed') reasons[s] = (reasons[s] ?? 0) + 1;
  assert.deepEqual(reasons, expected?.reasons);
});

test('the pods the runbooks name exist with their reasons', async () => {
  const rest = restFor(cluster.kubeconfig);
  const get = async (ns: string, name: string) =>
    kubectlStatus(
      await rest.request<PodItem>('GET', `/api/v1/namespaces/${ns}/pods/${name}`, { what: 'read pod' }),
    );
  assert.equal(await get('data-platform', 'redis-67b547c596-gwd9s'), 'ImagePullBackOff');
  assert.equal(await get('data-platform', 'spark-history-server-64f987bdcf-4g965'), 'Unschedulable');
  const spark = await rest.request<PodItem & { status: { conditions: { message?: string }[] } }>(
    'GET',
    '/api/v1/namespaces/data-platform/pods/spark-history-server-64f987bdcf-4g965',
    { what: 'read' },
  );
  assert.match(spark.status.conditions[0]?.message ?? '', /Insufficient cpu/);
});

test('PDBs, quotas with status.used, Argo CD applications, CRs, events and the wrong ExternalName', async () => {
  const rest = restFor(cluster.kubeconfig);
  const list = async <T>(path: string) =>
    (await rest.request<{ items: T[] }>('GET', path, { what: `list ${path}` })).items;
  const pdbs = await list<{ metadata: { name: string } }>('/apis/policy/v1/poddisruptionbudgets');
  assert.deepEqual(pdbs.map((p) => p.metadata.name).sort(), ['dolphinscheduler-api-pdb', 'kafka-broker-pdb']);
  const quotas = await list<{ metadata: { namespace: string }; status?: { used?: Record<string, string> } }>(
    '/api/v1/resourcequotas',
  );
  assert.deepEqual(
    quotas.map((q) => q.metadata.namespace),
    ['kafka'],
  );
  assert.match(quotas[0]?.status?.used?.['requests.cpu'] ?? '', /^\d+m$/);
  const apps = await list<{ status?: { sync?: { status?: string }; health?: { status?: string } } }>(
    '/apis/argoproj.io/v1alpha1/applications',
  );
  assert.equal(apps.length, 17);
  assert.equal(apps.filter((a) => a.status?.sync?.status === 'Synced').length, 8);
  assert.equal(apps.filter((a) => a.status?.sync?.status === 'OutOfSync').length, 3);
  assert.equal(apps.filter((a) => a.status?.health?.status === 'Degraded').length, 3);
  assert.equal(
    (await list('/apis/kyverno.io/v2beta1/policyexceptions')).length,
    11,
    'served under both Kyverno versions',
  );
  assert.equal((await list('/apis/velero.io/v1/schedules')).length, 4);
  assert.equal((await list('/apis/kafka.strimzi.io/v1beta2/kafkas')).length, 1);
  const events = await list<{ type: string; reason: string; involvedObject: { name: string } }>(
    '/api/v1/namespaces/data-platform/events',
  );
  assert.ok(
    events.some(
      (e) =>
        e.type === 'Warning' &&
        e.reason === 'FailedScheduling' &&
        e.involvedObject.name === 'spark-history-server-64f987bdcf-4g965',
    ),
  );
  assert.ok(events.filter((e) => e.reason === 'BackOff').length >= 8);
  const svc = await rest.request<{ spec: { externalName: string } }>(
    'GET',
    '/api/v1/namespaces/data-platform/services/postgres-shared-service',
    { what: 'read service' },
  );
  assert.equal(svc.spec.externalName, 'postgres.default.svc.cluster.local');
});
