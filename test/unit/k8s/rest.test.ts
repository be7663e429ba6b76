/** The REST client's connection pools, against a local HTTP server that holds requests open. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeError } from '../../../src/adapters/k8s/errors';
import { KubeRest } from '../../../src/adapters/k8s/rest';
import { silentLogger } from '../../../src/core/log';

/** Answers /fast at once; /slow and watches only when the test ends. */
async function holdingServer() {
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/fast')) {
      res.setHeader('Content-Type', 'application/json');
      res.end('{"ok":true}');
      return;
    }
    held.add(res);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(''); // Headers out: a watch is open, a slow request has begun.
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'local',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'anyone' }],
    contexts: [{ name: 'local', cluster: 'local', user: 'anyone' }],
    currentContext: 'local',
  });
  return {
    rest: new KubeRest(kc, silentLogger),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// A regression queues forever: the per-test timeout turns that into a failure.
test('40 open watches and streams do not hold up a GET', { timeout: 10_000 }, async () => {
  const { rest, close } = await holdingServer();
  const aborts = Array.from({ length: 40 }, () => new AbortController());
  const abort = { abort: () => aborts.forEach((a) => a.abort()) };
  try {
    const streams = aborts.map(({ signal }, i) =>
      i % 2
        ? rest.watch(`/api/v1/pods`, {}, () => undefined, signal).catch(() => undefined)
        : rest
            .stream(`/api/v1/namespaces/a/pods/p${i}/log`, { follow: true }, () => undefined, signal, 'logs')
            .catch(() => undefined),
    );
    const answer = await rest.request<{ ok: boolean }>('GET', '/fast', { what: 'read', timeoutMs: 5_000 });
    assert.deepEqual(answer, { ok: true });
    abort.abort();
    await Promise.all(streams);
  } finally {
    abort.abort();
    rest.dispose();
    await close();
  }
});

test(
  'a request queued behind busy connections times out instead of waiting forever',
  { timeout: 10_000 },
  async () => {
    const { rest, close } = await holdingServer();
    try {
      // Sixteen slow requests (a server serialising huge LIST pages) fill the request pool.
      const slow = Array.from({ length: 16 }, () =>
        rest.raw('GET', '/slow', { what: 'list', timeoutMs: 600_000 }).catch(() => undefined),
      );
      await assert.rejects(
        rest.raw('GET', '/fast', { what: 'read', timeoutMs: 300 }),
        (e: unknown) => e instanceof KubeError && e.kind === 'timeout',
      );
      rest.dispose();
      await close();
      await Promise.all(slow);
    } finally {
      rest.dispose();
      await close();
    }
  },
);
