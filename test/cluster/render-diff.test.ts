/**
 * `shipshape diff` on a chart and an overlay: rendered with the real Helm and kustomize, then the
 * same server-side apply dry run as plain manifests, against the real API server.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureTool, repoRoot } from '../../scripts/harness/paths';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { diff } from '../../src/cli/diff';
import { namespace, restFor } from './support/kube';

const chart = join(repoRoot, 'demo', 'workspace', 'helm', 'charts', 'data-platform');
const overlay = join(repoRoot, 'demo', 'workspace', 'kustomize', 'portal-services', 'overlays', 'prod');

let cluster: TestCluster;
let helm: string;
let kustomize: string;
before(async () => {
  helm = ensureTool('ensure-helm.mjs');
  kustomize = ensureTool('ensure-kustomize.mjs');
  cluster = await startTestCluster();
  await namespace(restFor(cluster.kubeconfig), 'data-platform');
});
after(async () => {
  await cluster?.stop();
});

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await diff(
    [...argv, '--kubeconfig', cluster.kubeconfig, '--helm', helm, '--kustomize', kustomize],
    (s) => (stdout += s),
    (s) => (stderr += s),
  );
  return { code, stdout, stderr };
}

test('a chart is rendered with its values, then dry-run applied into --namespace', async () => {
  const result = await run(chart, '--namespace', 'data-platform', '--release', 'data-platform');
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /^\+\+\+ planned\/Deployment data-platform\/trino-worker$/m);
  // The parent's values win over the subchart's: trino.worker.replicas is 3 in the umbrella chart.
  assert.match(result.stdout, /^\+ {2}replicas: 3$/m);
  assert.match(result.stdout, /^\+\s+image: trinodb\/trino:latest$/m);
  assert.match(result.stderr, /13 object\(s\) would change, 0 unchanged/);
  const live = await restFor(cluster.kubeconfig)
    .request('GET', '/apis/apps/v1/namespaces/data-platform/deployments/trino-worker', {
      what: 'read',
    })
    .then(
      () => true,
      () => false,
    );
  assert.equal(live, false, 'diff writes nothing');
});

test('an overlay is built (patches applied, no build annotations) and diffed', async () => {
  const result = await run(overlay);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /^\+\+\+ planned\/Deployment data-platform\/graphql-gateway$/m);
  assert.match(result.stdout, /^\+ {2}replicas: 2$/m);
  assert.doesNotMatch(result.stdout, /config\.kubernetes\.io\/origin/);
});

test('a chart that does not render: its error at the template line, exit 3', async () => {
  const result = await run(chart, '--set', 'superset.secretKey=');
  assert.equal(result.code, 3);
  assert.match(result.stderr, /superset-secrets\.yaml:7: superset\.secretKey is required/);
});

test('an Argo CD Application file: rendered as Argo CD would (value files, release, destination namespace)', async () => {
  // No --namespace, no --release, no --values: all three come from the Application.
  const result = await run(join(repoRoot, 'demo', 'workspace', 'helm', 'argocd', 'data-platform.yaml'));
  // The file's other Application renders Kyverno PolicyExceptions, a kind this cluster lacks: exit 3.
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /\(helm template, Argo CD app platform-policies\): .*PolicyException/);
  const superset =
    /^\+\+\+ planned\/Deployment data-platform\/superset-web$([\s\S]*?)(?=^--- |(?![\s\S]))/m.exec(
      result.stdout,
    )?.[1] ?? '';
  // values-prod.yaml, after values.yaml: two replicas and a 1Gi memory limit (the chart's default: 1, none).
  assert.match(superset, /^\+ {2}replicas: 2$/m, result.stdout);
  assert.match(superset, /^\+\s+memory: 1Gi$/m);
});
