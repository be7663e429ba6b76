/**
 * How a kubeconfig's user and cluster entries reach the real API server: exec credential plugins
 * (one run per user entry, cached, with a timeout) and proxies (`proxy-url`).
 */
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterConnection } from '../../src/adapters/k8s/connection';
import { forContext, loadKubeconfig } from '../../src/adapters/k8s/kubeconfig';
import { KubeRest } from '../../src/adapters/k8s/rest';
import { silentLogger } from '../../src/core/log';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { eventually } from './support/kube';
import { scratchDir } from '../../scripts/harness/scratch';

const dir = scratchDir('shipshape-auth-');

/** A plugin: a shell wrapper (the name the user sees) around a node script. */
function plugin(name: string, script: string): string {
  const js = join(dir, `${name}.js`);
  writeFileSync(js, script);
  const sh = join(dir, name);
  writeFileSync(sh, `#!/bin/sh\nexec "${process.execPath}" "${js}" "$@"\n`);
  chmodSync(sh, 0o755);
  return sh;
}

function connect(kubeconfig: string, context: string, credentialTimeoutMs?: number): ClusterConnection {
  const source = loadKubeconfig([kubeconfig]);
  const connection = new ClusterConnection(forContext(source, context), context, silentLogger, {
    debounceMs: 10,
    ...(credentialTimeoutMs ? { credentialTimeoutMs } : {}),
  });
  connection.start();
  return connection;
}

describe('kubeconfig credentials and connection settings on a real API server', () => {
  let cluster: TestCluster;
  let kubeconfig: string;
  const counter = join(dir, 'runs.log');
  let proxy: Server;
  const tunnels: string[] = [];

  before(async () => {
    cluster = await startTestCluster();
    // A CONNECT proxy on loopback that records every tunnel it opens.
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const [host = '', port = ''] = (req.url ?? '').split(':');
      const upstream = tcpConnect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyPort = (proxy.address() as AddressInfo).port;
    const admin = new KubeConfig();
    admin.loadFromFile(cluster.kubeconfig);
    const user = admin.getCurrentUser();
    const cert = Buffer.from(user?.certData ?? '', 'base64').toString('utf8');
    const key = Buffer.from(user?.keyData ?? '', 'base64').toString('utf8');
    const credential = {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      // No expirationTimestamp: client-node ran the plugin again for every request.
      status: { clientCertificateData: cert, clientKeyData: key },
    };
    const counting = plugin(
      'count-login',
      `require('fs').appendFileSync(${JSON.stringify(counter)}, 'run\\n');\n` +
        `setTimeout(() => process.stdout.write(${JSON.stringify(JSON.stringify(credential))}), 200);\n`,
    );
    const hung = plugin('hung-login', 'setInterval(() => undefined, 1000);\n');
    const caData = admin.getCurrentCluster()?.caData ?? '';
    const execUser = (name: string, command: string) =>
      `- name: ${name}\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${command}\n      interactiveMode: Never\n`;
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: sso',
        'clusters:',
        `- name: test\n  cluster:\n    server: ${cluster.server}\n    certificate-authority-data: ${caData}`,
        `- name: via-proxy\n  cluster:\n    server: ${cluster.server}\n    certificate-authority-data: ${caData}\n    proxy-url: http://127.0.0.1:${proxyPort}`,
        'users:',
        execUser('sso-user', counting),
        execUser('hung-user', hung),
        `- name: admin\n  user:\n    client-certificate-data: ${user?.certData ?? ''}\n    client-key-data: ${user?.keyData ?? ''}`,
        'contexts:',
        '- name: sso\n  context:\n    cluster: test\n    user: sso-user',
        '- name: sso-other-namespace\n  context:\n    cluster: test\n    user: sso-user\n    namespace: kube-system',
        '- name: hung\n  context:\n    cluster: test\n    user: hung-user',
        '- name: admin\n  context:\n    cluster: test\n    user: admin',
        '- name: proxied\n  context:\n    cluster: via-proxy\n    user: admin',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    proxy?.closeAllConnections();
    proxy?.close();
    await cluster?.stop();
  });

  const runs = () => {
    try {
      return readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };

  test('an exec plugin runs once for every informer of every context of the same user, and is reused after', async () => {
    const first = connect(kubeconfig, 'sso');
    const second = connect(kubeconfig, 'sso-other-namespace');
    try {
      await eventually(() => {
        for (const c of [first, second]) {
          assert.equal(c.status().state, 'ready');
          assert.equal(c.loading(), false);
        }
      }, 30_000);
      assert.ok(first.stats().lists >= 10, 'every informer listed');
      // More requests with the same credential (it has no expirationTimestamp).
      const rest = new KubeRest(forContext(loadKubeconfig([kubeconfig]), 'sso'), silentLogger);
      for (let i = 0; i < 3; i++)
        await rest.request('GET', '/api/v1/namespaces', { what: 'list namespaces' });
      rest.dispose();
      assert.equal(runs(), 1, 'the plugin ran once');
    } finally {
      first.dispose();
      second.dispose();
    }
  });

  test('a plugin that never answers: a plain timeout message, and other contexts are unaffected', async () => {
    const hung = connect(kubeconfig, 'hung', 1000);
    const admin = connect(kubeconfig, 'admin');
    try {
      await eventually(() => assert.equal(admin.status().state, 'ready'), 30_000);
      const status = await eventually(() => {
        const s = hung.status();
        assert.equal(s.state, 'failed');
        return s;
      }, 30_000);
      assert.match(status.error?.message ?? '', /The credential plugin `hung-login` did not answer in 1 s/);
      assert.equal(admin.status().state, 'ready');
    } finally {
      hung.dispose();
      admin.dispose();
    }
  });

  test("a cluster's proxy-url carries LIST and WATCH through the proxy", async () => {
    const connection = connect(kubeconfig, 'proxied');
    try {
      await eventually(() => {
        assert.equal(connection.status().state, 'ready');
        assert.equal(connection.loading(), false);
      }, 30_000);
      const direct = new KubeRest(forContext(loadKubeconfig([kubeconfig]), 'admin'), silentLogger);
      await direct.request('POST', '/api/v1/namespaces', {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'seen-through-proxy' } },
        what: 'create namespace',
      });
      direct.dispose();
      // The watch (through the proxy) brings the new namespace in.
      await eventually(() =>
        assert.ok(connection.state().namespaces.some((n) => n.metadata?.name === 'seen-through-proxy')),
      );
      const server = new URL(cluster.server);
      assert.ok(tunnels.length >= 1, 'the proxy opened tunnels');
      assert.ok(
        tunnels.every((t) => t === `${server.hostname}:${server.port}`),
        tunnels.join(', '),
      );
    } finally {
      connection.dispose();
    }
  });
});
