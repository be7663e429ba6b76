import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchChromium } from '../../scripts/harness/browser';
import { startCodeServer } from '../../scripts/harness/code-server';
import { repoRoot } from '../../scripts/harness/paths';
import { screenshot } from './support/workbench';
import { scratchDir } from '../../scripts/harness/scratch';

interface Report {
  results: { name: string; ok: boolean; ms: number; error?: string }[];
}

/**
 * Runs test/vscode (bundled to out/test/vscode/index.js) inside code-server's real extension
 * host, with this repository as the extension under development. Its `big file` suite opens a
 * generated 2 MB Argo-CD-install-shaped manifest, types into it, and checks by ordering, not
 * timing, that a round trip through the host answers while the analysis runs.
 */
test('API-level tests pass inside the real VS Code extension host', async (t) => {
  const report = join(scratchDir('shipshape-exthost-'), 'report.json');
  const server = await startCodeServer({
    env: {
      SHIPSHAPE_TEST_REPORT: report,
      ...(process.env['SHIPSHAPE_TEST_GREP']
        ? { SHIPSHAPE_TEST_GREP: process.env['SHIPSHAPE_TEST_GREP'] }
        : {}),
    },
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const folder = join(repoRoot, 'test', 'fixtures', 'workspaces', 'basic');
    await page.goto(
      server.url(folder, {
        extensionPath: repoRoot,
        testsPath: join(repoRoot, 'out', 'test', 'vscode', 'index.js'),
      }),
    );
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const deadline = Date.now() + 10 * 60_000;
    while (!existsSync(report) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await screenshot(page, 'extension-host');
    assert.ok(
      existsSync(report),
      `no report from the extension host:\n${server.process.output().slice(-3000)}`,
    );
    const { results } = JSON.parse(readFileSync(report, 'utf8')) as Report;
    assert.ok(results.length > 0, 'the extension host ran no tests');
    // Issue 19: a 2 MB manifest is analysed off the host thread (test/vscode/suites/big-file.test.ts).
    if (!process.env['SHIPSHAPE_TEST_GREP'])
      assert.equal(results.filter((r) => r.name.startsWith('big file')).length, 1, 'the big-file suite ran');
    for (const r of results) t.diagnostic(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.ms} ms)`);
    const failed = results.filter((r) => !r.ok);
    assert.deepEqual(
      failed.map((f) => `${f.name}: ${f.error ?? ''}`),
      [],
    );
  } finally {
    await browser.close();
    await server.stop();
  }
});
