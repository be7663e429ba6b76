import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyEdits } from '../../../src/core/edit/text-edit';
import { formatMemory, raiseMemoryLimit } from '../../../src/core/fixes/memory';
import { findObject } from '../../../src/core/manifest/find';
import { parseManifestFile } from '../../../src/core/yaml/parse';
import { repoRoot } from '../../../scripts/harness/paths';

const mlflow = readFileSync(join(repoRoot, 'demo', 'workspace', 'data-platform', 'mlflow.yaml'), 'utf8');
const ref = { kind: 'Deployment', name: 'mlflow', namespace: 'data-platform' };

test('OOMKilled: the limit doubles in place; the comment, flow style and request stay', () => {
  const result = raiseMemoryLimit(parseManifestFile(mlflow), ref, { container: 'app' });
  assert.ok(!('problem' in result));
  assert.deepEqual([result.container, result.from, result.to], ['app', '1Gi', '2Gi']);
  const after = applyEdits(mlflow, result.edits);
  assert.match(after, /limits: \{cpu: '1', memory: 2Gi\} {3}# sized before the registry grew/);
  assert.match(after, /requests: \{cpu: 100m, memory: 256Mi\}/);
  assert.equal(after.split('\n').length, mlflow.split('\n').length);
});

test('no limit in the manifest: the limit the pod ran with, else the request, else 1Gi; a block map is created', () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: api
          image: api:1
`;
  const file = parseManifestFile(text);
  const live = raiseMemoryLimit(file, { kind: 'Deployment', name: 'api' }, { liveLimit: '768Mi' });
  assert.ok(!('problem' in live));
  assert.equal(live.to, '1536Mi');
  assert.equal(live.from, undefined);
  assert.match(
    applyEdits(text, live.edits),
    /image: api:1\n {10}resources:\n {12}limits:\n {14}memory: 1536Mi\n$/,
  );
  const none = raiseMemoryLimit(file, { kind: 'Deployment', name: 'api' });
  assert.ok(!('problem' in none));
  assert.equal(none.to, '1Gi');
});

test('refusals say why: other object, unknown container among several, Helm template', () => {
  const file = parseManifestFile(mlflow);
  const other = raiseMemoryLimit(file, { kind: 'Deployment', name: 'redis' });
  assert.ok('problem' in other && /no Deployment redis/.test(other.problem));
  const two = parseManifestFile(
    'kind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: [{name: x}, {name: y}]\n',
  );
  const missing = raiseMemoryLimit(two, { kind: 'Deployment', name: 'a' }, { container: 'z' });
  assert.ok('problem' in missing && /no container named "z" \(it has x, y\)/.test(missing.problem));
  const chart = raiseMemoryLimit(
    parseManifestFile('kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n'),
    ref,
  );
  assert.ok('problem' in chart && /Helm template/.test(chart.problem));
});

test('findObject prefers the exact namespace and accepts a manifest without one', () => {
  const text =
    'kind: Deployment\nmetadata: {name: a}\n---\nkind: Deployment\nmetadata: {name: a, namespace: prod}\n---\nkind: Deployment\nmetadata: {name: a, namespace: dev}\n';
  const file = parseManifestFile(text);
  assert.equal(findObject(file, { kind: 'Deployment', name: 'a', namespace: 'prod' })?.document.index, 1);
  assert.equal(findObject(file, { kind: 'Deployment', name: 'a', namespace: 'qa' })?.document.index, 0);
  assert.equal(findObject(file, { kind: 'Service', name: 'a' }), undefined);
});

test('memory quantities are written as people write them', () => {
  assert.equal(formatMemory(2 * 1024 ** 3), '2Gi');
  assert.equal(formatMemory(1.5 * 1024 ** 3), '1536Mi');
  assert.equal(formatMemory(1000), '1Mi');
});
