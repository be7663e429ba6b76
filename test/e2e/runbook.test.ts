/**
 * The Runbook view in real VS Code against the real API server with the seeded platform: checks
 * fail where the seeds say the platform is broken, turn green live when the cluster is fixed,
 * manual ticks persist, snippets insert into the editor with their tab stops (and undo), and
 * strings from the cluster render as text, never as markup.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { restFor } from '../cluster/support/kube';
import { openFile, openShipshape, runCommand, screenshot, setPaneExpanded } from './support/workbench';
import { seededPlatform } from './support/seeded';

const platform = seededPlatform('runbook');

async function showRunbook(page: Page): Promise<FrameLocator> {
  await openShipshape(page);
  await setPaneExpanded(page, 'Runbook', true);
  // Room for the webview: the tree views fold away as a user would fold them.
  for (const name of ['Clusters', 'Problems']) await setPaneExpanded(page, name, false);
  return page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
}

const item = (frame: FrameLocator, id: string) => frame.locator(`li.item[data-item="${id}"]`);

test('the built-in runbook is evaluated live: failing checks name the broken objects', async () => {
  const frame = await showRunbook(platform.session.page);
  await frame.locator('.source', { hasText: 'Cluster: testcluster' }).waitFor({ timeout: 60_000 });
  // Checks show "Reading testcluster…" until the first LIST is complete, then their verdicts.
  const gms = frame.locator('li.item.fail[data-item="datahub-gms-ready"]');
  await gms.waitFor({ timeout: 30_000 });
  assert.match((await gms.textContent()) ?? '', /datahub-gms.*CrashLoopBackOff/);
  // The evidence links to the object in the Clusters tree.
  await gms.locator('button', { hasText: 'Deployment data-platform/datahub-gms' }).waitFor();
  assert.match((await frame.locator('.big').textContent()) ?? '', /^\d+\.\d%$/);
  await screenshot(platform.session.page, 'runbook-live');
});

test('scaling redis to 0 turns its check green without a refresh', async () => {
  const frame = await showRunbook(platform.session.page);
  const redis = item(frame, 'redis-ready-or-scaled-down');
  // The task is closed by default once nothing in it fails; open the phase/task if needed.
  await redis.waitFor({ timeout: 30_000 });
  assert.match((await redis.getAttribute('class')) ?? '', /\bfail\b/);
  await restFor(platform.cluster.kubeconfig).request(
    'PATCH',
    '/apis/apps/v1/namespaces/data-platform/deployments/redis',
    {
      body: { spec: { replicas: 0 } },
      contentType: 'application/merge-patch+json',
      what: 'scale redis to 0',
    },
  );
  await frame.locator('li.item.pass[data-item="redis-ready-or-scaled-down"]').waitFor({ timeout: 30_000 });
});

test('a manual item stays ticked after the view is reloaded', async () => {
  const { page } = platform.session;
  let frame = await showRunbook(page);
  const box = item(frame, 'datahub-gms-db-verified').locator('input[type=checkbox]');
  await box.waitFor({ timeout: 30_000 });
  assert.equal(await box.isChecked(), false);
  await box.check();
  await frame.locator('li.item.pass[data-item="datahub-gms-db-verified"]').waitFor({ timeout: 15_000 });
  await runCommand(page, 'Shipshape: Refresh Runbook');
  frame = await showRunbook(page);
  await frame
    .locator('li.item.pass[data-item="datahub-gms-db-verified"] input:checked')
    .waitFor({ timeout: 15_000 });
});

test('Insert puts the snippet into the YAML editor with its tab stops, and undo takes it back', async () => {
  const { page } = platform.session;
  await openFile(page, 'redis.yaml');
  const editor = page.locator('.monaco-editor .view-lines').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  const before = (await editor.textContent()) ?? '';
  assert.doesNotMatch(before, /kind:\s*Secret/);
  const frame = await showRunbook(page);
  const snippet = frame.locator('.snippet[data-snippet="k8s-secret-postgres"]');
  await snippet.waitFor({ timeout: 30_000 });
  await snippet.locator('button', { hasText: 'Insert' }).click();
  await page
    .locator('.monaco-editor .view-lines', { hasText: /kind:\s*Secret/ })
    .first()
    .waitFor({ timeout: 15_000 });
  // A snippet session is active: the first placeholder is selected for typing.
  await page.locator('.monaco-editor .selected-text').first().waitFor({ timeout: 5_000 });
  await screenshot(page, 'runbook-snippet-inserted');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Z');
  await page
    .locator('.monaco-editor .view-lines', { hasText: /kind:\s*Secret/ })
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 });
});

test('strings from the cluster are shown as text, never as markup', async () => {
  const hostile = '<img src=x id=injected onerror=alert(1)>';
  await restFor(platform.cluster.kubeconfig).request(
    'PATCH',
    '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/ml-platform/status',
    {
      body: { status: { health: { status: hostile } } },
      contentType: 'application/merge-patch+json',
      what: 'set a hostile health status',
    },
  );
  const frame = await showRunbook(platform.session.page);
  const argo = frame.locator('li.item', { hasText: hostile }).first();
  await argo.waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('#injected').count(), 0);
  assert.equal(await frame.locator('li.item img').count(), 0);
});
