/**
 * Charts and overlays rendered the way their Argo CD Application says, with the real helm and
 * kustomize: value files in Argo CD's order, inline values, parameters, Kustomize options.
 */
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../scripts/harness/paths';
import { planFor, plansInFile, renderPlanChart } from '../../../src/adapters/render/argo';
import { readArgoApps } from '../../../src/core/render/argo-app';
import { DEFAULT_LIMITS } from '../../../src/adapters/render/run';
import { parseArgs } from '../../../src/cli/args';
import { lintRendered, RENDER_VALUE_OPTIONS, renderRootOf } from '../../../src/cli/render-lint';
import { lintHelmRender } from '../../../src/core/render/helm-map';
import { allRules } from '../../../src/core/rules/registry';
import { renderRoot } from '../../../src/services/charts/render';
import { fixtures, realTools, workspace } from './support';

const argo = join(fixtures, 'argo');
const apps = join(argo, 'argocd', 'shop.yaml');
const at = (file: string, line: number) => `${relative(repoRoot, file)}:${line}`;

async function lint(...argv: string[]) {
  const args = parseArgs([...argv, '--helm', realTools().helm, '--kustomize', realTools().kustomize], {
    values: RENDER_VALUE_OPTIONS,
    flags: [],
  });
  const roots = args.positional.flatMap((p) => renderRootOf(p) ?? []);
  return lintRendered(roots, args, {});
}

test('an Application file: each source found above the file and rendered as Argo CD would', () => {
  const plans = plansInFile(apps);
  assert.deepEqual(
    plans.map((p) => [p.app, p.kind, relative(argo, p.dir), p.namespace]),
    [
      ['shop-prod', 'helm', join('charts', 'shop'), 'shop-prod'],
      ['shop-canary', 'helm', join('charts', 'shop'), 'shop-canary'],
      ['web', 'kustomize', join('overlays', 'web'), 'web'],
    ],
  );
  const prod = plans[0];
  assert.equal(prod?.helm?.release, 'shop');
  assert.deepEqual(
    prod?.helm?.values.map((v) => relative(argo, v)),
    [join('charts', 'shop', 'values.yaml'), join('charts', 'shop', 'values-prod.yaml')],
  );
  assert.equal(plans[1]?.helm?.release, 'shop-canary', 'no releaseName: the app name');
  assert.deepEqual(plans[1]?.problems, [
    {
      line: 33,
      message:
        'value file charts/shop/values-canary.yaml does not exist: Argo CD cannot render app shop-canary (rendered without it; ignoreMissingValueFiles: true skips it)',
      severity: 'error',
    },
  ]);
});

test('values-prod.yaml overriding values.yaml: the finding sits on the values-prod.yaml line', async () => {
  const result = await lint(apps);
  const tag = result.findings.find((f) => f.rule === 'image-tag-pinned' && f.object.name === 'shop-api');
  assert.equal(
    at(tag?.file ?? '', tag?.range.start.line ?? 0),
    at(join(argo, 'charts/shop/values-prod.yaml'), 4),
  );
  assert.match(
    tag?.message ?? '',
    /^\[shop-prod\] .*ghcr\.io\/acme\/api-prod:latest/,
    'the parameter is applied',
  );
  // Two Applications render one chart: each finding says whose render it is.
  assert.ok(result.findings.some((f) => f.message.startsWith('[shop-canary] ')));
});

test('inline valuesObject: the finding sits on its line in the Application file', async () => {
  const result = await lint(apps);
  const replicas = result.findings.find(
    (f) => f.rule === 'min-replicas' && f.object.name === 'shop-canary-api',
  );
  assert.equal(at(replicas?.file ?? '', replicas?.range.start.line ?? 0), at(apps, 37));
  assert.match(replicas?.message ?? '', /\(inline valuesObject of Argo CD app shop-canary\)/);
  const missing = result.problems.find((p) => p.code === 'argo-app');
  assert.equal(at(missing?.file ?? '', missing?.range?.start.line ?? 0), at(apps, 34));
  assert.equal(missing?.severity, 'error');
});

test('kustomize options of the Application: name prefix and image are applied', async () => {
  const result = await lint(apps);
  const pull = result.findings.find(
    (f) => f.rule === 'image-pull-policy' && f.object.kind === 'Deployment' && f.object.name === 'prod-web',
  );
  assert.match(pull?.message ?? '', /registry\.local\/nginx:1\.27/);
  assert.equal(
    at(pull?.file ?? '', pull?.range.start.line ?? 0),
    at(join(argo, 'overlays/web/deployment.yaml'), 16),
  );
});

test('the demo: Argo CD app data-platform renders with values-prod.yaml, whose line gets the finding', async () => {
  const file = join(workspace, 'helm', 'argocd', 'data-platform.yaml');
  const result = await lint(file);
  const cpu = result.findings.find((f) => f.rule === 'cpu-limit' && f.container === 'superset');
  assert.equal(
    at(cpu?.file ?? '', cpu?.range.start.line ?? 0),
    'demo/workspace/helm/charts/data-platform/values-prod.yaml:4',
  );
  // Without the Application (chart defaults) the same finding is on the subchart's values.
  const plain = await lint(join(workspace, 'helm', 'charts', 'data-platform'));
  const before = plain.findings.find((f) => f.rule === 'cpu-limit' && f.container === 'superset');
  assert.notEqual(before?.file, cpu?.file);
});

test('inline values that are not YAML: the render error is on the Application file', async () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: broken
spec:
  source:
    path: charts/shop
    helm:
      values: |
        api: [unclosed
`;
  const [app] = readArgoApps(text);
  assert.ok(app?.sources[0]);
  const plan = planFor(apps, app, app.sources[0]);
  assert.ok(plan);
  const outcome = await renderPlanChart(realTools().helm, plan, DEFAULT_LIMITS);
  if (outcome.ok) {
    lintHelmRender(outcome.render, { rules: allRules });
    assert.fail('a values file that is not YAML does not render');
  }
  assert.equal(outcome.errors[0]?.file, apps);
});

test('the editor: a root renders once per Application, labelled when there are several', async () => {
  const root = { kind: 'helm' as const, dir: join(argo, 'charts', 'shop') };
  const plans = plansInFile(apps).filter((p) => p.dir === root.dir);
  const result = await renderRoot(root, realTools().helm, { rules: allRules }, DEFAULT_LIMITS, { plans });
  const tag = result.marks.find((m) => m.rule === 'image-tag-pinned' && m.plan?.app === 'shop-prod');
  assert.equal(at(tag?.file ?? '', (tag?.line ?? 0) + 1), at(join(argo, 'charts/shop/values-prod.yaml'), 4));
  assert.match(tag?.message ?? '', /^\[shop-prod\] /);
  assert.ok(tag?.mapped && tag.lint, 'a values-file finding keeps its quick fix, with its own render');
  const inline = result.marks.find((m) => m.rule === 'min-replicas' && m.plan?.app === 'shop-canary');
  assert.equal(at(inline?.file ?? '', (inline?.line ?? 0) + 1), at(apps, 37));
  assert.equal(inline?.mapped, undefined, 'no values-file quick fix on an Application');
  const missing = result.marks.find((m) => m.code === 'argo-app');
  assert.equal(at(missing?.file ?? '', (missing?.line ?? 0) + 1), at(apps, 34));
});

test('the editor without an Application: default values, in the chosen namespace', async () => {
  const root = { kind: 'helm' as const, dir: join(argo, 'charts', 'shop') };
  const result = await renderRoot(root, realTools().helm, { rules: allRules }, DEFAULT_LIMITS, {
    namespace: 'shop-dev',
  });
  assert.ok(result.lint);
  assert.match(result.lint.file.text, /namespace: shop-dev\n/);
  assert.ok(!result.marks.some((m) => m.file.endsWith('values-prod.yaml')), 'values-prod.yaml is not read');
});
