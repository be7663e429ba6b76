import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EXEC_OFF,
  execChecksOf,
  execGate,
  execKey,
  execPod,
  type ExecCheck,
  type ExecCheckResult,
} from '../../../src/core/runbook/catalog/exec';
import { evaluate } from '../../../src/core/runbook/evaluate';
import { parseRunbook } from '../../../src/core/runbook/parse';
import type { Runbook } from '../../../src/core/runbook/types';
import { NOW, state } from '../../support/k8s';
import { podIn } from '../../support/platform';

const runbookText = (check: string, allowExec?: boolean) =>
  [
    'title: Exec',
    ...(allowExec === undefined ? [] : [`allowExec: ${allowExec}`]),
    'phases:',
    '  - id: p',
    '    title: P',
    '    tasks:',
    '      - id: t',
    '        title: T',
    '        items:',
    '          - id: health',
    '            title: GMS answers its health endpoint',
    `            check: ${check}`,
  ].join('\n');

function parsed(check: string, allowExec?: boolean) {
  const { runbook, diagnostics } = parseRunbook(runbookText(check, allowExec));
  assert.ok(runbook);
  return { runbook, diagnostics };
}

const onlyCheck = (runbook: Runbook): ExecCheck => {
  const [check] = execChecksOf(runbook);
  assert.ok(check);
  return check;
};

const health =
  '{ exec: { namespace: data-platform, selector: { app: gms }, command: [curl, -sf, "http://localhost:8080/actuator/health"] } }';

test('exec parses pod or selector, container, argv and expectExit', () => {
  const { runbook, diagnostics } = parsed(health, true);
  assert.deepEqual(diagnostics, []);
  assert.equal(runbook.allowExec, true);
  assert.deepEqual(onlyCheck(runbook), {
    kind: 'exec',
    namespace: 'data-platform',
    target: { selector: { app: 'gms' } },
    command: ['curl', '-sf', 'http://localhost:8080/actuator/health'],
    expectExit: 0,
  });
  const byPod = parsed(
    '{ exec: { namespace: kong, pod: kong-postgres-0, container: postgres, command: [pg_isready], expectExit: 2 } }',
  );
  assert.deepEqual(byPod.diagnostics, []);
  assert.equal(byPod.runbook.allowExec, undefined);
  assert.deepEqual(onlyCheck(byPod.runbook), {
    kind: 'exec',
    namespace: 'kong',
    target: { pod: 'kong-postgres-0' },
    container: 'postgres',
    command: ['pg_isready'],
    expectExit: 2,
  });
});

test('exec refuses a shell string, both or neither target, an empty command and a bad exit code', () => {
  for (const [check, message] of [
    ['{ exec: { namespace: a, pod: p, command: "curl -sf x" } }', 'command must be a list of strings.'],
    [
      '{ exec: { namespace: a, pod: p, selector: { app: x }, command: [true] } }',
      'exec needs exactly one of "pod" (a pod name) or "selector" (pod labels).',
    ],
    [
      '{ exec: { namespace: a, command: [true] } }',
      'exec needs exactly one of "pod" (a pod name) or "selector" (pod labels).',
    ],
    ['{ exec: { namespace: a, pod: p, command: [] } }', 'command is empty.'],
    [
      '{ exec: { namespace: a, pod: p, command: [x], expectExit: 300 } }',
      'expectExit must be a whole number',
    ],
  ] as const) {
    const { runbook, diagnostics } = parsed(check, true);
    assert.ok(
      diagnostics.some((d) => d.severity === 'error' && d.message.startsWith(message)),
      `${check}: ${JSON.stringify(diagnostics)}`,
    );
    assert.equal(runbook.phases[0]?.tasks[0]?.items[0]?.check, undefined, check);
  }
  const notBoolean = parseRunbook(runbookText(health).replace('phases:', 'allowExec: yes please\nphases:'));
  assert.ok(notBoolean.diagnostics.some((d) => d.message === 'allowExec must be true or false.'));
  assert.equal(notBoolean.runbook?.allowExec, undefined);
});

test('exec without a result says why: no opt-in, off by the caller, not run yet', () => {
  const s = state({});
  const optedOut = parsed(health).runbook;
  const key = execKey(onlyCheck(optedOut));
  // The runbook's own consent wins: results supplied without it are not read.
  const withResult = evaluate(optedOut, s, NOW, {
    exec: { results: new Map([[key, { pod: 'gms-0', exitCode: 0 }]]) },
  });
  assert.deepEqual(withResult.items.get('health'), {
    status: 'unknown',
    evidence: 'Exec checks are off: the runbook does not opt in (`allowExec: true`).',
    refs: [],
    manual: false,
  });
  const optedIn = parsed(health, true).runbook;
  for (const off of [EXEC_OFF.restricted, EXEC_OFF.protectedContext('prod'), EXEC_OFF.cli]) {
    const result = evaluate(optedIn, s, NOW, { exec: { results: new Map(), off } }).items.get('health');
    assert.equal(result?.status, 'unknown');
    assert.equal(result?.evidence, off);
  }
  assert.match(EXEC_OFF.restricted, /restricted workspace/);
  assert.match(EXEC_OFF.protectedContext('prod'), /context "prod" is not trusted/);
  assert.equal(evaluate(optedIn, s, NOW).items.get('health')?.evidence, EXEC_OFF.notRun);
  assert.equal(evaluate(optedIn, s, NOW).overall.unknown, 1);
});

test('exec ticks from the exit code, and names the pod, the code and the first stderr line', () => {
  const runbook = parsed(health, true).runbook;
  const key = execKey(onlyCheck(runbook));
  const verdict = (result: ExecCheckResult) =>
    evaluate(runbook, state({}), NOW, { exec: { results: new Map([[key, result]]) } }).items.get('health');
  assert.deepEqual(verdict({ pod: 'gms-0', exitCode: 0 }), {
    status: 'pass',
    evidence: '`curl -sf http://localhost:8080/actuator/health` exited 0 in data-platform/gms-0.',
    refs: [{ kind: 'Pod', namespace: 'data-platform', name: 'gms-0' }],
    manual: false,
  });
  const failed = verdict({ pod: 'gms-0', exitCode: 7, stderr: 'curl: (7) Failed to connect' });
  assert.equal(failed?.status, 'fail');
  assert.equal(
    failed?.evidence,
    '`curl -sf http://localhost:8080/actuator/health` exited 7 in data-platform/gms-0, expected 0: curl: (7) Failed to connect.',
  );
  const noPod = verdict({ error: 'no ready pod matches app=gms in data-platform' });
  assert.equal(noPod?.status, 'unknown');
  assert.match(noPod?.evidence ?? '', /Could not run .* in data-platform: no ready pod matches app=gms/);
  // A non-zero expectation passes on that code only.
  const expect2 = parsed(
    '{ exec: { namespace: a, pod: p, command: [sh, -c, "exit 2"], expectExit: 2 } }',
    true,
  ).runbook;
  const k2 = execKey(onlyCheck(expect2));
  const run2 = (exitCode: number) =>
    evaluate(expect2, state({}), NOW, {
      exec: { results: new Map([[k2, { pod: 'p', exitCode }]]) },
    }).items.get('health')?.status;
  assert.equal(run2(2), 'pass');
  assert.equal(run2(0), 'fail');
});

test('exec evidence never echoes a secret in the command', () => {
  const runbook = parsed(
    '{ exec: { namespace: a, pod: p, command: [curl, -sf, "https://admin:hunter2@db.internal/health"] } }',
    true,
  ).runbook;
  const key = execKey(onlyCheck(runbook));
  const evidence =
    evaluate(runbook, state({}), NOW, {
      exec: { results: new Map([[key, { pod: 'p', exitCode: 1 }]]) },
    }).items.get('health')?.evidence ?? '';
  assert.doesNotMatch(evidence, /hunter2/);
  assert.match(evidence, /exited 1/);
});

test('execPod: a named pod, else the first ready pod by name; execChecksOf looks inside allPass', () => {
  const s = state({
    pods: [
      podIn('gms-b', 'ready', { labels: { app: 'gms' } }),
      podIn('gms-a', 'crashloop', { labels: { app: 'gms' } }),
      podIn('gms-c', 'ready', { labels: { app: 'gms' } }),
      podIn('other', 'ready', { labels: { app: 'gms' }, namespace: 'kafka' }),
    ],
  });
  const bySelector = onlyCheck(parsed(health, true).runbook);
  assert.deepEqual(execPod(bySelector, s), { pod: 'gms-b' });
  assert.deepEqual(execPod(bySelector, state({})), {
    error: 'no ready pod matches app=gms in data-platform',
  });
  const byName = onlyCheck(parsed('{ exec: { namespace: kafka, pod: other, command: [true] } }').runbook);
  assert.deepEqual(execPod(byName, s), { pod: 'other' });
  assert.deepEqual(execPod({ ...byName, target: { pod: 'gone' } }, s), { error: 'pod kafka/gone not found' });
  const nested = parsed(`{ allPass: [ { healthAtLeast: 90 }, ${health} ] }`, true).runbook;
  assert.equal(execChecksOf(nested).length, 1);
  // The key is stable for the same check and differs between checks.
  assert.equal(execKey(bySelector), execKey(onlyCheck(parsed(health, true).runbook)));
  assert.notEqual(execKey(bySelector), execKey(byName));
});

test('execGate: the editor runs exec checks only in a trusted workspace, live and unprotected', () => {
  const optedIn = parsed(health, true).runbook;
  const live = { trusted: true, snapshot: false };
  assert.deepEqual(execGate(optedIn, live), {});
  assert.deepEqual(execGate(optedIn, { ...live, trusted: false }), { off: EXEC_OFF.restricted });
  // Restricted mode wins over everything else: nothing about the context matters then.
  assert.deepEqual(execGate(optedIn, { trusted: false, snapshot: true, protectedContext: 'prod' }), {
    off: EXEC_OFF.restricted,
  });
  assert.deepEqual(execGate(optedIn, { ...live, snapshot: true }), { off: EXEC_OFF.snapshot });
  assert.deepEqual(execGate(optedIn, { ...live, protectedContext: 'prod' }), {
    off: EXEC_OFF.protectedContext('prod'),
  });
  // No opt-in, or no exec check: nothing to run and nothing to say (evaluation says it).
  assert.equal(execGate(parsed(health).runbook, live), undefined);
  assert.equal(execGate(parsed('{ healthAtLeast: 90 }', true).runbook, live), undefined);
});
