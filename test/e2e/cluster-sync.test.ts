/**
 * Manifests meet the cluster in real VS Code, on the seeded platform: the drift lens says how
 * each saved object compares with the cluster, "Diff with Cluster" opens the server-side dry
 * run in a diff editor, and "Apply to Cluster…" applies a hardened manifest through the
 * confirmation (and the conflict step for fields the platform's own tooling owns).
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { restFor } from '../cluster/support/kube';
import {
  contextMenu,
  openFile,
  openShipshape,
  runCommand,
  screenshot,
  setPaneExpanded,
  uiTest,
} from './support/workbench';
import { seededPlatform } from './support/seeded';

const platform = seededPlatform('sync');

const lenses = () => platform.session.page.locator('.contentWidgets .codelens-decoration');

interface Container {
  name: string;
  image: string;
  securityContext?: Record<string, unknown>;
}
const trinoWorker = () =>
  restFor(platform.cluster.kubeconfig).request<{
    spec: { replicas: number; template: { spec: { containers: Container[] } } };
  }>('GET', '/apis/apps/v1/namespaces/data-platform/deployments/trino-worker', { what: 'read' });

uiTest(
  'the drift lens compares each saved object with the cluster',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await openFile(page, 'trino.yaml');
    // The demo manifests are not what runs: trino-worker's image and replicas differ.
    await lenses()
      .filter({ hasText: /In testcluster: differs/ })
      .first()
      .waitFor({ timeout: 60_000 });
    const text = (await lenses().allTextContents()).join(' | ');
    assert.match(text, /In testcluster: differs · fields owned by helm/);
    await screenshot(page, 'sync-drift-lens');
  },
);

uiTest(
  'Harden, then "Diff with Cluster" shows the dry run against the live object',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    const harden = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Harden' });
    const apply = page.locator('.notifications-toasts .monaco-button', { hasText: 'Apply' }).first();
    // The drift lens re-renders the lens row when the watched Deployment changes (the OOMKilled
    // trino-worker's status moves every few seconds): a click that lands as the row is replaced
    // is lost, so click again until the preview asks.
    for (let attempt = 1; ; attempt++) {
      await harden.last().click();
      try {
        await apply.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt === 4) throw error;
      }
    }
    await apply.click();
    await page.locator('.tabs-container .tab', { hasText: 'preview' }).first().waitFor({ state: 'detached' });
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+S');
    // Saved (by us, or by auto save first): the lens and the diff read the file as saved.
    const file = join(platform.workspace, 'data-platform', 'trino.yaml');
    for (
      const deadline = Date.now() + 15_000;
      !readFileSync(file, 'utf8').includes('readOnlyRootFilesystem');
    ) {
      assert.ok(Date.now() < deadline, 'the hardened trino.yaml was saved');
      await new Promise((r) => setTimeout(r, 200));
    }
    await runCommand(page, 'Shipshape: Diff with Cluster');
    const tab = page.locator('.tabs-container .tab', { hasText: /testcluster ↔ after apply/ }).first();
    await tab.waitFor({ timeout: 30_000 });
    // One section per object; trino-worker's modified side carries the hardening.
    await page
      .locator('.monaco-editor .view-lines', { hasText: 'readOnlyRootFilesystem: true' })
      .first()
      .waitFor({ timeout: 15_000 });
    await screenshot(page, 'sync-diff');
    // A dry run changes nothing.
    const live = await trinoWorker();
    assert.equal(
      live.spec.template.spec.containers[0]?.securityContext?.['readOnlyRootFilesystem'],
      undefined,
    );
  },
);

uiTest(
  '"Apply to Cluster…" leaves what Argo CD deploys to it, and asks again before taking over owned fields',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await runCommand(page, 'View: Close All Editors');
    // trino.yaml (hardened above) describes what the Argo CD app data-platform deploys from its chart.
    await openFile(page, 'trino.yaml');
    await runCommand(page, 'Shipshape: Apply to Cluster…');
    await page
      .locator('.notifications-toasts', {
        hasText:
          /nothing applied to testcluster: Deployment data-platform\/trino-coordinator — not applied: managed by Argo CD app data-platform: commit and sync/,
      })
      .first()
      .waitFor({ timeout: 30_000 });
    const untouched = await trinoWorker();
    assert.equal(
      untouched.spec.template.spec.containers[0]?.securityContext?.['readOnlyRootFilesystem'],
      undefined,
    );

    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'dolphinscheduler.yaml');
    await runCommand(page, 'Shipshape: Apply to Cluster…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const first = (await dialog.textContent()) ?? '';
    assert.match(first, /Apply \d object\(s\) from data-platform\/dolphinscheduler\.yaml\?/);
    assert.match(
      first,
      /Deployment data-platform\/dolphinscheduler-api — not applied: managed by Argo CD app data-platform: commit and sync/,
    );
    assert.match(first, /StatefulSet data-platform\/dolphinscheduler-worker — conflicts with/);
    assert.match(first, /Context: testcluster/);
    await screenshot(page, 'sync-apply-confirm');
    await dialog.locator('.monaco-button', { hasText: 'Apply to testcluster' }).click();
    // The second, explicit step names the fields and their owners.
    const second = page.locator('.monaco-dialog-box', { hasText: 'Take over fields other managers own?' });
    await second.waitFor({ timeout: 30_000 });
    assert.match((await second.textContent()) ?? '', /helm owns .*\.spec\.replicas/);
    await screenshot(page, 'sync-apply-conflicts');
    await second.locator('.monaco-button', { hasText: 'Force apply' }).click();
    await page
      .locator('.notifications-toasts', { hasText: /applied to testcluster — .*configured/ })
      .first()
      .waitFor({ timeout: 30_000 });
    const live = await restFor(platform.cluster.kubeconfig).request<{
      spec: { replicas: number; template: { spec: { containers: Container[] } } };
    }>('GET', '/apis/apps/v1/namespaces/data-platform/statefulsets/dolphinscheduler-worker', {
      what: 'read',
    });
    // The live pod template's container has the manifest's name: apply merged into it, not beside it.
    assert.deepEqual(
      live.spec.template.spec.containers.map((c) => c.name),
      ['worker'],
    );
    assert.equal(live.spec.template.spec.containers[0]?.securityContext?.['runAsUser'], 1000);
    assert.equal(live.spec.replicas, 6);
    // The lens re-checks after the apply: the manifest and the cluster now agree.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await lenses()
      .filter({ hasText: /In testcluster: same/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'sync-applied');
  },
);

uiTest(
  'live → manifest: an OOMKilled pod in Problems raises the memory limit in its manifest',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await runCommand(page, 'View: Close All Editors');
    await openShipshape(page);
    await setPaneExpanded(page, 'Clusters', false);
    await setPaneExpanded(page, 'Runbook', false);
    await setPaneExpanded(page, 'Problems', true);
    const problem = page.locator('.monaco-list-row', { hasText: /· mlflow-\S+\s*data-platform ·/ }).first();
    await problem.waitFor({ timeout: 60_000 });
    await contextMenu(page, problem, 'Open Manifest in Workspace');
    await page
      .locator('.tabs-container .tab', { hasText: 'mlflow.yaml' })
      .first()
      .waitFor({ timeout: 30_000 });

    await contextMenu(page, problem, 'Raise Memory Limit in Manifest…');
    const apply = page.locator('.notifications-toasts .monaco-button', { hasText: 'Apply' }).first();
    await apply.waitFor({ timeout: 30_000 });
    assert.match(
      (await page.locator('.notifications-toasts').textContent()) ?? '',
      /Raise app's memory limit 1Gi → 2Gi in mlflow\? The diff shows the change \(1 line\)/,
    );
    await screenshot(page, 'sync-raise-memory-preview');
    await apply.click();
    await page
      // Monaco renders spaces as no-break spaces.
      .locator('.view-lines', { hasText: /limits:\s\{cpu:\s'1',\smemory:\s2Gi\}/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await screenshot(page, 'sync-raise-memory-applied');
  },
);

/** Letters only, so no window of it can occur in ordinary text by chance. */
const secretValue = (tag: string) =>
  `${tag}-${[...randomBytes(24)].map((b) => 'ghjkmnpqrstvwxyz'[b % 16]).join('')}`;
const LIVE_PASSWORD = secretValue('live');
const LIVE_USER = secretValue('user');
const PLANNED_PASSWORD = secretValue('planned');
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** No 8-character window of any value, as written or base64-encoded. */
function assertNoSecret(text: string, where: string, ...values: string[]): void {
  for (const v of values)
    for (const form of [v, b64(v)])
      for (let i = 0; i + 8 <= form.length; i++)
        assert.ok(
          !text.includes(form.slice(i, i + 8)),
          `${where} holds "${form.slice(i, i + 8)}" of a Secret value`,
        );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

uiTest(
  'Diff with Cluster on a live Secret shows *** and never a value; the log holds none either',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await runCommand(page, 'View: Close All Editors');
    await restFor(platform.cluster.kubeconfig).request('POST', '/api/v1/namespaces/data-platform/secrets', {
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'warehouse-credentials' },
        type: 'Opaque',
        data: { password: b64(LIVE_PASSWORD), user: b64(LIVE_USER) },
      },
      what: 'create secret',
    });
    writeFileSync(
      join(platform.workspace, 'data-platform', 'warehouse-credentials.yaml'),
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: warehouse-credentials',
        '  namespace: data-platform',
        'type: Opaque',
        'data:',
        `  password: ${b64(PLANNED_PASSWORD)}`,
        `  user: ${b64(LIVE_USER)}`,
        '',
      ].join('\n'),
    );
    await openFile(page, 'warehouse-credentials.yaml');
    await runCommand(page, 'Shipshape: Diff with Cluster');
    await page
      .locator('.tabs-container .tab', { hasText: /warehouse-credentials: testcluster ↔ after apply/ })
      .first()
      .waitFor({ timeout: 30_000 });
    const diffEditor = page.locator('.monaco-diff-editor').first();
    // Monaco renders spaces as no-break spaces.
    await diffEditor
      .locator('.view-lines', { hasText: /password:\s"?\*\*\*\s\(before\)/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await diffEditor
      .locator('.view-lines', { hasText: /password:\s"?\*\*\*\s\(after\)/ })
      .first()
      .waitFor({ timeout: 15_000 });
    assert.match((await diffEditor.textContent()) ?? '', /user:\s"?\*\*\*/);
    await screenshot(page, 'sync-secret-masked');
    // The manifest's own text holds the planned value; nothing shown from the cluster may.
    assertNoSecret(
      (await diffEditor.textContent()) ?? '',
      'the diff editor',
      LIVE_PASSWORD,
      LIVE_USER,
      PLANNED_PASSWORD,
    );
    assertNoSecret((await page.locator('body').textContent()) ?? '', 'the workbench', LIVE_PASSWORD);

    await runCommand(page, 'Shipshape: Show Log');
    await page
      .locator('.tabs-container .tab, .panel', { hasText: /Shipshape/ })
      .first()
      .waitFor({ timeout: 15_000 });
    const logs = filesUnder(join(platform.session.server.userDataDir, 'logs')).filter((f) =>
      /Shipshape/.test(f),
    );
    assert.ok(logs.length > 0, 'the Shipshape output channel has a log file');
    const logText = logs.map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.match(logText, /connecting to context testcluster/, 'the channel logged this session');
    assertNoSecret(logText, 'the Shipshape output channel', LIVE_PASSWORD, LIVE_USER, PLANNED_PASSWORD);
  },
);
