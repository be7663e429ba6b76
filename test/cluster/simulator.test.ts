/** The controller stand-in: remediations have the effects an operator expects. */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { run, writes } from '../../src/adapters/k8s/actions';
import { loadScenario, seedsScenario } from '../../scenarios/loader';
import { startSimulator, type Simulator } from '../../scenarios/simulator';
import { isAlive } from '../../scripts/harness/process';
import { KubeError } from '../../src/adapters/k8s/errors';
import { silentLogger } from '../../src/core/log';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually, restFor } from './support/kube';

let cluster: TestCluster;
let simulator: Simulator;
const warnings: string[] = [];
before(async () => {
  cluster = await startTestCluster();
  await loadScenario(cluster.kubeconfig, 'seeds');
  simulator = startSimulator(cluster.kubeconfig, { ...silentLogger, warn: (m) => warnings.push(m) });
});
after(async () => {
  const pid = cluster?.pid;
  try {
    await simulator?.stop();
  } finally {
    await cluster?.stop();
  }
  assert.equal(isAlive(pid), false, 'the API server never outlives the test run');
});

interface Pod {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
    ownerReferences?: { name: string }[];
  };
  status?: {
    phase?: string;
    containerStatuses?: { ready?: boolean; state?: { waiting?: { reason?: string } } }[];
  };
}
const pods = async (ns: string, selector: string) =>
  (
    await restFor(cluster.kubeconfig).request<{ items: Pod[] }>('GET', `/api/v1/namespaces/${ns}/pods`, {
      query: { labelSelector: selector },
      what: 'list',
    })
  ).items.filter((p) => !p.metadata.deletionTimestamp);

test('a loaded scenario is already settled: the simulator changes nothing', async () => {
  await simulator.settled();
  assert.equal(simulator.actions(), 0);
  const all = await restFor(cluster.kubeconfig).request<{ items: unknown[] }>('GET', '/api/v1/pods', {
    what: 'list pods',
  });
  assert.equal(all.items.length, seedsScenario().scenario.expected?.pods);
});

test('scaling redis (ImagePullBackOff) to 0 removes its pod', async () => {
  const rest = restFor(cluster.kubeconfig);
  assert.equal((await pods('data-platform', 'app=redis')).length, 1);
  await run(rest, writes.scale({ kind: 'Deployment', namespace: 'data-platform', name: 'redis' }, 0), false);
  await eventually(async () => assert.equal((await pods('data-platform', 'app=redis')).length, 0), 20_000);
});

test('scaling a healthy deployment from 1 to 2 adds a Ready pod', async () => {
  const rest = restFor(cluster.kubeconfig);
  await run(rest, writes.scale({ kind: 'Deployment', namespace: 'monitoring', name: 'grafana' }, 2), false);
  await eventually(async () => {
    const list = await pods('monitoring', 'app=grafana');
    assert.equal(list.length, 2);
    assert.ok(
      list.every((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.every((c) => c.ready)),
    );
  }, 20_000);
});

test('deleting a failed Job garbage-collects its pod', async () => {
  const rest = restFor(cluster.kubeconfig);
  assert.equal((await pods('data-platform', 'app=dolphinscheduler-init-db')).length, 1);
  await run(
    rest,
    writes.deleteObject({ kind: 'Job', namespace: 'data-platform', name: 'dolphinscheduler-init-db' }),
    false,
  );
  await eventually(
    async () => assert.equal((await pods('data-platform', 'app=dolphinscheduler-init-db')).length, 0),
    20_000,
  );
});

test('a rollout restart replaces the pods; a crash loop survives it, a fixed image does not', async () => {
  const rest = restFor(cluster.kubeconfig);
  const before = (await pods('data-platform', 'app=trino-worker')).map((p) => p.metadata.name);
  await run(
    rest,
    writes.rolloutRestart(
      { kind: 'Deployment', namespace: 'data-platform', name: 'trino-worker' },
      new Date(),
    ),
    false,
  );
  await eventually(async () => {
    const list = await pods('data-platform', 'app=trino-worker');
    assert.equal(list.length, 1);
    assert.notDeepEqual(
      list.map((p) => p.metadata.name),
      before,
    );
    // Its status is written right after the create: wait for it, then it must still crash-loop.
    const status = list[0]?.status?.containerStatuses?.[0];
    assert.equal(status?.state?.waiting?.reason, 'CrashLoopBackOff', 'still crash-looping after a restart');
  }, 20_000);
  await rest.request('PATCH', '/apis/apps/v1/namespaces/data-platform/deployments/trino-worker', {
    body: { spec: { template: { spec: { containers: [{ name: 'worker', image: 'trinodb/trino:436' }] } } } },
    contentType: 'application/strategic-merge-patch+json',
    what: 'set image',
  });
  await eventually(async () => {
    const list = await pods('data-platform', 'app=trino-worker');
    assert.equal(list.length, 1);
    assert.equal(list[0]?.status?.containerStatuses?.[0]?.ready, true);
  }, 20_000);
});

test('a deleted pod of a Deployment is replaced by a new one', async () => {
  const rest = restFor(cluster.kubeconfig);
  const [old] = await pods('kong', 'app=kong');
  assert.ok(old);
  await run(
    rest,
    writes.deletePod({ kind: 'Pod', namespace: 'kong', name: old.metadata.name }, false),
    false,
  );
  await eventually(async () => {
    const list = await pods('kong', 'app=kong');
    assert.equal(list.length, 1);
    assert.notEqual(list[0]?.metadata.name, old.metadata.name);
    assert.equal(list[0]?.status?.containerStatuses?.[0]?.ready, true);
    // A graceful delete completes (the kubelet's part): the old pod is not left Terminating.
    await assert.rejects(
      rest.request('GET', `/api/v1/namespaces/kong/pods/${old.metadata.name}`, { what: 'read' }),
      (e: unknown) => e instanceof KubeError && e.kind === 'notFound',
    );
  }, 20_000);
});

test('a StatefulSet scales by ordinals, up and down', async () => {
  const rest = restFor(cluster.kubeconfig);
  const names = async () => (await pods('data-platform', 'app=zookeeper')).map((p) => p.metadata.name).sort();
  const zookeeper = { kind: 'StatefulSet', namespace: 'data-platform', name: 'zookeeper' } as const;
  await run(rest, writes.scale(zookeeper, 3), false);
  await eventually(
    async () => assert.deepEqual(await names(), ['zookeeper-0', 'zookeeper-1', 'zookeeper-2']),
    20_000,
  );
  await run(rest, writes.scale(zookeeper, 1), false);
  await eventually(async () => assert.deepEqual(await names(), ['zookeeper-0']), 20_000);
});

test('a rollout restart of a DaemonSet or a StatefulSet replaces its pods', async () => {
  const rest = restFor(cluster.kubeconfig);
  const fluent = { kind: 'DaemonSet', namespace: 'victoria-metrics', name: 'fluent-bit' } as const;
  const kafka = { kind: 'StatefulSet', namespace: 'kafka', name: 'datahub-kafka-kafka-pool' } as const;
  const before = (await pods('victoria-metrics', 'app=fluent-bit')).map((p) => p.metadata.name);
  const revision = async () =>
    (await pods('kafka', 'strimzi.io/cluster=datahub-kafka')).map(
      (p) => `${p.metadata.name}@${p.metadata.labels?.['controller-revision-hash'] ?? ''}`,
    );
  const kafkaBefore = await revision();
  await run(rest, writes.rolloutRestart(fluent, new Date()), false);
  await run(rest, writes.rolloutRestart(kafka, new Date()), false);
  await eventually(async () => {
    const list = await pods('victoria-metrics', 'app=fluent-bit');
    assert.equal(list.length, 2, 'one per node');
    assert.ok(list.every((p) => !before.includes(p.metadata.name)));
    assert.ok(list.every((p) => p.status?.containerStatuses?.[0]?.ready));
  }, 20_000);
  await eventually(async () => {
    const now = await revision();
    assert.deepEqual(now.map((r) => r.split('@')[0]).sort(), [
      'datahub-kafka-kafka-pool-0',
      'datahub-kafka-kafka-pool-1',
      'datahub-kafka-kafka-pool-2',
    ]);
    assert.ok(
      now.every((r) => !kafkaBefore.includes(r)),
      'a new revision',
    );
  }, 20_000);
});

test('"Run now" on a CronJob: the manual Job runs its pod to completion', async () => {
  const rest = restFor(cluster.kubeconfig);
  const cron = await rest.request<Parameters<typeof writes.triggerCronJob>[0]>(
    'GET',
    '/apis/batch/v1/namespaces/data-platform/cronjobs/commodity-price-pipeline',
    { what: 'read cronjob' },
  );
  await run(rest, writes.triggerCronJob(cron, 'x7k2p'), false);
  const job = 'commodity-price-pipeline-manual-x7k2p';
  await eventually(async () => {
    const status = (
      await rest.request<{ status?: { succeeded?: number; conditions?: { type: string }[] } }>(
        'GET',
        `/apis/batch/v1/namespaces/data-platform/jobs/${job}`,
        { what: 'read job' },
      )
    ).status;
    assert.equal(status?.succeeded, 1);
    assert.ok(status?.conditions?.some((c) => c.type === 'Complete'));
    const [pod] = await pods('data-platform', `job-name=${job}`);
    assert.equal(pod?.status?.phase, 'Succeeded');
  }, 20_000);
});

test('kubectl delete --cascade=orphan: the Deployment goes, its ReplicaSet and pod stay', async () => {
  const rest = restFor(cluster.kubeconfig);
  await rest.request('DELETE', '/apis/apps/v1/namespaces/data-platform/deployments/redis-legacy', {
    body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan' },
    what: 'delete orphaning',
  });
  await eventually(async () => {
    await assert.rejects(
      rest.request('GET', '/apis/apps/v1/namespaces/data-platform/deployments/redis-legacy', {
        what: 'read',
      }),
      (e: unknown) => e instanceof KubeError && e.kind === 'notFound',
    );
  }, 20_000);
  const sets = await rest.request<{ items: { metadata: { ownerReferences?: unknown[] } }[] }>(
    'GET',
    '/apis/apps/v1/namespaces/data-platform/replicasets',
    { query: { labelSelector: 'app=redis-legacy' }, what: 'list' },
  );
  assert.equal(sets.items.length, 1);
  assert.deepEqual(sets.items[0]?.metadata.ownerReferences ?? [], []);
  assert.equal((await pods('data-platform', 'app=redis-legacy')).length, 1);
});

test('the simulator did all that without a warning', () => {
  assert.deepEqual(warnings, []);
});
