/**
 * Charts meet the live cluster, against the real API server with the seeded platform loaded:
 * Argo CD Applications the cluster serves render the workspace's charts the way they say (the
 * informers the explorer runs list them), and the drift lens checks a chart template's objects.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadScenario } from '../../scenarios/loader';
import { ensureTool, repoRoot } from '../../scripts/harness/paths';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { diff } from '../../src/cli/diff';
import { ClusterConnection } from '../../src/adapters/k8s/connection';
import { forContext, loadKubeconfig } from '../../src/adapters/k8s/kubeconfig';
import type { KubeRest } from '../../src/adapters/k8s/rest';
import { applyInspected, Discovery, type SyncContext } from '../../src/adapters/k8s/sync';
import { livePlan, plansInFile, type AppPlan } from '../../src/adapters/render/argo';
import { DEFAULT_LIMITS } from '../../src/adapters/render/run';
import { changeMark } from '../../src/core/k8s/change-mark';
import type { ArgoApplication } from '../../src/core/k8s/types';
import { silentLogger } from '../../src/core/log';
import { matchLiveApps, notShadowed, renderKey } from '../../src/core/render/cluster-apps';
import { nodeAtPath } from '../../src/core/render/rendered';
import { renderedDocumentOf } from '../../src/core/render/locate-object';
import { objectsOfTemplate } from '../../src/core/render/template-objects';
import { movedSince } from '../../src/core/sync/watched';
import { allRules } from '../../src/core/rules/registry';
import { renderRoot } from '../../src/services/charts/render';
import type { SourceRoot } from '../../src/services/charts/roots';
import { chartDiff } from '../../src/features/cluster-sync/chart-diff';
import { inspectAll } from '../../src/features/cluster-sync/target';
import { eventually, namespace, restFor } from './support/kube';

const workspace = join(repoRoot, 'demo', 'workspace');
const charts = join(workspace, 'helm', 'charts');
const root: SourceRoot = { kind: 'helm', dir: join(charts, 'data-platform') };
const roots: SourceRoot[] = [root, { kind: 'helm', dir: join(charts, 'platform-policies') }];
const appFile = join(workspace, 'helm', 'argocd', 'data-platform.yaml');
const APPS = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';

let cluster: TestCluster;
let helm: string;
let rest: KubeRest;
let connection: ClusterConnection;
let context: string;
before(async () => {
  helm = ensureTool('ensure-helm.mjs');
  cluster = await startTestCluster();
  await loadScenario(cluster.kubeconfig, 'seeds');
  rest = restFor(cluster.kubeconfig);
  await namespace(rest, 'staging');
  const source = loadKubeconfig([cluster.kubeconfig]);
  context = source.kc.getCurrentContext();
  connection = new ClusterConnection(forContext(source, context), context, silentLogger, { debounceMs: 10 });
  connection.start();
});
after(async () => {
  connection?.dispose();
  rest?.dispose();
  await cluster?.stop();
});

/** The Applications as the explorer's watch holds them. */
const watchedApps = () => connection.state().applications;
const watchedApp = (name: string) => watchedApps().find((a) => a.metadata?.name === name);
const ctxIn = (ns: string): SyncContext => ({ rest, discovery: new Discovery(rest), defaultNamespace: ns });

/** The rendered superset-web Deployment's replicas, with the render. */
async function supersetReplicas(plans: readonly AppPlan[] | undefined) {
  const result = await renderRoot(root, helm, { rules: allRules }, DEFAULT_LIMITS, plans ? { plans } : {});
  assert.ok(result.lint, JSON.stringify(result.marks.filter((m) => m.code === 'render-error')));
  const index = renderedDocumentOf(result.lint, { kind: 'Deployment', name: 'superset-web' });
  assert.ok(index !== undefined, 'no Deployment superset-web rendered');
  const node = nodeAtPath(result.lint.file.documents[index]?.root, ['spec', 'replicas']);
  return { result, replicas: node && 'value' in node ? node.value : undefined };
}

test("the seeded cluster's data-platform Application points at the workspace chart; the workspace's own Application wins", async () => {
  await eventually(() => assert.equal(watchedApps().length, 17), 60_000, 'the seeded Applications watched');
  const matches = matchLiveApps(watchedApps(), roots, [workspace]);
  assert.deepEqual(
    matches.map((m) => [m.id, m.root.dir]).sort(),
    [
      ['argocd/data-platform', root.dir],
      ['argocd/platform-policies', roots[1]?.dir],
    ],
    'the other 15 point at charts this workspace does not have',
  );
  const seeded = matches.find((m) => m.id === 'argocd/data-platform');
  assert.ok(seeded);
  assert.equal(seeded.repoRoot, workspace);
  const plan = livePlan(seeded, context);
  assert.equal(plan?.helm?.namespace, 'data-platform', "the live Application's destination");
  assert.equal(plan?.live?.id, 'argocd/data-platform');
  // Both exist: the workspace file's data-platform renders (values-prod.yaml: two replicas).
  const workspacePlans = plansInFile(appFile).filter((p) => p.dir === root.dir);
  assert.deepEqual(
    notShadowed(
      plan ? [plan] : [],
      workspacePlans.map((p) => p.app),
    ),
    [],
  );
  assert.equal((await supersetReplicas(workspacePlans)).replicas, 2);
});

test('an Application created in the cluster with a parameter renders the chart with it; editing it renders again, its status does not', async () => {
  await rest.request('POST', APPS, {
    what: 'create Application',
    body: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'data-platform-staging', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://github.com/254carbon/platform.git',
          targetRevision: 'main',
          path: 'helm/charts/data-platform',
          helm: {
            releaseName: 'staging',
            valueFiles: ['values.yaml', 'values-prod.yaml'],
            parameters: [{ name: 'superset.replicas', value: '5' }],
          },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'staging' },
      },
    },
  });
  const app = await eventually(() => {
    const found = watchedApp('data-platform-staging');
    assert.ok(found, 'watched');
    return found;
  });
  const planOf = (apps: readonly ArgoApplication[]) => {
    const match = matchLiveApps(apps, roots, [workspace]).find(
      (m) => m.id === 'argocd/data-platform-staging',
    );
    assert.ok(match, 'matched');
    assert.match(match.matched, /^spec\.source\.path helm\/charts\/data-platform from the repository root/);
    const plan = livePlan(match, context);
    assert.ok(plan);
    return plan;
  };
  const plan = planOf([app]);
  assert.equal(plan.helm?.release, 'staging');
  assert.deepEqual(plan.helm?.set, ['superset.replicas=5']);
  const { result, replicas } = await supersetReplicas([plan]);
  assert.equal(replicas, 5, 'the parameter wins over values-prod.yaml');

  // Diff with Cluster on the chart: the live Application's destination, through the same dry run.
  const diff = chartDiff(root, result, [plan], 'default', workspace);
  assert.ok(!('refused' in diff), JSON.stringify(diff));
  assert.equal(
    diff.name,
    `helm/charts/data-platform (Argo CD app argocd/data-platform-staging in ${context})`,
  );
  assert.equal(diff.namespace, 'staging');
  const inspections = await inspectAll(ctxIn(diff.namespace), diff.targets);
  const web = inspections.find((i) => i.label === 'Deployment staging/superset-web');
  assert.ok(web?.comparison, inspections.map((i) => `${i.label}: ${i.message ?? i.state}`).join('\n'));
  assert.equal(web.state, 'missing');
  assert.match(web.comparison.planned, /^ {2}replicas: 5$/m);

  // Argo CD writes the Application's status on every sync and health check: no re-render.
  const key = renderKey(app);
  const version = app.metadata?.resourceVersion;
  await rest.request('PATCH', `${APPS}/data-platform-staging/status`, {
    what: 'write Application status',
    contentType: 'application/merge-patch+json',
    body: { status: { sync: { status: 'OutOfSync' }, health: { status: 'Missing' } } },
  });
  const synced = await eventually(() => {
    const now = watchedApp('data-platform-staging');
    assert.notEqual(now?.metadata?.resourceVersion, version, 'the watch saw the status write');
    return now;
  });
  assert.equal(renderKey(synced), key);

  // Someone edits the parameter in the cluster: the render key moves and the render follows.
  await rest.request('PATCH', `${APPS}/data-platform-staging`, {
    what: 'edit Application parameter',
    contentType: 'application/merge-patch+json',
    body: {
      spec: { source: { helm: { parameters: [{ name: 'superset.replicas', value: '3' }] } } },
    },
  });
  const edited = await eventually(() => {
    const now = watchedApp('data-platform-staging');
    assert.ok(now);
    assert.notEqual(renderKey(now), key);
    return now;
  });
  assert.equal((await supersetReplicas([planOf([edited])])).replicas, 3);
});

test('the drift lens on a chart template: its rendered objects through the same dry run; a status write does not re-check them, a spec change does', async () => {
  await namespace(rest, 'drift');
  // The workspace Application's render, installed into a namespace of its own.
  const plans = plansInFile(appFile)
    .filter((p) => p.dir === root.dir)
    .map((p) => (p.helm ? { ...p, namespace: 'drift', helm: { ...p.helm, namespace: 'drift' } } : p));
  const { result } = await supersetReplicas(plans);
  assert.ok(result.lint);
  const diff = chartDiff(root, result, plans, 'default', workspace);
  assert.ok(!('refused' in diff));
  assert.equal(diff.namespace, 'drift');
  const template = join(root.dir, 'charts', 'superset', 'templates', 'superset.yaml');
  const heads = readFileSync(template, 'utf8')
    .split('\n')
    .flatMap((line, i) => (line.startsWith('apiVersion:') ? [i] : []));
  const objects = objectsOfTemplate(result.lint, diff.targets, template);
  assert.deepEqual(
    objects.map((o) => [o.target.identity.kind, o.target.identity.name, o.line]),
    [
      ['Deployment', 'superset-web', heads[0]],
      ['Deployment', 'redis', heads[1]],
    ],
    'each object at the head of the template document that writes it',
  );

  const ctx = ctxIn(diff.namespace);
  const web = objects[0]?.target;
  assert.ok(web);
  const [before] = await inspectAll(ctx, [web]);
  assert.equal(before?.state, 'missing');
  assert.equal((await applyInspected(ctx, before, false)).outcome, 'created');
  const [checked] = await inspectAll(ctx, [web]);
  assert.ok(checked);
  assert.equal(checked.state, 'same', checked.message);
  assert.equal(checked.namespace, 'drift');
  assert.ok(checked.mark);

  const watched = () =>
    connection
      .state()
      .deployments.find((d) => d.metadata?.namespace === 'drift' && d.metadata.name === 'superset-web');
  // The watch catches up with what the check read (whatever status writes came after it).
  const seen = await eventually(() => {
    const d = watched();
    assert.ok(d && changeMark(d) === checked.mark, 'the watch holds the checked object');
    return d;
  });
  const moved = () => movedSince(checked, connection.state(), connection.missing());
  assert.equal(moved(), false);

  // A controller reports progress: a new resourceVersion, the same generation. No re-check.
  await rest.request('PATCH', '/apis/apps/v1/namespaces/drift/deployments/superset-web/status', {
    what: 'write Deployment status',
    contentType: 'application/merge-patch+json',
    body: { status: { replicas: 2, readyReplicas: 1, observedGeneration: seen.metadata?.generation } },
  });
  await eventually(() => assert.equal(watched()?.status?.readyReplicas, 1, 'the watch saw the status write'));
  assert.notEqual(watched()?.metadata?.resourceVersion, seen.metadata?.resourceVersion);
  assert.equal(moved(), false, 'a status write does not re-check');

  // Someone scales it by hand: the generation moves, the lens checks again and sees the drift.
  await rest.request('PATCH', '/apis/apps/v1/namespaces/drift/deployments/superset-web', {
    what: 'scale Deployment',
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas: 4 } },
  });
  await eventually(() => assert.notEqual(watched()?.metadata?.generation, seen.metadata?.generation));
  assert.equal(moved(), true);
  const [again] = await inspectAll(ctx, [web]);
  // The hand edit's field manager now owns spec.replicas: "differs · fields owned by …".
  assert.equal(again?.state, 'conflict');
  assert.ok(
    again.conflicts?.some((c) => c.field.includes('replicas')),
    JSON.stringify(again.conflicts),
  );
  assert.match(again?.comparison?.live ?? '', /^ {2}replicas: 4$/m);
});

test('shipshape diff <chart> --context renders the chart the way the cluster’s Applications say', async () => {
  await namespace(rest, 'qa');
  await rest.request('POST', APPS, {
    what: 'create Application',
    body: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'data-platform-qa', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: {
          repoURL: 'https://github.com/254carbon/platform.git',
          path: 'helm/charts/data-platform',
          helm: { parameters: [{ name: 'superset.replicas', value: '4' }] },
        },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'qa' },
      },
    },
  });
  let stdout = '';
  let stderr = '';
  const code = await diff(
    [root.dir, '--kubeconfig', cluster.kubeconfig, '--context', context, '--helm', helm],
    (s) => (stdout += s),
    (s) => (stderr += s),
  );
  assert.ok(code === 1 || code === 3, stderr);
  // Run from the repository's root, not the demo workspace: the path matches the folder's end.
  assert.match(
    stderr,
    new RegExp(
      `demo/workspace/helm/charts/data-platform: rendered as Argo CD app argocd/data-platform-qa in ${context} says: spec\\.source\\.path helm/charts/data-platform matches the end of the folder`,
    ),
  );
  assert.match(stderr, /rendered as Argo CD app argocd\/data-platform in /, 'the seeded Application too');
  const section = stdout
    .split(/^(?=--- )/m)
    .find((s) => s.includes('+++ planned/Deployment qa/superset-web'));
  assert.ok(section, stdout.slice(0, 2000));
  assert.match(section, /^\+ {2}replicas: 4$/m, 'the parameter of the live Application');
});
