/** The informer's reaction to failures, against a scripted API (no server, no timers waited on). */
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
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

/**
 * Retry pacing, on mocked clocks (node:test's mock timers drive setTimeout and Date): the
 * scripted API answers at once, so any missing delay shows up as a burst of requests.
 */
// A hot retry loop starves the event loop's immediates: the suite's timeout makes that a failure.
describe('backoff', { timeout: 60_000 }, () => {
  /** LISTs answer a pod list; each watch does what `nextWatch` says. */
  class PacedApi extends ScriptedApi {
    watches = 0;
    nextWatch: (signal: AbortSignal, onOpen: () => void) => Promise<void> = () => Promise.resolve();
    override watch(
      _path: string,
      _query: unknown,
      _onEvent: unknown,
      signal: AbortSignal,
      onOpen: () => void,
    ): Promise<void> {
      this.watches++;
      return this.nextWatch(signal, onOpen);
    }
  }
  const paced = () => {
    const api = new PacedApi();
    api.answer = () => [{ name: 'web-1' }];
    return api;
  };
  /** Lets the informer's promise chains run (real immediates; only timers are mocked). */
  const flush = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  /** Advances the mocked clock in small steps, letting the informer react between them. */
  const advance = async (ms: number, step = 100) => {
    for (let t = 0; t < ms; t += step) {
      mock.timers.tick(step);
      await flush();
    }
  };
  const gone = (retryAfterSeconds?: number) =>
    fromStatus(
      410,
      JSON.stringify({
        kind: 'Status',
        code: 410,
        reason: 'Expired',
        message: 'too old resource version: 1 (2)',
        ...(retryAfterSeconds ? { details: { retryAfterSeconds } } : {}),
      }),
      'watch',
    );

  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  test('a watch the server closes at once is re-opened after growing delays, not in a loop', async () => {
    const api = paced();
    api.nextWatch = (_s, onOpen) => {
      onOpen();
      return new Promise((r) => setImmediate(r));
    };
    const informer = informerOn(api);
    try {
      informer.start();
      await flush();
      assert.ok(api.watches <= 2, `${api.watches} watches before any time passed`);
      await advance(60_000, 200);
      // 0.6 + 1.2 + 2.4 + 4.8 + 9.6 + 19.2 + 22.5 s at the shortest jitter is past a minute.
      assert.ok(api.watches >= 3 && api.watches <= 8, `${api.watches} watches in a minute`);
      assert.equal(api.lists, 1, 'resumed from the resourceVersion, never listed again');
    } finally {
      informer.stop();
    }
  });

  test('a failing watch backs off exponentially up to a cap, and keeps its resourceVersion', async () => {
    const api = paced();
    api.nextWatch = () => Promise.reject(fromStatus(503, '{"kind":"Status","code":503}', 'watch'));
    const informer = informerOn(api);
    try {
      informer.start();
      await flush();
      const retryAts: number[] = [];
      for (let i = 0; i < 9; i++) {
        const status = informer.status;
        assert.equal(status.state, 'stale');
        if (status.state !== 'stale') return;
        retryAts.push(status.retryAt - Date.now());
        await advance(status.retryAt - Date.now() + 100, 100);
      }
      assert.equal(api.watches, 10);
      assert.equal(api.lists, 1);
      // Each wait at least ~1.5× the one before (jitter ±25%) until the 30 s cap.
      const waits = retryAts.map((w) => Math.round(w / 100) / 10);
      assert.ok(waits[0]! < 1.5, `first wait ${waits[0]} s`);
      assert.ok(waits[4]! >= 4, `fifth wait ${waits[4]} s (${waits.join(', ')})`);
      assert.ok(Math.max(...waits) <= 37.5, `capped (${waits.join(', ')})`);
      // 22.5 s is the cap's shortest jitter; a wait is read up to one 100 ms step after it was chosen.
      assert.ok(waits[8]! >= 22.3, `still long after many failures (${waits.join(', ')})`);
    } finally {
      informer.stop();
    }
  });

  test('a watch that lived a while resets the backoff: its ordinary end re-opens at once', async () => {
    const api = paced();
    let failing = 4;
    api.nextWatch = (signal, onOpen) => {
      if (failing-- > 0) return Promise.reject(fromStatus(503, '{"kind":"Status","code":503}', 'watch'));
      onOpen();
      // A healthy watch: the server ends it after its timeout (5 minutes).
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, 300_000);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    };
    const informer = informerOn(api);
    try {
      informer.start();
      await advance(40_000, 200);
      assert.equal(api.watches, 5, 'four failures, then the watch that holds');
      assert.equal(informer.status.state, 'ready');
      await advance(300_000, 1000);
      assert.equal(api.watches, 6, 'ended after 5 minutes and re-opened with no wait');
    } finally {
      informer.stop();
    }
  });

  test("410 Gone lists again when the server's retryAfterSeconds says, not at once", async () => {
    const api = paced();
    let answered = false;
    api.nextWatch = (signal, onOpen) => {
      if (!answered) {
        answered = true;
        return Promise.reject(gone(5));
      }
      onOpen();
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    };
    const informer = informerOn(api);
    try {
      informer.start();
      await flush();
      assert.equal(api.lists, 1);
      await advance(4_800);
      assert.equal(api.lists, 1, 'no LIST before the 5 s the server asked for');
      await advance(400);
      assert.equal(api.lists, 2);
      assert.equal(informer.stats.relists, 1);
    } finally {
      informer.stop();
    }
  });

  test('410 Gone moments after each watch opens: the re-LISTs back off too', async () => {
    const api = paced();
    api.nextWatch = (_s, onOpen) => {
      onOpen();
      return Promise.reject(gone());
    };
    const informer = informerOn(api);
    try {
      informer.start();
      await advance(60_000, 200);
      assert.ok(api.lists >= 3 && api.lists <= 8, `${api.lists} LISTs in a minute`);
    } finally {
      informer.stop();
    }
  });

  test('410 Gone on every watch: the re-LISTs back off too', async () => {
    const api = paced();
    api.nextWatch = () => Promise.reject(gone());
    const informer = informerOn(api);
    try {
      informer.start();
      await advance(60_000, 200);
      assert.ok(api.lists >= 3 && api.lists <= 8, `${api.lists} LISTs in a minute`);
    } finally {
      informer.stop();
    }
  });
});
