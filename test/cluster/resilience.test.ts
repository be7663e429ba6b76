/**
 * A busy or failing API server: retries that back off while it is down, watches and log streams
 * that never starve requests, and reconnects that do not keep old cluster states alive.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterConnection } from '../../src/adapters/k8s/connection';
import { forContext, loadKubeconfig } from '../../src/adapters/k8s/kubeconfig';
import { WATCHED } from '../../src/adapters/k8s/resources';
import { silentLogger } from '../../src/core/log';
import { freePort } from '../../scripts/harness/process';
import { startTestCluster } from '../../scripts/harness/testcluster';
import { countingProxy } from './support/proxy';
import { deploymentWithPods, eventually, namespace, restFor, running } from './support/kube';

function connect(kubeconfig: string, pinned: string[] = [], context?: string): ClusterConnection {
  const source = loadKubeconfig([kubeconfig]);
  const name = context ?? source.kc.getCurrentContext();
  const connection = new ClusterConnection(forContext(source, name), name, silentLogger, {
    pinnedNamespaces: pinned,
    debounceMs: 10,
  });
  connection.start();
  return connection;
}

/** The cluster's kubeconfig with its server moved to another loopback port. */
function kubeconfigVia(kubeconfig: string, server: string, port: number): string {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const dir = mkdtempSync(join(tmpdir(), 'kc-proxy-'));
  writeFileSync(join(dir, 'config'), kc.exportConfig().replace(server, `https://127.0.0.1:${port}`));
  return join(dir, 'config');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the API server stops for 20 s and comes back', () => {
  test('informers back off while it is down, then recover by themselves with no duplicates', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'etcd-'));
    const workDir = mkdtempSync(join(tmpdir(), 'work-'));
    const port = await freePort();
    let cluster = await startTestCluster({ dataDir, workDir, port });
    const proxy = await countingProxy(port);
    const rest = restFor(cluster.kubeconfig);
    await namespace(rest, 'ml-platform');
    await deploymentWithPods(rest, 'ml-platform', 'ray-worker', [running(), running()]);
    rest.dispose();
    const connection = connect(kubeconfigVia(cluster.kubeconfig, cluster.server, proxy.port));
    try {
      await eventually(() => {
        assert.equal(connection.status().state, 'ready');
        assert.equal(connection.loading(), false);
        assert.equal(connection.state().pods.length, 2);
      }, 30_000);
      await cluster.stop();
      const before = proxy.connections;
      await sleep(20_000);
      const attempts = proxy.connections - before;
      // Every informer (the Argo CD one is absent: its CRD is not installed) retries LIST/WATCH.
      const informers = WATCHED.filter((w) => !w.optional).length;
      // 0.8 s doubling to 30 s, jittered ±25 %: at most 6 tries each in 20 s; once a second
      // would be 20 each.
      assert.ok(
        attempts <= informers * 7,
        `${attempts} connection attempts in 20 s from ${informers} informers (at most ${informers * 7})`,
      );
      assert.equal(connection.status().state, 'stale');
      assert.equal(connection.state().pods.length, 2, 'the last good data stays visible');
      cluster = await startTestCluster({ dataDir, workDir, port });
      const again = restFor(cluster.kubeconfig);
      await deploymentWithPods(again, 'ml-platform', 'ray-head', [running()]);
      again.dispose();
      const restarted = proxy.connections;
      await eventually(
        () => {
          assert.equal(connection.status().state, 'ready');
          const names = connection.state().pods.map((p) => p.metadata?.name);
          assert.equal(names.length, 3);
          assert.equal(new Set(names).size, 3, 'no duplicates');
        },
        // The longest wait is the 30 s cap (+25 % jitter).
        60_000,
        'recovery after restart',
      );
      const recovery = proxy.connections - restarted;
      assert.ok(
        recovery <= informers * 4,
        `${recovery} connections to recover ${informers} informers (at most ${informers * 4})`,
      );
      console.log(
        `# ${informers} informers: ${attempts} connection attempts in 20 s down, ${recovery} to recover`,
      );
    } finally {
      connection.dispose();
      await proxy.close();
      await cluster.stop();
    }
  });
});
