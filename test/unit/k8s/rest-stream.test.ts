/** The REST client's log stream against a loopback HTTP server: an abort during authentication counts. */
import * as assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeRest } from '../../../src/adapters/k8s/rest';
import { silentLogger } from '../../../src/core/log';

test('a log stream aborted while authentication runs sends no request and delivers nothing', async () => {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push(req.url ?? '');
    // A follow stream would stay open; ending it keeps a failing test from hanging.
    res.end('log line that must not arrive\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'not-checked' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const rest = new KubeRest(kc, silentLogger);
  try {
    const abort = new AbortController();
    const texts: string[] = [];
    // Authentication is asynchronous: the abort below lands before it has finished.
    const done = rest.stream(
      '/api/v1/namespaces/shop/pods/web/log',
      { follow: true },
      (t) => texts.push(t),
      abort.signal,
      'logs of shop/web',
    );
    abort.abort();
    await done;
    assert.deepEqual(texts, []);
    assert.deepEqual(seen, []);
  } finally {
    rest.dispose();
    server.close();
  }
});
