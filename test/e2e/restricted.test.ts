/**
 * Restricted Mode (an untrusted workspace) in real VS Code: manifests are still analysed, but
 * nothing runs from the workspace — a kubeconfig inside it, named by the environment and by the
 * workspace's own settings, with an exec credential plugin, is never read, so its program never
 * runs — and applying to a cluster is not offered.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import {
  openFile,
  openShipshape,
  openWorkbench,
  screenshot,
  uiTest,
  type Session,
} from './support/workbench';

const workspace = mkdtempSync(join(tmpdir(), 'shipshape-e2e-untrusted-'));
const marker = join(mkdtempSync(join(tmpdir(), 'shipshape-marker-')), 'exec-plugin-ran');
const kubeconfig = join(workspace, 'kubeconfig');
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
  session = await openWorkbench(workspace, { workspaceTrust: true, env: { KUBECONFIG: kubeconfig } });
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
