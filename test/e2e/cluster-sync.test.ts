/**
 * Manifests meet the cluster in real VS Code, on the seeded platform: the drift lens says how
 * each saved object compares with the cluster, "Diff with Cluster" opens the server-side dry
 * run in a diff editor, and "Apply to Cluster…" applies a hardened manifest through the
 * confirmation (and the conflict step for fields the platform's own tooling owns).
 */
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCluster, type RunningCluster } from '../../scenarios/cli';
import { repoRoot } from '../../scripts/harness/paths';
import { restFor } from '../cluster/support/kube';
import { openFile, openWorkbench, runCommand, screenshot, type Session } from './support/workbench';

let cluster: RunningCluster;
let session: Session;
const workspace = mkdtempSync(join(tmpdir(), 'shipshape-e2e-sync-'));
cpSync(join(repoRoot, 'demo', 'workspace'), workspace, { recursive: true });

before(async () => {
  cluster = await runCluster({
    scenario: 'seeds',
    kubeconfig: join(mkdtempSync(join(tmpdir(), 'kc-')), 'config'),
    log: () => undefined,
  });
  session = await openWorkbench(workspace, { env: { KUBECONFIG: cluster.kubeconfig } });
});
after(async () => {
  await session?.close();
  await cluster?.stop();
});

const lenses = () => session.page.locator('.contentWidgets .codelens-decoration');

interface Container {
  name: string;
  image: string;
  securityContext?: Record<string, unknown>;
}
const trinoWorker = () =>
  restFor(cluster.kubeconfig).request<{
    spec: { replicas: number; template: { spec: { containers: Container[] } } };
  }>('GET', '/apis/apps/v1/namespaces/data-platform/deployments/trino-worker', { what: 'read' });

test('the drift lens compares each saved object with the cluster', async () => {
  const { page } = session;
  await openFile(page, 'trino.yaml');
  // The demo manifests are not what runs: trino-worker's image and replicas differ.
  await lenses()
    .filter({ hasText: /In testcluster: differs/ })
    .first()
    .waitFor({ timeout: 60_000 });
  const text = (await lenses().allTextContents()).join(' | ');
  assert.match(text, /In testcluster: differs · fields owned by helm/);
  await screenshot(page, 'sync-drift-lens');
});

test('Harden, then "Diff with Cluster" shows the dry run against the live object', async () => {
  const { page } = session;
  const harden = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Harden' });
  await harden.last().click();
  const apply = page.locator('.notifications-toasts .monaco-button', { hasText: 'Apply' }).first();
  await apply.waitFor({ timeout: 20_000 });
  await apply.click();
  await page.locator('.tabs-container .tab', { hasText: 'preview' }).first().waitFor({ state: 'detached' });
  await page.keyboard.press('Control+S');
  await page.locator('.tabs-container .tab.dirty').first().waitFor({ state: 'detached', timeout: 15_000 });
  await runCommand(page, 'Shipshape: Diff with Cluster');
  const tab = page.locator('.tabs-container .tab', { hasText: /testcluster ↔ after apply/ }).first();
  await tab.waitFor({ timeout: 30_000 });
  // One section per object; trino-worker's modified side carries the hardening.
  await page
    .locator('.monaco-editor .view-lines', { hasText: 'readOnlyRootFilesystem: true' })
    .first()
    .waitFor({ timeout: 15_000 });
  await screenshot(page, 'sync-diff');
  // A dry run changes nothing.
  const live = await trinoWorker();
  assert.equal(live.spec.template.spec.containers[0]?.securityContext?.['readOnlyRootFilesystem'], undefined);
});

test('"Apply to Cluster…" names the objects, asks again before taking over owned fields, and applies', async () => {
  const { page } = session;
  await runCommand(page, 'View: Close All Editors');
  await openFile(page, 'trino.yaml');
  await runCommand(page, 'Shipshape: Apply to Cluster…');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  const first = (await dialog.textContent()) ?? '';
  assert.match(first, /Apply 2 object\(s\) from data-platform\/trino\.yaml\?/);
  assert.match(first, /Deployment data-platform\/trino-worker — conflicts with/);
  assert.match(first, /Context: testcluster/);
  await screenshot(page, 'sync-apply-confirm');
  await dialog.locator('.monaco-button', { hasText: 'Apply to testcluster' }).click();
  // The second, explicit step names the fields and their owners.
  const second = page.locator('.monaco-dialog-box', { hasText: 'Take over fields other managers own?' });
  await second.waitFor({ timeout: 30_000 });
  assert.match((await second.textContent()) ?? '', /helm owns .*\.spec\.replicas/);
  await screenshot(page, 'sync-apply-conflicts');
  await second.locator('.monaco-button', { hasText: 'Force apply' }).click();
  await page
    .locator('.notifications-toasts', { hasText: /applied to testcluster — .*configured/ })
    .first()
    .waitFor({ timeout: 30_000 });
  const live = await trinoWorker();
  const trino = live.spec.template.spec.containers.find((c) => c.name === 'trino');
  assert.equal(trino?.securityContext?.['readOnlyRootFilesystem'], true);
  assert.equal(trino?.securityContext?.['privileged'], false);
  assert.equal(live.spec.replicas, 2);
  // The lens re-checks after the apply: the manifest and the cluster now agree.
  await lenses()
    .filter({ hasText: /In testcluster: same/ })
    .nth(1)
    .waitFor({ timeout: 30_000 });
  await screenshot(page, 'sync-applied');
});
