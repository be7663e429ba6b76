import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchChromium } from '../../scripts/harness/browser';
import { startCodeServer } from '../../scripts/harness/code-server';
import { repoRoot } from '../../scripts/harness/paths';
import { screenshot } from './support/workbench';

interface Report {
  results: { name: string; ok: boolean; ms: number; error?: string }[];
}

/**
 * Issue 19 in code-server's real extension host: the `big file` suite of test/vscode (bundled to
 * out/test/vscode/index.js) opens a generated 2 MB Argo-CD-install-shaped manifest, types into it,
 * and checks by ordering, not timing, that a round trip through the host answers while the
 * analysis runs and that the edited document's diagnostics then arrive.
 */
test('editing a 2 MB manifest keeps the extension host responsive', async (t) => {
  const report = join(mkdtempSync(join(tmpdir(), 'shipshape-bigfile-')), 'report.json');
  const server = await startCodeServer({
    env: { SHIPSHAPE_TEST_REPORT: report, SHIPSHAPE_TEST_GREP: 'big file' },
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
    await screenshot(page, 'big-file');
    assert.ok(
      existsSync(report),
      `no report from the extension host:\n${server.process.output().slice(-3000)}`,
    );
    const { results } = JSON.parse(readFileSync(report, 'utf8')) as Report;
    for (const r of results) t.diagnostic(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.ms} ms)`);
    assert.equal(results.length, 1, 'the big-file suite ran');
    assert.deepEqual(
      results.filter((r) => !r.ok).map((f) => `${f.name}: ${f.error ?? ''}`),
      [],
    );
  } finally {
    await browser.close();
    await server.stop();
  }
});
