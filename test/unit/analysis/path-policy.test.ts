import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { MANIFEST_EXCLUDE_GLOB, manifestVerdict, RUNBOOK_GLOB } from '../../../src/core/analysis/path-policy';
import { scratchDir } from '../../../scripts/harness/scratch';

const found = (path: string) => manifestVerdict(path, 'found');
const named = (path: string) => manifestVerdict(path, 'named');

test('runbooks are never manifests, .yml or .yaml, found or named', () => {
  for (const path of ['ops/stabilisation.runbook.yaml', 'ops/x.runbook.yml', 'X.RUNBOOK.YML'])
    for (const verdict of [found(path), named(path)]) assert.deepEqual(verdict.manifest, false, path);
  assert.ok(RUNBOOK_GLOB.includes('yml'));
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

// VS Code's findFiles hands the exclude glob to ripgrep; a glob ripgrep refuses (nested `{…}`)
// failed the whole search and left the editor's workspace index empty.
test('the editor exclude glob is one ripgrep accepts, and it leaves out what the policy skips', () => {
  const root = scratchDir('path-policy-');
  const files = [
    'k8s/app.yaml',
    'k8s/app.yml',
    'ops/stabilisation.runbook.yaml',
    'ops/x.runbook.yml',
    'web/node_modules/pkg/chart.yaml',
    'charts/dist/app.yaml',
    'out/app.yaml',
  ];
  for (const f of files) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), 'kind: ConfigMap\n');
  }
  const listed = execFileSync('rg', ['--files', '-g', '**/*.{yaml,yml}', '-g', `!${MANIFEST_EXCLUDE_GLOB}`], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean)
    .sort();
  assert.deepEqual(listed, ['k8s/app.yaml', 'k8s/app.yml']);
  assert.deepEqual(
    files.filter((f) => found(f).manifest),
    listed,
  );
});
