/**
 * Pods behind a Service or a workload, through the real API server and the simulated node
 * (tools/testcluster/kubelet.go): a Service port-forward that moves to another pod when the one
 * it uses is deleted or stops being ready, and a workload's logs merged with a pod prefix,
 * following new pods and restarts. No controller-manager runs: the test plays the ReplicaSet
 * (creating the replacement pod) and the kubelet (writing statuses and logs).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { streamMergedLogs } from '../../src/adapters/k8s/merged-logs';
import { listPods, PodRouter } from '../../src/adapters/k8s/pod-routes';
import type { KubeRest } from '../../src/adapters/k8s/rest';
import { startRoutedPortForward } from '../../src/adapters/k8s/streams';
import type { Pod, Service } from '../../src/core/k8s/types';
import { serviceSelector, serviceTargetPort } from '../../src/core/pods/forward-target';
import { writeContainerLog } from '../../scripts/harness/pod-logs';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually, kubeletNode, namespace, restFor, setPodStatus } from './support/kube';

const NS = 'behind';
let cluster: TestCluster;
let rest: KubeRest;
const servers: http.Server[] = [];

before(async () => {
  cluster = await startTestCluster();
  rest = restFor(cluster.kubeconfig);
  await namespace(rest, NS);
  await kubeletNode(rest, 'node-1');
});

after(async () => {
  rest?.dispose();
  await cluster?.stop();
  for (const s of servers) s.close();
});

const runningStatus = (restartCount = 0, ready = true) => ({
  phase: 'Running',
  conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  containerStatuses: [
    {
      name: 'app',
      ready,
      restartCount,
      image: 'busybox:1.36',
      imageID: '',
      state: { running: { startedAt: new Date().toISOString() } },
    },
  ],
});

async function createPod(
  name: string,
  labels: Record<string, string>,
  ports: { name: string; containerPort: number }[] = [],
): Promise<void> {
  await rest.request('POST', `/api/v1/namespaces/${NS}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NS, labels },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox:1.36', ports }] },
    },
    what: 'create pod',
  });
  await setPodStatus(rest, NS, name, runningStatus());
}

/** A loopback HTTP server standing for one pod's container port: it answers with the pod's name. */
async function podServer(pod: string): Promise<number> {
  const server = http.createServer((_req, res) => res.end(pod));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** One GET on a new connection (no keep-alive: each request is a new forwarded connection). */
const get = (port: number) =>
  new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });

const deletePod = (name: string) =>
  rest.request('DELETE', `/api/v1/namespaces/${NS}/pods/${name}`, {
    query: { gracePeriodSeconds: 0 },
    what: 'delete pod',
  });

describe('port-forward through a Service', () => {
  test('HTTP on one local port keeps working when the pod behind it is deleted, then not ready', async () => {
    // The targetPort is a name each pod maps to its own number, so each pod is its own server.
    const labels = { app: 'web' };
    for (const pod of ['web-a', 'web-b'])
      await createPod(pod, labels, [{ name: 'http', containerPort: await podServer(pod) }]);
    await rest.request('POST', `/api/v1/namespaces/${NS}/services`, {
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: NS },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
      what: 'create service',
    });
    const service = await rest.request<Service>('GET', `/api/v1/namespaces/${NS}/services/web`, {
      what: 'read service',
    });
    const targetPort = serviceTargetPort(service, 80);
    const selector = serviceSelector(service);
    assert.equal(targetPort, 'http');
    assert.ok(selector);
    const moves: string[] = [];
    const router = new PodRouter(
      { kind: 'Service', namespace: NS, name: 'web', port: 80, targetPort },
      () => listPods(rest, NS, selector),
      (route) => moves.push(route?.pod ?? '(none)'),
    );
    const forward = await startRoutedPortForward(rest, router.pick, 80);
    try {
      const first = await get(forward.localPort);
      assert.ok(['web-a', 'web-b'].includes(first), first);
      assert.equal(router.current?.pod, first);
      // The pod in use is kept while it stays ready.
      assert.equal(await get(forward.localPort), first);

      await deletePod(first);
      const second = await get(forward.localPort);
      assert.equal(second, first === 'web-a' ? 'web-b' : 'web-a');
      assert.equal(router.current?.pod, second);

      // The ReplicaSet's replacement arrives; the pod in use then fails its readiness probe.
      await createPod('web-c', labels, [{ name: 'http', containerPort: await podServer('web-c') }]);
      await setPodStatus(rest, NS, second, runningStatus(0, false));
      assert.equal(await get(forward.localPort), 'web-c');
      assert.deepEqual(moves, [first, second, 'web-c']);
      assert.deepEqual(forward.errors, []);
    } finally {
      await forward.close();
    }
  });

  test('a stale pod list naming a deleted pod: the refused upgrade sends the connection to another', async () => {
    const labels = { app: 'stale' };
    for (const pod of ['stale-a', 'stale-b'])
      await createPod(pod, labels, [{ name: 'http', containerPort: await podServer(pod) }]);
    // What a watch cache holds until the deletion reaches it.
    const cached = await listPods(rest, NS, { matchLabels: labels });
    assert.equal(cached.length, 2);
    const router = new PodRouter(
      { kind: 'Service', namespace: NS, name: 'stale', port: 8080, targetPort: 'http' },
      (): readonly Pod[] => cached,
    );
    const forward = await startRoutedPortForward(rest, router.pick, 8080);
    try {
      const first = await get(forward.localPort);
      await deletePod(first);
      const second = await get(forward.localPort);
      assert.equal(second, first === 'stale-a' ? 'stale-b' : 'stale-a');
      assert.equal(forward.errors.length, 1);
      assert.match(forward.errors[0] ?? '', new RegExp(`pods "${first}" not found`));
    } finally {
      await forward.close();
    }
  });
});

describe('merged logs of a workload', () => {
  const labels = { app: 'api' };
  const pods = () => listPods(rest, NS, { matchLabels: labels });
  const log = (pod: string, lines: string[], restart = 0) =>
    writeContainerLog(cluster.podLogs, { namespace: NS, name: pod, container: 'app', restart }, lines);

  test('each pod’s lines with its prefix; follow picks up new lines, a new pod and a restart', async () => {
    await createPod('api-0', labels);
    await createPod('api-1', labels);
    log('api-0', ['api-0 started', 'api-0 ready']);
    log('api-1', ['api-1 started']);

    const once: string[] = [];
    await streamMergedLogs(
      rest,
      NS,
      pods,
      { follow: false, tailLines: 100 },
      { line: (prefix, text) => once.push(`${prefix} ${text}`), note: (n) => once.push(`note: ${n}`) },
      new AbortController().signal,
    );
    assert.deepEqual(once.sort(), ['[api-0] api-0 ready', '[api-0] api-0 started', '[api-1] api-1 started']);

    const lines: string[] = [];
    const notes: string[] = [];
    const abort = new AbortController();
    const following = streamMergedLogs(
      rest,
      NS,
      pods,
      { follow: true, tailLines: 100, pollMs: 200 },
      { line: (prefix, text) => lines.push(`${prefix} ${text}`), note: (n) => notes.push(n) },
      abort.signal,
    );
    try {
      await eventually(() => assert.equal(lines.length, 3, lines.join('\n')));
      log('api-1', ['api-1 new line']);
      await eventually(() => assert.ok(lines.includes('[api-1] api-1 new line'), lines.join('\n')));

      // A scale-up: the new pod's lines join the view.
      await createPod('api-2', labels);
      log('api-2', ['api-2 started']);
      await eventually(() => assert.ok(lines.includes('[api-2] api-2 started'), lines.join('\n')));
      assert.ok(notes.includes('[api-2] joined'), notes.join('\n'));

      // api-0 restarts: its container exits, a new one starts and writes a new log.
      await setPodStatus(rest, NS, 'api-0', {
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            image: 'busybox:1.36',
            imageID: '',
            state: { terminated: { exitCode: 1, reason: 'Error' } },
          },
        ],
      });
      log('api-0', ['api-0 after restart'], 1);
      await setPodStatus(rest, NS, 'api-0', runningStatus(1));
      await eventually(() => assert.ok(lines.includes('[api-0] api-0 after restart'), lines.join('\n')));
      assert.ok(notes.includes('[api-0] restarted (restart 1)'), notes.join('\n'));

      // Nothing shown twice: a resumed or restarted log starts after the last line shown.
      assert.equal(new Set(lines).size, lines.length, lines.join('\n'));
      // A pod still being created: the view says why it has no lines.
      await createPod('api-3', labels);
      await setPodStatus(rest, NS, 'api-3', {
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            image: 'busybox:1.36',
            imageID: '',
            state: { waiting: { reason: 'ContainerCreating' } },
          },
        ],
      });
      await eventually(() =>
        assert.ok(notes.includes('[api-3] has not started: ContainerCreating'), notes.join('\n')),
      );
      await deletePod('api-2');
      await eventually(() => assert.ok(notes.includes('[api-2] left'), notes.join('\n')));
    } finally {
      abort.abort();
      await following;
    }
  });

  test('a crash-looping pod: its last run is read through the kubelet as the previous log, and said so', async () => {
    await createPod('api-9', labels);
    log('api-9', ['connecting to kafka-0', 'fatal: SASL authentication failed'], 2);
    await setPodStatus(rest, NS, 'api-9', {
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 3,
          image: 'busybox:1.36',
          imageID: '',
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error' } },
        },
      ],
    });
    const lines: string[] = [];
    const notes: string[] = [];
    await streamMergedLogs(
      rest,
      NS,
      async () => (await pods()).filter((p) => p.metadata?.name === 'api-9'),
      { follow: false, tailLines: 100 },
      { line: (prefix, text) => lines.push(`${prefix} ${text}`), note: (n) => notes.push(n) },
      new AbortController().signal,
    );
    assert.deepEqual(lines, ['[api-9] connecting to kafka-0', '[api-9] fatal: SASL authentication failed']);
    assert.deepEqual(notes, [
      "[api-9] is waiting to restart: CrashLoopBackOff after exit code 1 (Error); its last run's lines are shown",
    ]);
    await deletePod('api-9');
  });
});
