/**
 * The editor's incremental analysis with CRDs from other workspace files: custom resources are
 * re-validated when the workspace index brings (or changes) their CRD, though the CR's own text
 * did not change (issue 18).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../scripts/harness/paths';
import { IncrementalAnalyser } from '../../../src/core/analysis/file-analysis';
import { allRules } from '../../../src/core/rules/registry';
import { indexFile } from '../../../src/core/rules/scope';
import { parseManifestFile } from '../../../src/core/yaml/parse';

const crd = readFileSync(join(repoRoot, 'test', 'fixtures', 'crds', 'argocd-application.crd.yaml'), 'utf8');
const crdIndex = indexFile(parseManifestFile(crd), 'crds/application.yaml');

const text = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: superset, namespace: argocd}
spec:
  project: default
  destinaton: {namespace: superset}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
`;

const schema = (r: { findings: readonly { rule: string; severity: string; message: string }[] }) =>
  r.findings
    .filter((f) => f.rule === 'schema-invalid')
    .map((f) => `${f.severity} ${f.message.replace(/[;(].*/, '')}`);

for (const template of [false, true]) {
  test(`a CRD arriving in the workspace index re-validates an unchanged custom resource${template ? ' (template file)' : ''}`, () => {
    // A `{{ }}` comment makes the file a template: the sliced analyser, with its own caches.
    const source = template ? `# {{ .Values.note }}\n${text}` : text;
    const analyser = new IncrementalAnalyser('apps.yaml', { rules: allRules });
    const before = analyser.update(source, { scope: 'workspace', objects: [], version: 1 });
    assert.deepEqual(schema(before), [
      'info no schema for `argoproj.io/v1alpha1 Application`: validated structurally only ',
    ]);
    const after = analyser.update(source, { scope: 'workspace', objects: crdIndex, version: 2 });
    assert.deepEqual(schema(after), ['error Application "superset": unknown field "spec.destinaton" ']);
    const gone = analyser.update(source, { scope: 'workspace', objects: [], version: 3 });
    assert.deepEqual(schema(gone), schema(before));
  });
}
