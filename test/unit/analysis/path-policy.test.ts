import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { MANIFEST_EXCLUDE_GLOB, manifestVerdict, RUNBOOK_GLOB } from '../../../src/core/analysis/path-policy';

const found = (path: string) => manifestVerdict(path, 'found');
const named = (path: string) => manifestVerdict(path, 'named');

test('runbooks are never manifests, .yml or .yaml, found or named', () => {
  for (const path of ['ops/stabilisation.runbook.yaml', 'ops/x.runbook.yml', 'X.RUNBOOK.YML'])
    for (const verdict of [found(path), named(path)]) assert.deepEqual(verdict.manifest, false, path);
  assert.ok(RUNBOOK_GLOB.includes('yml') && MANIFEST_EXCLUDE_GLOB.includes('**/*.runbook.{yaml,yml}'));
});

test('searched folders: dependency, VCS and build folders are left out at any depth, with a reason', () => {
  assert.deepEqual(found('k8s/app.yaml'), { manifest: true });
  assert.deepEqual(found('app.yml'), { manifest: true });
  assert.deepEqual(found('charts/dist/app.yaml'), {
    manifest: false,
    reason: 'skipped-folder',
    detail: 'in dist/ (build output)',
  });
  assert.equal(found('out\\app.yaml').manifest, false, 'Windows separators');
  assert.equal(found('node_modules/pkg/x.yaml').manifest, false);
  assert.equal(found('README.md').manifest, false);
  assert.equal(found('outputs/app.yaml').manifest, true, 'a folder name, not a prefix');
  for (const folder of ['node_modules', '.git', 'dist', 'out'])
    assert.ok(MANIFEST_EXCLUDE_GLOB.includes(`**/${folder}/**`), folder);
});

test('a file the user names or opens is taken whatever its folder or extension', () => {
  assert.deepEqual(named('dist/rendered.yaml'), { manifest: true });
  assert.deepEqual(named('manifest.txt'), { manifest: true });
});
