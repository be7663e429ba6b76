/** Finding, scrolling to and expanding rows of the Clusters tree (one copy for every e2e test). */
import type { Page } from 'playwright-core';

/** A Clusters tree row by its exact label. */
export const row = (page: Page, label: string) =>
  page
    .locator('.pane-body .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }),
    })
    .first();

/** Scrolls the Clusters tree (virtualised: rows off screen are not in the DOM) until the row shows. */
export async function reveal(page: Page, label: string): Promise<void> {
  const r = row(page, label);
  const tree = page.locator('.pane-body .monaco-list').first();
  for (const dy of [...Array<number>(25).fill(120), ...Array<number>(40).fill(-120)]) {
    if (await r.isVisible()) return;
    await tree.hover();
    await page.mouse.wheel(0, dy);
    await page.waitForTimeout(50);
  }
  await r.waitFor({ timeout: 30_000 });
}

export async function expand(page: Page, label: string): Promise<void> {
  const r = row(page, label);
  await r.waitFor({ state: 'attached', timeout: 60_000 });
  await reveal(page, label);
  if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
  await page.waitForFunction(
    (l) =>
      [...document.querySelectorAll('.monaco-list-row')].some(
        (e) => e.textContent?.includes(l) && e.getAttribute('aria-expanded') === 'true',
      ),
    label,
  );
}
