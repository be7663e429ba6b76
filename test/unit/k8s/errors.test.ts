/** How API failures are classified: what the UI may retry by itself and what needs the user. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeError, fromNetwork, fromStatus } from '../../../src/adapters/k8s/errors';

const status = (code: number, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });

test('401 is "unauthorized": it needs the user (sign in again), it is not transient', () => {
  const e = fromStatus(401, status(401, 'Unauthorized'), 'list pods');
  assert.equal(e.kind, 'unauthorized');
  assert.equal(e.needsAction, true);
  assert.equal(e.transient, false);
  assert.equal(e.apiMessage, 'Unauthorized');
  assert.match(e.message, /rejected the credentials/);
  assert.match(e.message, /kubeconfig/, 'the message names the way out');
});

test('RBAC, a missing API and a broken kubeconfig need the user too; the network and 5xx do not', () => {
  const needs = [
    fromStatus(403, status(403, 'pods is forbidden'), 'list pods'),
    fromStatus(404, status(404, 'the server could not find the requested resource'), 'list apps'),
    new KubeError('config', 'The context "x" names no cluster.'),
  ];
  for (const e of needs) assert.equal(e.needsAction, true, e.kind);
  const passing = [
    fromStatus(503, status(503, 'etcd leader changed'), 'list pods'),
    fromStatus(410, status(410, 'too old resource version'), 'watch'),
    fromNetwork(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'https://x'),
    fromNetwork(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }), 'https://x'),
  ];
  for (const e of passing) {
    assert.equal(e.needsAction, false, e.kind);
    assert.equal(e.transient, true, e.kind);
  }
});

test("the server's wish to be left alone is kept: Status.details.retryAfterSeconds, else Retry-After", () => {
  const status = (details?: object) =>
    JSON.stringify({ kind: 'Status', code: 429, ...(details ? { details } : {}) });
  assert.equal(fromStatus(429, status({ retryAfterSeconds: 7 }), 'list pods').retryAfterSeconds, 7);
  assert.equal(fromStatus(429, status(), 'list pods', '3').retryAfterSeconds, 3);
  assert.equal(fromStatus(503, status(), 'list pods').retryAfterSeconds, undefined);
  assert.equal(fromStatus(503, 'not json', 'list pods', 'soon').retryAfterSeconds, undefined);
  const later = new Date(Date.now() + 20_000).toUTCString();
  const dated = fromStatus(503, 'not json', 'list pods', later).retryAfterSeconds ?? 0;
  assert.ok(dated >= 18 && dated <= 21, `${dated}`);
});
