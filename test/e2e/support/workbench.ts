import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../../scripts/harness/browser';
import {
  startCodeServer,
  type CodeServer,
  type CodeServerOptions,
} from '../../../scripts/harness/code-server';
import { repoRoot } from '../../../scripts/harness/paths';

export const resultsDir = join(repoRoot, 'test-results');

/** The packaged extension; `scripts/test.mjs` builds it once per run and passes its path. */
export function vsixPath(): string {
  const given = process.env['SHIPSHAPE_VSIX'];
  if (given && existsSync(given)) return given;
  const out = join(repoRoot, 'out', 'shipshape.vsix');
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), out], { stdio: 'inherit' });
  return out;
}

export interface Session {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

/** code-server with the packaged extension installed, and Chromium showing a folder. */
export async function openWorkbench(
  folder: string,
  options: CodeServerOptions & { install?: boolean } = {},
): Promise<Session> {
  const server = await startCodeServer(options);
  let browser: Browser | undefined;
  try {
    if (options.install !== false) server.install(vsixPath());
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url(folder));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ timeout: 30_000 });
    const b = browser;
    return {
      server,
      browser: b,
      page,
      async close() {
        await b.close().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw error;
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Runs a command through the real Command Palette, as a user would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  // The palette closes when focus moves while it opens (a closing diff, an editor taking focus
  // back): a user would open it again, and so does this, twice at most.
  for (let attempt = 0; ; attempt++) {
    try {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      // A click, not Enter: if the palette closed meanwhile, Enter would type into the editor.
      await row.click({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/** Opens the Shipshape container from the activity bar. */
export async function openShipshape(page: Page): Promise<void> {
  const clusters = page.locator('.pane-header', { hasText: 'Clusters' }).first();
  if (await clusters.isVisible()) return;
  const item = page.locator('.activitybar .action-item a[aria-label^="Shipshape"]');
  await item.waitFor({ timeout: 30_000 });
  // The problem-count badge sits on top of the icon: click the whole activity bar entry.
  await item.locator('xpath=..').click();
  await clusters.waitFor({ timeout: 30_000 });
  await widenSidebar(page, 460);
}

/** Drags the sidebar's edge as a user widening it would: tree descriptions stay readable. */
async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** Folds or unfolds a view of the Shipshape container by its header, as a user would. */
export async function setPaneExpanded(page: Page, name: string, expanded: boolean): Promise<void> {
  const header = page.locator('.pane-header', { hasText: name }).first();
  if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) await header.click();
}

/**
 * Opens a workspace file by name through Quick Open, as a user would. A file the test has just
 * written may be missing from Quick Open's first search (its file cache follows the watcher), so
 * the search is typed again, as a user would, until the file is listed.
 */
export async function openFile(page: Page, name: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    try {
      await row.waitFor({ timeout: 8_000 });
      break;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt === 4) throw error;
    }
  }
  await input.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ timeout: 15_000 });
}

/**
 * A test that leaves `test-results/failed-<name>.png` behind when it fails: what the user would
 * have seen at that moment, for the report.
 */
export function uiTest(name: string, page: () => Page | undefined, fn: () => Promise<void>): void {
  test(name, async () => {
    try {
      await fn();
    } catch (error) {
      const current = page();
      const slug = name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .slice(0, 60);
      if (current) await screenshot(current, `failed-${slug}`).catch(() => undefined);
      throw error;
    }
  });
}

/** Right-clicks `target` and runs a context-menu entry, again if the first click is lost. */
export async function contextMenu(page: Page, target: Locator, entry: string): Promise<void> {
  const item = page.locator('.context-view .action-label', { hasText: entry }).first();
  for (let attempt = 0; ; attempt++) {
    await target.click({ button: 'right' });
    await item.waitFor({ timeout: 15_000 });
    await item.hover();
    await item.click();
    try {
      await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached', timeout: 3_000 });
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
      await page.keyboard.press('Escape');
    }
  }
}
