/**
 * The explorer in real VS Code against the real API server with the seeded platform: the tree
 * shows the failing pods with their reasons, the Problems view ranks them, and a remediation
 * (scale redis to 0) runs end to end through the confirmation and the dry run.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { restFor } from '../cluster/support/kube';
import { contextMenu, openFile, openShipshape, screenshot, setPaneExpanded } from './support/workbench';
import { seededPlatform } from './support/seeded';
import { expand, reveal, row } from './support/tree';

const platform = seededPlatform('explorer');

test('the Clusters view shows the seeded platform: health, problem-first namespaces, pods with reasons', async () => {
  const { page } = platform.session;
  await openShipshape(page);
  // Room for the tree: the other views fold away as a user would fold it.
  for (const name of ['Problems', 'Runbook']) await setPaneExpanded(page, name, false);
  const context = row(page, 'testcluster');
  await context.waitFor({ timeout: 60_000 });
  await page
    .locator('.pane-body .monaco-list-row', { hasText: /testcluster.*% healthy · \d+ problems/ })
    .first()
    .waitFor({ timeout: 60_000 });
  // Problem-first: data-platform is the first namespace under the context.
  const names = await page
    .locator('.pane-body .monaco-list-row[aria-level="2"] .label-name')
    .allTextContents();
  assert.equal(
    names.find((n) => n !== 'Nodes' && n !== 'Argo CD applications'),
    'data-platform',
  );
  await expand(page, 'data-platform');
  await expand(page, 'Deployments');
  await expand(page, 'trino-worker');
  await page
    .locator('.monaco-list-row', { hasText: /CrashLoopBackOff · 37 restarts/ })
    .first()
    .waitFor({ timeout: 30_000 });
  await expand(page, 'redis');
  await page
    .locator('.monaco-list-row', { hasText: /redis-67b547c596-gwd9s.*ImagePullBackOff/ })
    .first()
    .waitFor({ timeout: 30_000 });
  await page.locator('.statusbar-item', { hasText: /% · / }).first().waitFor({ timeout: 30_000 });
  await screenshot(page, 'explorer-tree');
  // The README's first picture: the live tree beside a manifest with its lenses and drift.
  await openFile(page, 'trino.yaml');
  await page
    .locator('.contentWidgets .codelens-decoration', { hasText: /In testcluster:/ })
    .first()
    .waitFor({ timeout: 30_000 });
  await screenshot(page, 'overview');
});

test('the Problems view ranks every problem with a next step', async () => {
  const { page } = platform.session;
  await setPaneExpanded(page, 'Clusters', false);
  await setPaneExpanded(page, 'Problems', true);
  await page
    .locator('.monaco-list-row', { hasText: /ImagePullBackOff · redis-67b547c596-gwd9s\s*data-platform ·/ })
    .first()
    .waitFor({ timeout: 30_000 });
  await page
    .locator('.monaco-list-row', { hasText: /Unschedulable · spark-history-server-\S+\s*data-platform ·/ })
    .first()
    .waitFor();
  await page
    .locator('.monaco-list-row', { hasText: /image name and tag/ })
    .first()
    .waitFor();
  await screenshot(page, 'explorer-problems');
});

test('markup from the cluster is shown as text: HTML and Markdown in a pod message stay inert in the tooltip', async () => {
  const { page } = platform.session;
  const hostile = '<img src=x onerror="document.title=1"> **bold** [delete me](command:shipshape.deletePod)';
  // A kubelet message is free text anyone who can create pods influences (image names, events).
  await restFor(platform.cluster.kubeconfig).request(
    'PATCH',
    '/api/v1/namespaces/data-platform/pods/redis-67b547c596-gwd9s/status',
    {
      body: {
        status: {
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 0,
              image: 'bitnami/redis:7.2-debian-12',
              imageID: '',
              state: { waiting: { reason: 'ImagePullBackOff', message: hostile } },
            },
          ],
        },
      },
      contentType: 'application/merge-patch+json',
      what: 'set a hostile message',
    },
  );
  const row = page
    .locator('.monaco-list-row', { hasText: /ImagePullBackOff · redis-67b547c596-gwd9s\s*data-platform ·/ })
    .first();
  await row.waitFor({ timeout: 30_000 });
  // The watch delivers the new message; hover until the tooltip carries it.
  const hover = page.locator('.monaco-hover', { hasText: 'onerror' }).first();
  for (const deadline = Date.now() + 30_000; !(await hover.isVisible());) {
    assert.ok(Date.now() < deadline, 'the tooltip shows the new message');
    await page.mouse.move(0, 0);
    await row.hover();
    await page.waitForTimeout(1500);
  }
  // Escaped text may use no-break spaces: compare words, not space characters.
  const text = ((await hover.textContent()) ?? '').replace(/\s+/g, ' ');
  assert.ok(text.includes('<img src=x onerror="document.title=1">'), text);
  assert.ok(text.includes('**bold** [delete me](command:shipshape.deletePod)'), text);
  assert.equal(await hover.locator('img, a').count(), 0, 'no image, no link');
  // Bold is Shipshape's own (the reason, "Next step"), never the message's.
  assert.deepEqual(await hover.locator('strong').allTextContents(), ['ImagePullBackOff', 'Next step:']);
  await screenshot(page, 'explorer-inert-markup');
  await page.mouse.move(0, 0);
});

test('Scale… on redis: the modal names the object, the dry run passes, the pod goes away', async () => {
  const { page } = platform.session;
  await setPaneExpanded(page, 'Problems', false);
  await setPaneExpanded(page, 'Clusters', true);
  await reveal(page, 'redis');
  const redis = row(page, 'redis');
  await contextMenu(page, redis, 'Scale…');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('0');
  await input.press('Enter');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 15_000 });
  assert.match((await dialog.textContent()) ?? '', /Deployment data-platform\/redis/);
  await screenshot(page, 'explorer-scale-confirm');
  await dialog.locator('.monaco-button', { hasText: 'Scale to 0' }).click();
  await page
    .locator('.monaco-list-row', { hasText: 'redis-67b547c596-gwd9s' })
    .first()
    .waitFor({ state: 'detached', timeout: 30_000 });
  await page
    .locator('.monaco-list-row', { hasText: /redis.*0\/0 ready/ })
    .first()
    .waitFor({ timeout: 30_000 });
  await screenshot(page, 'explorer-scaled');
});
