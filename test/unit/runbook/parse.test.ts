import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../scripts/harness/paths';
import { parseRunbook } from '../../../src/core/runbook/parse';
import type { RunbookDiagnostic } from '../../../src/core/runbook/types';

const fixture = (name: string) => readFileSync(join(repoRoot, 'test', 'fixtures', 'runbook', name), 'utf8');

/** The diagnostics as "severity text-at-range: message" lines, for readable assertions. */
function located(text: string, diagnostics: readonly RunbookDiagnostic[]) {
  return diagnostics.map((d) => ({
    severity: d.severity,
    at: text.slice(d.start, d.end),
    message: d.message,
  }));
}

test('a valid runbook parses into the model with no diagnostics', () => {
  const { runbook, diagnostics } = parseRunbook(fixture('minimal.runbook.yaml'));
  assert.deepEqual(diagnostics, []);
  assert.ok(runbook);
  assert.equal(runbook.title, 'Minimal runbook');
  const task = runbook.phases[0]?.tasks[0];
  assert.deepEqual(
    { ...task, items: undefined },
    {
      id: 't1',
      title: 'Keep the platform healthy',
      priority: 'high',
      description: 'The only task.',
      steps: ['Look: `kubectl get pods -A`'],
      fix: ['Fix what is broken.'],
      snippets: ['k8s-pdb-min'],
      items: undefined,
    },
  );
  assert.deepEqual(task?.items, [
    { id: 'health', title: 'Platform health > 95%', check: { kind: 'healthAtLeast', percent: 95 } },
    {
      id: 'ds-api',
      title: 'DolphinScheduler API 6/6',
      check: {
        kind: 'workloadReady',
        workload: 'Deployment',
        namespace: 'data-platform',
        name: 'dolphinscheduler-api',
        min: 6,
      },
    },
    { id: 'ticked-by-hand', title: 'Dashboards reviewed' },
  ]);
});

test('a partly broken runbook keeps every valid phase, task and item, and says what is wrong where', () => {
  const text = fixture('broken.runbook.yaml');
  const { runbook, diagnostics } = parseRunbook(text);
  const found = located(text, diagnostics);
  const expect = (severity: string, at: string, message: RegExp) =>
    assert.ok(
      found.some((d) => d.severity === severity && d.at === at && message.test(d.message)),
      `expected ${severity} at ${JSON.stringify(at)} matching ${message}; got:\n${JSON.stringify(found, null, 1)}`,
    );
  expect('warning', 'owner', /Unknown key "owner" in the runbook/);
  expect('error', 'urgent', /priority must be one of critical, high, medium, low/);
  expect('error', 'k8s-nope', /Unknown snippet "k8s-nope"/);
  expect('error', '120', /healthAtLeast \(a percentage\) must be between 0 and 100/);
  expect('error', 'helthAtLeast', /Unknown check kind "helthAtLeast"\. Did you mean "healthAtLeast"\?/);
  expect('error', 'ok-item', /Duplicate id "ok-item" \(already used by an item\)/);
  expect('error', 'title: Missing id', /has no "id"/);
  expect('error', 'id: no-title', /has no "title"/);
  expect(
    'error',
    'noStuckTerminating',
    /A check has one kind; this one has noFailedJobs and noStuckTerminating/,
  );
  expect('error', 'Data_Platform', /not a valid namespace name/);
  expect('error', '{ namespace: data-platform }', /workloadReady needs "name"/);
  expect('error', 'minn', /Unknown key "minn" in workloadReady\. Did you mean "min"\?/);
  expect('error', 'Just a string item', /A checklist item is a mapping/);
  expect('error', 'title: Phase without id', /This phase has no "id"/);
  assert.ok(diagnostics.every((d) => d.start <= d.end && d.end <= text.length));

  assert.ok(runbook);
  assert.deepEqual(
    runbook.phases.map((p) => p.id),
    ['good-phase', 'second-phase'],
  );
  const task = runbook.phases[0]?.tasks[0];
  assert.equal(task?.priority, undefined, 'a bad priority is dropped, the task kept');
  assert.deepEqual(task?.snippets, ['k8s-quota'], 'unknown snippet ids are dropped, known ones kept');
  assert.deepEqual(task?.steps, ['not-a-list-of-strings-but-accepted']);
  const items = new Map(task?.items.map((i) => [i.id, i]));
  assert.deepEqual(
    [...items.keys()],
    [
      'ok-item',
      'bad-percent',
      'unknown-kind',
      'no-title',
      'two-kinds',
      'bad-namespace',
      'workload-missing-name',
      'workload-typo-param',
    ],
  );
  assert.deepEqual(items.get('ok-item')?.check, { kind: 'noPodsWithReason', reasons: ['CrashLoopBackOff'] });
  assert.equal(items.get('no-title')?.title, 'no-title', 'a missing title falls back to the id');
  // A broken check is never turned into a manual item the operator could tick away.
  for (const id of [
    'bad-percent',
    'unknown-kind',
    'two-kinds',
    'bad-namespace',
    'workload-missing-name',
    'workload-typo-param',
  ]) {
    assert.equal(items.get(id)?.check, undefined, id);
    assert.ok(items.get(id)?.invalidCheck, id);
  }
  assert.equal(runbook.phases[1]?.tasks[0]?.items[0]?.id, 'manual-item');
});

test('YAML syntax errors are reported and what parsed is kept', () => {
  const text =
    'title: Broken YAML\nphases:\n  - id: a\n    title: A\n    tasks: [ { id: t, title: "unterminated }\n';
  const { runbook, diagnostics } = parseRunbook(text);
  assert.ok(diagnostics.some((d) => d.severity === 'error'));
  assert.equal(runbook?.title, 'Broken YAML');
});

test('duplicate keys are reported by the YAML parser', () => {
  const text = 'title: One\ntitle: Two\nphases: []\n';
  const { runbook, diagnostics } = parseRunbook(text);
  assert.ok(diagnostics.some((d) => /unique/i.test(d.message) && d.start === text.indexOf('title: Two')));
  assert.equal(runbook?.title, 'One');
});

test('an empty file or a non-mapping yields no runbook and one clear error', () => {
  for (const text of ['', '# only a comment\n', '- a\n- b\n', 'just text\n']) {
    const { runbook, diagnostics } = parseRunbook(text);
    assert.equal(runbook, undefined, JSON.stringify(text));
    assert.equal(diagnostics.filter((d) => d.severity === 'error').length, 1, JSON.stringify(text));
  }
});

test('a missing title or phases is an error, but the runbook is still returned', () => {
  const { runbook, diagnostics } = parseRunbook('description: nothing else\n');
  assert.deepEqual(runbook, { title: 'Untitled runbook', description: 'nothing else', phases: [] });
  assert.deepEqual(
    diagnostics.map((d) => d.message),
    ['This runbook has no "title".', 'A runbook needs "phases": a list of phases.'],
  );
});

test('check shapes: shorthand forms, percent strings, lists and nested allPass', () => {
  const text = `title: Shapes
phases:
  - id: p
    title: P
    tasks:
      - id: t
        title: T
        items:
          - { id: a, title: A, check: { healthAtLeast: "90%", namespace: kafka } }
          - { id: b, title: B, check: { argoApp: "*" } }
          - { id: c, title: C, check: { argoApp: [ml-platform, data-platform] } }
          - { id: d, title: D, check: { argoApp: { name: ml-platform, health: healthy } } }
          - { id: e, title: E, check: { networkPolicySelects: kafka } }
          - { id: f, title: F, check: { pdbCovers: { namespace: kafka, selector: { strimzi.io/cluster: k, enabled: true } } } }
          - id: g
            title: G
            check:
              allPass:
                - { quotaInNamespaces: kafka }
                - { cronJobSucceeded: { namespace: data-platform } }
`;
  const { runbook, diagnostics } = parseRunbook(text);
  assert.deepEqual(diagnostics, []);
  const checks = runbook?.phases[0]?.tasks[0]?.items.map((i) => i.check);
  assert.deepEqual(checks, [
    { kind: 'healthAtLeast', percent: 90, namespace: 'kafka' },
    { kind: 'argoApp', names: [] },
    { kind: 'argoApp', names: ['ml-platform', 'data-platform'] },
    { kind: 'argoApp', names: ['ml-platform'], health: 'Healthy' },
    { kind: 'networkPolicySelects', namespace: 'kafka' },
    {
      kind: 'pdbCovers',
      namespace: 'kafka',
      target: { by: 'selector', selector: { 'strimzi.io/cluster': 'k', enabled: 'true' } },
    },
    {
      kind: 'allPass',
      checks: [
        { kind: 'quotaInNamespaces', namespaces: ['kafka'] },
        { kind: 'cronJobSucceeded', namespace: 'data-platform' },
      ],
    },
  ]);
});

test('a bad check inside allPass invalidates the whole check, at the bad node', () => {
  const text = `title: T
phases:
  - id: p
    title: P
    tasks:
      - id: t
        title: T
        items:
          - id: x
            title: X
            check: { allPass: [ { noFailedJobs: true }, { noFailedJobs: false } ] }
`;
  const { runbook, diagnostics } = parseRunbook(text);
  const item = runbook?.phases[0]?.tasks[0]?.items[0];
  assert.equal(item?.check, undefined);
  assert.match(item?.invalidCheck ?? '', /noFailedJobs: false checks nothing/);
  assert.equal(text.slice(diagnostics[0]?.start, diagnostics[0]?.end), 'false');
});

test('custom snippet ids can be supplied (workspace snippets)', () => {
  const text =
    'title: T\nphases:\n  - id: p\n    title: P\n    tasks:\n      - id: t\n        title: T\n        snippets: [mine]\n        items: []\n';
  assert.deepEqual(parseRunbook(text, { snippetIds: new Set(['mine']) }).diagnostics, []);
  assert.equal(parseRunbook(text).diagnostics.length, 1);
});
