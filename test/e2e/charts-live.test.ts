/**
 * Live → chart in real VS Code on the seeded platform: the OOMKilled trino worker belongs to the
 * Helm release data-platform (synced by Argo CD), so "Open Manifest in Workspace" opens the chart
 * template that writes it, and "Raise Memory Limit" edits the values block its template reads,
 * checked by rendering the chart again.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextMenu, openShipshape, screenshot, setPaneExpanded, uiTest } from './support/workbench';
import { seededPlatform } from './support/seeded';

const platform = seededPlatform('charts-live');

const valuesFile = () =>
  join(platform.workspace, 'helm', 'charts', 'data-platform', 'charts', 'trino', 'values.yaml');

uiTest(
  'Open Manifest in Workspace on the OOMKilled pod of a Helm release opens its chart template',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await openShipshape(page);
    // Connected first (the tree shows the context's health), then room for the Problems view.
    await page
      .locator('.pane-body .monaco-list-row', { hasText: /testcluster.*% healthy/ })
      .first()
      .waitFor({ timeout: 120_000 });
    await setPaneExpanded(page, 'Clusters', false);
    await setPaneExpanded(page, 'Runbook', false);
    await setPaneExpanded(page, 'Problems', true);
    const problem = page
      .locator('.monaco-list-row', { hasText: /· trino-worker-\S+\s*data-platform ·/ })
      .first();
    await problem.waitFor({ timeout: 60_000 });
    await contextMenu(page, problem, 'Open Manifest in Workspace');
    // The template, not the plain data-platform/trino.yaml that also names trino-worker.
    await page.locator('.tabs-container .tab.active[aria-label^="worker.yaml"]').waitFor({ timeout: 60_000 });
    await page.locator('.monaco-breadcrumbs', { hasText: 'templates' }).first().waitFor({ timeout: 15_000 });
    // `name: {{ include "trino.fullname" . }}-worker` is line 4.
    await page
      .locator('.statusbar-item', { hasText: /Ln 4, Col 3\b/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await screenshot(page, 'charts-live-open-template');
  },
);

uiTest(
  'Raise Memory Limit on that pod edits the values block its template reads, after rendering it',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    const before = readFileSync(valuesFile(), 'utf8');
    assert.match(before, /^ {2}resources: \{\}$/m, 'the worker has no resources yet');
    const problem = page
      .locator('.monaco-list-row', { hasText: /· trino-worker-\S+\s*data-platform ·/ })
      .first();
    await contextMenu(page, problem, 'Raise Memory Limit in Manifest…');
    const apply = page.locator('.notifications-toasts .monaco-button', { hasText: 'Apply' }).first();
    await apply.waitFor({ timeout: 120_000 });
    assert.match(
      (await page.locator('.notifications-toasts').textContent()) ?? '',
      /Raise worker's memory limit \(none\) → 2Gi in trino-worker \(helm\/charts\/data-platform\/charts\/trino\/values\.yaml:22 \(worker\.resources\.limits\.memory\)\)\?/,
    );
    await screenshot(page, 'charts-live-raise-memory-preview');
    await apply.click();
    await page
      .locator('.notifications-toasts', {
        hasText:
          /trino-worker's memory limit is now 2Gi: edited .*values\.yaml:22.*the chart renders it\. Commit and sync \(Argo CD app data-platform\)/,
      })
      .first()
      .waitFor({ timeout: 60_000 });
    const after = readFileSync(valuesFile(), 'utf8');
    assert.match(after, /^ {2}resources: \{ ?limits: \{ ?memory: 2Gi ?\} ?\}$/m);
    assert.match(after, /# Sized per installation: the parent chart sets it\./, 'comments kept');
    await screenshot(page, 'charts-live-raise-memory-applied');
  },
);
