import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/harness/paths';
import { openShipshape, openWorkbench, runCommand, screenshot, type Session } from './support/workbench';

const workspace = join(repoRoot, 'test', 'fixtures', 'workspaces', 'basic');
let session: Session;

before(async () => {
  session = await openWorkbench(workspace);
});
after(async () => {
  await session?.close();
});

test('the Shipshape container opens from the activity bar', async () => {
  await openShipshape(session.page);
  for (const view of ['Clusters', 'Problems', 'Runbook']) {
    await session.page.locator('.pane-header', { hasText: view }).first().waitFor();
  }
  await screenshot(session.page, 'foundation-container');
});

test('the Clusters view shows its welcome content with the three buttons', async () => {
  const welcome = session.page.locator('.welcome-view-content').first();
  await welcome.waitFor();
  for (const label of ['Open kubeconfig…', 'Open cluster snapshot…', 'Start demo cluster']) {
    await welcome.getByRole('button', { name: label }).waitFor();
  }
  assert.match((await welcome.textContent()) ?? '', /never modifies it/);
});

test('"Shipshape: Show Log" from the Command Palette opens the Shipshape log', async () => {
  await runCommand(session.page, 'Shipshape: Show Log');
  const panel = session.page.locator('.part.panel');
  await panel.waitFor({ state: 'visible' });
  await session.page
    .locator('.part.panel .monaco-editor .view-lines', { hasText: 'Shipshape 0.1.0 activated' })
    .waitFor({ timeout: 30_000 });
  await screenshot(session.page, 'foundation-log');
});
