/**
 * `shipshape lint --crds DIR|FILE`, and CRDs among the linted files: custom resources validated by
 * the bundled CLI against their CRD's schema (issue 18). Needs dist/cli.js (scripts/build.mjs).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/harness/paths';
import { scratchDir } from '../../scripts/harness/scratch';

const cli = join(repoRoot, 'dist', 'cli.js');
const crdFile = join(repoRoot, 'test', 'fixtures', 'crds', 'argocd-application.crd.yaml');

function shipshape(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  findings: { rule: string; severity: string; message: string; range: { start: { line: number } } }[];
}

const application = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: superset
  namespace: argocd
spec:
  project: default
  destinaton:
    server: https://kubernetes.default.svc
    namespace: superset
  source: {repoURL: https://charts.example.com, chart: superset}
`;

/** A folder (not a named file: a named Application file is rendered, not linted) with the Application. */
function workspace(): string {
  const dir = scratchDir('shipshape-crds-');
  mkdirSync(join(dir, 'apps'));
  writeFileSync(join(dir, 'apps', 'superset.yaml'), application);
  return dir;
}

const schemaFindings = (stdout: string) =>
  (JSON.parse(stdout) as Report).findings
    .filter((f) => f.rule === 'schema-invalid')
    .map((f) => `${f.severity} ${f.range.start.line} ${f.message.replace(/;.*/, '')}`);

test('lint --crds FILE|DIR: a misspelt field in a custom resource is an error at its line', () => {
  const dir = workspace();
  const expected = [
    'error 8 Application "superset": unknown field "spec.destinaton" (did you mean "destination"?)',
  ];
  const file = shipshape('lint', join(dir, 'apps'), '--crds', crdFile, '--format', 'json');
  assert.equal(file.code, 1, file.stderr);
  assert.deepEqual(schemaFindings(file.stdout), expected);
  const folder = shipshape(
    'lint',
    join(dir, 'apps'),
    '--crds',
    join(repoRoot, 'test', 'fixtures', 'crds'),
    '--format',
    'json',
  );
  assert.deepEqual(schemaFindings(folder.stdout), expected);
});

test('lint: a CRD among the linted files validates the custom resources beside it', () => {
  const dir = workspace();
  mkdirSync(join(dir, 'crds'));
  copyFileSync(crdFile, join(dir, 'crds', 'application.yaml'));
  const r = shipshape('lint', dir, '--format', 'json');
  assert.deepEqual(schemaFindings(r.stdout), [
    'error 8 Application "superset": unknown field "spec.destinaton" (did you mean "destination"?)',
  ]);
});

test('lint without a CRD: the custom resource is listed once as info, not passed silently', () => {
  const dir = workspace();
  const r = shipshape('lint', dir, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(schemaFindings(r.stdout), [
    'info 2 no schema for `argoproj.io/v1alpha1 Application`: validated structurally only (add its CustomResourceDefinition to the workspace, or pass it to `shipshape lint --crds`)',
  ]);
});

test('lint --crds: a missing path is a usage error', () => {
  const r = shipshape('lint', workspace(), '--crds', join(repoRoot, 'no-such-crds'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--crds: no such file or directory/);
});

test('lint --crds --threads 2: the worker threads get the CRDs too', () => {
  const dir = workspace();
  // Over the 512 KB below which the CLI stays on one thread whatever --threads says.
  const filler = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: NAME}\ndata: {key: value}\n`;
  for (let f = 0; f < 2; f++)
    writeFileSync(
      join(dir, `filler-${f}.yaml`),
      Array.from({ length: 5000 }, (_, i) => filler.replace('NAME', `c-${f}-${i}`)).join('---\n'),
    );
  const r = shipshape('lint', dir, '--crds', crdFile, '--threads', '2', '--format', 'json');
  assert.deepEqual(schemaFindings(r.stdout), [
    'error 8 Application "superset": unknown field "spec.destinaton" (did you mean "destination"?)',
  ]);
});

test('lint --context: loads the cluster reader on demand; an unknown context is a usage error', () => {
  const dir = workspace();
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: only, context: {cluster: c, user: u}}]
current-context: only
`,
  );
  const r = shipshape('lint', join(dir, 'apps'), '--kubeconfig', kubeconfig, '--context', 'elsewhere');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no context "elsewhere"/);
});
