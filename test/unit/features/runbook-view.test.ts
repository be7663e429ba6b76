/** The Runbook view's state: what the webview receives, built from a parsed runbook and an evaluation. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyClusterState } from '../../../src/core/k8s/types';
import { evaluate } from '../../../src/core/runbook/evaluate';
import { parseRunbook } from '../../../src/core/runbook/parse';
import { addSample, viewState } from '../../../src/features/runbook/view-state';
import { isWebviewBound } from '../../../src/protocol/runbook';

const TEXT = `title: Demo
phases:
  - id: p1
    title: Phase one
    tasks:
      - id: t1
        title: Redis
        snippets: [k8s-pdb-min]
        items:
          - id: redis-ready
            title: Redis ready
            check: { workloadReady: { namespace: data, name: redis } }
          - id: creds
            title: Credentials verified
`;

const runbook = parseRunbook(TEXT).runbook;
const file = { label: 'demo.runbook.yaml', builtIn: false, problems: 0 };

const deployment = (ready: number) => ({
  kind: 'Deployment',
  metadata: { name: 'redis', namespace: 'data' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'redis' } } },
  status: { replicas: 1, readyReplicas: ready },
});

test('checked items carry the evaluation; manual items are open until ticked, then done', () => {
  assert.ok(runbook);
  const state = { ...emptyClusterState(), deployments: [deployment(0)] };
  const evaluation = evaluate(runbook, state, Date.now(), { ticked: new Set() });
  const view = viewState({ runbook, file, evaluation, source: { label: 'prod', kind: 'context' } });
  const [redis, creds] = view.phases[0]?.tasks[0]?.items ?? [];
  assert.equal(redis?.status, 'fail');
  assert.match(redis?.evidence ?? '', /redis/);
  assert.deepEqual(redis?.refs[0], { kind: 'Deployment', namespace: 'data', name: 'redis' });
  assert.equal(creds?.status, 'open');
  assert.equal(creds?.manual, true);
  const ticked = evaluate(runbook, { ...state, deployments: [deployment(1)] }, Date.now(), {
    ticked: new Set(['creds']),
  });
  const after = viewState({ runbook, file, evaluation: ticked, source: { label: 'prod', kind: 'context' } });
  assert.deepEqual(
    after.phases[0]?.tasks[0]?.items.map((i) => i.status),
    ['pass', 'done'],
  );
  assert.equal(after.phases[0]?.passed, 2);
  assert.ok(isWebviewBound({ type: 'state', state: after }), 'the webview accepts what the host sends');
});

test('without a cluster, checks say they were not evaluated instead of failing', () => {
  assert.ok(runbook);
  const evaluation = evaluate(runbook, emptyClusterState(), Date.now(), {
    missing: new Set(Object.keys(emptyClusterState()) as (keyof ReturnType<typeof emptyClusterState>)[]),
    ticked: new Set(['creds']),
  });
  const view = viewState({ runbook, file, evaluation, notice: 'Open a cluster' });
  const [redis, creds] = view.phases[0]?.tasks[0]?.items ?? [];
  assert.equal(redis?.status, 'unknown');
  assert.match(redis?.evidence ?? '', /Not evaluated/);
  assert.equal(creds?.status, 'done', 'ticks are the operator’s and need no cluster');
  assert.equal(view.notice, 'Open a cluster');
});

test('snippets reach the view with their defaults filled in; unknown ids say so', () => {
  assert.ok(runbook);
  const view = viewState({ runbook, file, evaluation: undefined });
  const [pdb] = view.phases[0]?.tasks[0]?.snippets ?? [];
  assert.equal(pdb?.id, 'k8s-pdb-min');
  assert.match(pdb?.text ?? '', /kind: PodDisruptionBudget/);
  assert.doesNotMatch(pdb?.text ?? '', /\$\{\d/, 'no tab-stop syntax in the copyable text');
  const odd = viewState({
    runbook: {
      ...runbook,
      phases: [{ ...runbook.phases[0]!, tasks: [{ ...runbook.phases[0]!.tasks[0]!, snippets: ['nope'] }] }],
    },
    file,
    evaluation: undefined,
  });
  assert.match(odd.phases[0]?.tasks[0]?.snippets[0]?.description ?? '', /not part of Shipshape/);
});

test('the webview gate rejects states with the wrong shapes', () => {
  assert.equal(isWebviewBound({ type: 'state', state: { title: 1 } }), false);
  assert.equal(
    isWebviewBound({ type: 'state', state: { title: 't', runbook: {}, phases: [{ id: 'x' }] } }),
    false,
  );
  assert.equal(isWebviewBound({ type: 'other' }), false);
});

test('health samples: at most one a minute unless the value moves, four hours kept', () => {
  const t0 = 1_000_000_000;
  let samples = addSample([], t0, 80);
  samples = addSample(samples, t0 + 10_000, 80);
  assert.equal(samples.length, 1, 'same value within a minute is not a new sample');
  samples = addSample(samples, t0 + 20_000, 85.04);
  assert.equal(samples.length, 2, 'a change is recorded at once');
  assert.equal(samples[1]?.v, 85);
  for (let i = 1; i <= 300; i++) samples = addSample(samples, t0 + i * 60_000, 90);
  assert.ok(samples.length <= 240);
  assert.ok((samples[0]?.t ?? 0) >= t0 + 300 * 60_000 - 4 * 3_600_000);
});
