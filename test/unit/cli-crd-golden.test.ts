/**
 * The CLI's JSON report on CRD-heavy input, compared with a golden written by the code before
 * the CRD light path (issue 18): real CRDs (Argo CD's AppProject, kube-prometheus' PrometheusRule)
 * and hand-written ones in every scalar style generators emit, some with mistakes, and custom
 * resources validated against them. Needs the bundle (node scripts/build.mjs).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/harness/paths';

const cli = join(repoRoot, 'dist', 'cli.js');
const golden = join(repoRoot, 'test', 'fixtures', 'crd-heavy.golden.json');

function lint(...extra: string[]): string {
  const r = spawnSync(
    process.execPath,
    [cli, 'lint', 'test/fixtures/crd-heavy', '--format', 'json', ...extra],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(r.status, 1, r.stderr);
  return r.stdout;
}

test('CRD-heavy input gives byte-identical JSON to the golden, on one thread and on two', () => {
  const expected = readFileSync(golden, 'utf8');
  assert.equal(lint(), expected);
  assert.equal(lint('--threads', '2'), expected);
});
