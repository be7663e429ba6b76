/** The previous container's last log lines as crash evidence, and which containers have one. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../../src/core/diagnose/diagnose';
import { previousLogsWanted } from '../../../src/core/diagnose/crash';
import { emptyClusterState, type Pod } from '../../../src/core/k8s/types';
import type { Inventory } from '../../../src/core/diagnose/types';

const NOW = Date.parse('2026-12-01T12:00:00Z');

const oomPod = (): Pod => ({
  kind: 'Pod',
  metadata: { name: 'mlflow-1', namespace: 'data-platform', uid: 'u1' },
  spec: { nodeName: 'n', containers: [{ name: 'mlflow' }, { name: 'sidecar' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'mlflow',
        restartCount: 14,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
      },
      { name: 'sidecar', restartCount: 0, state: { running: {} } },
    ],
  },
});

const run = (pod: Pod, inventory: Inventory) =>
  diagnose(pod, { state: { ...emptyClusterState(), pods: [pod] }, inventory, now: NOW });

const texts = (d: ReturnType<typeof run>) => d.sections.flatMap((s) => s.findings.map((f) => f.text));

test('only containers that restarted after a termination have a previous log to read', () => {
  assert.deepEqual(previousLogsWanted(oomPod()), ['mlflow']);
});

test("OOMKilled: the previous container's last log lines are evidence, under the exit explanation", () => {
  const d = run(oomPod(), {
    previousLogs: [
      {
        namespace: 'data-platform',
        pod: 'mlflow-1',
        container: 'mlflow',
        lines: ['[INFO] Starting gunicorn 21.2.0', 'Loading model registry cache: 120000 runs'],
      },
    ],
  });
  const all = texts(d);
  const exit = all.findIndex((t) => /OOMKilled: the kernel killed it/.test(t));
  const log = all.findIndex((t) => /log lines of mlflow's previous container/.test(t));
  assert.ok(exit >= 0 && log === exit + 1, all.join('\n'));
  assert.match(
    all[log] ?? '',
    /^Last 2 log lines of mlflow's previous container \(before restart 14\):\n {4}\[INFO\] Starting gunicorn 21\.2\.0\n {4}Loading model registry cache: 120000 runs$/,
  );
});

test('a previous container that wrote nothing is said so; logs not read say nothing', () => {
  const empty = run(oomPod(), {
    previousLogs: [{ namespace: 'data-platform', pod: 'mlflow-1', container: 'mlflow', lines: [] }],
  });
  assert.ok(texts(empty).some((t) => /mlflow's previous container wrote no log lines/.test(t)));
  assert.equal(
    texts(run(oomPod(), {})).some((t) => /previous container/.test(t)),
    false,
  );
});
