/** What the Clusters tree says under a cluster whose data is not live, and the button it offers. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionStatus } from '../../../src/adapters/k8s/connection';
import { KubeError, fromStatus } from '../../../src/adapters/k8s/errors';
import { Commands } from '../../../src/constants';
import { statusLine } from '../../../src/features/clusters/status-line';

const base = { forbiddenNamespaces: new Map(), unavailable: new Map(), namespaceScoped: false };
const failed = (error: KubeError): ConnectionStatus => ({ ...base, state: 'failed', error });

test('rejected credentials: an error in plain words, with Open kubeconfig… as the way out', () => {
  const line = statusLine(failed(fromStatus(401, '{"message":"Unauthorized"}', 'list pods')));
  assert.ok(line);
  assert.equal(line.severity, 'error');
  assert.equal(line.icon, 'error');
  assert.deepEqual(line.command, { title: 'Open kubeconfig…', command: Commands.openKubeconfig });
  assert.match(line.text, /rejected the credentials/);
  assert.doesNotMatch(line.text, /stale|retrying/i, 'nothing retries by itself');
  assert.equal(line.summary, 'credentials rejected');
  assert.match(line.tooltip, /Refresh reconnects/);
});

test('a lost connection is stale and retries by itself; Retry now only hurries it', () => {
  const error = new KubeError(
    'unreachable',
    'Cannot reach the cluster at https://10.0.0.1:6443 (ECONNREFUSED).',
  );
  const line = statusLine({ ...base, state: 'stale', error, since: Date.now() });
  assert.ok(line);
  assert.equal(line.severity, 'warning');
  assert.deepEqual(line.command, { title: 'Retry now', command: Commands.refresh });
  assert.match(line.text, /^Stale since .* Cannot reach the cluster .* Retrying by itself\.$/);
});

test('other failures: a broken kubeconfig opens the kubeconfig, anything else offers Retry', () => {
  const config = statusLine(failed(new KubeError('config', 'Cannot authenticate to https://x: exec failed')));
  assert.deepEqual(config?.command, { title: 'Open kubeconfig…', command: Commands.openKubeconfig });
  const forbidden = statusLine(failed(fromStatus(403, '{"message":"pods is forbidden"}', 'list pods')));
  assert.deepEqual(forbidden?.command, { title: 'Retry', command: Commands.refresh });
  assert.equal(forbidden?.summary, 'cannot read the cluster');
});

test('a live cluster has no status line', () => {
  assert.equal(statusLine({ ...base, state: 'ready' }), undefined);
  assert.equal(statusLine({ state: 'snapshot' }), undefined);
});

test('a credential plugin that failed (no answer from the server at all) says sign-in failed, not rejected', () => {
  const error = new KubeError(
    'unauthorized',
    'The credential plugin `kubelogin` did not answer in 60 s (context prod).',
  );
  const line = statusLine(failed(error));
  assert.equal(line?.summary, 'sign-in failed');
  assert.equal(line?.text, error.message);
  assert.match(line?.tooltip ?? '', /Refresh reconnects/);
});
