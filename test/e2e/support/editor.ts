import type { Page } from 'playwright-core';

/** Quick Open by workspace-relative path (several charts have a values.yaml). */
export async function openPath(p: Page, path: string): Promise<void> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dir = path.slice(0, path.lastIndexOf('/'));
  await p.keyboard.press('Control+P');
  const input = p.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(path);
  // The row of that file (its folder is the row's description), not a recent one of the same name.
  const row = p
    .locator('.quick-input-list .monaco-list-row', { hasText: name })
    .filter({ hasText: dir })
    .first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  await p.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor({ timeout: 15_000 });
  await p
    .locator('.monaco-breadcrumbs', { hasText: dir.split('/').at(-1) ?? dir })
    .first()
    .waitFor({ timeout: 15_000 });
}

export async function goToLine(p: Page, line: number): Promise<void> {
  await p.keyboard.press('Control+G');
  const input = p.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}`);
  await input.press('Enter');
  await cursorAt(p, line);
}

/** Waits for the status bar to show the cursor there (it follows the cursor a moment later). */
export async function cursorAt(p: Page, line: number, column?: number): Promise<void> {
  const at = new RegExp(`Ln ${line}, Col ${column ?? '\\d+'}\\b`);
  await p.locator('.statusbar-item', { hasText: at }).first().waitFor({ timeout: 10_000 });
}

/**
 * Ctrl+. until the lightbulb menu shows an entry with that text (the first press can land before
 * the diagnostics): the menu is left open for the caller to pick with the keyboard.
 */
export async function openQuickFix(page: Page, entry: string): Promise<void> {
  const action = page.locator('.action-widget .monaco-list-row', { hasText: entry });
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await action.first().waitFor({ timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
      await page.keyboard.press('Escape');
    }
  }
}
