/** The events archive: events kept past the API server's TTL, bounded, one copy each. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../../src/core/diagnose/diagnose';
import {
  compactEvent,
  EventArchive,
  KEPT_SINCE_ANNOTATION,
  mergeEvents,
} from '../../../src/core/diagnose/event-archive';
import { diagnosisMarkdown, diagnosisText } from '../../../src/core/diagnose/render';
import { emptyClusterState, type KubeEvent, type Pod } from '../../../src/core/k8s/types';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

const event = (uid: string, over: Partial<KubeEvent> & { pod?: string; rv?: string } = {}): KubeEvent => {
  const { pod = 'trino-1', rv = '1', ...rest } = over;
  return {
    kind: 'Event',
    metadata: { name: `${pod}.${uid}`, namespace: 'data', uid, resourceVersion: rv },
    involvedObject: { kind: 'Pod', name: pod, namespace: 'data', uid: `pod-${pod}` },
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    count: 1,
    firstTimestamp: ago(2 * HOUR),
    lastTimestamp: ago(2 * HOUR),
    ...rest,
  };
};
const allLive = () => true;
const uids = (a: EventArchive) => a.events(allLive).map((e) => e.metadata?.uid);

test('an event updated again is kept once, with the higher count and its first timestamp', () => {
  const a = new EventArchive();
  a.record(event('e1', { count: 3, rv: '10', lastTimestamp: ago(90 * MIN) }), NOW - 2 * HOUR);
  a.record(
    event('e1', { count: 7, rv: '20', firstTimestamp: ago(HOUR), lastTimestamp: ago(70 * MIN) }),
    NOW - HOUR,
  );
  // A stale copy (a relist that raced the watch) does not undo the newer one.
  a.record(event('e1', { count: 5, rv: '15' }), NOW);
  const [only, ...rest] = a.events(allLive);
  assert.equal(rest.length, 0);
  assert.equal(only?.count, 7);
  assert.equal(only?.firstTimestamp, ago(2 * HOUR));
  assert.equal(only?.lastTimestamp, ago(70 * MIN));
});

test('the same resourceVersion again changes nothing (a relist of what the watch already gave)', () => {
  const a = new EventArchive({ perObject: 2, total: 10 });
  a.record(event('e1', { rv: '5' }), NOW);
  a.record(event('e2', { rv: '6' }), NOW);
  a.record(event('e1', { rv: '5' }), NOW);
  a.record(event('e3', { rv: '7' }), NOW);
  // e1 was not moved to the back by its repeat: it is the oldest, so it went first.
  assert.deepEqual(uids(a), ['e2', 'e3']);
});

test('per involved object, only the most recently updated perObject events are kept', () => {
  const a = new EventArchive({ perObject: 3, total: 100 });
  for (let i = 1; i <= 5; i++) a.record(event(`p${i}`, { rv: `${i}` }), NOW);
  a.record(event('q1', { pod: 'other', rv: '50' }), NOW);
  // p3 updated again: newer than p4 and p5 now.
  a.record(event('p3', { rv: '60', count: 2 }), NOW);
  a.record(event('p6', { rv: '61' }), NOW);
  assert.deepEqual(uids(a).sort(), ['p3', 'p5', 'p6', 'q1']);
  assert.equal(a.size, 4);
});

test('across objects, the total is capped by dropping the least recently updated', () => {
  const a = new EventArchive({ perObject: 50, total: 100 });
  for (let i = 0; i < 150; i++) a.record(event(`e${i}`, { pod: `pod-${i % 7}`, rv: `${i}` }), NOW);
  assert.equal(a.size, 100);
  const kept = new Set(uids(a));
  assert.equal(kept.has('e49'), false);
  assert.equal(kept.has('e50'), true);
  assert.equal(kept.has('e149'), true);
});

test('kept events stay small: only what the timeline reads, the message capped', () => {
  const big = {
    ...event('e1', { message: 'x'.repeat(5000) }),
    source: { component: 'kubelet', host: 'n1' },
    metadata: {
      name: 'a',
      namespace: 'data',
      uid: 'e1',
      managedFields: [{ manager: 'kubelet' }],
      labels: { a: 'b' },
    },
  } as KubeEvent;
  const small = compactEvent(big);
  assert.equal(small.message?.length, 1024);
  assert.deepEqual(small.metadata, { name: 'a', namespace: 'data', uid: 'e1' });
  assert.equal('source' in small, false);
});

test('events the API server no longer has carry the time Shipshape first saw them', () => {
  const a = new EventArchive();
  a.record(event('gone'), NOW - 2 * HOUR);
  a.record(event('here', { rv: '2' }), NOW - 10 * MIN);
  const out = a.events((e) => e.metadata?.uid === 'here');
  const gone = out.find((e) => e.metadata?.uid === 'gone');
  const here = out.find((e) => e.metadata?.uid === 'here');
  assert.equal(gone?.metadata?.annotations?.[KEPT_SINCE_ANNOTATION], ago(2 * HOUR));
  assert.equal(here?.metadata?.annotations, undefined);
});

test('live and archived events merge to one copy each; the archive adds what expired', () => {
  const live = [event('a', { count: 2 }), event('b', { count: 9 })];
  const archived = [
    event('a', { count: 5 }),
    event('b', { count: 3 }),
    { ...event('c'), metadata: { uid: 'c', annotations: { [KEPT_SINCE_ANNOTATION]: ago(HOUR) } } },
  ];
  const merged = mergeEvents(live, archived);
  assert.deepEqual(
    merged.map((e) => [e.metadata?.uid, e.count]),
    [
      ['a', 5],
      ['b', 9],
      ['c', 1],
    ],
  );
});

const crashing: Pod = {
  kind: 'Pod',
  metadata: { name: 'trino-1', namespace: 'data', uid: 'pod-trino-1', creationTimestamp: ago(3 * HOUR) },
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
};

test('Diagnose shows an archived event with the note that the API server has deleted it', () => {
  const a = new EventArchive();
  a.record(
    event('pulled', {
      type: 'Normal',
      reason: 'Pulled',
      message: 'Successfully pulled image "trino:470"',
      firstTimestamp: ago(3 * HOUR - MIN),
      lastTimestamp: ago(3 * HOUR - MIN),
    }),
    Date.parse('2026-12-01T09:12:30Z'),
  );
  const live = [event('backoff', { rv: '9', lastTimestamp: ago(5 * MIN), firstTimestamp: ago(5 * MIN) })];
  a.record(live[0] as KubeEvent, NOW - 5 * MIN);
  const events = mergeEvents(
    live,
    a.events((e) => e.metadata?.uid === 'backoff'),
  );
  const d = diagnose(crashing, {
    state: { ...emptyClusterState(), pods: [crashing], events },
    inventory: {},
    now: NOW,
  });
  assert.deepEqual(
    d.timeline.map((t) => [t.reason, t.kept]),
    [
      ['Pulled', 'expired from the API server, kept by Shipshape since 09:12 UTC'],
      ['BackOff', undefined],
    ],
  );
  // The archive reaches back to the pod's start: nothing is missing, so no "expired" warning.
  assert.equal(d.eventsNote, undefined);
  assert.match(
    diagnosisMarkdown(d),
    /\| Successfully pulled image "trino:470" _\(expired from the API server, kept by Shipshape since 09:12 UTC\)_ \|/,
  );
  assert.match(
    diagnosisText(d),
    /Pulled ×1: Successfully pulled image "trino:470" \(expired from the API server, kept by Shipshape since 09:12 UTC\)/,
  );
});

test('a kept event seen on another day names the date', () => {
  const a = new EventArchive();
  a.record(event('old'), Date.parse('2026-11-30T23:50:00Z'));
  const d = diagnose(crashing, {
    state: { ...emptyClusterState(), pods: [crashing], events: a.events(() => false) },
    inventory: {},
    now: NOW,
  });
  assert.equal(
    d.timeline[0]?.kept,
    'expired from the API server, kept by Shipshape since 2026-11-30 23:50 UTC',
  );
});

test('an event updated thousands of times stays the newest; eviction still takes the oldest update', () => {
  const a = new EventArchive({ perObject: 50, total: 3 });
  a.record(event('e1', { rv: '1' }), NOW);
  a.record(event('e2', { rv: '2', pod: 'b' }), NOW);
  a.record(event('e3', { rv: '3', pod: 'c' }), NOW);
  for (let i = 0; i < 3000; i++) a.record(event('e1', { rv: `r${i}`, count: i + 2 }), NOW);
  a.record(event('e4', { rv: '4', pod: 'd' }), NOW);
  assert.deepEqual(uids(a).sort(), ['e1', 'e3', 'e4']);
  a.record(event('e5', { rv: '5', pod: 'e' }), NOW);
  assert.deepEqual(uids(a).sort(), ['e1', 'e4', 'e5']);
  assert.equal(a.events(allLive).find((e) => e.metadata?.uid === 'e1')?.count, 3001);
});
