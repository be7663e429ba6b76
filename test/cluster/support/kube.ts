import { KubeConfig } from '@kubernetes/client-node';
import type { ContextGuard } from '../../../src/adapters/k8s/plan';
import { KubeRest } from '../../../src/adapters/k8s/rest';
import { silentLogger } from '../../../src/core/log';

/** A REST client for one context of a kubeconfig (tests drive the API with what the extension uses). */
export function restFor(kubeconfig: string, context?: string): KubeRest {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  if (context) kc.setCurrentContext(context);
  return new KubeRest(kc, silentLogger);
}

export const NOW_ISO = () => new Date().toISOString();

/** Small builders: the objects a controller would have created, statuses a kubelet would write. */
export async function namespace(rest: KubeRest, name: string): Promise<void> {
  await rest.request('POST', '/api/v1/namespaces', {
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    what: `create namespace ${name}`,
  });
}

export async function deploymentWithPods(
  rest: KubeRest,
  ns: string,
  name: string,
  statuses: readonly Record<string, unknown>[],
): Promise<{ pods: string[] }> {
  const labels = { app: name };
  const template = {
    metadata: { labels },
    spec: {
      containers: [
        { name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } },
      ],
    },
  };
  const deploy = await rest.request<{ metadata: { uid: string } }>(
    'POST',
    `/apis/apps/v1/namespaces/${ns}/deployments`,
    {
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns },
        spec: { replicas: statuses.length, selector: { matchLabels: labels }, template },
      },
      what: 'create deployment',
    },
  );
  const rsName = `${name}-5d8f9c7b6`;
  const rs = await rest.request<{ metadata: { uid: string } }>(
    'POST',
    `/apis/apps/v1/namespaces/${ns}/replicasets`,
    {
      body: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace: ns,
          labels,
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name, uid: deploy.metadata.uid, controller: true },
          ],
        },
        spec: { replicas: statuses.length, selector: { matchLabels: labels }, template },
      },
      what: 'create replicaset',
    },
  );
  const pods: string[] = [];
  for (const [i, status] of statuses.entries()) {
    const podName = `${rsName}-p${i}`;
    await rest.request('POST', `/api/v1/namespaces/${ns}/pods`, {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: ns,
          labels,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: rsName,
              uid: rs.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: { nodeName: 'node-1', ...template.spec },
      },
      what: 'create pod',
    });
    await setPodStatus(rest, ns, podName, status);
    pods.push(podName);
  }
  return { pods };
}

export async function setPodStatus(
  rest: KubeRest,
  ns: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  await rest.request('PATCH', `/api/v1/namespaces/${ns}/pods/${name}/status`, {
    body: { status },
    contentType: 'application/merge-patch+json',
    what: 'write pod status',
  });
}

export const running = () => ({
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True' }],
  containerStatuses: [
    {
      name: 'app',
      ready: true,
      restartCount: 0,
      image: 'nginx:1.27',
      imageID: '',
      state: { running: { startedAt: NOW_ISO() } },
    },
  ],
});

export const crashLoop = (restarts = 9) => ({
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'False' }],
  containerStatuses: [
    {
      name: 'app',
      ready: false,
      restartCount: restarts,
      image: 'nginx:1.27',
      imageID: '',
      state: {
        waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' },
      },
      lastState: {
        terminated: { reason: 'OOMKilled', exitCode: 137, startedAt: NOW_ISO(), finishedAt: NOW_ISO() },
      },
    },
  ],
});

export const imagePull = () => ({
  phase: 'Pending',
  containerStatuses: [
    {
      name: 'app',
      ready: false,
      restartCount: 0,
      image: 'bitnami/redis:7.2-debian-12',
      imageID: '',
      state: {
        waiting: {
          reason: 'ImagePullBackOff',
          message: 'Back-off pulling image "bitnami/redis:7.2-debian-12"',
        },
      },
    },
  ],
});

/** Polls until `check` passes (or fails after `timeoutMs` with the last error). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what} not reached in ${timeoutMs} ms: ${last instanceof Error ? last.message : String(last)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The guard for a context `shipshape.protectedContexts` does not list: asking for its name is a bug. */
export const unprotected: ContextGuard = {
  context: 'testcluster',
  protected: false,
  typeName: () => Promise.reject(new Error('an unprotected context asked for its name')),
};

/**
 * A Ready node the test cluster's simulated kubelet serves: created with the status a kubelet
 * would write (plus `status`, e.g. capacity), then waited for until the kubelet has registered its
 * endpoint on it, as a real one does. Logs, exec, port-forward and metrics go through it.
 */
export async function kubeletNode(
  rest: KubeRest,
  name: string,
  status: Record<string, unknown> = {},
): Promise<void> {
  const node = await rest.request<Record<string, unknown>>('POST', '/api/v1/nodes', {
    body: { apiVersion: 'v1', kind: 'Node', metadata: { name } },
    what: 'create node',
  });
  await rest.request('PUT', `/api/v1/nodes/${name}/status`, {
    body: {
      ...node,
      status: {
        ...status,
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
        nodeInfo: { kubeletVersion: 'v1.36.3', containerRuntimeVersion: 'containerd://1.7.22' },
      },
    },
    what: 'write node status',
  });
  await eventually(
    async () => {
      const read = await rest.request<{
        status?: { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } };
      }>('GET', `/api/v1/nodes/${name}`, { what: 'read node' });
      if (!((read.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0) > 0))
        throw new Error(`the simulated kubelet has not registered on ${name}`);
    },
    60_000,
    `kubelet on ${name}`,
  );
}
