/** Snapshots and events: kept events are read back as such; snapshots written before them still load. */
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readSnapshot } from '../../../src/adapters/k8s/snapshot';
import { diagnoseCommand } from '../../../src/cli/diagnose';
import { KEPT_SINCE_ANNOTATION } from '../../../src/core/diagnose/event-archive';
import type { Diagnosis } from '../../../src/core/diagnose/types';
import { scratchDir } from '../../../scripts/harness/scratch';

const dir = scratchDir('shipshape-snapshot-events-');
after(() => rmSync(dir, { recursive: true, force: true }));

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'api-0', namespace: 'shop', uid: 'p1', creationTimestamp: '2026-12-01T09:00:00Z' },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'api:1' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'app',
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-12-01T11:59:00Z' } },
      },
    ],
  },
};
const event = (name: string, reason: string, at: string, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: 'shop', uid: name, ...(annotations ? { annotations } : {}) },
  involvedObject: { kind: 'Pod', name: 'api-0', namespace: 'shop', uid: 'p1' },
  type: 'Normal',
  reason,
  message: `${reason} message`,
  count: 1,
  firstTimestamp: at,
  lastTimestamp: at,
});

async function diagnoseSnapshot(items: unknown[]): Promise<Diagnosis[]> {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  let out = '';
  const code = await diagnoseCommand(['--all', '--snapshot', file, '--format', 'json'], (s) => (out += s));
  assert.equal(code, 0);
  return (JSON.parse(out) as { diagnoses: Diagnosis[] }).diagnoses;
}

test('a snapshot without events (written before Shipshape kept them) still loads and diagnoses', async () => {
  const [d, ...rest] = await diagnoseSnapshot([pod]);
  assert.equal(rest.length, 0);
  assert.equal(d?.pod, 'api-0');
  assert.deepEqual(d?.timeline, []);
  assert.equal(d?.reason, 'CrashLoopBackOff');
  const file = join(dir, 'old.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod] }));
  assert.equal(readSnapshot(file).events.length, 0);
});

test('events a snapshot marks as kept by Shipshape show as expired; the others as live', async () => {
  const [d] = await diagnoseSnapshot([
    pod,
    event('e1', 'Scheduled', '2026-12-01T09:00:01Z', { [KEPT_SINCE_ANNOTATION]: '2026-12-01T09:00:05Z' }),
    event('e2', 'BackOff', '2026-12-01T11:59:30Z'),
  ]);
  assert.deepEqual(
    d?.timeline.map((t) => [t.reason, t.kept]),
    [
      ['Scheduled', 'expired from the API server, kept by Shipshape since 09:00 UTC'],
      ['BackOff', undefined],
    ],
  );
  // Kept from the pod's start: nothing is missing.
  assert.equal(d?.eventsNote, undefined);
});
