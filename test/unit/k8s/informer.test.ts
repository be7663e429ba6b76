/** The informer's reaction to failures, against a scripted API (no server, no timers waited on). */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromStatus } from '../../../src/adapters/k8s/errors';
import {
  Informer,
  peekContinue,
  type InformerStatus,
  type ResourceType,
} from '../../../src/adapters/k8s/informer';
import type { KubeRest } from '../../../src/adapters/k8s/rest';
import { silentLogger } from '../../../src/core/log';

const PODS: ResourceType = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

/** Answers LISTs with `answer()` (a status code or a pod list); watches stay open until aborted. */
class ScriptedApi {
  lists = 0;
  answer: () => number | { name: string }[] = () => 401;
  /** Holds LISTs until resolved: a request still in flight (an exec plugin running, say). */
  gate: Promise<void> | undefined;

  async request(_method: string, _path: string, options: { what: string }): Promise<unknown> {
    this.lists++;
    const a = this.answer();
    await this.gate;
    if (typeof a === 'number')
      return Promise.reject(
        fromStatus(a, JSON.stringify({ kind: 'Status', message: `HTTP ${a}`, code: a }), options.what),
      );
    return Promise.resolve({
      metadata: { resourceVersion: '7' },
      items: a.map(({ name }) => ({ metadata: { namespace: 'shop', name } })),
    });
  }

  async raw(method: string, path: string, options: { what: string }): Promise<string> {
    return JSON.stringify(await this.request(method, path, options));
  }

  watch(
    _path: string,
    _query: unknown,
    _onEvent: unknown,
    signal: AbortSignal,
    onOpen: () => void,
  ): Promise<void> {
    onOpen();
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}

function informerOn(api: ScriptedApi): Informer<unknown> {
  return new Informer(api as unknown as KubeRest, PODS, { project: (o) => o }, silentLogger);
}

async function settled(informer: Informer<unknown>): Promise<InformerStatus> {
  for (let i = 0; i < 200 && informer.status.state === 'loading'; i++)
    await new Promise((r) => setImmediate(r));
  return informer.status;
}

test('401 Unauthorized is a failure that waits for the user, not a stale cache that retries', async () => {
  const api = new ScriptedApi();
  const informer = informerOn(api);
  try {
    informer.start();
    const status = await settled(informer);
    assert.equal(status.state, 'failed');
    assert.equal(status.state === 'failed' ? status.error.kind : undefined, 'unauthorized');
  } finally {
    informer.stop();
  }
});

test('after signing in again, Refresh lists afresh and the informer is ready', async () => {
  const api = new ScriptedApi();
  const informer = informerOn(api);
  try {
    informer.start();
    assert.equal((await settled(informer)).state, 'failed');
    api.answer = () => [{ name: 'web-1' }, { name: 'web-2' }];
    informer.refresh();
    assert.equal((await settled(informer)).state, 'ready');
    assert.equal(api.lists, 2, 'one LIST for the failure, one for the refresh');
    assert.deepEqual([...informer.items.keys()].sort(), ['shop/web-1', 'shop/web-2']);
  } finally {
    informer.stop();
  }
});

test('a Refresh while a LIST is in flight is not lost when that LIST comes back 401', async () => {
  const api = new ScriptedApi();
  let release = () => undefined as void;
  api.gate = new Promise((r) => (release = r));
  const informer = informerOn(api);
  try {
    informer.start();
    await new Promise((r) => setImmediate(r));
    assert.equal(api.lists, 1, 'the first LIST is under way with the old credentials');
    api.answer = () => [{ name: 'web-1' }];
    informer.refresh();
    api.gate = undefined;
    release();
    assert.equal((await settled(informer)).state, 'ready');
    assert.deepEqual([...informer.items.keys()], ['shop/web-1']);
  } finally {
    informer.stop();
  }
});

test('a server error (503) stays a stale cache that retries by itself', async () => {
  const api = new ScriptedApi();
  api.answer = () => 503;
  const informer = informerOn(api);
  try {
    informer.start();
    const status = await settled(informer);
    assert.equal(status.state, 'stale');
    assert.equal(status.state === 'stale' ? status.error.kind : undefined, 'server');
    assert.ok(status.state === 'stale' && status.retryAt > Date.now(), 'a retry is scheduled');
  } finally {
    informer.stop();
  }
});

test("the continue token is read from a List's first bytes, and only from its metadata", () => {
  const token = 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzLCJzdGFydCI6InNob3AvYiJ9';
  const list = (metadata: object, items: object[] = [{ metadata: { name: 'a' } }]) =>
    JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata, items });
  assert.equal(peekContinue(list({ resourceVersion: '9', continue: token, remainingItemCount: 3 })), token);
  assert.equal(peekContinue(list({ resourceVersion: '9' })), undefined, 'last page');
  assert.equal(peekContinue(list({ resourceVersion: '9', continue: '' })), undefined);
  // A pod annotation that looks like a token is not one.
  const sneaky = list({ resourceVersion: '9' }, [
    { metadata: { name: 'a', annotations: { x: `"metadata":{"continue":"${token}"` } } },
  ]);
  assert.equal(peekContinue(sneaky), undefined);
  assert.equal(peekContinue(''), undefined);
});
