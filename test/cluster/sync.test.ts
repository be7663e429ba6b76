/**
 * Manifests against the real API server: server-side apply dry runs for diff and drift, apply
 * (create, update, unchanged), field-manager conflicts that change nothing until forced, and a
 * limited user's 403 reported per object.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import {
  Discovery,
  applyInspected,
  applyOrder,
  inspect,
  type SyncContext,
} from '../../src/adapters/k8s/sync';
import { KubeRest, type RequestOptions } from '../../src/adapters/k8s/rest';
import { diff } from '../../src/cli/diff';
import { silentLogger } from '../../src/core/log';
import { unifiedDiff } from '../../src/core/sync/compare';
import { planLine } from '../../src/core/sync/inspection';
import { applyTargets, type ApplyTarget } from '../../src/core/sync/targets';
import { parseManifestFile } from '../../src/core/yaml/parse';
import { applyFile, type ApplyPrompts } from '../../src/features/cluster-sync/apply-flow';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { namespace, restFor } from './support/kube';
import { scratchDir } from '../../scripts/harness/scratch';

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster({ users: ['viewer'] });
  await namespace(restFor(cluster.kubeconfig), 'shop');
});
after(async () => {
  await cluster?.stop();
});

function context(user?: string): SyncContext {
  const rest = restFor(cluster.kubeconfig, user);
  return { rest, discovery: new Discovery(rest), defaultNamespace: 'shop' };
}

function targets(text: string): ApplyTarget[] {
  const set = applyTargets(parseManifestFile(text));
  assert.ok('targets' in set);
  return [...set.targets];
}

const deployment = (image: string, extra = '') => `# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image}${extra}
`;

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: fast
`;

async function exists(path: string): Promise<boolean> {
  try {
    await restFor(cluster.kubeconfig).request('GET', path, { what: 'read' });
    return true;
  } catch {
    return false;
  }
}

test('a missing object is "missing": the dry run shows what would be created and leaves nothing behind', async () => {
  const ctx = context();
  const [web] = targets(deployment('nginx:1.27'));
  assert.ok(web);
  const inspection = await inspect(ctx, web);
  assert.equal(inspection.state, 'missing');
  assert.equal(inspection.comparison?.live, '');
  // A creation is shown as sent (namespace resolved): the server's defaults would only add noise.
  assert.match(inspection.comparison?.planned ?? '', /namespace: shop/);
  assert.doesNotMatch(inspection.comparison?.planned ?? '', /revisionHistoryLimit/);
  assert.doesNotMatch(inspection.comparison?.planned ?? '', /managedFields|resourceVersion|uid:/);
  assert.match(unifiedDiff(inspection.label, inspection.comparison), /^--- \/dev\/null/m);
  assert.equal(await exists('/apis/apps/v1/namespaces/shop/deployments/web'), false);
});

test('apply creates, then an unchanged manifest is "same" and a changed one "differs" with a readable diff', async () => {
  const ctx = context();
  const all = targets(`${deployment('nginx:1.27')}---\n${configMap}`);
  const inspected = applyOrder(await Promise.all(all.map((t) => inspect(ctx, t))));
  const created = await Promise.all(inspected.map((i) => applyInspected(ctx, i, false)));
  assert.deepEqual(
    created.map((r) => [r.label, r.outcome]),
    [
      ['Deployment shop/web', 'created'],
      ['ConfigMap shop/settings', 'created'],
    ],
  );
  assert.equal(await exists('/apis/apps/v1/namespaces/shop/deployments/web'), true);

  const [same] = targets(deployment('nginx:1.27'));
  const unchanged = await inspect(ctx, same!);
  assert.equal(unchanged.state, 'same', unifiedDiff(unchanged.label, unchanged.comparison!));
  assert.equal((await applyInspected(ctx, unchanged, false)).outcome, 'unchanged');

  const [changed] = targets(deployment('nginx:1.27.3'));
  const differs = await inspect(ctx, changed!);
  assert.equal(differs.state, 'differs');
  const diff = unifiedDiff(differs.label, differs.comparison!);
  assert.match(diff, /^-\s+image: nginx:1\.27$/m);
  assert.match(diff, /^\+\s+image: nginx:1\.27\.3$/m);
  // Only the changed line (and its context) is in the diff: defaults on both sides cancel out.
  assert.equal(diff.split('\n').filter((l) => /^[-+]\s/.test(l)).length, 2, diff);
  assert.equal((await applyInspected(ctx, differs, false)).outcome, 'configured');
  const live = await restFor(cluster.kubeconfig).request<{
    spec: { template: { spec: { containers: { image: string }[] } } };
  }>('GET', '/apis/apps/v1/namespaces/shop/deployments/web', { what: 'read' });
  assert.equal(live.spec.template.spec.containers[0]?.image, 'nginx:1.27.3');
});

test('a field another manager owns is a conflict naming the manager; nothing changes until forced', async () => {
  const rest = restFor(cluster.kubeconfig);
  // Someone scales by hand (kubectl scale's manager would be "kubectl"): they now own .spec.replicas.
  await rest.request('PATCH', '/apis/apps/v1/namespaces/shop/deployments/web', {
    body: { spec: { replicas: 5 } },
    contentType: 'application/merge-patch+json',
    query: { fieldManager: 'kubectl-scale' },
    what: 'scale',
  });
  const ctx = context();
  const [web] = targets(deployment('nginx:1.27.3'));
  const inspection = await inspect(ctx, web!);
  assert.equal(inspection.state, 'conflict');
  assert.deepEqual(inspection.conflicts, [{ manager: 'kubectl-scale', field: '.spec.replicas' }]);
  // What forcing would do is shown: replicas back to the manifest's 2.
  assert.match(unifiedDiff(inspection.label, inspection.comparison!), /^-\s+replicas: 5$/m);
  const read = () =>
    rest.request<{ spec: { replicas: number } }>('GET', '/apis/apps/v1/namespaces/shop/deployments/web', {
      what: 'read',
    });
  const unforced = await applyInspected(ctx, inspection, false);
  assert.equal(unforced.outcome, 'failed');
  assert.match(unforced.message ?? '', /conflict/i);
  assert.equal((await read()).spec.replicas, 5, 'an unforced apply changes nothing');
  assert.equal((await applyInspected(ctx, inspection, true)).outcome, 'configured');
  assert.equal((await read()).spec.replicas, 2);
});

test("a limited user's 403 is reported per object with the server's words; others are unaffected", async () => {
  const viewer = context('viewer@testcluster');
  const inspected = await Promise.all(
    targets(`${deployment('nginx:1.27.3')}---\n${configMap}`).map((t) => inspect(viewer, t)),
  );
  for (const i of inspected) {
    assert.equal(i.state, 'forbidden', i.label);
    assert.match(i.message ?? '', /User "viewer" cannot get resource/);
  }
  assert.deepEqual(
    inspected.map((i) => i.label),
    ['Deployment shop/web', 'ConfigMap shop/settings'],
  );
});

test('an unknown kind and a removed API version are errors in plain words, not crashes', async () => {
  const ctx = context();
  const [widget, old] = targets(
    'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n---\napiVersion: apps/v1\nkind: Deployments\nmetadata: { name: typo }\n',
  );
  const a = await inspect(ctx, widget!);
  assert.equal(a.state, 'error');
  assert.match(a.message ?? '', /does not serve example\.com\/v1/);
  const b = await inspect(ctx, old!);
  assert.equal(b.state, 'error');
  assert.match(b.message ?? '', /no kind Deployments/);
});

test('an invalid object is "invalid" with the validation message, and nothing is created', async () => {
  const ctx = context();
  const [bad] = targets(deployment('nginx:1.27').replace('labels: { app: web }', 'labels: { app: other }'));
  const i = await inspect(ctx, {
    ...bad!,
    identity: { ...bad!.identity, name: 'bad' },
    body: { ...bad!.body, metadata: { name: 'bad' } },
  });
  assert.equal(i.state, 'invalid');
  assert.match(i.message ?? '', /`selector` does not match template `labels`/);
  assert.equal(await exists('/apis/apps/v1/namespaces/shop/deployments/bad'), false);
});

test('shipshape diff: a unified diff per changed object, exit 1; 0 when in sync; 3 when forbidden', async () => {
  const dir = scratchDir('shipshape-diff-');
  // The Deployment is as applied above; the ConfigMap changed; the Service does not exist yet.
  writeFileSync(
    join(dir, 'web.yaml'),
    deployment('nginx:1.27.3').replace('name: web\n', 'name: web\n  namespace: shop\n'),
  );
  writeFileSync(join(dir, 'settings.yaml'), configMap.replace('mode: fast', 'mode: safe'));
  writeFileSync(
    join(dir, 'svc.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec:\n  selector: { app: web }\n  ports: [{ port: 80 }]\n',
  );
  const run = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await diff(
      [...argv, '--kubeconfig', cluster.kubeconfig],
      (s) => (stdout += s),
      (s) => (stderr += s),
    );
    return { code, stdout, stderr };
  };
  const changed = await run(dir, '--context', 'testcluster');
  assert.equal(changed.code, 1, changed.stderr);
  assert.match(changed.stdout, /^--- live\/ConfigMap shop\/settings/m);
  assert.match(changed.stdout, /^-\s+mode: fast$/m);
  assert.match(changed.stdout, /^\+\s+mode: safe$/m);
  // kubeconfig's context has no namespace: the Service lands in "default", and is new.
  assert.match(changed.stdout, /^--- \/dev\/null\n\+\+\+ planned\/Service default\/web/m);
  assert.doesNotMatch(changed.stdout, /Deployment/);
  assert.match(changed.stderr, /2 object\(s\) would change, 1 unchanged/);
  assert.equal(await exists('/api/v1/namespaces/default/services/web'), false, 'diff writes nothing');

  const inSync = await run(join(dir, 'web.yaml'));
  assert.equal(inSync.code, 0, inSync.stderr);
  assert.equal(inSync.stdout, '');

  const forbidden = await run(join(dir, 'web.yaml'), '--context', 'viewer@testcluster');
  assert.equal(forbidden.code, 3);
  assert.match(forbidden.stderr, /Deployment shop\/web: forbidden: .*User "viewer" cannot get/);

  writeFileSync(join(dir, 'chart.yaml'), 'kind: Service\nmetadata:\n  name: {{ .Release.Name }}\n');
  const template = await run(join(dir, 'chart.yaml'));
  assert.equal(template.code, 3);
  assert.match(template.stderr, /Helm template .*Render it first/);
});

/** Prompts for `applyFile` that answer as a user would, and record what was asked. */
function answering(answers: { confirm: (message: string) => Promise<boolean> }): ApplyPrompts & {
  readonly asked: string[];
} {
  const asked: string[] = [];
  return {
    asked,
    checking: (run) => run({ isCancellationRequested: false }),
    typeContextName: () => Promise.reject(new Error('the test context is not protected')),
    confirm: (message) => {
      asked.push(message);
      return answers.confirm(message);
    },
  };
}

const configMaps = (names: readonly string[]) =>
  names
    .map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\ndata:\n  mode: fast\n`)
    .join('---\n');

test('Apply: cancelling the dry runs writes nothing, not even the objects already checked', async () => {
  const names = ['cancel-1', 'cancel-2', 'cancel-3', 'cancel-4', 'cancel-5', 'cancel-6', 'cancel-7'];
  let cancelled = false;
  // The user presses Cancel on the progress as soon as the first dry run has answered.
  class CancellingRest extends KubeRest {
    override async request<T>(method: string, path: string, options: RequestOptions): Promise<T> {
      const answer = await super.request<T>(method, path, options);
      if (method === 'PATCH' && options.query?.['dryRun'] === 'All') cancelled = true;
      return answer;
    }
  }
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const rest = new CancellingRest(kc, silentLogger);
  const ctx: SyncContext = { rest, discovery: new Discovery(rest), defaultNamespace: 'shop' };
  let checked = 0;
  const prompts = answering({ confirm: () => Promise.resolve(true) });
  const outcome = await applyFile(
    {
      ctx,
      contextName: 'testcluster',
      protected: false,
      fileName: 'many.yaml',
      targets: targets(configMaps(names)),
    },
    {
      ...prompts,
      checking: async (run) => {
        const found = await run({
          get isCancellationRequested() {
            return cancelled;
          },
        });
        checked = found.length;
        return found;
      },
    },
  );
  rest.dispose();
  assert.ok(checked > 0 && checked < names.length, `some objects were checked (${checked}), not all`);
  assert.deepEqual(outcome, { status: 'cancelled' });
  assert.deepEqual(prompts.asked, [], 'nothing was even offered');
  for (const name of names)
    assert.equal(
      await exists(`/api/v1/namespaces/shop/configmaps/${name}`),
      false,
      `${name} was not written`,
    );
});

test('Apply: a forced takeover is refused when the object changed after the dry run', async () => {
  const rest = restFor(cluster.kubeconfig);
  const path = '/api/v1/namespaces/shop/configmaps/tuned';
  const helmApplies = (mode: string) =>
    rest.request('PATCH', path, {
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'tuned', namespace: 'shop' },
        data: { mode },
      },
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'helm', force: true },
      what: 'helm applies',
    });
  await helmApplies('slow');
  const live = async () =>
    (await rest.request<{ data: { mode: string } }>('GET', path, { what: 'read' })).data.mode;
  const ctx = context();
  const request = {
    ctx,
    contextName: 'testcluster',
    protected: false,
    fileName: 'tuned.yaml',
    targets: targets(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tuned\ndata:\n  mode: fast\n`),
  };
  // Helm syncs again while the user reads the "Take over fields?" question.
  const raced = await applyFile(
    request,
    answering({
      confirm: async (message) => {
        if (message.startsWith('Take over')) await helmApplies('slower');
        return true;
      },
    }),
  );
  assert.equal(raced.status, 'applied');
  const [result] = raced.status === 'applied' ? raced.results : [];
  assert.equal(result?.outcome, 'failed');
  assert.match(result?.message ?? '', /changed in the cluster since the dry run, so nothing was forced/);
  assert.equal(await live(), 'slower', "Helm's newer value stands");

  // Checked again and forced with nothing in between: taken over.
  const prompts = answering({ confirm: () => Promise.resolve(true) });
  const forced = await applyFile(request, prompts);
  assert.deepEqual(prompts.asked, [
    'Apply 1 object(s) from tuned.yaml?',
    'Take over fields other managers own?',
  ]);
  assert.deepEqual(forced.status === 'applied' ? forced.results.map((r) => r.outcome) : forced, [
    'configured',
  ]);
  assert.equal(await live(), 'fast');
  rest.dispose();
});

test('Apply leaves objects a Helm release or an Argo CD app manages to them, with what to do instead', async () => {
  const rest = restFor(cluster.kubeconfig);
  // Installed by `helm install`, since synced by Argo CD: what the seeded data platform carries.
  await rest.request('PATCH', '/api/v1/namespaces/shop/configmaps/release-settings', {
    body: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'release-settings',
        namespace: 'shop',
        labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'shop' },
        annotations: {
          'meta.helm.sh/release-name': 'shop',
          'meta.helm.sh/release-namespace': 'shop',
          'argocd.argoproj.io/tracking-id': 'shop-app:/ConfigMap:shop/release-settings',
        },
      },
      data: { mode: 'slow' },
    },
    contentType: 'application/apply-patch+yaml',
    query: { fieldManager: 'helm', force: true },
    what: 'helm installs',
  });
  const live = async () =>
    (
      await rest.request<{ data: { mode: string } }>(
        'GET',
        '/api/v1/namespaces/shop/configmaps/release-settings',
        { what: 'read' },
      )
    ).data.mode;
  const ctx = context();
  const plain = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release-settings\ndata:\n  mode: fast\n---\n${configMaps(['beside-release'])}`;
  const prompts = answering({ confirm: () => Promise.resolve(true) });
  const outcome = await applyFile(
    { ctx, contextName: 'testcluster', protected: false, fileName: 'settings.yaml', targets: targets(plain) },
    prompts,
  );
  assert.deepEqual(
    prompts.asked,
    ['Apply 1 object(s) from settings.yaml?'],
    'the managed one is not offered',
  );
  assert.equal(outcome.status, 'applied');
  const results = outcome.status === 'applied' ? outcome.results : [];
  assert.deepEqual(
    results.map((r) => [r.label, r.outcome]),
    [
      ['ConfigMap shop/beside-release', 'created'],
      ['ConfigMap shop/release-settings', 'skipped'],
    ],
  );
  assert.match(
    results[1]?.message ?? '',
    /^managed by Argo CD app shop-app: commit and sync \(argocd app sync shop-app\)/,
  );
  assert.equal(await live(), 'slow', 'the release keeps its value');

  // Rendered output of a chart (its labels say Helm) is refused before it exists in the cluster.
  const rendered = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rendered-settings\n  labels:\n    app.kubernetes.io/managed-by: Helm\n    app.kubernetes.io/instance: shop\n    helm.sh/chart: shop-1.0.0\ndata:\n  mode: fast\n`;
  const nothing = await applyFile(
    {
      ctx,
      contextName: 'testcluster',
      protected: false,
      fileName: 'rendered.yaml',
      targets: targets(rendered),
    },
    answering({ confirm: () => Promise.reject(new Error('nothing to confirm')) }),
  );
  assert.equal(nothing.status, 'nothing');
  const [inspection] = nothing.status === 'nothing' ? nothing.inspections : [];
  assert.equal(inspection?.state, 'missing');
  assert.match(
    inspection ? planLine(inspection) : '',
    /ConfigMap shop\/rendered-settings — not applied: managed by Helm release shop: helm upgrade shop/,
  );
  assert.equal(await exists('/api/v1/namespaces/shop/configmaps/rendered-settings'), false);
  // A plain object in the same file flow is applied as before (the conflict step is unchanged).
  assert.equal(await exists('/api/v1/namespaces/shop/configmaps/beside-release'), true);
  rest.dispose();
});
