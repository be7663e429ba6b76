/**
 * Charts in the editor: the demo's umbrella chart is rendered with the real Helm 4 (the cached
 * build, through shipshape.helm.path) and findings sit on the values or template line a person
 * edits; a template that no longer renders shows Helm's error at the line it names.
 */
import * as assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import { renderToolSettings, repoRoot } from '../../scripts/harness/paths';
import { cursorAt, goToLine, openPath, openQuickFix } from './support/editor';
import { openWorkbench, screenshot, uiTest, type Session } from './support/workbench';
import { scratchDir } from '../../scripts/harness/scratch';

// A private copy: the tests edit and save a template and a values file.
const workspace = scratchDir('shipshape-e2e-charts-');
cpSync(join(repoRoot, 'demo', 'workspace'), workspace, { recursive: true });
let session: Session | undefined;

before(async () => {
  session = await openWorkbench(workspace, { settings: renderToolSettings() });
});
after(async () => {
  await session?.close();
});

const page = (): Page => {
  if (!session) throw new Error('the workbench is not open');
  return session.page;
};

/** Home goes to the first non-blank character, a second Home to column 1. */
async function column1(p: Page, line: number): Promise<void> {
  await p.keyboard.press('End');
  await p.keyboard.press('Home');
  await p.keyboard.press('Home');
  await cursorAt(p, line, 1);
}

/**
 * From the cursor, "Go to Next Problem" (F8) until the problem shown matches: the marker widget
 * says what it is, the status bar where it is. Retried while the render is still running.
 */
async function nextProblem(p: Page, from: number, matches: RegExp, timeoutMs = 60_000): Promise<string> {
  const widget = p.locator('.monaco-editor .marker-widget');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await goToLine(p, from);
    for (let i = 0; i < 6; i++) {
      await p.keyboard.press('F8');
      const shown = await widget
        .first()
        .textContent({ timeout: 2_000 })
        .catch(() => '');
      // Left open: the caller takes its screenshot with the problem in view.
      if (shown && matches.test(shown)) return shown;
    }
    await p.keyboard.press('Escape');
    if (Date.now() > deadline) throw new Error(`no problem matching ${matches} after line ${from}`);
    await p.waitForTimeout(1_000);
  }
}

uiTest(
  'the umbrella chart values.yaml shows the rendered finding on the trino image tag line',
  page,
  async () => {
    const p = page();
    await openPath(p, 'helm/charts/data-platform/values.yaml');
    // trino.image.tag: latest is line 23: both trino Deployments read it.
    const shown = await nextProblem(p, 22, /image-tag-pinned/);
    await cursorAt(p, 23, 5);
    assert.match(shown, /trinodb\/trino:latest/);
    assert.match(shown, /Shipshape \(rendered\)/);
    assert.match(shown, /this line sets it for 2 objects/);
    await screenshot(p, 'charts-values-finding');
    await p.keyboard.press('Escape');
  },
);

uiTest(
  'the Argo CD Application renders the chart with values-prod.yaml: its override line shows the finding',
  page,
  async () => {
    const p = page();
    // helm/argocd/data-platform.yaml: valueFiles [values.yaml, values-prod.yaml]; the prod file
    // replaces superset's resources block, and that block has no CPU limit.
    await openPath(p, 'helm/charts/data-platform/values-prod.yaml');
    const shown = await nextProblem(p, 1, /cpu-limit/);
    await cursorAt(p, 4);
    assert.match(shown, /Container "superset" has no CPU limit/);
    assert.match(shown, /Shipshape \(rendered\)/);
    await p.keyboard.press('Escape');
  },
);

uiTest('a mis-indented template shows the Helm render error at the line it names', page, async () => {
  const p = page();
  await openPath(p, 'charts/spark-history/templates/spark-history.yaml');
  // The seeds' incident: the ports list item one space short of its siblings.
  // Column 1, then Delete: one space exactly (Backspace in indentation removes a whole tab stop).
  await goToLine(p, 27);
  await column1(p, 27);
  await p.keyboard.press('Delete');
  await p.keyboard.press('Control+S');
  // YAML names the line after the short item: there the mapping no longer parses.
  await nextProblem(p, 26, /helm template: .*not valid YAML/);
  await cursorAt(p, 28);
  await screenshot(p, 'charts-render-error');
  await p.keyboard.press('Escape');
  // Put it back: the chart renders again and the error goes.
  await goToLine(p, 27);
  await column1(p, 27);
  await p.keyboard.press('Space');
  await p.keyboard.press('Control+S');
  const gone = Date.now() + 60_000;
  const widget = p.locator('.monaco-editor .marker-widget');
  for (;;) {
    await goToLine(p, 26);
    await p.keyboard.press('F8');
    const text = await widget
      .first()
      .textContent({ timeout: 2_000 })
      .catch(() => '');
    await p.keyboard.press('Escape');
    if (!/not valid YAML/.test(text ?? '')) break;
    if (Date.now() > gone) throw new Error('the render error stayed after the template was fixed');
    await p.waitForTimeout(1_000);
  }
});

uiTest(
  'a values quick fix edits values.yaml (comments kept) and the re-rendered chart no longer has the finding',
  page,
  async () => {
    const p = page();
    await openPath(p, 'charts/spark-history/values.yaml');
    // `securityContext: {}` (line 9) is what the template's `with … toYaml | nindent` pulls in.
    await nextProblem(p, 8, /allow-privilege-escalation/);
    await p.keyboard.press('Escape');
    await goToLine(p, 9);
    await openQuickFix(p, 'values.yaml (securityContext.allowPrivilegeEscalation: false)');
    await screenshot(p, 'charts-values-quick-fix');
    // The action widget takes keys, not clicks on its rows: the fix is its first, focused entry.
    await p
      .locator('.action-widget .monaco-list-row.focused', { hasText: 'allowPrivilegeEscalation' })
      .waitFor();
    await p.keyboard.press('Enter');
    const done = p.locator('.notifications-toasts .notification-toast', {
      hasText: 'allow-privilege-escalation is gone',
    });
    await done.first().waitFor({ timeout: 60_000 });
    await screenshot(p, 'charts-values-fixed');
    const saved = readFileSync(
      join(workspace, 'helm', 'charts', 'data-platform', 'charts', 'spark-history', 'values.yaml'),
      'utf8',
    );
    assert.match(saved, /# The container's securityContext\. Empty on purpose in this demo/);
    assert.match(saved, /^securityContext: \{ ?allowPrivilegeEscalation: false ?\}$/m);
    // Next Problem goes through this file's problems first, then on to other files: the first
    // ones are spark-history's, and its allowPrivilegeEscalation finding is not among them.
    const widget = p.locator('.monaco-editor .marker-widget');
    const seen: string[] = [];
    await goToLine(p, 1);
    for (let i = 0; i < 6; i++) {
      await p.keyboard.press('F8');
      seen.push((await widget.first().textContent({ timeout: 5_000 })) ?? '');
    }
    await p.keyboard.press('Escape');
    assert.match(seen[0] ?? '', /"spark-history"/, seen.join('\n'));
    assert.ok(
      !seen.some((t) => /"spark-history" does not set allowPrivilegeEscalation/.test(t)),
      seen.join('\n'),
    );
  },
);
