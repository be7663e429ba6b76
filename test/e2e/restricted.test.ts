/**
 * Restricted Mode (an untrusted workspace) in real VS Code: manifests are still analysed, but
 * nothing runs from the workspace — a kubeconfig inside it, named by the environment and by the
 * workspace's own settings, with an exec credential plugin, is never read, so its program never
 * runs — and applying to a cluster is not offered. Beside a reachable cluster (the user's own
 * kubeconfig), opening a manifest sends nothing to it: no drift lens, no dry run, no writes;
 * trusting the folder turns them on without a reload.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import type { KubeRest } from '../../src/adapters/k8s/rest';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { deploymentWithPods, eventually, namespace, restFor, running } from '../cluster/support/kube';
import {
  contextMenu,
  openFile,
  openShipshape,
  openWorkbench,
  runCommand,
  screenshot,
  uiTest,
  type Session,
} from './support/workbench';
import { scratchDir } from '../../scripts/harness/scratch';

const workspace = scratchDir('shipshape-e2e-untrusted-');
const marker = join(scratchDir('shipshape-marker-'), 'exec-plugin-ran');
const kubeconfig = join(workspace, 'kubeconfig');
// The user's own helm (a user setting, honoured in Restricted Mode): it leaves a mark if run.
const helmMarker = join(scratchDir('shipshape-marker-'), 'helm-ran');
const helm = join(scratchDir('shipshape-helm-'), 'helm');
let session: Session;

before(async () => {
  // A credential plugin that would leave a mark if anything ran it.
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: evil, cluster: {server: 'https://127.0.0.1:1'}}]
users:
  - name: evil
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1
        command: sh
        args: ['-c', 'touch ${marker}; echo {}']
contexts: [{name: evil, context: {cluster: evil, user: evil}}]
current-context: evil
`,
  );
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'shipshape.kubeconfig': kubeconfig }),
  );
  writeFileSync(
    join(workspace, 'app.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: shop}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext: {privileged: true}
`,
  );
  // A chart: rendering it could run the workspace's Helm plugins and post-renderers.
  mkdirSync(join(workspace, 'chart', 'templates'), { recursive: true });
  writeFileSync(join(workspace, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: chart\nversion: 0.1.0\n');
  writeFileSync(join(workspace, 'chart', 'values.yaml'), 'image: nginx:latest\n');
  writeFileSync(
    join(workspace, 'chart', 'templates', 'pod.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: {{ .Values.image }}}]\n',
  );
  writeFileSync(helm, `#!/bin/sh\ntouch ${helmMarker}\nexit 1\n`);
  chmodSync(helm, 0o755);
  session = await openWorkbench(workspace, {
    workspaceTrust: true,
    env: { KUBECONFIG: kubeconfig },
    settings: { 'shipshape.helm.path': helm },
  });
});
after(async () => {
  await session?.close();
});

uiTest(
  'an untrusted workspace: analysis works, the workspace kubeconfig is ignored, its exec plugin never runs',
  () => session?.page,
  async () => {
    const { page } = session;
    await page
      .locator('.statusbar-item', { hasText: 'Restricted Mode' })
      .first()
      .waitFor({ timeout: 30_000 });
    await openFile(page, 'values.yaml');
    await openFile(page, 'app.yaml');
    await page
      .locator('.contentWidgets .codelens-decoration', { hasText: 'Harden' })
      .first()
      .waitFor({ timeout: 30_000 });
    await openShipshape(page);
    // No context from the workspace's kubeconfig: the welcome content, with its way out.
    await page
      .locator('.welcome-view-content', { hasText: 'No cluster connected yet' })
      .first()
      .waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.pane-body .monaco-list-row', { hasText: 'evil' }).count(), 0);
    await screenshot(page, 'restricted-mode');
    // Given time to misbehave, nothing ran the plugin.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(existsSync(marker), false, 'the exec credential plugin never ran');
    assert.equal(existsSync(helmMarker), false, 'no chart was rendered: helm never ran');
  },
);

uiTest(
  'an untrusted workspace: Apply to Cluster… is not offered',
  () => session?.page,
  async () => {
    const { page } = session;
    await openFile(page, 'app.yaml');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Shipshape: Diff with Cluster');
    // Diff is read-only and offered; Apply is not.
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Diff with Cluster' })
      .first()
      .waitFor({ timeout: 15_000 });
    await input.fill('>Shipshape: Apply to Cluster');
    // The palette now offers only near matches; Apply itself is not among them.
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Check Runbook Against Cluster' })
      .first()
      .waitFor({ timeout: 15_000 });
    const rows = await page.locator('.quick-input-list .monaco-list-row').allTextContents();
    assert.ok(rows.length > 0);
    assert.deepEqual(
      rows.filter((r) => r.includes('Apply to Cluster')),
      [],
    );
    await screenshot(page, 'restricted-no-apply');
    await page.keyboard.press('Escape');
  },
);

/** Server-side apply dry runs the API server has answered so far (its own request counter). */
async function dryRunApplies(rest: KubeRest): Promise<number> {
  const metrics = await rest.raw('GET', '/metrics', { what: 'read the API server metrics' });
  return metrics
    .split('\n')
    .filter((l) => l.startsWith('apiserver_request_total{') && l.includes('verb="APPLY"'))
    .filter((l) => l.includes('dry_run="All"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

const namespaceRow = (page: Page, name: string) =>
  page
    .locator('.pane-body .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }),
    })
    .first();

describe('a restricted workspace beside a reachable cluster', () => {
  const folder = scratchDir('shipshape-e2e-untrusted-cluster-');
  let cluster: TestCluster | undefined;
  let admin: KubeRest | undefined;
  let beside: Session | undefined;
  const driftLenses = () =>
    beside?.page.locator('.contentWidgets .codelens-decoration', { hasText: /In \S+: / });

  before(async () => {
    cluster = await startTestCluster();
    admin = restFor(cluster.kubeconfig);
    await namespace(admin, 'shop');
    await deploymentWithPods(admin, 'shop', 'api', [running()]);
    // A workspace that would switch the production guard off, were it allowed to.
    mkdirSync(join(folder, '.vscode'));
    writeFileSync(
      join(folder, '.vscode', 'settings.json'),
      JSON.stringify({ 'shipshape.protectedContexts': [] }),
    );
    writeFileSync(
      join(folder, 'web.yaml'),
      `apiVersion: v1
kind: ConfigMap
metadata: {name: web-settings, namespace: shop}
data: {mode: fast}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`,
    );
    // The user's own kubeconfig, outside the workspace: read (and connected, read-only) as ever.
    // The user protects this cluster by its server URL, not by its context's name.
    const server = /server: (\S+)/.exec(readFileSync(cluster.kubeconfig, 'utf8'))?.[1];
    assert.ok(server);
    beside = await openWorkbench(folder, {
      workspaceTrust: true,
      env: { KUBECONFIG: cluster.kubeconfig },
      settings: { 'shipshape.protectedContexts': [server] },
    });
  });
  after(async () => {
    await beside?.close();
    admin?.dispose();
    await cluster?.stop();
  });

  uiTest(
    'opening a manifest sends no dry run and shows no drift lens; writes are not offered',
    () => beside?.page,
    async () => {
      const page = beside?.page;
      assert.ok(page && admin);
      await page
        .locator('.statusbar-item', { hasText: 'Restricted Mode' })
        .first()
        .waitFor({ timeout: 30_000 });
      await openShipshape(page);
      // The cluster is there and watched: what follows is not for want of a connection.
      await namespaceRow(page, 'shop').waitFor({ timeout: 60_000 });
      const before = await dryRunApplies(admin);
      await openFile(page, 'web.yaml');
      await page
        .locator('.contentWidgets .codelens-decoration', { hasText: 'Harden' })
        .first()
        .waitFor({ timeout: 30_000 });
      // Given time to misbehave (a lens resolves within a second or two), nothing was sent.
      await new Promise((r) => setTimeout(r, 5000));
      assert.deepEqual(await driftLenses()?.allTextContents(), [], 'no drift lens');
      assert.equal(await dryRunApplies(admin), before, 'no server-side apply dry run');
      // Read-only: a namespace offers no write.
      await namespaceRow(page, 'shop').click({ button: 'right' });
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(
        await page.locator('.context-view .action-label', { hasText: 'Delete Failed Jobs' }).count(),
        0,
      );
      await page.keyboard.press('Escape');
      await screenshot(page, 'restricted-no-drift');
    },
  );

  uiTest(
    'trusting the folder turns the drift lens and writes on, without a reload',
    () => beside?.page,
    async () => {
      const page = beside?.page;
      assert.ok(page && admin);
      const before = await dryRunApplies(admin);
      await runCommand(page, 'Manage Workspace Trust');
      await page
        .locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust/ })
        .first()
        .click({ timeout: 30_000 });
      await page
        .locator('.statusbar-item', { hasText: 'Restricted Mode' })
        .first()
        .waitFor({ state: 'detached', timeout: 30_000 });
      // The context loaded while untrusted now takes writes: the namespace's menu offers one.
      // (The extension hears of the trust a moment after the status bar: ask the menu until then.)
      await openShipshape(page);
      const entry = page.locator('.context-view .action-label', { hasText: 'Delete Failed Jobs' }).first();
      for (const deadline = Date.now() + 30_000; ;) {
        await namespaceRow(page, 'shop').click({ button: 'right' });
        if (
          await entry.waitFor({ timeout: 1500 }).then(
            () => true,
            () => false,
          )
        )
          break;
        assert.ok(Date.now() < deadline, 'the namespace offers "Delete Failed Jobs" once trusted');
        await page.keyboard.press('Escape');
      }
      await page.keyboard.press('Escape');
      await contextMenu(page, namespaceRow(page, 'shop'), 'Delete Failed Jobs');
      await page
        .locator('.notifications-toasts', { hasText: 'no failed Jobs in shop' })
        .first()
        .waitFor({ timeout: 30_000 });
      // Back to the manifest, still open from before (its tab, behind the trust editor).
      await page.locator('.tabs-container .tab', { hasText: 'web.yaml' }).first().click();
      await driftLenses()
        ?.filter({ hasText: /In \S+: missing/ })
        .first()
        .waitFor({ timeout: 60_000 });
      assert.ok((await dryRunApplies(admin)) > before, 'the lens asked the cluster');
      await screenshot(page, 'restricted-trusted');
    },
  );

  uiTest(
    'a protected context (listed by server URL; the workspace cannot unlist it): Scale asks for its name',
    () => beside?.page,
    async () => {
      const page = beside?.page;
      assert.ok(page && admin);
      const rest = admin;
      const replicas = async () =>
        (
          await rest.request<{ spec: { replicas: number } }>(
            'GET',
            '/apis/apps/v1/namespaces/shop/deployments/api',
            { what: 'read' },
          )
        ).spec.replicas;
      assert.equal(await replicas(), 1);
      await openShipshape(page);
      for (const label of ['shop', 'Deployments']) {
        const r = namespaceRow(page, label);
        await r.waitFor({ timeout: 30_000 });
        if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
      }
      await contextMenu(page, namespaceRow(page, 'api'), 'Scale…');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill('0');
      await input.press('Enter');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 15_000 });
      await dialog.locator('.monaco-button', { hasText: 'Scale to 0' }).click();
      // The click is not enough on a protected context: its name must be typed.
      const prompt = page.locator('.quick-input-widget', { hasText: 'is a protected context' });
      await prompt.waitFor({ timeout: 15_000 });
      await screenshot(page, 'protected-context-scale');
      assert.equal(await replicas(), 1, 'nothing sent while the name is asked for');
      await input.fill('testcluster');
      await input.press('Enter');
      await eventually(async () => assert.equal(await replicas(), 0), 30_000);
    },
  );
});
