import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../scripts/harness/paths';
import type { ClusterState } from '../../../src/core/k8s/types';
import { evaluate } from '../../../src/core/runbook/evaluate';
import { parseRunbook } from '../../../src/core/runbook/parse';
import type { Runbook } from '../../../src/core/runbook/types';
import { NOW } from '../../support/k8s';
import { failingPlatform, remediatedPlatform } from '../../support/platform';

function builtIn(): Runbook {
  const { runbook } = parseRunbook(
    readFileSync(join(repoRoot, 'runbooks', 'stabilisation.runbook.yaml'), 'utf8'),
  );
  assert.ok(runbook);
  return runbook;
}

const checkedItems = (runbook: Runbook) =>
  runbook.phases.flatMap((p) => p.tasks.flatMap((t) => t.items.filter((i) => i.check)));

test('seeds-like failing platform: the checks for each failing service fail, with names in the evidence', () => {
  const result = evaluate(builtIn(), failingPlatform(), NOW);
  const item = (id: string) => {
    const r = result.items.get(id);
    assert.ok(r, id);
    return r;
  };
  const failing: Record<string, RegExp> = {
    'datahub-gms-ready':
      /^Deployment data-platform\/datahub-gms: 0\/1 ready \(CrashLoopBackOff\): data-platform\/datahub-gms-/,
    'postgres-shared-externalname':
      /→ postgres-temp\.kong\.svc\.cluster\.local, expected kong-postgres\.kong\.svc\.cluster\.local/,
    'spark-history-scheduled':
      /^1 pod in Unschedulable in data-platform: data-platform\/spark-history-server-/,
    'mlflow-ready': /mlflow: 0\/1 ready \(CrashLoopBackOff\)/,
    'ml-platform-app-synced': /^Argo CD: ml-platform is OutOfSync, Degraded, not Synced and Healthy\.$/,
    'redis-no-image-pull-errors': /redis-\S+ \(ImagePullBackOff\)/,
    'superset-beat-ready': /superset-beat: 0\/1 ready/,
    'trino-worker-ready-or-scaled-down': /trino-worker: 0\/1 ready/,
    'cleanup-no-failed-jobs':
      /^2 failed Jobs in the cluster: data-platform\/commodity-price-pipeline-29354520 \(BackoffLimitExceeded\) and data-platform\/init-db-job \(BackoffLimitExceeded\)\.$/,
    'cleanup-no-stuck-terminating':
      /^1 pod stuck Terminating in the cluster: data-platform\/doris-fe-0 \(Terminating for 2h \(stuck\)\)\.$/,
    'quotas-per-namespace':
      /^No ResourceQuota in data-platform, kafka, ml-platform, monitoring and victoria-metrics \(0 of 5 namespaces have one\)\.$/,
    'pdb-dolphinscheduler-api':
      /^No PodDisruptionBudget in data-platform selects Deployment data-platform\/dolphinscheduler-api\.$/,
    'netpol-data-platform-egress': /^No Egress NetworkPolicy in data-platform\.$/,
    'etl-commodity-pipeline-succeeded':
      /last run commodity-price-pipeline-29354520 failed \(BackoffLimitExceeded\) 60m ago/,
    'platform-health-95':
      /^Platform health 61\.5% \(16 of 26 counted pods healthy; target ≥ 95%\)\. Unhealthy: .* and 5 more\.$/,
    'no-crashloop':
      /^5 pods in CrashLoopBackOff in the cluster: data-platform\/datahub-gms-\S+, data-platform\/mlflow-/,
    'no-unexplained-pending':
      /^1 pod pending in the cluster with no reason given: data-platform\/portal-services-\S+ for 3h\.$/,
    'trino-coordinator-and-worker':
      /trino-coordinator: 1\/1 ready\. Deployment data-platform\/trino-worker: 0\/1 ready; needs 1/,
    'argocd-all-synced':
      /^Argo CD: 2 of 3 Applications not Synced: data-platform \(OutOfSync, Degraded\) and ml-platform/,
  };
  for (const [id, evidence] of Object.entries(failing)) {
    assert.equal(item(id).status, 'fail', id);
    assert.match(item(id).evidence, evidence, id);
  }
  // What already worked in the seeds' Day 1 report passes.
  for (const id of [
    'dolphinscheduler-api-6',
    'kafka-3-brokers',
    'superset-web',
    'grafana',
    'ray-head-2-workers',
  ])
    assert.equal(item(id).status, 'pass', `${id}: ${item(id).evidence}`);

  // Refs name exactly what the evidence names, so the UI can reveal them.
  assert.deepEqual(item('postgres-shared-externalname').refs, [
    { kind: 'Service', namespace: 'data-platform', name: 'postgres-shared-service' },
  ]);
  const crash = item('no-crashloop');
  assert.equal(crash.refs.length, 5);
  for (const ref of crash.refs) {
    assert.equal(ref.kind, 'Pod');
    assert.ok(crash.evidence.includes(`${ref.namespace}/${ref.name}`));
  }
  assert.equal(item('platform-health-95').refs.length, 5, 'lists are capped at five names');
  assert.equal(result.items.get('pod-count-maintained')?.manual, true);
});

test('the same platform after each task is remediated: every automatic check passes', () => {
  const runbook = builtIn();
  const result = evaluate(runbook, remediatedPlatform(), NOW);
  const notPassing = checkedItems(runbook)
    .map((i) => ({ id: i.id, ...result.items.get(i.id) }))
    .filter((r) => r.status !== 'pass');
  assert.deepEqual(notPassing, []);
  assert.match(
    result.items.get('cleanup-no-failed-jobs')?.evidence ?? '',
    /1 older failed CronJob run superseded/,
  );
  assert.match(
    result.items.get('quota-headroom')?.evidence ?? '',
    /below 90%; highest: data-platform\/data-platform-quota limits\.cpu 23% \(33950m of 150\)/,
  );
});

test('progress per phase counts checks and ticked manual items', () => {
  const runbook = builtIn();
  const manual = runbook.phases.flatMap((p) => p.tasks.flatMap((t) => t.items.filter((i) => !i.check)));
  const checked = checkedItems(runbook);
  const before = evaluate(runbook, remediatedPlatform(), NOW);
  assert.deepEqual(before.overall, {
    total: manual.length + checked.length,
    passed: checked.length,
    failed: 0,
    unknown: 0,
    open: manual.length,
  });
  const ticked = new Set(['datahub-gms-db-verified', 'kubeflow-ready', 'no-such-item']);
  const after = evaluate(runbook, remediatedPlatform(), NOW, { ticked });
  assert.equal(after.overall.passed, checked.length + 2);
  assert.equal(after.overall.open, manual.length - 2);
  const critical = after.phases.find((p) => p.id === 'critical');
  const criticalItems = runbook.phases[0]?.tasks.flatMap((t) => t.items) ?? [];
  assert.deepEqual(critical, {
    id: 'critical',
    total: criticalItems.length,
    passed: criticalItems.filter((i) => i.check).length + 2,
    failed: 0,
    unknown: 0,
    open: criticalItems.filter((i) => !i.check).length - 2,
  });
  assert.deepEqual(after.items.get('kubeflow-ready'), {
    status: 'pass',
    evidence: 'Ticked by hand.',
    refs: [],
    manual: true,
  });
  // Ticks never override a check: only manual items can be ticked.
  const forced = evaluate(runbook, failingPlatform(), NOW, { ticked: new Set(['no-crashloop']) });
  assert.equal(forced.items.get('no-crashloop')?.status, 'fail');
});

test('unreadable parts of the state make their checks unknown, never a false pass', () => {
  const runbook = builtIn();
  const missing = new Set<keyof ClusterState>(['applications', 'pdbs', 'resourceQuotas']);
  // Even with nothing to contradict them (empty lists), these must not pass.
  const fixed = { ...remediatedPlatform(), applications: [], pdbs: [], resourceQuotas: [] };
  const result = evaluate(runbook, fixed, NOW, { missing });
  for (const id of [
    'ml-platform-app-synced',
    'argocd-all-synced',
    'pdb-kafka-brokers',
    'quotas-per-namespace',
    'quota-headroom',
  ]) {
    assert.equal(result.items.get(id)?.status, 'unknown', id);
    assert.match(result.items.get(id)?.evidence ?? '', /^Cannot check: .* could not be read/);
  }
  assert.match(
    result.items.get('ml-platform-app-synced')?.evidence ?? '',
    /Argo CD Applications could not be read \(resource not installed, or access denied\)/,
  );
  // allPass: one unknown part and no failing part is unknown.
  assert.equal(result.items.get('mlflow-deployed-synced')?.status, 'unknown');
  // A failing part still fails the whole, whatever else is unknown.
  const failing = evaluate(runbook, failingPlatform(), NOW, { missing });
  assert.equal(failing.items.get('mlflow-deployed-synced')?.status, 'fail');
  assert.equal(
    result.items.get('platform-health-95')?.status,
    'pass',
    'checks on readable data are unaffected',
  );
  assert.equal(result.phases.find((p) => p.id === 'validation')?.unknown, 2);
});

test('an invalid check is reported unknown with the parser message, not as a manual item', () => {
  const { runbook } = parseRunbook(
    'title: T\nphases:\n  - id: p\n    title: P\n    tasks:\n      - id: t\n        title: T\n        items:\n          - { id: x, title: X, check: { healthAtLeast: 150 } }\n',
  );
  assert.ok(runbook);
  const result = evaluate(runbook, remediatedPlatform(), NOW, { ticked: new Set(['x']) });
  const x = result.items.get('x');
  assert.equal(x?.status, 'unknown');
  assert.equal(x?.manual, false);
  assert.match(x?.evidence ?? '', /^The check in the runbook is invalid: .*between 0 and 100/);
  assert.deepEqual(result.overall, { total: 1, passed: 0, failed: 0, unknown: 1, open: 0 });
});

test('evaluation is deterministic and does not mutate the state', () => {
  const runbook = builtIn();
  const s = failingPlatform();
  const frozen = JSON.stringify(s);
  const a = evaluate(runbook, s, NOW);
  const b = evaluate(runbook, s, NOW);
  assert.deepEqual([...a.items], [...b.items]);
  assert.equal(JSON.stringify(s), frozen);
});
