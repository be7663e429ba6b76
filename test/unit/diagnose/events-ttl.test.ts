/** Events past the API server's TTL: what is left is shown, and the page says what expired. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../../src/core/diagnose/diagnose';
import { diagnosisMarkdown, diagnosisText } from '../../../src/core/diagnose/render';
import { emptyClusterState, type KubeEvent, type Pod } from '../../../src/core/k8s/types';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const HOUR = 3_600_000;

const pod = (createdAgo: number): Pod => ({
  kind: 'Pod',
  metadata: { name: 'trino-1', namespace: 'data', uid: 'u1', creationTimestamp: ago(createdAgo) },
  spec: { nodeName: 'n', containers: [{ name: 'trino' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'trino',
        restartCount: 37,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    ],
  },
});

const backOff = (at: number): KubeEvent => ({
  kind: 'Event',
  involvedObject: { kind: 'Pod', name: 'trino-1', namespace: 'data', uid: 'u1' },
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container',
  lastTimestamp: ago(at),
});

const run = (p: Pod, events: KubeEvent[]) =>
  diagnose(p, { state: { ...emptyClusterState(), pods: [p], events }, inventory: {}, now: NOW });

test('a pod older than the event TTL whose early events are gone: the page says they expired', () => {
  const d = run(pod(3 * 24 * HOUR), [backOff(20 * 60_000)]);
  assert.equal(d.timeline.length, 1);
  assert.match(
    d.eventsNote ?? '',
    /^Events before 2026-12-01T11:40:00\.000Z have expired: the pod is 3d old and the API server deletes events an hour after their last update \(kube-apiserver --event-ttl\)\.$/,
  );
  assert.match(
    diagnosisMarkdown(d),
    /## Events[^\n]*\n\n_Events before 2026-12-01T11:40:00\.000Z have expired/,
  );
  assert.match(diagnosisText(d), /Events \(Events before 2026-12-01T11:40:00\.000Z have expired/);
});

test('no event left for an old pod: said, with why', () => {
  const d = run(pod(5 * HOUR), []);
  assert.match(
    d.eventsNote ?? '',
    /^No events are left: the pod is 5h old and the API server deletes events an hour after their last update/,
  );
  assert.match(diagnosisMarkdown(d), /No events are left: the pod is 5h old/);
  assert.match(diagnosisText(d), /Events: No events are left/);
});

test('a young pod, or an old one whose history is all there, has no such note', () => {
  assert.equal(run(pod(30 * 60_000), [backOff(20 * 60_000)]).eventsNote, undefined);
  assert.equal(run(pod(3 * HOUR), [backOff(3 * HOUR - 10_000), backOff(60_000)]).eventsNote, undefined);
});
