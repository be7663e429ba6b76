/**
 * Usage as in a real cluster: each simulated node's kubelet serves its own pods' CPU and memory
 * (/metrics/resource and the summary API, the kubelet's own handlers), the real metrics-server
 * scrapes them, and metrics.k8s.io answers through the API server's aggregation layer. Then
 * `shipshape top`, and what both say once metrics.k8s.io is gone.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readNodeMetrics, readPodMetrics, NEEDS_METRICS_SERVER } from '../../src/adapters/k8s/metrics';
import type { KubeRest } from '../../src/adapters/k8s/rest';
import { top } from '../../src/cli/top';
import { parseQuantity } from '../../src/core/health/quantity';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually, kubeletNode, namespace, restFor } from './support/kube';
import { scratchDir } from '../../scripts/harness/scratch';

const NS = 'usage';
const Mi = 2 ** 20;
let cluster: TestCluster;
let rest: KubeRest;

const container = (name: string, memoryLimit: string) => ({
  name,
  image: 'busybox:1.36',
  resources: {
    requests: { cpu: '100m', memory: '64Mi' },
    limits: { cpu: '500m', memory: memoryLimit },
  },
});

async function createPod(
  name: string,
  node: string,
  containers: Record<string, unknown>[],
  state: Record<string, unknown>,
  annotations?: Record<string, string>,
): Promise<void> {
  const pod = await rest.request<Record<string, unknown>>('POST', `/api/v1/namespaces/${NS}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) },
      spec: { nodeName: node, containers },
    },
    what: 'create pod',
  });
  await rest.request('PUT', `/api/v1/namespaces/${NS}/pods/${name}/status`, {
    body: {
      ...pod,
      status: {
        phase: 'Running',
        containerStatuses: containers.map((c) => ({
          name: c['name'],
          image: 'busybox:1.36',
          imageID: '',
          ready: 'running' in state,
          restartCount: 0,
          state,
        })),
      },
    },
    what: 'write pod status',
  });
}

const running = () => ({ running: { startedAt: new Date(Date.now() - 3600_000).toISOString() } });

/**
 * A client for one node's kubelet, with the kubeconfig's client certificate, connecting straight
 * to the node's address as metrics-server does: the API server's node proxy refuses loopback
 * addresses ("address not allowed"), and every simulated node is on loopback.
 */
async function kubelet(node: string): Promise<KubeRest> {
  const status = await rest.request<{
    status?: { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
  }>('GET', `/api/v1/nodes/${node}`, { what: 'read node' });
  const port = status.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
  const dir = scratchDir('kubelet-kc-');
  const file = join(dir, 'config');
  writeFileSync(
    file,
    readFileSync(cluster.kubeconfig, 'utf8').replace(cluster.server, `https://127.0.0.1:${port}`),
  );
  const client = restFor(file);
  rmSync(dir, { recursive: true, force: true });
  return client;
}

/** The value of one series in Prometheus text, e.g. `container_memory_working_set_bytes{…pod="hog"}`. */
function series(text: string, name: string, pod: string, containerName = 'app'): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{container="${containerName}",namespace="${NS}",pod="${pod}"}`));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

before(async () => {
  cluster = await startTestCluster({ metricsServer: true });
  rest = restFor(cluster.kubeconfig);
  await namespace(rest, NS);
  const capacity = { cpu: '4', memory: '8Gi', pods: '110' };
  await kubeletNode(rest, 'node-a', { capacity, allocatable: capacity });
  await kubeletNode(rest, 'node-b', { capacity, allocatable: capacity });
  // Pinned usage close to the memory limit: 480Mi of 512Mi, a quarter of a core.
  await createPod('hog', 'node-a', [container('app', '512Mi')], running(), {
    'shipshape.dev/simulate-usage': JSON.stringify({ app: { cpu: '250m', memory: '480Mi' } }),
  });
  await createPod('web', 'node-b', [container('app', '128Mi'), container('proxy', '128Mi')], running());
  await createPod('waiting', 'node-a', [container('app', '256Mi')], {
    waiting: { reason: 'CrashLoopBackOff' },
  });
  // Both kubelets registered (their own ports), as the nodes' kubelets would.
  await eventually(async () => {
    for (const name of ['node-a', 'node-b']) {
      const node = await rest.request<{
        status?: { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
      }>('GET', `/api/v1/nodes/${name}`, { what: 'read node' });
      assert.ok((node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0) > 0, `${name} registered`);
    }
  }, 30_000);
});

after(async () => {
  rest?.dispose();
  await cluster?.stop();
});

describe('the simulated kubelet', () => {
  test("each node serves its own running containers' usage (/metrics/resource)", async () => {
    const [nodeA, nodeB] = [await kubelet('node-a'), await kubelet('node-b')];
    const a = await nodeA.raw('GET', '/metrics/resource', { what: 'scrape node-a' });
    const b = await nodeB.raw('GET', '/metrics/resource', { what: 'scrape node-b' });
    nodeA.dispose();
    nodeB.dispose();
    assert.equal(series(a, 'container_memory_working_set_bytes', 'hog'), 480 * Mi);
    assert.ok((series(a, 'container_cpu_usage_seconds_total', 'hog') ?? 0) > 0, 'a CPU counter since start');
    assert.equal(
      series(a, 'container_memory_working_set_bytes', 'waiting'),
      undefined,
      'not running: no usage',
    );
    assert.equal(series(a, 'container_memory_working_set_bytes', 'web'), undefined, 'web runs on node-b');
    for (const c of ['app', 'proxy']) {
      const bytes = series(b, 'container_memory_working_set_bytes', 'web', c) ?? 0;
      assert.ok(bytes > 0 && bytes < 128 * Mi, `${c}: ${bytes} bytes within its limit`);
    }
    assert.match(a, /^node_memory_working_set_bytes \S+/m);
  });

  test('the summary API says the same', async () => {
    const nodeA = await kubelet('node-a');
    const summary = await nodeA.request<{
      node: { nodeName: string };
      pods: {
        podRef: { name: string };
        containers: { name: string; memory?: { workingSetBytes?: number } }[];
      }[];
    }>('GET', '/stats/summary', { what: 'node-a summary' });
    nodeA.dispose();
    assert.equal(summary.node.nodeName, 'node-a');
    assert.deepEqual(
      summary.pods.map((p) => p.podRef.name),
      ['hog'],
    );
    assert.equal(summary.pods[0]?.containers[0]?.memory?.workingSetBytes, 480 * Mi);
  });
});

describe('metrics.k8s.io through the real metrics-server', () => {
  test('pod and node usage as `kubectl top` reads it', async () => {
    // metrics-server needs two scrapes (10 s apart) before it reports a rate.
    const pods = await eventually(
      async () => {
        const read = await readPodMetrics(rest, NS);
        assert.ok(read.available, read.available ? '' : read.reason);
        const names = read.items.map((p) => p.metadata?.name).sort();
        assert.deepEqual(names, ['hog', 'web']);
        return read.items;
      },
      120_000,
      'pod metrics for hog and web',
    );
    const hog = pods.find((p) => p.metadata?.name === 'hog');
    assert.equal(parseQuantity(hog?.containers?.[0]?.usage?.['memory']), 480 * Mi);
    const cpu = parseQuantity(hog?.containers?.[0]?.usage?.['cpu']);
    assert.ok(Math.abs(cpu - 0.25) < 0.025, `hog uses about 250m: ${String(cpu)}`);
    const web = pods.find((p) => p.metadata?.name === 'web');
    assert.deepEqual(web?.containers?.map((c) => c.name).sort(), ['app', 'proxy']);

    const nodes = await eventually(async () => {
      const read = await readNodeMetrics(rest);
      assert.ok(read.available && read.items.length === 2);
      return read.items;
    }, 60_000);
    const a = nodes.find((n) => n.metadata?.name === 'node-a');
    // hog's 480Mi plus what the node itself uses.
    assert.ok(parseQuantity(a?.usage?.['memory']) > 480 * Mi);
  });

  test('shipshape top: the busiest first, with limits and the share in use', async () => {
    let text = '';
    assert.equal(
      await top(
        ['--kubeconfig', cluster.kubeconfig, '--namespace', NS],
        (s) => (text += s),
        () => {},
      ),
      0,
    );
    const lines = text.trim().split('\n');
    assert.match(lines[0] ?? '', /^NAMESPACE\s+POD\s+CPU\s+CPU LIMIT\s+MEMORY\s+MEMORY LIMIT\s+OF LIMIT$/);
    assert.match(lines[1] ?? '', /^usage\s+hog\s+2\d\dm\s+500m\s+480Mi\s+512Mi\s+94%$/);
    assert.match(lines[2] ?? '', /^usage\s+web\s/);

    let json = '';
    await top(
      ['--kubeconfig', cluster.kubeconfig, '--namespace', NS, '--containers', '--format', 'json'],
      (s) => (json += s),
      () => {},
    );
    const report = JSON.parse(json) as {
      available: boolean;
      pods: {
        pod: string;
        container?: string;
        memoryBytes: number;
        memoryLimitBytes?: number;
        memoryOfLimit?: number;
      }[];
    };
    assert.equal(report.available, true);
    assert.deepEqual(report.pods[0], {
      ...report.pods[0],
      pod: 'hog',
      container: 'app',
      memoryBytes: 480 * Mi,
      memoryLimitBytes: 512 * Mi,
      memoryOfLimit: 480 / 512,
    });
    assert.deepEqual(
      report.pods
        .slice(1)
        .map((r) => `${r.pod}/${r.container ?? ''}`)
        .sort(),
      ['web/app', 'web/proxy'],
    );

    let all = '';
    assert.equal(
      await top(
        ['--kubeconfig', cluster.kubeconfig],
        (s) => (all += s),
        () => {},
      ),
      0,
    );
    assert.match(all, /^NODE\s+CPU\s+CPU%\s+MEMORY\s+MEMORY%$/m);
    assert.match(all, /^node-a\s+\S+\s+\d+%\s+\S+\s+\d+%$/m);
  });
});

describe('without metrics-server', () => {
  test('"usage needs metrics-server", from the adapter and from shipshape top, not an error', async () => {
    // Its Service gone: the APIService stays registered and the aggregator answers 503.
    await rest.request('DELETE', '/api/v1/namespaces/kube-system/services/metrics-server', {
      what: 'delete the metrics-server Service',
    });
    await eventually(async () => {
      const read = await readPodMetrics(rest, NS);
      assert.ok(!read.available);
      assert.match(
        read.reason,
        /^usage needs metrics-server \(metrics\.k8s\.io is registered but not answering/,
      );
    }, 60_000);
    // No APIService at all: the group does not exist (404).
    await rest.request('DELETE', '/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io', {
      what: 'delete the metrics APIService',
    });
    await eventually(async () => {
      const read = await readNodeMetrics(rest);
      assert.deepEqual(read, {
        available: false,
        reason: `${NEEDS_METRICS_SERVER} (metrics.k8s.io is not served by this cluster)`,
      });
    }, 60_000);

    let out = '';
    let err = '';
    const code = await top(
      ['--kubeconfig', cluster.kubeconfig, '--format', 'json'],
      (s) => (out += s),
      (s) => (err += s),
    );
    assert.equal(code, 1);
    assert.deepEqual(JSON.parse(out), {
      context: 'testcluster',
      available: false,
      reason: `${NEEDS_METRICS_SERVER} (metrics.k8s.io is not served by this cluster)`,
    });
    assert.equal(
      err,
      `shipshape top: testcluster: ${NEEDS_METRICS_SERVER} (metrics.k8s.io is not served by this cluster)\n`,
    );
  });
});
