/**
 * Diff with Cluster on a chart's file in the editor: the chart is rendered as the editor renders
 * it (renderRoot, with the Argo CD Application that points at it), then the rendered objects go
 * through the same server-side dry run as a plain manifest, against the real API server.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureTool, repoRoot } from '../../scripts/harness/paths';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { Discovery, type SyncContext } from '../../src/adapters/k8s/sync';
import { plansInFile } from '../../src/adapters/render/argo';
import { DEFAULT_LIMITS } from '../../src/adapters/render/run';
import { allRules } from '../../src/core/rules/registry';
import { renderRoot } from '../../src/services/charts/render';
import type { SourceRoot } from '../../src/services/charts/roots';
import { chartDiff } from '../../src/features/cluster-sync/chart-diff';
import { inspectAll } from '../../src/features/cluster-sync/target';
import { namespace, restFor } from './support/kube';

const workspace = join(repoRoot, 'demo', 'workspace');
const root: SourceRoot = { kind: 'helm', dir: join(workspace, 'helm', 'charts', 'data-platform') };
const appFile = join(workspace, 'helm', 'argocd', 'data-platform.yaml');

let cluster: TestCluster;
let helm: string;
let ctx: SyncContext;
before(async () => {
  helm = ensureTool('ensure-helm.mjs');
  cluster = await startTestCluster();
  const rest = restFor(cluster.kubeconfig);
  await namespace(rest, 'data-platform');
  // The context's own namespace is not where the chart goes: the Application's destination is.
  ctx = { rest, discovery: new Discovery(rest), defaultNamespace: 'default' };
});
after(async () => {
  await cluster?.stop();
});

test('a chart with an Argo CD Application: rendered with its value files, dry-run applied into its destination namespace', async () => {
  const plans = plansInFile(appFile).filter((p) => p.dir === root.dir && p.kind === 'helm');
  assert.equal(plans[0]?.app, 'data-platform');
  const result = await renderRoot(root, helm, { rules: allRules }, DEFAULT_LIMITS, { plans, namespace: 'x' });
  const diff = chartDiff(root, result, plans, 'default', workspace);
  assert.ok(!('refused' in diff), JSON.stringify(diff));
  assert.equal(diff.name, 'helm/charts/data-platform (Argo CD app data-platform)');
  assert.equal(diff.namespace, 'data-platform');
  const inspections = await inspectAll({ ...ctx, defaultNamespace: diff.namespace }, diff.targets);
  assert.equal(inspections.length, diff.targets.length);
  const superset = inspections.find(
    (i) => i.label.includes('superset-web') && i.label.includes('Deployment'),
  );
  assert.ok(superset?.comparison, inspections.map((i) => `${i.label}: ${i.message ?? i.state}`).join('\n'));
  assert.equal(superset.namespace, 'data-platform');
  assert.equal(superset.comparison.live, '', 'not in the cluster yet');
  // values-prod.yaml (the Application's second value file): two replicas, a 1Gi memory limit.
  assert.match(superset.comparison.planned, /^ {2}replicas: 2$/m);
  assert.match(superset.comparison.planned, /^\s+memory: 1Gi$/m);
});

test('without an Application: the chart defaults in the render namespace; a chart that does not render is refused at its line', async () => {
  const result = await renderRoot(root, helm, { rules: allRules }, DEFAULT_LIMITS, {
    namespace: 'data-platform',
  });
  const diff = chartDiff(root, result, [], 'data-platform', workspace);
  assert.ok(!('refused' in diff), JSON.stringify(diff));
  assert.equal(diff.name, 'helm/charts/data-platform (helm template)');
  const inspections = await inspectAll({ ...ctx, defaultNamespace: diff.namespace }, diff.targets);
  const superset = inspections.find(
    (i) => i.label.includes('superset-web') && i.label.includes('Deployment'),
  );
  assert.ok(superset?.comparison);
  assert.match(superset.comparison.planned, /^ {2}replicas: 1$/m);

  const broken = await renderRoot(root, helm, { rules: allRules }, DEFAULT_LIMITS, {
    plans: plans('superset.secretKey='),
  });
  const refused = chartDiff(root, broken, [], 'default', workspace);
  assert.ok('refused' in refused);
  assert.match(refused.refused, /superset-secrets\.yaml:7: helm template: .*superset\.secretKey is required/);
});

/** The Application's plan with one more --set: a required value left empty. */
function plans(set: string) {
  return plansInFile(appFile)
    .filter((p) => p.dir === root.dir && p.kind === 'helm')
    .map((p) => (p.helm ? { ...p, helm: { ...p.helm, set: [...p.helm.set, set] } } : p));
}
