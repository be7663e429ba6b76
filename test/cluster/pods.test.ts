/**
 * Inside the pods, through the real API server and the test cluster's simulated node (the
 * kubelet's own server and CRI streaming code, tools/testcluster/kubelet.go): logs (current,
 * previous container, tail, follow, a container that never started), exec (output, exit code,
 * the container's env, stdin) and port-forward to a loopback TCP echo server.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { streamLogs, type LogOptions } from '../../src/adapters/k8s/actions';
import { KubeError } from '../../src/adapters/k8s/errors';
import type { KubeRest } from '../../src/adapters/k8s/rest';
import { execOnce, openExec, startPortForward } from '../../src/adapters/k8s/streams';
import { writeContainerLog } from '../../scripts/harness/pod-logs';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually, kubeletNode, namespace, restFor } from './support/kube';

const NS = 'inside';
let cluster: TestCluster;
let rest: KubeRest;
let echo: net.Server;
let echoPort = 0;

type ContainerState = Record<string, unknown>;

async function createPod(
  name: string,
  state: ContainerState,
  restartCount = 0,
): Promise<{ namespace: string; name: string }> {
  const pod = await rest.request<Record<string, unknown>>('POST', `/api/v1/namespaces/${NS}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NS },
      spec: {
        nodeName: 'node-1',
        containers: [
          {
            name: 'app',
            image: 'busybox:1.36',
            env: [{ name: 'GREETING', value: 'hello from the pod env' }],
            ports: [{ containerPort: echoPort }],
          },
        ],
      },
    },
    what: 'create pod',
  });
  await rest.request('PUT', `/api/v1/namespaces/${NS}/pods/${name}/status`, {
    body: {
      ...pod,
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', image: 'busybox:1.36', imageID: '', ready: true, restartCount, state },
        ],
      },
    },
    what: 'write pod status',
  });
  return { namespace: NS, name };
}

const running = { running: { startedAt: new Date().toISOString() } };

async function logs(pod: { namespace: string; name: string }, options: LogOptions): Promise<string> {
  let text = '';
  await streamLogs(
    rest,
    { kind: 'Pod', ...pod },
    { container: 'app', ...options },
    (t) => (text += t),
    new AbortController().signal,
  );
  return text;
}

/** Log lines without the timestamps streamLogs asks for. */
const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\S+ /, ''));

before(async () => {
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as net.AddressInfo).port;
  cluster = await startTestCluster();
  rest = restFor(cluster.kubeconfig);
  await namespace(rest, NS);
  await kubeletNode(rest, 'node-1');
  // The simulated kubelet registers itself on the node, as a kubelet does.
  await eventually(async () => {
    const node = await rest.request<{
      status?: { addresses?: { type: string; address: string }[]; daemonEndpoints?: unknown };
    }>('GET', '/api/v1/nodes/node-1', { what: 'read node' });
    assert.ok(node.status?.addresses?.some((a) => a.type === 'InternalIP' && a.address === '127.0.0.1'));
    const port = (node.status?.daemonEndpoints as { kubeletEndpoint?: { Port?: number } } | undefined)
      ?.kubeletEndpoint?.Port;
    assert.ok(port !== undefined && port > 0, `kubelet port ${String(port)}`);
  });
});

after(async () => {
  rest?.dispose();
  await cluster?.stop();
  echo?.close();
});

describe('logs through the API server', () => {
  test('current, previous container and tail', async () => {
    const pod = await createPod('restarted', running, 1);
    const ref = { ...pod, container: 'app' };
    writeContainerLog(cluster.podLogs, { ...ref, restart: 0 }, [
      'Starting broker',
      { text: 'java.net.ConnectException: Connection refused (zookeeper-service:2181)', stream: 'stderr' },
    ]);
    writeContainerLog(cluster.podLogs, { ...ref, restart: 1 }, ['Starting broker', 'line 2', 'line 3']);

    assert.deepEqual(lines(await logs(pod, {})), ['Starting broker', 'line 2', 'line 3']);
    assert.deepEqual(lines(await logs(pod, { previous: true })), [
      'Starting broker',
      'java.net.ConnectException: Connection refused (zookeeper-service:2181)',
    ]);
    assert.deepEqual(lines(await logs(pod, { tailLines: 2 })), ['line 2', 'line 3']);
    // streamLogs asks for timestamps: each line starts with the one the runtime recorded.
    assert.match(await logs(pod, { tailLines: 1 }), /^\d{4}-\d\d-\d\dT\S+Z line 3\n$/);
  });

  test('follow receives lines appended while it runs', async () => {
    const pod = await createPod('follower', running);
    const ref = { ...pod, container: 'app' };
    writeContainerLog(cluster.podLogs, ref, ['first']);
    let text = '';
    const abort = new AbortController();
    const streaming = streamLogs(
      rest,
      { kind: 'Pod', ...pod },
      { container: 'app', follow: true },
      (t) => (text += t),
      abort.signal,
    );
    await eventually(() => assert.deepEqual(lines(text), ['first']));
    writeContainerLog(cluster.podLogs, ref, ['second']);
    await eventually(() => assert.deepEqual(lines(text), ['first', 'second']));
    abort.abort();
    await streaming;
  });

  test('a container that never started says so; no previous container is an error too', async () => {
    const pod = await createPod('pending', { waiting: { reason: 'ContainerCreating' } });
    await assert.rejects(logs(pod, {}), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.match(
        e.apiMessage ?? '',
        /container "app" in pod "pending" is waiting to start: ContainerCreating/,
      );
      return true;
    });
    const fresh = await createPod('fresh', running);
    await assert.rejects(logs(fresh, { previous: true }), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.match(e.apiMessage ?? '', /previous terminated container "app" in pod "fresh" not found/);
      return true;
    });
  });
});

describe('exec through the API server', () => {
  test('output, exit codes and the container env', async () => {
    const pod = await createPod('shell', running);
    const hi = await execOnce(rest, pod, 'app', ['echo', 'hi']);
    assert.deepEqual(hi, { exitCode: 0, stdout: 'hi\n', stderr: '' });
    const failed = await execOnce(rest, pod, 'app', ['sh', '-c', 'echo oops >&2; exit 3']);
    assert.equal(failed.exitCode, 3);
    assert.equal(failed.stderr, 'oops\n');
    const env = await execOnce(rest, pod, 'app', ['sh', '-c', 'echo "$GREETING"']);
    assert.equal(env.stdout, 'hello from the pod env\n');
  });

  test('stdin reaches the process, and ending it ends the process', async () => {
    const pod = await createPod('stdin', running);
    let out = '';
    const session = await openExec(
      rest,
      pod,
      { container: 'app', command: ['cat'], stdin: true },
      { stdout: (d) => (out += d.toString('utf8')), stderr: () => undefined },
    );
    session.write('round trip\n');
    await eventually(() => assert.equal(out, 'round trip\n'));
    session.endInput();
    assert.deepEqual(await session.done, { exitCode: 0 });
  });

  test('a container that is not running: no exit code, the message of the node', async () => {
    const pod = await createPod('not-running', { waiting: { reason: 'CrashLoopBackOff' } });
    // The upgrade succeeds at the API server; the node's refusal comes back on the error channel.
    const result = await execOnce(rest, pod, 'app', ['true']);
    assert.equal(result.exitCode, undefined);
    assert.match(result.message ?? '', /unable to upgrade connection: container not found \("app"\)/);
  });
});

describe('a shell over exec (what Open Shell drives)', () => {
  test('a terminal session echoes typed commands, follows resizes and ends with the shell', async () => {
    const pod = await createPod('terminal', running);
    let out = '';
    const session = await openExec(
      rest,
      pod,
      { container: 'app', command: ['sh'], stdin: true, tty: true },
      { stdout: (d) => (out += d.toString('utf8')), stderr: () => undefined },
    );
    session.resize(132, 40);
    session.write('stty size; echo "hello from $HOSTNAME"\r');
    await eventually(() => assert.match(out, /40 132/));
    await eventually(() => assert.match(out, /hello from terminal/));
    session.write('exit 4\r');
    assert.equal((await session.done).exitCode, 4);
  });
});

describe('port-forward through the API server', () => {
  test('bytes round-trip to the pod port', async () => {
    const pod = await createPod('forwarded', running);
    const forward = await startPortForward(rest, pod, echoPort);
    try {
      for (const message of ['ping', 'second connection']) {
        const reply = await new Promise<string>((resolve, reject) => {
          const socket = net.connect(forward.localPort, '127.0.0.1', () => socket.write(message));
          let got = '';
          socket.on('data', (d: Buffer) => {
            got += d.toString('utf8');
            if (got.length >= message.length) {
              socket.end();
              resolve(got);
            }
          });
          socket.on('error', reject);
        });
        assert.equal(reply, message);
      }
      assert.deepEqual(forward.errors, []);
    } finally {
      await forward.close();
    }
  });
});
