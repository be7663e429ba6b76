/** The seeded platform, loaded through the real API, read back like `kubectl get -A` would. */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { countScenario, loadScenario, seedsScenario } from '../../scenarios/loader';
import { ClusterConnection } from '../../src/adapters/k8s/connection';
import { forContext, loadKubeconfig } from '../../src/adapters/k8s/kubeconfig';
import { health, healthJson } from '../../src/cli/health';
import { summarise } from '../../src/core/health/summary';
import { managementOf } from '../../src/core/k8s/management';
import { silentLogger } from '../../src/core/log';
import { isAlive } from '../../scripts/harness/process';
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
  const pid = cluster?.pid;
  await cluster?.stop();
  assert.equal(isAlive(pid), false, 'the API server never outlives the test run');
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

interface Named {
  metadata: { name: string; namespace?: string };
}
const key = (o: Named) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

test('PDBs and quotas: the "before" state the scenario names (quotas with status.hard/used)', async () => {
  const rest = restFor(cluster.kubeconfig);
  const expected = seedsScenario().scenario.expected;
  const list = async <T>(path: string) =>
    (await rest.request<{ items: T[] }>('GET', path, { what: `list ${path}` })).items;
  const pdbs = await list<Named>('/apis/policy/v1/poddisruptionbudgets');
  assert.deepEqual(pdbs.map(key).sort(), [...(expected?.pdbs?.present ?? [])].sort());
  for (const missing of expected?.pdbs?.missing ?? []) assert.ok(!pdbs.map(key).includes(missing), missing);
  const quotas = await list<
    Named & { status?: { hard?: Record<string, string>; used?: Record<string, string> } }
  >('/api/v1/resourcequotas');
  assert.deepEqual(quotas.map(key).sort(), [...(expected?.quotas?.present ?? [])].sort());
  for (const quota of quotas) {
    assert.equal(quota.status?.hard?.['requests.cpu'] !== undefined, true, key(quota));
    assert.match(quota.status?.used?.['requests.cpu'] ?? '', /^[1-9]\d*m$/, 'charged for its pods');
    assert.match(quota.status?.used?.['requests.memory'] ?? '', /^[1-9]\d*Mi$/);
  }
});

test('Argo CD applications, Kyverno/Velero/Strimzi objects and their CRDs', async () => {
  const rest = restFor(cluster.kubeconfig);
  const { gitops } = seedsScenario();
  const list = async <T>(path: string) =>
    (await rest.request<{ items: T[] }>('GET', path, { what: `list ${path}` })).items;
  const crds = (await list<Named>('/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).map(
    (c) => c.metadata.name,
  );
  for (const crd of [
    'applications.argoproj.io',
    'policyexceptions.kyverno.io',
    'schedules.velero.io',
    'kafkas.kafka.strimzi.io',
  ])
    assert.ok(crds.includes(crd), crd);
  const apps = await list<Named & { status?: { sync?: { status?: string }; health?: { status?: string } } }>(
    '/apis/argoproj.io/v1alpha1/applications',
  );
  const names = (pick: (a: (typeof apps)[number]) => boolean) =>
    apps
      .filter(pick)
      .map((a) => a.metadata.name)
      .sort();
  const want = (field: 'sync' | 'health', value: string) =>
    gitops.applications
      .filter((a) => a[field] === value)
      .map((a) => a.name)
      .sort();
  assert.equal(apps.length, gitops.applications.length);
  assert.equal(apps.length, 17);
  assert.deepEqual(
    names((a) => a.status?.sync?.status === 'Synced'),
    want('sync', 'Synced'),
  );
  assert.equal(want('sync', 'Synced').length, 8, '8/17 synced, as the Phase 2 report says');
  assert.deepEqual(
    names((a) => a.status?.sync?.status === 'OutOfSync'),
    ['api-gateway', 'data-platform', 'service-mesh'],
  );
  assert.deepEqual(
    names((a) => a.status?.health?.status === 'Degraded'),
    ['data-platform', 'platform-policies', 'portal-services'],
  );
  assert.equal(
    (await list('/apis/kyverno.io/v2beta1/policyexceptions')).length,
    gitops.policyExceptions.length,
    'served under both Kyverno versions',
  );
  assert.equal((await list('/apis/kyverno.io/v2/policyexceptions')).length, 11);
  assert.equal((await list('/apis/velero.io/v1/schedules')).length, gitops.veleroSchedules.length);
  assert.equal((await list('/apis/kafka.strimzi.io/v1beta2/kafkas')).length, 1);
});

test('nodes, Warning events for the failing pods and the wrong ExternalName', async () => {
  const rest = restFor(cluster.kubeconfig);
  const list = async <T>(path: string) =>
    (await rest.request<{ items: T[] }>('GET', path, { what: `list ${path}` })).items;
  const nodes = await list<Named & { status: { conditions: { type: string; status: string }[] } }>(
    '/api/v1/nodes',
  );
  assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), ['cpu1', 'k8s-worker']);
  for (const node of nodes) {
    const status = (type: string) => node.status.conditions.find((c) => c.type === type)?.status;
    assert.equal(status('Ready'), 'True');
    assert.equal(status('MemoryPressure'), 'False');
  }
  const events = await list<{ type: string; reason: string; involvedObject: { name: string } }>(
    '/api/v1/namespaces/data-platform/events',
  );
  const warning = (reason: string, pod: string) =>
    events.some((e) => e.type === 'Warning' && e.reason === reason && e.involvedObject.name === pod);
  assert.ok(warning('FailedScheduling', 'spark-history-server-64f987bdcf-4g965'));
  assert.ok(warning('Failed', 'redis-67b547c596-gwd9s'));
  assert.ok(events.filter((e) => e.reason === 'BackOff').length >= 8);
  const svc = await rest.request<{ spec: { type: string; externalName: string } }>(
    'GET',
    '/api/v1/namespaces/data-platform/services/postgres-shared-service',
    { what: 'read service' },
  );
  assert.equal(svc.spec.type, 'ExternalName');
  // Wrong on purpose: the runbook's fix points it at kong-postgres.kong.svc.cluster.local.
  assert.equal(svc.spec.externalName, 'postgres.default.svc.cluster.local');
});

test('shipshape health --context reports what the Clusters view computes, and what kubectl would show', async () => {
  let printed = '';
  const code = await health(['--kubeconfig', cluster.kubeconfig, '--format', 'json'], (s) => (printed += s));
  assert.equal(code, 0);
  const cli = JSON.parse(printed) as {
    pods: { total: number; healthy: number };
    healthPercent: number;
    problems: { namespace: string; pod?: string; reason: string }[];
  };
  // The tree's model: a live connection (LIST + WATCH), then the same reducer the view calls.
  const source = loadKubeconfig([cluster.kubeconfig]);
  const context = source.kc.getCurrentContext();
  const connection = new ClusterConnection(forContext(source, context), context, silentLogger, {
    debounceMs: 0,
  });
  connection.start();
  try {
    const deadline = Date.now() + 30_000;
    while (connection.status().state !== 'ready' || connection.loading()) {
      assert.ok(Date.now() < deadline, 'the connection loads within 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const tree = healthJson(summarise(connection.state(), Date.now())) as typeof cli;
    assert.deepEqual(cli.pods, tree.pods);
    assert.equal(cli.healthPercent, tree.healthPercent);
    const key = (p: { namespace: string; pod?: string; reason: string }) =>
      `${p.namespace}/${p.pod ?? ''}:${p.reason}`;
    assert.deepEqual(cli.problems.map(key).sort(), tree.problems.map(key).sort());
  } finally {
    connection.dispose();
  }
  // And both agree with kubectl's STATUS column on the failing pods' reasons.
  const pods = (
    await restFor(cluster.kubeconfig).request<{ items: PodItem[] }>('GET', '/api/v1/pods', {
      what: 'list pods',
    })
  ).items;
  assert.equal(cli.pods.total, pods.length);
  for (const p of cli.problems.filter((x) => x.pod)) {
    const pod = pods.find((x) => x.metadata.name === p.pod && x.metadata.namespace === p.namespace);
    assert.ok(pod, `${p.namespace}/${p.pod ?? ''} exists`);
    const status = kubectlStatus(pod);
    if (!['Running', 'NotReady'].includes(status))
      assert.equal(p.reason, status, `${p.namespace}/${p.pod ?? ''}`);
  }
});

test('what the demo chart renders carries its Helm release and Argo CD app; the OOMKilled pod is one of them', async () => {
  const rest = restFor(cluster.kubeconfig);
  type Meta = {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
  };
  const read = async (path: string) =>
    (await rest.request<{ metadata: Meta }>('GET', path, { what: 'read' })).metadata;
  const worker = await read('/apis/apps/v1/namespaces/data-platform/deployments/trino-worker');
  assert.equal(worker.labels?.['app.kubernetes.io/managed-by'], 'Helm');
  assert.equal(worker.labels?.['app.kubernetes.io/instance'], 'data-platform');
  assert.equal(worker.labels?.['helm.sh/chart'], 'trino-0.2.1');
  assert.equal(worker.annotations?.['meta.helm.sh/release-name'], 'data-platform');
  assert.equal(worker.annotations?.['meta.helm.sh/release-namespace'], 'data-platform');
  assert.equal(
    worker.annotations?.['argocd.argoproj.io/tracking-id'],
    'data-platform:apps/Deployment:data-platform/trino-worker',
  );
  const cron = await read('/apis/batch/v1/namespaces/data-platform/cronjobs/iceberg-compaction');
  assert.equal(
    cron.annotations?.['argocd.argoproj.io/tracking-id'],
    'data-platform:batch/CronJob:data-platform/iceberg-compaction',
  );
  // Not in the chart: no release.
  const mlflow = await read('/apis/apps/v1/namespaces/data-platform/deployments/mlflow');
  assert.equal(mlflow.labels?.['app.kubernetes.io/managed-by'], undefined);

  // The OOMKilled trino worker pod leads to the release through its ReplicaSet and Deployment.
  const pods = await rest.request<{
    items: {
      metadata: Meta;
      status?: { containerStatuses?: { name: string; lastState?: { terminated?: { reason?: string } } }[] };
    }[];
  }>('GET', '/api/v1/namespaces/data-platform/pods?labelSelector=app%3Dtrino-worker', { what: 'list' });
  const pod = pods.items.find((p) =>
    p.status?.containerStatuses?.some((c) => c.lastState?.terminated?.reason === 'OOMKilled'),
  );
  assert.ok(pod, 'a trino-worker pod was OOMKilled');
  assert.equal(pod.status?.containerStatuses?.[0]?.name, 'worker', 'the container the chart names');
  const owners: Record<string, string> = { ReplicaSet: 'replicasets', Deployment: 'deployments' };
  const metas = new Map<string, Meta>();
  for (let meta: Meta | undefined = pod.metadata; meta?.ownerReferences?.[0];) {
    const ref = meta.ownerReferences[0];
    meta = await read(`/apis/apps/v1/namespaces/data-platform/${owners[ref.kind] ?? ''}/${ref.name}`);
    metas.set(`${ref.kind}/${ref.name}`, meta);
  }
  const m = managementOf('Pod', pod.metadata, (kind, _ns, name) => metas.get(`${kind}/${name}`));
  assert.deepEqual(m, {
    helm: { release: 'data-platform', namespace: 'data-platform', chart: 'trino', version: '0.2.1' },
    argo: { app: 'data-platform' },
    object: { kind: 'Deployment', name: 'trino-worker', namespace: 'data-platform' },
  });
});
