import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyClusterState, type ClusterState } from '../../../src/core/k8s/types';
import { compareObjects, unifiedDiff, withoutNoise } from '../../../src/core/sync/compare';
import { conflictsOf, describeConflicts } from '../../../src/core/sync/conflicts';
import { planLine, summariseResults, verbOf, type Inspection } from '../../../src/core/sync/inspection';
import { isProtectedContext } from '../../../src/core/sync/protected';
import { applyTargets, TEMPLATE_REFUSAL } from '../../../src/core/sync/targets';
import { watchedVersion } from '../../../src/core/sync/watched';
import { parseManifestFile } from '../../../src/core/yaml/parse';

test('apply targets: every complete object, List items included, with its range and plain body', () => {
  const text = `# comment
apiVersion: v1
kind: ConfigMap
metadata: { name: a, namespace: ns }
data: { k: "1" }
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: { name: s }
`;
  const set = applyTargets(parseManifestFile(text));
  assert.ok('targets' in set);
  assert.deepEqual(
    set.targets.map((t) => [t.identity, t.documentIndex, t.listIndex]),
    [
      [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'ns' }, 0, undefined],
      [{ apiVersion: 'v1', kind: 'Service', name: 's' }, 1, 0],
    ],
  );
  assert.deepEqual(set.targets[0]?.body, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'ns' },
    data: { k: '1' },
  });
  assert.equal(text.slice(set.targets[1]!.start, set.targets[1]!.start + 10), 'apiVersion');
  assert.deepEqual(set.problems, []);
});

test('apply targets: Helm templates are refused whole; broken documents and nameless objects are reported, not sent', () => {
  assert.deepEqual(
    applyTargets(parseManifestFile('kind: Service\nmetadata:\n  name: {{ .Release.Name }}\n')),
    {
      refused: TEMPLATE_REFUSAL,
    },
  );
  const set = applyTargets(
    parseManifestFile(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ok }\n---\nkind: [unclosed\n---\napiVersion: v1\nkind: Secret\nmetadata: {}\n',
    ),
  );
  assert.ok('targets' in set);
  assert.deepEqual(
    set.targets.map((t) => t.identity.name),
    ['ok'],
  );
  assert.equal(set.problems.length, 2);
  assert.match(set.problems[0]?.message ?? '', /document 2 has a YAML error/);
  assert.match(set.problems[1]?.message ?? '', /Secret has no metadata\.name/);
});

test('noise: status, managedFields, resourceVersion and kubectl bookkeeping are dropped; the input is untouched', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'a',
      uid: 'u',
      resourceVersion: '7',
      managedFields: [{ manager: 'x' }],
      creationTimestamp: 't',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      labels: { keep: 'me' },
    },
    status: { phase: 'x' },
  };
  assert.deepEqual(withoutNoise(live), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', labels: { keep: 'me' } },
  });
  assert.equal(live.metadata.uid, 'u');
});

test('compare: same, differs (with a unified diff of just the change) and missing', () => {
  const base = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'a', resourceVersion: '1' },
    data: { k: 'v' },
  };
  const same = compareObjects(base, { ...base, metadata: { name: 'a', resourceVersion: '2' } });
  assert.equal(same.state, 'same');
  assert.equal(unifiedDiff('ConfigMap a', same), '');
  const differs = compareObjects(base, { ...base, data: { k: 'w' } });
  assert.equal(differs.state, 'differs');
  const diff = unifiedDiff('ConfigMap a', differs);
  assert.match(diff, /^--- live\/ConfigMap a/m);
  assert.match(diff, /^- {2}k: v$/m);
  assert.match(diff, /^\+ {2}k: w$/m);
  const missing = compareObjects(undefined, base);
  assert.equal(missing.state, 'missing');
  assert.match(unifiedDiff('ConfigMap a', missing), /^--- \/dev\/null/m);
});

test('conflicts: managers and fields from the Status causes, grouped for a sentence', () => {
  const conflicts = conflictsOf([
    {
      reason: 'FieldManagerConflict',
      message: 'conflict with "kubectl-scale" using apps/v1',
      field: '.spec.replicas',
    },
    {
      reason: 'FieldManagerConflict',
      message: 'conflict with "helm" using apps/v1',
      field: '.spec.template.spec.containers[name="a"].image',
    },
    {
      reason: 'FieldManagerConflict',
      message: 'conflict with "kubectl-scale" with subresource "scale" using apps/v1',
      field: '.spec.paused',
    },
    { reason: 'FieldValueInvalid', message: 'x', field: '.spec' },
  ]);
  assert.deepEqual(conflicts, [
    { manager: 'kubectl-scale', field: '.spec.replicas' },
    { manager: 'helm', field: '.spec.template.spec.containers[name="a"].image' },
    { manager: 'kubectl-scale', field: '.spec.paused' },
  ]);
  assert.equal(
    describeConflicts(conflicts),
    'kubectl-scale owns .spec.replicas, .spec.paused; helm owns .spec.template.spec.containers[name="a"].image',
  );
});

test('protected contexts: words match a name part, globs the whole name, case ignored', () => {
  const patterns = ['prod', 'production', 'gke_*_eu-*'];
  for (const name of ['prod', 'PROD', 'eu-prod-1', 'admin@prod', 'production', 'gke_acme_eu-west1'])
    assert.equal(isProtectedContext(name, patterns), true, name);
  for (const name of ['product-demo', 'staging', 'kind-dev', 'gke_acme_us-east1'])
    assert.equal(isProtectedContext(name, patterns), false, name);
  assert.equal(isProtectedContext('prod', []), false);
});

test('plan lines and result summaries say what an apply does in kubectl words', () => {
  const i = (state: Inspection['state'], extra: Partial<Inspection> = {}) =>
    ({ label: 'Deployment ns/web', state, ...extra }) as Inspection;
  assert.equal(planLine(i('missing')), 'Deployment ns/web — created');
  assert.equal(planLine(i('same')), 'Deployment ns/web — unchanged');
  assert.equal(
    planLine(i('conflict', { conflicts: [{ manager: 'helm', field: '.a' }] })),
    'Deployment ns/web — conflicts with helm',
  );
  assert.equal(planLine(i('forbidden', { message: 'no' })), 'Deployment ns/web — forbidden: no');
  assert.equal(verbOf(i('differs')), 'configured');
  assert.equal(verbOf(i('invalid')), undefined);
  assert.equal(
    summariseResults([
      { label: 'a', outcome: 'created' },
      { label: 'b', outcome: 'failed', message: 'x' },
      { label: 'c', outcome: 'created' },
    ]),
    '2 created, 1 failed',
  );
  assert.equal(summariseResults([]), 'nothing to apply');
});

test('watched versions: the explorer lists say when a checked object changed; unwatched kinds say nothing', () => {
  const state = {
    ...emptyClusterState(),
    deployments: [{ metadata: { name: 'web', namespace: 'shop', resourceVersion: '42' } }],
  } as ClusterState;
  const web = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' };
  assert.deepEqual(watchedVersion(state, web), { list: 'deployments', version: '42' });
  assert.deepEqual(watchedVersion(state, { ...web, name: 'api' }), { list: 'deployments', version: null });
  assert.deepEqual(watchedVersion(state, { ...web, namespace: 'other' }), {
    list: 'deployments',
    version: null,
  });
  assert.equal(watchedVersion(state, { apiVersion: 'v1', kind: 'ConfigMap', name: 'web' }), undefined);
  // Same kind name in another group is not the watched one.
  assert.equal(watchedVersion(state, { ...web, apiVersion: 'example.com/v1' }), undefined);
});
