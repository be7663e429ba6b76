/** Proof that the test cluster is the real kube-apiserver, not a mock. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { KubeError } from '../../src/adapters/k8s/errors';
import { isAlive } from '../../scripts/harness/process';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually, namespace, restFor } from './support/kube';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster({ users: ['viewer'], expiredUsers: ['expired'] });
});
after(async () => {
  const pid = cluster?.pid;
  await cluster?.stop();
  assert.equal(isAlive(pid), false, 'the API server never outlives the test run');
});

test("the API server's port lies below the ephemeral range, so no client's source port can take it first", () => {
  // A port from the ephemeral range, released and bound again later, was once taken by a readiness
  // poll connecting to itself: "bind: address already in use" failed a whole CI run.
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
  const port = Number(new URL(cluster.server).port);
  assert.ok(port >= 10_000 && port < low, `port ${port}, ephemeral range from ${low}`);
});

test('/version is Kubernetes v1.36.3', async () => {
  const version = await restFor(cluster.kubeconfig).request<{
    gitVersion: string;
    major: string;
    minor: string;
  }>('GET', '/version', { what: 'version' });
  assert.equal(version.gitVersion, 'v1.36.3');
  assert.deepEqual([version.major, version.minor], ['1', '36']);
});

test("validation: a Deployment whose selector does not match its template is rejected with the server's message", async () => {
  const rest = restFor(cluster.kubeconfig);
  await namespace(rest, 'validation');
  await assert.rejects(
    rest.request('POST', '/apis/apps/v1/namespaces/validation/deployments', {
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'bad' },
        spec: {
          selector: { matchLabels: { app: 'a' } },
          template: {
            metadata: { labels: { app: 'b' } },
            spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
          },
        },
      },
      what: 'create',
    }),
    (e: unknown) =>
      e instanceof KubeError &&
      e.kind === 'invalid' &&
      /`selector` does not match template `labels`/.test(e.apiMessage ?? ''),
  );
});

test('a server-side dry-run create returns the object and leaves nothing behind', async () => {
  const rest = restFor(cluster.kubeconfig);
  await namespace(rest, 'dryrun');
  const created = await rest.request<{ metadata: { name: string; uid?: string } }>(
    'POST',
    '/api/v1/namespaces/dryrun/configmaps',
    {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe' }, data: { a: 'b' } },
      query: { dryRun: 'All' },
      what: 'dry-run create',
    },
  );
  assert.equal(created.metadata.name, 'probe');
  await assert.rejects(
    rest.request('GET', '/api/v1/namespaces/dryrun/configmaps/probe', { what: 'read' }),
    (e: unknown) => e instanceof KubeError && e.kind === 'notFound',
  );
});

test('RBAC: a Role in kafka lets the viewer list pods there (200) but not in data-platform (403)', async () => {
  const admin = restFor(cluster.kubeconfig);
  const viewer = restFor(cluster.kubeconfig, 'viewer@testcluster');
  for (const ns of ['kafka', 'data-platform']) await namespace(admin, ns);
  const listPods = (ns: string) =>
    viewer.request<{ items: unknown[] }>('GET', `/api/v1/namespaces/${ns}/pods`, {
      what: `list pods in ${ns}`,
    });
  const forbidden = (e: unknown) => e instanceof KubeError && e.status === 403;
  // Before any grant the viewer may read nothing.
  await assert.rejects(listPods('kafka'), forbidden);
  await admin.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/kafka/roles', {
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pod-reader' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    },
    what: 'create role',
  });
  await admin.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/kafka/rolebindings', {
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'viewer-pod-reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }],
    },
    what: 'create role binding',
  });
  // The authorizer reads bindings from an informer: the grant applies within moments.
  const pods = await eventually(() => listPods('kafka'), 10_000, 'the grant to apply');
  assert.deepEqual(pods.items, []);
  await assert.rejects(listPods('data-platform'), (e: unknown) => {
    assert.ok(forbidden(e));
    // The server's own wording names the user, verb, resource and namespace.
    assert.match(
      (e as KubeError).apiMessage ?? '',
      /User "viewer" cannot list resource "pods" in API group "" in the namespace "data-platform"/,
    );
    return true;
  });
});

test('an expired client certificate gets 401', async () => {
  await assert.rejects(
    restFor(cluster.kubeconfig, 'expired@testcluster').request('GET', '/api/v1/namespaces', { what: 'list' }),
    (e: unknown) => e instanceof KubeError && e.status === 401,
  );
});

test('watch delivers ADDED and MODIFIED events for a status write', async () => {
  const rest = restFor(cluster.kubeconfig);
  await namespace(rest, 'watching');
  // Watch from the list's resourceVersion, as informers do: events after it arrive however long
  // the watch's own connection takes (streams have their own socket pool, so a new TLS handshake).
  const list = await rest.request<{ metadata: { resourceVersion: string } }>(
    'GET',
    '/api/v1/namespaces/watching/pods',
    { what: 'list' },
  );
  const events: string[] = [];
  const abort = new AbortController();
  const done = rest.watch(
    '/api/v1/namespaces/watching/pods',
    { timeoutSeconds: 30, resourceVersion: list.metadata.resourceVersion },
    (e) =>
      events.push(`${e.type}:${String((e.object['status'] as { phase?: string } | undefined)?.phase ?? '')}`),
    abort.signal,
  );
  await rest.request('POST', '/api/v1/namespaces/watching/pods', {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'w' },
      spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
    },
    what: 'create',
  });
  await rest.request('PATCH', '/api/v1/namespaces/watching/pods/w/status', {
    body: { status: { phase: 'Running' } },
    contentType: 'application/merge-patch+json',
    what: 'status',
  });
  await eventually(() => assert.ok(events.includes('MODIFIED:Running'), events.join(',')));
  assert.ok(events[0]?.startsWith('ADDED'));
  abort.abort();
  await done;
});
