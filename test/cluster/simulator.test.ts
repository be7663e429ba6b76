/** The controller stand-in: remediations have the effects an operator expects. */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writes } from '../../src/adapters/k8s/actions';
import { run } from '../../src/adapters/k8s/actions';
import { loadScenario } from '../../scenarios/loader';
import { startSimulator, type Simulator } from '../../scenarios/simulator';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually, restFor } from './support/kube';

let cluster: TestCluster;
let simulator: Simulator;
before(async () => {
  cluster = await startTestCluster();
  await loadScenario(cluster.kubeconfig, 'seeds');
  simulator = startSimulator(cluster.kubeconfig);
});
after(async () => {
  await simulator?.stop();
  await cluster?.stop();
});

interface Pod {
  metadata: { name: string; deletionTimestamp?: string; ownerReferences?: { name: string }[] };
  status?: { phase?: string; containerStatuses?: { ready?: boolean }[] };
}
const pods = async (ns: string, selector: string) =>
  (
    await restFor(cluster.kubeconfig).request<{ items: Pod[] }>('GET', `/api/v1/namespaces/${ns}/pods`, {
      query: { labelSelector: selector },
      what: 'list',
    })
  ).items.filter((p) => !p.metadata.deletionTimestamp);

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
  const after = await eventually(async () => {
    const list = await pods('data-platform', 'app=trino-worker');
    assert.equal(list.length, 1);
    assert.notDeepEqual(
      list.map((p) => p.metadata.name),
      before,
    );
    return list;
  }, 20_000);
  assert.equal(after[0]?.status?.containerStatuses?.[0]?.ready, false, 'still crash-looping after a restart');
  await rest.request('PATCH', '/apis/apps/v1/namespaces/data-platform/deployments/trino-worker', {
    body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'trinodb/trino:436' }] } } } },
    contentType: 'application/strategic-merge-patch+json',
    what: 'set image',
  });
  await eventually(async () => {
    const list = await pods('data-platform', 'app=trino-worker');
    assert.equal(list.length, 1);
    assert.equal(list[0]?.status?.containerStatuses?.[0]?.ready, true);
  }, 20_000);
});
