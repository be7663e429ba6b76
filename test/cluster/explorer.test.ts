/**
 * The explorer's data layer against the real kube-apiserver: LIST+WATCH informers, health,
 * RBAC fallbacks, credential and network failures, a server restart mid-watch, and writes
 * (confirmation declined → nothing changes; dry run first).
 */
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterConnection } from '../../src/adapters/k8s/connection';
import { KubeError } from '../../src/adapters/k8s/errors';
import { contextsOf, forContext, loadKubeconfig } from '../../src/adapters/k8s/kubeconfig';
import { writes } from '../../src/adapters/k8s/actions';
import { executePlan } from '../../src/adapters/k8s/plan';
import { plans } from '../../src/adapters/k8s/plans';
import { Commands } from '../../src/constants';
import { summarise } from '../../src/core/health/summary';
import { silentLogger } from '../../src/core/log';
import { statusLine } from '../../src/features/clusters/status-line';
import { freePort, isAlive } from '../../scripts/harness/process';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import {
  crashLoop,
  deploymentWithPods,
  eventually,
  imagePull,
  namespace,
  restFor,
  running,
  setPodStatus,
  unprotected,
} from './support/kube';
import { scratchDir } from '../../scripts/harness/scratch';

function connect(kubeconfig: string, context?: string, pinned: string[] = []): ClusterConnection {
  const source = loadKubeconfig([kubeconfig]);
  const name = context ?? source.kc.getCurrentContext();
  const connection = new ClusterConnection(forContext(source, name), name, silentLogger, {
    pinnedNamespaces: pinned,
    debounceMs: 10,
  });
  connection.start();
  return connection;
}

describe('explorer data layer on a real API server', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ users: ['viewer'], expiredUsers: ['expired'] });
    const rest = restFor(cluster.kubeconfig);
    await namespace(rest, 'data-platform');
    await namespace(rest, 'kafka');
    await deploymentWithPods(rest, 'data-platform', 'trino-worker', [running(), crashLoop(), imagePull()]);
    await deploymentWithPods(rest, 'kafka', 'broker', [running(), running()]);
    // viewer may read pods in kafka only.
    await rest.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/kafka/roles', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'read' },
        rules: [
          {
            apiGroups: ['', 'apps', 'batch', 'policy', 'networking.k8s.io'],
            resources: ['*'],
            verbs: ['get', 'list', 'watch'],
          },
        ],
      },
      what: 'create role',
    });
    await rest.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/kafka/rolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'read' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
        subjects: [{ kind: 'User', name: 'viewer', apiGroup: 'rbac.authorization.k8s.io' }],
      },
      what: 'create rolebinding',
    });
  });
  after(async () => {
    const pid = cluster?.pid;
    await cluster?.stop();
    assert.equal(isAlive(pid), false, 'the API server process is gone');
  });

  test('paginated LIST + WATCH builds the model; a status change reaches it without a re-LIST', async () => {
    const connection = connect(cluster.kubeconfig);
    try {
      await eventually(() => assert.equal(connection.status().state, 'ready'));
      const health = await eventually(() => {
        // Owners resolve through ReplicaSets and Deployments: wait for every list, not just pods.
        assert.equal(connection.loading(), false);
        const h = summarise(connection.state(), Date.now());
        assert.equal(h.pods.total, 5);
        return h;
      });
      assert.deepEqual(health.problems.map((p) => [p.namespace, p.reason, p.owner.name]).sort(), [
        ['data-platform', 'CrashLoopBackOff', 'trino-worker'],
        ['data-platform', 'ImagePullBackOff', 'trino-worker'],
      ]);
      const before = connection.stats();
      const rest = restFor(cluster.kubeconfig);
      const crashing = connection
        .state()
        .pods.find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
      await setPodStatus(rest, 'data-platform', crashing?.metadata?.name ?? '', running());
      await eventually(() => assert.equal(summarise(connection.state(), Date.now()).problems.length, 1));
      const afterStats = connection.stats();
      assert.equal(afterStats.lists, before.lists, 'no re-LIST on steady state');
      assert.ok(afterStats.events > before.events);
    } finally {
      connection.dispose();
    }
  });

  test('small LIST pages, each fetched while the previous one is parsed, give every object once', async () => {
    const source = loadKubeconfig([cluster.kubeconfig]);
    const name = source.kc.getCurrentContext();
    const connection = new ClusterConnection(forContext(source, name), name, silentLogger, {
      debounceMs: 10,
      pageSize: 2,
    });
    connection.start();
    try {
      await eventually(() => {
        assert.equal(connection.status().state, 'ready');
        assert.equal(connection.loading(), false);
      });
      const names = connection.state().pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
      assert.equal(names.length, 5);
      assert.equal(new Set(names).size, 5, 'no pod twice');
      // 5 pods in pages of 2 is 3 pages for pods alone; every other kind needs at least one.
      assert.ok(connection.stats().listPages >= 3 + connection.stats().lists - 1);
    } finally {
      connection.dispose();
    }
  });

  test('a user who may not list across the cluster sees pinned namespaces; the forbidden one says so', async () => {
    const connection = connect(cluster.kubeconfig, 'viewer@testcluster', ['kafka', 'data-platform']);
    try {
      await eventually(() => {
        const status = connection.status();
        assert.equal(status.namespaceScoped, true);
        assert.ok(status.forbiddenNamespaces.has('data-platform'));
        assert.equal(connection.state().pods.filter((p) => p.metadata?.namespace === 'kafka').length, 2);
      });
      assert.match(
        connection.status().forbiddenNamespaces.get('data-platform')?.message ?? '',
        /forbidden|not allowed/i,
      );
      assert.equal(
        connection.state().pods.some((p) => p.metadata?.namespace === 'data-platform'),
        false,
      );
    } finally {
      connection.dispose();
    }
  });

  test('expired credentials are a failure, not a stale cache: plain words and Open kubeconfig…', async () => {
    const connection = connect(cluster.kubeconfig, 'expired@testcluster');
    try {
      const status = await eventually(() => {
        const s = connection.status();
        assert.equal(s.error?.kind, 'unauthorized');
        return s;
      });
      assert.equal(status.state, 'failed', 'retrying by itself cannot make expired credentials work');
      assert.match(status.error?.message ?? '', /rejected the credentials|expired/);
      assert.equal(connection.state().pods.length, 0);
      const line = statusLine(status);
      assert.deepEqual(line?.command, { title: 'Open kubeconfig…', command: Commands.openKubeconfig });
      assert.match(line?.text ?? '', /rejected the credentials/);
      assert.doesNotMatch(line?.text ?? '', /stale|retrying/i);
      // A stale informer would have listed again within ~1.25 s (first backoff step).
      const lists = connection.stats().lists;
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(connection.stats().lists, lists, 'no retries against a server that said 401');
      assert.equal(connection.status().state, 'failed');
    } finally {
      connection.dispose();
    }
  });

  test('credentials that work again (signed in anew): Refresh brings the cluster back', async () => {
    const rest = restFor(cluster.kubeconfig);
    await rest.request('POST', '/api/v1/namespaces/default/serviceaccounts', {
      body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sso-user' } },
      what: 'create service account',
    });
    await rest.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'sso-user' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'sso-user', namespace: 'default' }],
      },
      what: 'bind cluster-admin',
    });
    const issued = await rest.request<{ status: { token: string } }>(
      'POST',
      '/api/v1/namespaces/default/serviceaccounts/sso-user/token',
      {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds: 3600 },
        },
        what: 'issue a token',
      },
    );
    // An exec credential plugin like `aws eks get-token`: it hands out whatever token the user's
    // last sign-in left behind, here a file the test rewrites.
    const dir = scratchDir('kc-sso-');
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'token-from-last-week');
    const plugin = `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: require('fs').readFileSync(process.argv[1], 'utf8').trim() } }))`;
    const base = new KubeConfig();
    base.loadFromFile(cluster.kubeconfig);
    const server = base.getCurrentCluster();
    assert.ok(server);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [server],
      users: [
        {
          name: 'sso',
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: process.execPath,
            args: ['-e', plugin, tokenFile],
            interactiveMode: 'Never',
          },
        },
      ],
      contexts: [{ name: 'sso@testcluster', cluster: server.name, user: 'sso' }],
      currentContext: 'sso@testcluster',
    });
    writeFileSync(join(dir, 'config'), kc.exportConfig());
    const connection = connect(join(dir, 'config'));
    try {
      await eventually(() => {
        const s = connection.status();
        assert.equal(s.state, 'failed');
        assert.equal(s.error?.kind, 'unauthorized');
      });
      writeFileSync(tokenFile, issued.status.token);
      connection.refresh();
      await eventually(() => {
        const s = connection.status();
        assert.equal(s.state, 'ready');
        assert.equal(s.error, undefined);
        assert.equal(connection.loading(), false);
        assert.ok(connection.state().pods.length > 0, 'the data is back');
      });
      assert.equal(statusLine(connection.status()), undefined, 'no failure line left in the tree');
      assert.equal(connection.status().unavailable.size, 0, 'nothing left marked unreadable');
    } finally {
      connection.dispose();
      rest.dispose();
    }
  });

  test('a client certificate renewed at the same path: Refresh uses the new one', async () => {
    // Like `kubeadm certs renew` or a cert-manager-issued user cert: the kubeconfig names files,
    // and the files are replaced. The expired certificate goes first, then the admin's.
    const base = new KubeConfig();
    base.loadFromFile(cluster.kubeconfig);
    const pem = (user: string, field: 'certData' | 'keyData') =>
      Buffer.from(base.getUser(user)?.[field] ?? '', 'base64').toString('utf8');
    const dir = scratchDir('kc-cert-');
    const certFile = join(dir, 'client.crt');
    const keyFile = join(dir, 'client.key');
    writeFileSync(certFile, pem('expired', 'certData'));
    writeFileSync(keyFile, pem('expired', 'keyData'));
    const server = base.getCurrentCluster();
    assert.ok(server);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [server],
      users: [{ name: 'files', certFile, keyFile }],
      contexts: [{ name: 'files@testcluster', cluster: server.name, user: 'files' }],
      currentContext: 'files@testcluster',
    });
    writeFileSync(join(dir, 'config'), kc.exportConfig());
    const connection = connect(join(dir, 'config'));
    try {
      await eventually(() => assert.equal(connection.status().error?.kind, 'unauthorized'));
      writeFileSync(certFile, pem('admin', 'certData'));
      writeFileSync(keyFile, pem('admin', 'keyData'));
      connection.refresh();
      await eventually(() => {
        const s = connection.status();
        assert.equal(s.state, 'ready');
        assert.ok(connection.state().pods.length > 0, 'the data is back');
      });
    } finally {
      connection.dispose();
    }
  });

  test('an unreachable server times out into a "stale/unreachable" state without hanging', async () => {
    const dir = scratchDir('kc-');
    const port = await freePort();
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const config = kc.exportConfig().replace(cluster.server, `https://127.0.0.1:${port}`);
    writeFileSync(join(dir, 'config'), config);
    const connection = connect(join(dir, 'config'));
    try {
      const status = await eventually(() => {
        const s = connection.status();
        assert.equal(s.error?.kind, 'unreachable');
        return s;
      });
      assert.match(status.error?.message ?? '', /Cannot reach the cluster/);
    } finally {
      connection.dispose();
    }
  });

  test('a malformed kubeconfig is an error naming the file', () => {
    const dir = scratchDir('kc-');
    const path = join(dir, 'broken');
    writeFileSync(path, 'apiVersion: v1\nclusters: [unclosed\n');
    assert.throws(
      () => loadKubeconfig([path]),
      (e: unknown) => e instanceof KubeError && e.message.includes(path),
    );
    const ok = loadKubeconfig([cluster.kubeconfig]);
    assert.deepEqual(
      contextsOf(ok)
        .map((c) => c.name)
        .sort(),
      ['expired@testcluster', 'testcluster', 'viewer@testcluster'],
    );
  });

  test('writes: a declined confirmation changes nothing; dry run then the real scale', async () => {
    const rest = restFor(cluster.kubeconfig);
    const ref = { kind: 'Deployment', namespace: 'kafka', name: 'broker' };
    const plan = plans.scale(ref, 2, 0);
    assert.equal(plan.confirm, 'Scale to 0', 'scaling to nothing says so on the button');
    const replicas = async () =>
      (
        await rest.request<{ spec: { replicas: number } }>(
          'GET',
          '/apis/apps/v1/namespaces/kafka/deployments/broker',
          { what: 'read' },
        )
      ).spec.replicas;
    assert.deepEqual(await executePlan(rest, plan, () => Promise.resolve(false), unprotected), {
      status: 'declined',
    });
    assert.equal(await replicas(), 2);
    const bad = plans.scale({ ...ref, name: 'does-not-exist' }, 2, 0);
    const refused = await executePlan(rest, bad, () => Promise.resolve(true), unprotected);
    assert.equal(refused.status, 'dry-run-failed');
    assert.match(refused.status === 'dry-run-failed' ? refused.message : '', /not found/);
    assert.deepEqual(await executePlan(rest, plan, () => Promise.resolve(true), unprotected), {
      status: 'done',
    });
    assert.equal(await replicas(), 0);
  });

  test('force delete of a stuck Terminating pod removes its finalizers first', async () => {
    const rest = restFor(cluster.kubeconfig);
    await rest.request('POST', '/api/v1/namespaces/data-platform/pods', {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'stuck', finalizers: ['example.com/never'] },
        spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
      },
      what: 'create',
    });
    await rest.request('DELETE', '/api/v1/namespaces/data-platform/pods/stuck', {
      body: { gracePeriodSeconds: 0 },
      what: 'delete',
    });
    const pod = await rest.request<{ metadata: { deletionTimestamp?: string } }>(
      'GET',
      '/api/v1/namespaces/data-platform/pods/stuck',
      { what: 'read' },
    );
    assert.ok(pod.metadata.deletionTimestamp, 'the finalizer keeps it Terminating');
    const ref = { kind: 'Pod', namespace: 'data-platform', name: 'stuck' };
    const outcome = await executePlan(
      rest,
      {
        title: 'Force delete',
        objects: [],
        confirm: 'Force delete',
        writes: [writes.removeFinalizers(ref), writes.deletePod(ref, true)],
        done: '',
      },
      () => Promise.resolve(true),
      unprotected,
    );
    assert.deepEqual(outcome, { status: 'done' });
    await eventually(async () => {
      await assert.rejects(
        rest.request('GET', '/api/v1/namespaces/data-platform/pods/stuck', { what: 'read' }),
        (e: unknown) => e instanceof KubeError && e.kind === 'notFound',
      );
    });
  });
});

describe('a watch that drops: the API server stops and comes back', () => {
  test('the model goes stale, recovers by itself, and holds no duplicates', async () => {
    const dataDir = scratchDir('etcd-');
    const workDir = scratchDir('work-');
    const port = await freePort();
    let cluster = await startTestCluster({ dataDir, workDir, port });
    const rest = restFor(cluster.kubeconfig);
    await namespace(rest, 'ml-platform');
    await deploymentWithPods(rest, 'ml-platform', 'ray-worker', [running(), running()]);
    const connection = connect(cluster.kubeconfig);
    try {
      await eventually(() => assert.equal(connection.state().pods.length, 2));
      await cluster.stop();
      await eventually(
        () => assert.equal(connection.status().state, 'stale'),
        30_000,
        'stale after the server stopped',
      );
      assert.equal(connection.state().pods.length, 2, 'the last good data stays visible');
      cluster = await startTestCluster({ dataDir, workDir, port });
      const again = restFor(cluster.kubeconfig);
      await deploymentWithPods(again, 'ml-platform', 'ray-head', [running()]);
      await eventually(
        () => {
          assert.equal(connection.status().state, 'ready');
          const names = connection.state().pods.map((p) => p.metadata?.name);
          assert.equal(names.length, 3);
          assert.equal(new Set(names).size, 3, 'no duplicates');
        },
        60_000,
        'recovery after restart',
      );
    } finally {
      connection.dispose();
      await cluster.stop();
      // The test owns these folders (it restarts the server on them): 125 MB of etcd each.
      for (const dir of [dataDir, workDir]) rmSync(dir, { recursive: true, force: true });
    }
  });
});
