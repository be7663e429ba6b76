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

/**
 * Ctrl+G to the line, again when the cursor did not get there: on a loaded machine Enter can reach
 * the quick input before its provider has read `:N`, and nothing moves (seen in CI). Going to a
 * line twice is harmless.
 */
export async function goToLine(p: Page, line: number): Promise<void> {
  const input = p.locator('.quick-input-widget input');
  for (let attempt = 0; ; attempt++) {
    await p.keyboard.press('Control+G');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}`);
    await p
      .locator('.quick-input-widget', { hasText: new RegExp(`\\b${line}\\b`) })
      .first()
      .waitFor({ timeout: 5_000 })
      .catch(() => undefined);
    await input.press('Enter');
    try {
      await cursorAt(p, line);
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
      if (await input.isVisible()) await p.keyboard.press('Escape');
    }
  }
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
