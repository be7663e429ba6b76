/**
 * How the Clusters view follows the kubeconfig in real VS Code: `kubectl config use-context`
 * moves the current context without a reload, a cluster with `insecure-skip-tls-verify` says so,
 * and a credential plugin waiting for a browser sign-in gets a notification that can stop it.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Page } from 'playwright-core';
import { openShipshape, openWorkbench, screenshot, uiTest, type Session } from './support/workbench';
import { scratchDir } from '../../scripts/harness/scratch';

const home = scratchDir('shipshape-e2e-kubeconfig-');
const workspace = scratchDir('shipshape-e2e-workspace-');
const kubeconfig = join(home, 'config');
const plugin = join(home, 'browser-login');
let session: Session;

/** Nothing listens on these ports: the rows show what the kubeconfig says, not cluster health. */
const config = (current: string) => `apiVersion: v1
kind: Config
current-context: ${current}
clusters:
  - {name: lab, cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}}
  - {name: prod, cluster: {server: 'https://127.0.0.1:2'}}
  - {name: sso, cluster: {server: 'https://127.0.0.1:3'}}
users:
  - {name: admin, user: {token: not-a-real-token}}
  - name: sso
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1
        command: ${plugin}
        interactiveMode: IfAvailable
contexts:
  - {name: lab, context: {cluster: lab, user: admin}}
  - {name: prod, context: {cluster: prod, user: admin}}
  - {name: sso, context: {cluster: sso, user: sso}}
`;

const row = (page: Page, label: string) =>
  page
    .locator('.pane-body .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }),
    })
    .first();

before(async () => {
  // A device-code style plugin: instructions on stderr, then it waits for the person.
  writeFileSync(
    plugin,
    '#!/bin/sh\necho "Open https://login.example/device and enter the code WXYZ-1234" >&2\nexec sleep 600\n',
  );
  chmodSync(plugin, 0o755);
  writeFileSync(kubeconfig, config('prod'));
  session = await openWorkbench(workspace, { env: { KUBECONFIG: kubeconfig } });
});
after(async () => {
  await session?.close();
});

uiTest(
  'use-context on disk moves the current context; the insecure cluster says TLS is not verified',
  () => session?.page,
  async () => {
    const { page } = session;
    await openShipshape(page);
    await row(page, 'lab')
      .locator('.label-description', { hasText: 'TLS not verified' })
      .waitFor({ timeout: 30_000 });
    await row(page, 'lab').locator('.codicon-unlock').waitFor();
    await row(page, 'prod').locator('.codicon-cloud').waitFor({ timeout: 30_000 });
    // What `kubectl config use-context sso` writes.
    writeFileSync(kubeconfig, config('sso'));
    await row(page, 'prod').locator('.codicon-server-environment').waitFor({ timeout: 30_000 });
    await screenshot(page, 'kubeconfig-use-context');
  },
);

uiTest(
  'a credential plugin waiting for a sign-in: a notification with its instructions, and Cancel stops it',
  () => session?.page,
  async () => {
    const { page } = session;
    // Expanding sso (now the current context) connects it, which runs the plugin.
    const sso = row(page, 'sso');
    if ((await sso.getAttribute('aria-expanded')) !== 'true') await sso.click();
    const toast = page.locator('.notification-toast', { hasText: 'Signing in to sso' });
    await toast.waitFor({ timeout: 30_000 });
    await toast.locator('text=enter the code WXYZ-1234').first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'kubeconfig-sign-in');
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await row(page, 'sso')
      .locator('.label-description', { hasText: 'sign-in failed' })
      .waitFor({ timeout: 30_000 });
  },
);
