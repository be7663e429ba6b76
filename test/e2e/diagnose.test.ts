/**
 * Diagnose in real VS Code against the real API server with the seeded platform: from a problem
 * in the Problems view to a read-only Markdown page with the cause and its evidence.
 */
import type { Frame, Page } from 'playwright-core';
import { contextMenu, openShipshape, screenshot, setPaneExpanded, uiTest } from './support/workbench';
import { seededPlatform } from './support/seeded';

const platform = seededPlatform('diagnose');

const problem = (page: Page, pattern: RegExp) =>
  page.locator('.pane-body .monaco-list-row', { hasText: pattern }).first();

/**
 * The Markdown preview's content frame (a webview: an iframe inside an iframe) that shows `text`.
 * Other webviews (the Runbook view) may exist too, so each frame is asked.
 */
async function previewShowing(page: Page, text: RegExp): Promise<Frame> {
  for (let i = 0; i < 120; i++) {
    for (const frame of page.frames())
      if (
        await frame
          .locator('.markdown-body', { hasText: text })
          .count()
          .catch(() => 0)
      )
        return frame;
    await page.waitForTimeout(500);
  }
  throw new Error(`no Markdown preview shows ${String(text)}`);
}

/**
 * Diagnose from the problem's context menu; the page opens in VS Code's Markdown preview, rendered:
 * the cluster's words as they are, no Markdown escapes (SUPERSET_SECRET_KEY, not SUPERSET\_…).
 */
async function diagnose(page: Page, pattern: RegExp, expect: RegExp): Promise<Frame> {
  const row = problem(page, pattern);
  await page
    .locator('.pane-body .monaco-list-row', { hasText: /CrashLoopBackOff/ })
    .first()
    .waitFor({ timeout: 60_000 });
  // The list is virtualised: rows off screen are not in the DOM until scrolled to.
  const list = page.locator('.pane-body .monaco-list').last();
  for (const dy of [...Array<number>(20).fill(-200), ...Array<number>(30).fill(120)]) {
    if (await row.isVisible()) break;
    await list.hover();
    await page.mouse.wheel(0, dy);
    await page.waitForTimeout(50);
  }
  await row.waitFor({ timeout: 30_000 });
  await contextMenu(page, row, 'Diagnose');
  await page.locator('.tab.active', { hasText: /Preview .*\.md/ }).waitFor({ timeout: 30_000 });
  const preview = await previewShowing(page, expect);
  // No tooltip over the page in the screenshot.
  await page.mouse.move(900, 700);
  return preview;
}

uiTest(
  'Diagnose on the superset problem shows the Secret near-miss',
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
    const preview = await diagnose(
      page,
      /CrashLoopBackOff · superset-worker-/,
      /Secret superset-secret not found in data-platform \(env SUPERSET_SECRET_KEY of container app\); superset-secrets exists in this namespace/,
    );
    // Rendered: the names are code, the answer is quoted, the events are a table.
    await preview
      .locator('blockquote code', { hasText: /^superset-secret$/ })
      .first()
      .waitFor();
    await preview
      .locator('table td', { hasText: /BackOff/ })
      .first()
      .waitFor();
    await screenshot(page, 'diagnose-superset');
  },
);

uiTest(
  'Diagnose on doris-fe shows the missing start script behind exit 127',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    const preview = await diagnose(page, /CrashLoopBackOff · doris-fe-0/, /Exit 127: command not found/);
    await preview
      .locator('pre', { hasText: /start_fe\.sh: No such file or directory/ })
      .first()
      .waitFor();
    await screenshot(page, 'diagnose-doris-fe');
  },
);
