/** The webview message gates: every field is checked on arrival, unknown keys are refused. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHostBound, isWebviewBound } from '../../../src/protocol/runbook';

const state = {
  title: 'Demo',
  source: { label: 'kind-demo', kind: 'context', stale: false },
  runbook: { label: 'demo.runbook.yaml', builtIn: false, problems: 0 },
  health: { percent: 80, samples: [{ t: 1, v: 80 }] },
  phases: [],
};
const withState = (s: Record<string, unknown>) => isWebviewBound({ type: 'state', state: s });

test('a well-formed state passes, with and without its optional parts', () => {
  assert.equal(withState(state), true);
  const { source: _s, health: _h, ...bare } = state;
  assert.equal(withState(bare), true);
  assert.equal(withState({ ...state, health: { percent: null, samples: [] } }), true);
});

test('the webview gate checks source, health and runbook field by field', () => {
  for (const source of [
    'kind-demo',
    { label: 1, kind: 'context' },
    { label: 'x', kind: 'elsewhere' },
    { label: 'x', kind: 'snapshot', stale: 'yes' },
  ])
    assert.equal(withState({ ...state, source }), false, JSON.stringify(source));
  for (const health of [
    { percent: '80', samples: [] },
    { percent: 80 },
    { percent: 80, samples: [{ t: 1 }] },
    { percent: 80, samples: [{ t: '1', v: 2 }] },
    [],
  ])
    assert.equal(withState({ ...state, health }), false, JSON.stringify(health));
  for (const runbook of [
    {},
    { label: 'x', builtIn: 'no', problems: 0 },
    { label: 'x', builtIn: false, problems: '0' },
    { label: 2, builtIn: false, problems: 0 },
  ])
    assert.equal(withState({ ...state, runbook }), false, JSON.stringify(runbook));
});

test('the host gate accepts the known messages exactly', () => {
  assert.equal(isHostBound({ type: 'ready' }), true);
  assert.equal(isHostBound({ type: 'toggle', item: 'creds', done: true }), true);
  assert.equal(isHostBound({ type: 'copySnippet', snippet: 'k8s-pdb-min' }), true);
  assert.equal(
    isHostBound({ type: 'reveal', ref: { kind: 'Pod', namespace: 'data', name: 'redis-0' } }),
    true,
  );
  assert.equal(isHostBound({ type: 'reveal', ref: { kind: 'Node', name: 'n1' } }), true);
});

test('the host gate refuses unknown keys, in the message and in a reveal reference', () => {
  assert.equal(
    isHostBound({ type: 'reveal', ref: { kind: 'Pod', name: 'p', source: 'context:prod' } }),
    false,
    'a reference cannot name another source',
  );
  assert.equal(isHostBound({ type: 'reveal', ref: { kind: 'Pod', name: 'p' }, source: 'x' }), false);
  assert.equal(isHostBound({ type: 'toggle', item: 'creds', done: true, extra: 1 }), false);
  assert.equal(isHostBound({ type: 'insertSnippet', snippet: 's', text: 'rm -rf /' }), false);
  assert.equal(isHostBound({ type: 'reveal', ref: { kind: 'Pod', name: 'p', namespace: 3 } }), false);
});
