/**
 * The explorer's memoised summary: the same verdicts as a full one, with only replaced pod
 * objects classified again, and ages that still move with the clock.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { podHealth, summariseMemoised } from '../../../src/core/health/memo';
import { summarise } from '../../../src/core/health/summary';
import { MIN, NOW, crashPod, healthyPod, imagePullPod, pod, running, state } from '../../support/k8s';

test('a memoised summary equals a full one, before and after a watch update replaces one pod', () => {
  const pods = [healthyPod('a'), crashPod('b'), imagePullPod('c')];
  assert.deepEqual(summariseMemoised(state({ pods }), NOW), summarise(state({ pods }), NOW));
  // The informer hands out a new object for the changed pod; the others keep theirs.
  const fixed = [pods[0], healthyPod('b'), pods[2]].filter((p) => p !== undefined);
  const after = summariseMemoised(state({ pods: fixed }), NOW + 1000);
  assert.deepEqual(after, summarise(state({ pods: fixed }), NOW + 1000));
  assert.deepEqual(
    after.problems.map((p) => p.pod),
    ['c'],
  );
});

test('an unchanged object reuses its classification; a replaced one, or 30 s later, is classified anew', () => {
  const p = crashPod('x');
  const first = podHealth(p, NOW);
  assert.equal(podHealth(p, NOW + 29_000), first, 'same object within 30 s: reused');
  assert.notEqual(podHealth(structuredClone(p), NOW), first, 'a new object is classified');
  assert.notEqual(podHealth(p, NOW + 31_000), first, 'older than 30 s: classified again');
});

test('ages move with the clock: a Terminating pod becomes "stuck" without any watch event', () => {
  const deleting = pod(
    'old',
    { phase: 'Running', containerStatuses: [running()] },
    { meta: { deletionTimestamp: new Date(NOW).toISOString(), deletionGracePeriodSeconds: 30 } },
  );
  assert.equal(podHealth(deleting, NOW).class, 'terminating');
  assert.equal(podHealth(deleting, NOW + 5 * MIN).class, 'stuckTerminating');
});
