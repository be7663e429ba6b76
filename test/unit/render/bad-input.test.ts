/**
 * Charts and overlays that do not render: each failure is a problem at the file and line a
 * person opens, and a missing tool or a hung render says what to do. Real Helm throughout; the
 * hung render is a stand-in script (Helm has no way to hang on purpose).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../scripts/harness/paths';
import { renderChart } from '../../../src/adapters/render/helm';
import { fixtures, realTools, workspace } from './support';
import { scratchDir } from '../../../scripts/harness/scratch';

const cli = join(repoRoot, 'dist', 'cli.js');
const charts = join(fixtures, 'charts');
const dataPlatform = join(workspace, 'helm', 'charts', 'data-platform');

interface Report {
  findings: { rule: string; file: string; range: { start: { line: number } } }[];
  errors: { file: string; message: string; code: string; range?: { start: { line: number } } }[];
}

function lint(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number | null; report: Report; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'lint', '--format', 'json', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${dirname(realTools().helm)}:${dirname(realTools().kustomize)}:${process.env['PATH'] ?? ''}`,
      ...env,
    },
  });
  return {
    code: r.status,
    report: JSON.parse(r.stdout || '{"findings":[],"errors":[]}') as Report,
    stderr: r.stderr,
  };
}

const at = (e: { file: string; range?: { start: { line: number } } }) =>
  `${relative(repoRoot, join(repoRoot, e.file))}:${e.range?.start.line ?? '?'}`;

test('helm missing: a clear message naming --helm and the setting; plain manifests are still analysed', () => {
  const plain = join(repoRoot, 'demo', 'workspace', 'data-platform', 'trino.yaml');
  const { code, report } = lint([dataPlatform, plain], { PATH: '/nonexistent' });
  assert.equal(code, 1);
  const error = report.errors.find((e) => e.code === 'tool-missing');
  assert.match(error?.message ?? '', /helm not found on PATH.*--helm PATH.*shipshape\.helm\.path/);
  assert.ok(
    report.findings.some((f) => f.file.endsWith('trino.yaml')),
    'the plain manifest was analysed',
  );
  const explicit = lint([dataPlatform, '--helm', '/nonexistent/helm']);
  assert.match(explicit.report.errors[0]?.message ?? '', /helm not found at \/nonexistent\/helm/);
});

test('a template error is reported at the template line Helm names', () => {
  const { code, report } = lint([join(charts, 'nil-pointer')]);
  assert.equal(code, 1);
  const error = report.errors.find((e) => e.code === 'render-error');
  assert.equal(
    at(error ?? { file: '' }),
    'test/fixtures/render/charts/nil-pointer/templates/deployment.yaml:13',
  );
  assert.match(error?.message ?? '', /\.Values\.resources\.limits\.memory.*nil pointer/);
});

test("output that is not YAML (the seeds' mis-indented ports) is reported at the template's line, not the rendered one", () => {
  const { report } = lint([join(charts, 'bad-indent')]);
  const error = report.errors.find((e) => e.code === 'render-error');
  // Helm says "yaml: line 40" of the rendered text; three template lines above it render to nothing.
  assert.equal(
    at(error ?? { file: '' }),
    'test/fixtures/render/charts/bad-indent/templates/spark-history.yaml:43',
  );
  assert.match(error?.message ?? '', /not valid YAML/);
});

test('missing subcharts: each at its Chart.yaml dependency, saying which helm dependency build to run', () => {
  const { code, report } = lint([join(charts, 'missing-deps')]);
  assert.equal(code, 1);
  const lines = report.errors.map((e) => at(e));
  assert.deepEqual(lines, [
    'test/fixtures/render/charts/missing-deps/Chart.yaml:5',
    'test/fixtures/render/charts/missing-deps/Chart.yaml:8',
  ]);
  assert.match(
    report.errors[0]?.message ?? '',
    /helm dependency build test\/fixtures\/render\/charts\/missing-deps/,
  );
});

test('a required value left empty: the `required` line of the template', () => {
  const { code, report } = lint([dataPlatform, '--set', 'superset.secretKey=']);
  assert.equal(code, 1);
  const error = report.errors.find((e) => e.code === 'render-error');
  assert.equal(
    at(error ?? { file: '' }),
    'demo/workspace/helm/charts/data-platform/charts/superset/templates/superset-secrets.yaml:7',
  );
  assert.match(error?.message ?? '', /superset\.secretKey is required/);
});

test('a chart that renders nothing says so (a warning: exit 0)', () => {
  const { code, report } = lint([join(charts, 'renders-nothing')]);
  assert.equal(code, 0);
  assert.match(report.errors.find((e) => e.code === 'render-empty')?.message ?? '', /renders no objects/);
});

test('a values file that is not YAML: its own line', () => {
  const values = join(fixtures, 'not-yaml-values.yaml');
  const { code, report } = lint([dataPlatform, '--values', values]);
  assert.equal(code, 1);
  const error = report.errors.find((e) => e.code === 'render-error');
  assert.equal(at(error ?? { file: '' }), 'test/fixtures/render/not-yaml-values.yaml:3');
});

test('a render that hangs is stopped at --render-timeout and its process group killed', () => {
  const dir = scratchDir('shipshape-hang-');
  const fake = join(dir, 'helm');
  const pidFile = join(dir, 'sleep.pid');
  writeFileSync(fake, `#!/bin/sh\nsleep 300 &\necho $! > ${pidFile}\nwait\n`);
  chmodSync(fake, 0o755);
  const { code, report } = lint([dataPlatform, '--helm', fake, '--render-timeout', '1']);
  assert.equal(code, 1);
  assert.match(report.errors[0]?.message ?? '', /did not finish within 1 s and was stopped/);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  assert.ok(pid > 0);
  // Killed: gone, or a zombie nobody reaped yet (PID 1 in a container may not reap orphans).
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  assert.ok(stat === '' || / Z /.test(stat), `the hung renderer's child still runs: ${stat}`);
});

test('kustomize missing, and an overlay naming a file that does not exist: at the kustomization', () => {
  const overlay = join(fixtures, 'overlays', 'missing-resource');
  const missing = lint([overlay], { PATH: '/nonexistent' });
  assert.match(
    missing.report.errors[0]?.message ?? '',
    /kustomize not found on PATH.*--kustomize PATH.*shipshape\.kustomize\.path/,
  );
  const { code, report } = lint([overlay]);
  assert.equal(code, 1);
  const error = report.errors.find((e) => e.code === 'render-error');
  assert.equal(
    at(error ?? { file: '' }),
    'test/fixtures/render/overlays/missing-resource/kustomization.yaml:5',
  );
  assert.match(error?.message ?? '', /does-not-exist\.yaml/);
});

test('a render larger than the output cap is stopped, not read into memory', async () => {
  const outcome = await renderChart({
    helm: realTools().helm,
    chart: dataPlatform,
    release: 'data-platform',
    namespace: 'data-platform',
    values: [],
    set: [],
    limits: { timeoutMs: 60_000, maxBytes: 4096 },
  });
  assert.equal(outcome.ok, false);
  assert.match(
    outcome.ok ? '' : (outcome.errors[0]?.message ?? ''),
    /helm template wrote more than 4 KiB and was stopped/,
  );
});
