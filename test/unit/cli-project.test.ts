/**
 * The CLI (bundled dist/cli.js: run `node scripts/build.mjs` first) on project trees: Kustomize
 * patches beside their kustomization, and the project config file `.shipshape.yaml`.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/harness/paths';
import { scratchDir } from '../../scripts/harness/scratch';

const cli = join(repoRoot, 'dist', 'cli.js');

function shipshape(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Report {
  findings: { rule: string; severity: string; file: string; object: { name?: string } }[];
}

function tree(files: Record<string, string>): string {
  const dir = scratchDir('shipshape-project-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const deployment = (name: string, replicas = 1) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: app
          image: example/${name}:1.0
          ports: [{name: http, containerPort: 8080}]
`;

test('lint: a patch listed by a kustomization in the tree is not linted as a whole object', () => {
  const dir = tree({
    'base/deployment.yaml': deployment('web'),
    'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
    'overlays/prod/kustomization.yaml':
      'resources: [../../base]\npatches:\n  - path: patches/replicas.yaml\npatchesStrategicMerge:\n  - memory.yaml\n',
    'overlays/prod/patches/replicas.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: 3\n',
    'overlays/prod/memory.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          resources: {limits: {memory: 1Gi}}\n',
  });
  try {
    const r = shipshape(dir, 'lint', '.', '--format', 'json');
    const files = new Set((JSON.parse(r.stdout) as Report).findings.map((f) => f.file));
    assert.ok(
      [...files].some((f) => f.endsWith('deployment.yaml')),
      [...files].join(),
    );
    assert.ok(![...files].some((f) => f.includes('overlays')), [...files].join());
    assert.match(r.stderr, /2 Kustomize patch file\(s\) not linted as whole objects/);
    const verbose = shipshape(dir, 'lint', '.', '--format', 'json', '--verbose');
    assert.match(
      verbose.stderr,
      /patches\/replicas\.yaml is a Kustomize patch \(listed in .*overlays\/prod\/kustomization\.yaml\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lint: .shipshape.yaml found upwards sets severities, thresholds and excludes; flags win', () => {
  const dir = tree({
    '.shipshape.yaml': [
      'rules:',
      '  cpu-limit: off',
      '  min-replicas: error',
      'minReplicas: 3',
      'exclude:',
      '  - vendor/**',
      '',
    ].join('\n'),
    'apps/web.yaml': deployment('web', 2),
    'vendor/chart/rendered.yaml': deployment('vendored'),
  });
  try {
    // Run from a subfolder: the file is found upwards from the linted path.
    const r = shipshape(join(dir, 'apps'), 'lint', '.', '--format', 'json');
    const findings = (JSON.parse(r.stdout) as Report).findings;
    assert.deepEqual(
      findings.filter((f) => f.rule === 'min-replicas').map((f) => [f.object.name, f.severity]),
      [['web', 'error']],
      'replicas: 2 is below the configured minimum of 3, at the configured severity',
    );
    assert.deepEqual(
      findings.filter((f) => f.rule === 'cpu-limit'),
      [],
    );
    assert.equal(r.code, 1, 'an error finding fails the run');
    const all = shipshape(dir, 'lint', '.', '--format', 'json');
    assert.ok(
      !(JSON.parse(all.stdout) as Report).findings.some((f) => f.object.name === 'vendored'),
      'vendor/** is excluded',
    );
    const flags = shipshape(dir, 'lint', '.', '--format', 'json', '--include', 'cpu-limit');
    assert.ok((JSON.parse(flags.stdout) as Report).findings.some((f) => f.rule === 'cpu-limit'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lint: an invalid .shipshape.yaml is named with its file and line, and the run stops', () => {
  const dir = tree({
    '.shipshape.yaml': 'rules:\n  cpu-limits: off\nminReplica: 3\n',
    'web.yaml': deployment('web', 2),
  });
  try {
    const r = shipshape(dir, 'lint', '.');
    assert.equal(r.code, 2);
    const file = join(dir, '.shipshape.yaml');
    assert.ok(
      r.stderr.includes(`${file}:2:3: unknown rule ID "cpu-limits" (did you mean "cpu-limit"?)`),
      r.stderr,
    );
    assert.ok(
      r.stderr.includes(`${file}:3:1: unknown key "minReplica" (did you mean "minReplicas"?)`),
      r.stderr,
    );
    // The file is what is wrong, not the command line: no usage text to scroll past.
    assert.doesNotMatch(r.stderr, /usage: shipshape/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
