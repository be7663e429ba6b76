/**
 * Diagnose in real VS Code against the real API server with the seeded platform: from a problem
 * in the Problems view to a read-only Markdown page with the cause and its evidence.
 */
import type { Page } from 'playwright-core';
import { contextMenu, openShipshape, screenshot, setPaneExpanded, uiTest } from './support/workbench';
import { seededPlatform } from './support/seeded';

const platform = seededPlatform('diagnose');

const problem = (page: Page, pattern: RegExp) =>
  page.locator('.pane-body .monaco-list-row', { hasText: pattern }).first();

/**
 * Diagnose from the problem's context menu; the page opens as a read-only Markdown editor.
 * Monaco renders spaces as no-break spaces and wraps long lines: words are matched across \W+.
 */
async function diagnose(page: Page, pattern: RegExp, expect: RegExp): Promise<void> {
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
  await page.locator('.tab.active', { hasText: /\.md/ }).waitFor({ timeout: 30_000 });
  await page
    .locator('.editor-instance .view-lines', { hasText: expect })
    .first()
    .waitFor({ timeout: 60_000 });
  // No tooltip over the page in the screenshot.
  await page.mouse.move(900, 700);
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
    await diagnose(
      page,
      /CrashLoopBackOff · superset-worker-/,
      /Secret\W+`superset-secret`\W+not\W+found\W+in\W+data-platform/,
    );
    await page
      .locator('.editor-instance .view-lines', { hasText: /`superset-secrets`\W+exists\W+in\W+this/ })
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
    await diagnose(page, /CrashLoopBackOff · doris-fe-0/, /Exit\W+127:\W+command\W+not\W+found/);
    await page
      .locator('.editor-instance .view-lines', {
        hasText: /start_fe\.sh:\W+No\W+such\W+file\W+or\W+directory/,
      })
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'diagnose-doris-fe');
  },
);
