/**
 * The Harden lens on a chart's values: the demo umbrella chart's values.yaml shows one lens on its
 * `trino:` block for the trino subchart's findings that values can fix; clicking it previews the
 * change, applies it after helm template shows the findings gone, and the re-rendered chart no
 * longer has them. Real Helm 4 (the cached build, through shipshape.helm.path).
 */
import * as assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import { renderToolSettings, repoRoot } from '../../scripts/harness/paths';
import { goToLine, openPath } from './support/editor';
import { openWorkbench, screenshot, uiTest, type Session } from './support/workbench';
import { scratchDir } from '../../scripts/harness/scratch';

// A private copy: the test edits and saves values.yaml.
const workspace = scratchDir('shipshape-e2e-values-lens-');
cpSync(join(repoRoot, 'demo', 'workspace'), workspace, { recursive: true });
const valuesFile = join(workspace, 'helm', 'charts', 'data-platform', 'values.yaml');
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

/** The trino findings values can fix, as the marker widget shows them. */
const TRINO_FIXABLE = [
  /Deployment "trino-coordinator" sets no seccomp profile/,
  /Container "coordinator" has no CPU limit/,
  /Container "worker" has no resources/,
  /Container "coordinator" pulls with imagePullPolicy IfNotPresent/,
  /Container "worker" pulls with imagePullPolicy IfNotPresent/,
];

/** The problems "Go to Next Problem" (F8) shows from the top of the current file, in order. */
async function problemsFromTop(p: Page, count: number): Promise<string[]> {
  const widget = p.locator('.monaco-editor .marker-widget');
  const seen: string[] = [];
  await goToLine(p, 1);
  for (let i = 0; i < count; i++) {
    await p.keyboard.press('F8');
    seen.push(
      (await widget
        .first()
        .textContent({ timeout: 5_000 })
        .catch(() => '')) ?? '',
    );
  }
  await p.keyboard.press('Escape');
  return seen;
}

/** Retries until the trino subchart's values show (or no longer show) the fixable findings. */
async function trinoFindings(p: Page, present: boolean): Promise<string[]> {
  await openPath(p, 'helm/charts/data-platform/charts/trino/values.yaml');
  const deadline = Date.now() + 90_000;
  for (;;) {
    const seen = await problemsFromTop(p, 8);
    const shown = TRINO_FIXABLE.filter((re) => seen.some((t) => re.test(t)));
    if (present ? shown.length === TRINO_FIXABLE.length : shown.length === 0) return seen;
    if (Date.now() > deadline)
      throw new Error(`trino findings ${present ? 'never all shown' : 'still shown'}:\n${seen.join('\n')}`);
    await p.waitForTimeout(1_000);
  }
}

uiTest(
  'the umbrella values.yaml shows a Harden lens on trino; applying it edits values, comments kept, and the trino findings are gone',
  page,
  async () => {
    const p = page();
    // Before: the findings are there, on the trino subchart's own values lines.
    await trinoFindings(p, true);

    await openPath(p, 'helm/charts/data-platform/values.yaml');
    const lens = p.locator('.contentWidgets .codelens-decoration a', { hasText: 'Harden trino' });
    await lens.first().waitFor({ timeout: 90_000 });
    assert.equal(
      (await lens.first().textContent())?.trim(),
      'Harden trino: 4 fixes (securityContext, resources, imagePullPolicy)',
    );
    await screenshot(p, 'charts-values-harden-lens');
    const original = readFileSync(valuesFile, 'utf8');

    // An unsaved edit hides the lens (its lines are the saved file's); undoing it brings it back.
    await goToLine(p, 21);
    await p.keyboard.press('End');
    await p.keyboard.type(' ');
    await lens.first().waitFor({ state: 'detached', timeout: 30_000 });
    await p.keyboard.press('Control+Z');
    await lens.first().waitFor({ timeout: 30_000 });

    await lens.first().click();
    // One helm template of a copy with all four, then the diff preview of exactly that change.
    await p.locator('.tabs-container .tab', { hasText: 'preview' }).first().waitFor({ timeout: 90_000 });
    const apply = p.locator('.notifications-toasts .monaco-button', { hasText: 'Apply' }).first();
    await apply.waitFor({ timeout: 20_000 });
    await screenshot(p, 'charts-values-harden-preview');
    await apply.click();

    const done = p.locator('.notifications-toasts .notification-toast', { hasText: '5 findings gone' });
    await done.first().waitFor({ timeout: 90_000 });

    const saved = readFileSync(valuesFile, 'utf8');
    // Comments and the other blocks are kept; only the trino block grew.
    for (const kept of [
      '# The data platform as installed in data-platform (Argo CD app "data-platform").',
      '# Subchart defaults live in charts/<name>/values.yaml; the blocks below override them.',
    ])
      assert.ok(saved.includes(kept), saved);
    assert.ok(saved.startsWith(original.slice(0, original.indexOf('trino:'))), saved);
    assert.ok(saved.endsWith(original.slice(original.indexOf('superset:'))), saved);
    const trino = saved.slice(saved.indexOf('trino:'), saved.indexOf('superset:'));
    assert.match(trino, /seccompProfile:\s+type: RuntimeDefault/);
    assert.match(trino, /coordinator:\s+resources:\s+limits:\s+cpu: \S+/);
    assert.match(trino, /worker:\s+replicas: 3\s+resources:\s+requests:/);
    assert.match(trino, /image:\s+tag: latest\s+pullPolicy: Always/);

    // After the re-render: the lens has nothing left to fix, the chart's other findings are still
    // shown (the tag line), and the fixed ones left the markers.
    await lens.first().waitFor({ state: 'detached', timeout: 60_000 });
    await screenshot(p, 'charts-values-hardened');
    const umbrella = await problemsFromTop(p, 4);
    assert.ok(
      umbrella.some((t) => /trinodb\/trino:latest uses the moving :latest tag/.test(t)),
      umbrella.join('\n'),
    );
    await trinoFindings(p, false);
  },
);
