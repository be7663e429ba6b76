/**
 * `shipshape lint <chart|overlay>` as users run it (the bundled dist/cli.js, real Helm and
 * kustomize): findings on source lines in text, JSON (with the rendered object) and SARIF.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../scripts/harness/paths';
import { realTools } from './support';

const cli = join(repoRoot, 'dist', 'cli.js');
const chart = 'demo/workspace/helm/charts/data-platform';
const overlay = 'demo/workspace/kustomize/portal-services/overlays/prod';

function shipshape(...args: string[]) {
  const path = `${dirname(realTools().helm)}:${dirname(realTools().kustomize)}:${process.env['PATH'] ?? ''}`;
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, PATH: path },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonFinding {
  rule: string;
  message: string;
  file: string;
  range: { start: { line: number; column: number } };
  object: { kind?: string; name?: string };
  container?: string;
  rendered?: { file: string; document: number; path: string };
  via?: string;
  fix?: unknown;
}

const json = (...args: string[]) => {
  const r = shipshape('lint', '--format', 'json', ...args);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
};

test('JSON: the finding sits on the values line in use, and names the object as rendered', () => {
  const { code, findings } = json(chart, '--release', 'data-platform', '--namespace', 'data-platform');
  assert.equal(code, 0, 'warnings only: exit 0 as for plain manifests');
  const tag = findings.find((f) => f.rule === 'image-tag-pinned' && f.container === 'worker');
  assert.equal(tag?.file, `${chart}/values.yaml`);
  assert.equal(tag?.range.start.line, 23);
  assert.equal(tag?.via, 'values');
  assert.deepEqual(tag?.rendered, {
    file: 'data-platform/charts/trino/templates/worker.yaml',
    document: tag?.rendered?.document,
    path: 'spec.template.spec.containers[0].image',
  });
  assert.equal(tag?.fix, undefined, 'no fix is offered on rendered text');
  // One values line, two objects: editing it changes both, and the finding says so.
  assert.match(
    tag?.message ?? '',
    /\(this line sets it for 2 objects: Deployment\/trino-coordinator, Deployment\/trino-worker\)/,
  );
  const service = findings.find((f) => f.rule === 'statefulset-service-name');
  assert.match(
    service?.message ?? '',
    /\(written by \{\{ include "dolphinscheduler\.fullname" \. \}\} on this line\)$/,
  );
  assert.equal(json(chart, '--fail-on', 'warning').code, 1);
});

test('--values and --set are rendered as Helm would, and traced to their file', () => {
  const { findings } = json(
    chart,
    '--values',
    `${chart}/values-prod.yaml`,
    '--set',
    'trino.worker.replicas=1',
  );
  const cpu = findings.find((f) => f.rule === 'cpu-limit' && f.container === 'superset');
  assert.equal(`${cpu?.file}:${cpu?.range.start.line}`, `${chart}/values-prod.yaml:4`);
  assert.ok(!findings.some((f) => f.rule === 'pdb-missing' && f.object.name === 'trino-worker'));
});

test('SARIF: regions on values.yaml and template lines, for code scanning', () => {
  const r = shipshape('lint', '--format', 'sarif', chart);
  const sarif = JSON.parse(r.stdout) as {
    runs: {
      results: {
        ruleId: string;
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        }[];
      }[];
    }[];
  };
  const results = sarif.runs[0]?.results ?? [];
  const onValues = results.filter((x) =>
    x.locations[0]?.physicalLocation.artifactLocation.uri.endsWith('values.yaml'),
  );
  assert.ok(onValues.length > 10, `${onValues.length} results on values files`);
  const tag = results.find((x) => x.ruleId === 'image-tag-pinned');
  assert.equal(tag?.locations[0]?.physicalLocation.artifactLocation.uri, `${chart}/values.yaml`);
  assert.equal(tag?.locations[0]?.physicalLocation.region.startLine, 23);
});

test('an overlay: base and patch lines; an error in the patch fails the run', () => {
  const { code, findings } = json(overlay);
  assert.equal(code, 1);
  const escalation = findings.find(
    (f) => f.rule === 'allow-privilege-escalation' && f.container === 'gateway',
  );
  assert.equal(
    `${escalation?.file}:${escalation?.range.start.line}`,
    'demo/workspace/kustomize/portal-services/overlays/prod/gateway-prod.yaml:16',
  );
  assert.equal(escalation?.via, 'patch');
  const tag = findings.find((f) => f.rule === 'image-tag-pinned');
  // The base pins 1.0.3; the overlay's `images:` entry moves it to latest: that is the line to edit.
  assert.equal(
    `${tag?.file}:${tag?.range.start.line}`,
    'demo/workspace/kustomize/portal-services/overlays/prod/kustomization.yaml:11',
  );
  assert.equal(tag?.via, 'kustomization');
  assert.match(tag?.rendered?.file ?? '', /base\/deployment\.yaml$/);
});

test('text: the template and values files as headings, lines as people count them', () => {
  const r = shipshape('lint', chart, '--no-color');
  const section =
    r.stdout.split('\n\n').find((s) => s.startsWith(`${chart}/charts/trino/values.yaml\n`)) ?? '';
  assert.ok(/^ {2}22:3 +warning cpu-request +Container "worker"/m.test(section), section);
  assert.match(r.stdout, /finding\(s\) in 1 file\(s\)/);
});
