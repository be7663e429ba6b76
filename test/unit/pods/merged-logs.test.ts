import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerStatus, Pod } from '../../../src/core/k8s/types';
import {
  LineSplitter,
  logPrefix,
  planLogs,
  podsGone,
  splitTimestamp,
  timeOrder,
  waitingContainers,
  type TrackedLog,
} from '../../../src/core/pods/merged-logs';

const running = (name: string, restartCount = 0): ContainerStatus => ({
  name,
  restartCount,
  state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
});
const terminated = (name: string, restartCount = 0): ContainerStatus => ({
  name,
  restartCount,
  state: { terminated: { exitCode: 1 } },
});
const waiting = (name: string): ContainerStatus => ({
  name,
  state: { waiting: { reason: 'ContainerCreating' } },
});

const pod = (name: string, statuses: ContainerStatus[]): Pod => ({
  metadata: { name },
  status: { containerStatuses: statuses },
});

test('first look: every container that has run gets a log; waiting ones wait', () => {
  const plan = planLogs(
    [pod('api-0', [running('app'), terminated('init-db')]), pod('api-1', [waiting('app')])],
    new Map(),
  );
  assert.deepEqual(
    plan.open.map((o) => [o.key, o.again, o.sinceTime]),
    [
      ['api-0/app', false, undefined],
      ['api-0/init-db', false, undefined],
    ],
  );
  assert.deepEqual(plan.close, []);
});

test('a followed log is left alone; a finished one of a stopped container too', () => {
  const tracked = new Map<string, TrackedLog>([
    ['api-0/app', { instance: '0', active: true }],
    ['api-1/app', { instance: '0', active: false, lastTime: 't1' }],
  ]);
  const plan = planLogs([pod('api-0', [running('app')]), pod('api-1', [terminated('app')])], tracked);
  assert.deepEqual(plan, { open: [], close: [] });
});

test('a restart: the old log closes, the new one opens after the last line shown', () => {
  const tracked = new Map<string, TrackedLog>([
    ['api-0/app', { instance: '0', active: true, lastTime: 't1' }],
  ]);
  const plan = planLogs([pod('api-0', [running('app', 1)])], tracked);
  assert.deepEqual(plan.close, ['api-0/app']);
  assert.deepEqual(plan.open, [
    {
      key: 'api-0/app',
      pod: 'api-0',
      container: 'app',
      instance: '1',
      restart: 1,
      again: true,
      sinceTime: 't1',
    },
  ]);
});

test('a dropped stream of a running container resumes after its last line', () => {
  const tracked = new Map<string, TrackedLog>([
    ['api-0/app', { instance: '2', active: false, lastTime: 't9' }],
  ]);
  const plan = planLogs([pod('api-0', [running('app', 2)])], tracked);
  assert.deepEqual(
    plan.open.map((o) => [o.key, o.again, o.sinceTime]),
    [['api-0/app', true, 't9']],
  );
});

test('a pod that left: its active logs close, and it is named once as gone', () => {
  const tracked = new Map<string, TrackedLog>([
    ['api-0/app', { instance: '0', active: true }],
    ['api-0/sidecar', { instance: '0', active: false }],
    ['api-1/app', { instance: '0', active: true }],
  ]);
  const pods = [pod('api-1', [running('app')])];
  assert.deepEqual(planLogs(pods, tracked).close, ['api-0/app']);
  assert.deepEqual(podsGone(pods, tracked), ['api-0']);
});

test('lines split across chunks come out whole; the last one at the end', () => {
  const split = new LineSplitter();
  assert.deepEqual(split.push('one\ntw'), ['one']);
  assert.deepEqual(split.push('o\nthree'), ['two']);
  assert.deepEqual(split.flush(), ['three']);
  assert.deepEqual(split.flush(), []);
});

test('timestamps: split from the text, ordered as text with the fraction padded', () => {
  assert.deepEqual(splitTimestamp('2026-12-07T03:11:02.1Z hello world'), {
    time: '2026-12-07T03:11:02.1Z',
    text: 'hello world',
  });
  assert.deepEqual(splitTimestamp('no time here'), { text: 'no time here' });
  assert.ok(timeOrder('2026-12-07T03:11:02.1Z') > timeOrder('2026-12-07T03:11:02.05Z'));
  assert.ok(timeOrder('2026-12-07T03:11:02Z') < timeOrder('2026-12-07T03:11:02.000000001Z'));
  assert.equal(timeOrder('2026-12-07T03:11:02Z'), '2026-12-07T03:11:02.000000000Z');
});

test('the prefix names the container only when the pod has several', () => {
  assert.equal(logPrefix('api-0', 'app', 1), '[api-0]');
  assert.equal(logPrefix('api-0', 'sidecar', 2), '[api-0/sidecar]');
});

test('containers that have not started, with the reason the view gives', () => {
  assert.deepEqual(
    waitingContainers([
      pod('api-0', [running('app'), { name: 'sidecar', state: { waiting: { reason: 'CrashLoopBackOff' } } }]),
      pod('api-1', [waiting('app')]),
    ]).map((w) => [w.key, w.reason, w.status]),
    [
      ['api-0/sidecar', 'CrashLoopBackOff', 'has not started: CrashLoopBackOff'],
      ['api-1/app', 'ContainerCreating', 'has not started: ContainerCreating'],
    ],
  );
});

const crashLooping = (name: string, restartCount: number): ContainerStatus => ({
  name,
  restartCount,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
});

test('a crash-looping container is waiting to restart, not "not started", and says its last exit', () => {
  const [w] = waitingContainers([pod('etl-0', [crashLooping('worker', 3)])]);
  assert.equal(
    w?.status,
    "is waiting to restart: CrashLoopBackOff after exit code 137 (OOMKilled); its last run's lines are shown",
  );
});

test("a crash-looping container's last run is read once (previous), then its next run is followed", () => {
  const first = planLogs([pod('etl-0', [crashLooping('worker', 3)])], new Map());
  assert.deepEqual(
    first.open.map((o) => [o.key, o.instance, o.previous, o.again]),
    [['etl-0/worker', '2', true, false]],
  );
  const readOnce = new Map<string, TrackedLog>([
    ['etl-0/worker', { instance: '2', active: false, lastTime: 't9' }],
  ]);
  assert.deepEqual(planLogs([pod('etl-0', [crashLooping('worker', 3)])], readOnce), { open: [], close: [] });
  const next = planLogs([pod('etl-0', [running('worker', 3)])], readOnce);
  assert.deepEqual(
    next.open.map((o) => [o.instance, o.previous, o.again, o.sinceTime]),
    [['3', undefined, true, 't9']],
  );
});
