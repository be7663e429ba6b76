/**
 * `npm run demo` as a newcomer runs it: the script prints a loopback URL, VS Code there shows the
 * seeded failures, the lenses and the runbook; Ctrl-C stops everything it started. The same with
 * `--snapshot` (read-only, no cluster).
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../scripts/harness/browser';
import { freshCache } from '../../scripts/harness/fresh-cache';
import { repoRoot } from '../../scripts/harness/paths';
import {
  freePort,
  isListening,
  spawnManaged,
  waitForLine,
  type Managed,
} from '../../scripts/harness/process';
import { openFile, openShipshape, screenshot, setPaneExpanded } from './support/workbench';

interface Demo {
  readonly process: Managed;
  readonly url: string;
  readonly port: number;
}

async function startDemo(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Demo> {
  const port = await freePort();
  const demo = spawnManaged(
    process.execPath,
    [join(repoRoot, 'scripts', 'demo.mjs'), '--port', String(port), ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    },
  );
  const match = await waitForLine(demo, /Open:\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/, 600_000, 'npm run demo');
  return { process: demo, url: match[1] ?? '', port };
}

/** What a terminal's Ctrl-C does: SIGINT to the whole foreground process group. */
async function ctrlC(demo: Demo): Promise<number | null> {
  const { child } = demo.process;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  process.kill(-(child.pid ?? 0), 'SIGINT');
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
  assert.notEqual(code, 'hung', 'the demo stops within a minute of Ctrl-C');
  return code as number | null;
}

async function withPage(url: string, fn: (page: Page) => Promise<void>): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await fn(page);
  } finally {
    await browser.close();
  }
}

test('npm run demo: the URL shows the seeded failures, lenses and runbook; Ctrl-C stops everything', async () => {
  const demo = await startDemo([]);
  try {
    const kubeconfig = readFileSync(join(repoRoot, '.shipshape', 'demo', 'kubeconfig'), 'utf8');
    const apiPort = Number(/server: https:\/\/127\.0\.0\.1:(\d+)/.exec(kubeconfig)?.[1]);
    assert.ok(apiPort > 0 && (await isListening(apiPort)), 'the API server is up');
    await withPage(demo.url, async (page) => {
      await openShipshape(page);
      await page
        .locator('.pane-body .monaco-list-row', { hasText: /testcluster.*% healthy · \d+ problems/ })
        .first()
        .waitFor({ timeout: 90_000 });
      await openFile(page, 'trino.yaml');
      await page
        .locator('.contentWidgets .codelens-decoration', { hasText: 'Harden' })
        .first()
        .waitFor({ timeout: 30_000 });
      await setPaneExpanded(page, 'Runbook', true);
      const runbook = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      await runbook.locator('.source', { hasText: 'Cluster: testcluster' }).waitFor({ timeout: 60_000 });
      await runbook.locator('li.item.fail').first().waitFor({ timeout: 60_000 });
      await page
        .locator('.contentWidgets .codelens-decoration', { hasText: /In testcluster: differs/ })
        .first()
        .waitFor({ timeout: 30_000 });
      await screenshot(page, 'demo-live');
    });
    assert.equal(await ctrlC(demo), 0);
    assert.equal(await isListening(demo.port), false, 'code-server is gone');
    assert.equal(await isListening(apiPort), false, 'the API server is gone');
  } finally {
    await demo.process.stop();
  }
});

// On an empty tool cache, as on a new machine: code-server is installed by the demo itself (its
// installer's output once became the "path" of the tool and the first demo died).
test('npm run demo -- --snapshot on an empty tool cache: the same tree, read-only, from a kubectl dump', async () => {
  const cache = freshCache();
  assert.ok(!readdirSync(cache).some((n) => n.startsWith('code-server')), 'no code-server in the cache');
  const demo = await startDemo(['--snapshot', join(repoRoot, 'demo', 'snapshot.json')], {
    SHIPSHAPE_CACHE: cache,
  });
  try {
    await withPage(demo.url, async (page) => {
      await openShipshape(page);
      await page
        .locator('.pane-body .monaco-list-row', { hasText: /snapshot\.json.*% healthy/ })
        .first()
        .waitFor({ timeout: 90_000 });
      // The runbook is checked against the snapshot too.
      await setPaneExpanded(page, 'Runbook', true);
      const runbook = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      await runbook.locator('.source', { hasText: 'Snapshot: snapshot.json' }).waitFor({ timeout: 60_000 });
      await runbook.locator('li.item.fail').first().waitFor({ timeout: 60_000 });
      await screenshot(page, 'demo-snapshot');
    });
    assert.equal(await ctrlC(demo), 0);
    assert.equal(await isListening(demo.port), false, 'code-server is gone');
  } finally {
    await demo.process.stop();
    // The fresh cache holds a code-server install (~380 MB): a CI machine must not keep one per run.
    rmSync(cache, { recursive: true, force: true });
  }
});
