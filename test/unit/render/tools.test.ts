import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { ensureTool } from '../../../scripts/harness/paths';

test('ensure-helm.mjs announces a Helm 4.3 binary from the per-version cache', () => {
  const helm = ensureTool('ensure-helm.mjs');
  assert.match(helm, /helm-v4\.3\.2[\\/]helm$/);
  assert.match(execFileSync(helm, ['version', '--short'], { encoding: 'utf8' }), /^v4\.3/);
});

test('ensure-kustomize.mjs announces a kustomize v5 binary from the per-version cache', () => {
  const kustomize = ensureTool('ensure-kustomize.mjs');
  assert.match(kustomize, /kustomize-v5\.8\.2[\\/]kustomize$/);
  assert.match(execFileSync(kustomize, ['version'], { encoding: 'utf8' }), /^v5\.8\.2/);
});
