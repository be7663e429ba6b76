/**
 * The explorer's HealthModel (plain objects for sources): a snapshot is judged at the moment it
 * was taken, so the tree's pod verdicts and the Problems view agree in a post-mortem.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { podHealth } from '../../../src/core/health/memo';
import type { ClusterState } from '../../../src/core/k8s/types';
import { HealthModel } from '../../../src/services/clusters/health-model';
import type { ClusterSources, Source } from '../../../src/services/clusters/sources';
import { NOW, SEC, pod, running, state } from '../../support/k8s';

const taken = new Date(NOW).toISOString();
// Deleted 20 s before the snapshot with a 30 s grace period: still within it when the snapshot was taken.
const deleting = pod(
  'web-1',
  { phase: 'Running', startTime: taken, containerStatuses: [running()] },
  { meta: { deletionTimestamp: new Date(NOW + 10 * SEC).toISOString(), deletionGracePeriodSeconds: 30 } },
);
const snapshot = state({ pods: [deleting] });

function modelOf(kind: Source['kind'], s: ClusterState): { model: HealthModel; source: Source } {
  const source: Source = { id: kind, label: kind, kind, readonly: kind === 'snapshot' };
  const sources = { clusterState: () => s } as unknown as ClusterSources;
  return { model: new HealthModel(sources), source };
}

test("a snapshot's clock is its latest timestamp; a live cluster's is now", () => {
  const { model, source } = modelOf('snapshot', snapshot);
  const later = NOW + 3 * 24 * 3600 * 1000;
  assert.equal(
    model.clock(source, later),
    NOW,
    "the pod's start time; a deletionTimestamp lies ahead by its grace period",
  );
  const live = modelOf('context', snapshot);
  assert.equal(live.model.clock(live.source, later), later);
});

test('the tree (pod verdict at the clock) and the Problems view agree on a snapshot, days later', () => {
  const { model, source } = modelOf('snapshot', snapshot);
  const later = NOW + 3 * 24 * 3600 * 1000;
  const problems = model.health(source, later)?.problems ?? [];
  const h = podHealth(deleting, model.clock(source, later));
  assert.equal(h.class, 'terminating', 'within its grace period when the snapshot was taken');
  assert.deepEqual(
    problems.map((p) => [p.pod, p.reason, p.severity]),
    [['web-1', 'Terminating', h.severity]],
  );
  // Judged at the wall clock instead, the same pod would read as stuck for three days.
  assert.equal(podHealth(structuredClone(deleting), later).class, 'stuckTerminating');
});
