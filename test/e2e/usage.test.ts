/**
 * Usage in the Clusters view, in real VS Code: the seeded platform with the real metrics-server
 * beside the API server (scraping the simulated nodes' kubelets), so pods and nodes show the CPU
 * and memory metrics.k8s.io reports, with the share of each pod's memory limit.
 */
import * as assert from 'node:assert/strict';
import { contextMenu, openShipshape, screenshot, setPaneExpanded, uiTest } from './support/workbench';
import { seededPlatform } from './support/seeded';
import { expand, row } from './support/tree';

const platform = seededPlatform('usage', { metricsServer: true });

uiTest(
  'pods and nodes show their CPU and memory use, with the share of the memory limit',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await openShipshape(page);
    for (const name of ['Problems', 'Runbook']) await setPaneExpanded(page, name, false);
    await row(page, 'testcluster').waitFor({ timeout: 60_000 });
    await expand(page, 'Nodes');
    // metrics-server reports after two scrapes; the view reads metrics.k8s.io every 30 s.
    await page
      .locator('.pane-body .monaco-list-row', {
        hasText: /k8s-worker.*Ready · cpu [\d.]+m? \(\d+ %\) · mem [\d.]+[KMG]i/,
      })
      .first()
      .waitFor({ timeout: 180_000 });
    await expand(page, 'kafka');
    await expand(page, 'Deployments');
    await expand(page, 'kafka-connect');
    const pod = page
      .locator('.pane-body .monaco-list-row', {
        hasText: /kafka-connect-\S+\s*mem [\d.]+[KMG]i \d+ % · cpu \d+m · Running · \d+\/\d+ ready/,
      })
      .first();
    await pod.waitFor({ timeout: 60_000 });
    // The tooltip: each container's use against its limit (the seeds give every container 1Gi).
    // Hover again until it shows: a poll's refresh may close a hover that was opening.
    const hover = page.locator('.monaco-hover', { hasText: 'Usage' }).first();
    for (const deadline = Date.now() + 60_000; !(await hover.isVisible());) {
      assert.ok(Date.now() < deadline, 'the pod tooltip shows its usage');
      await page.mouse.move(0, 0);
      await pod.hover();
      await page.waitForTimeout(1500);
    }
    // Escaped text may use no-break spaces: compare words, not space characters.
    const text = ((await hover.textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(text, /app: memory [\d.]+[KMG]i \/ 1Gi limit · \d+ %; CPU \d+m \/ 1 limit · \d+ %/);
    await screenshot(page, 'explorer-usage');

    // The namespace's top list: kafka-connect's containers with their limits, busiest first.
    await page.mouse.move(0, 0);
    await contextMenu(page, row(page, 'kafka'), 'Show Top Pods');
    const top = page
      .locator('.monaco-editor .view-lines', {
        hasText: /Top\s+pods\s+in\s+kafka\s+\(testcluster\),\s+by\s+memory/,
      })
      .first();
    await top.waitFor({ timeout: 30_000 });
    const table = ((await top.textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(table, /NAMESPACE POD CONTAINER CPU CPU LIMIT MEMORY MEMORY LIMIT OF LIMIT/);
    assert.match(table, /kafka kafka-connect-\S+ app \d+m 1 [\d.]+[KMG]i 1Gi \d+%/);

    // Problems: a healthy container above 90 % of its memory limit is about to be killed.
    // They rank below the failures, so the (virtual) list is walked from its end upwards.
    await setPaneExpanded(page, 'Problems', true);
    const problems = page.locator('.pane-header', { hasText: 'Problems' }).locator('xpath=..');
    const soon = problems.locator('.monaco-list-row', { hasText: 'OOMKilled soon' }).first();
    await problems.locator('.monaco-list-row').first().waitFor();
    for (const deadline = Date.now() + 120_000; !(await soon.isVisible());) {
      assert.ok(Date.now() < deadline, 'an "OOMKilled soon" row in Problems');
      // Focused, not clicked: a click on a row reveals that problem in the Clusters view.
      await problems.locator('.monaco-list').first().focus();
      await page.keyboard.press('End');
      for (let i = 0; i < 8 && !(await soon.isVisible()); i++) await page.keyboard.press('PageUp');
      await page.waitForTimeout(2_000);
    }
    await screenshot(page, 'explorer-oom-soon');
  },
);
