/**
 * Inside a pod, in real VS Code against the real API server and the test cluster's simulated
 * node (tools/testcluster/kubelet.go): Port Forward… from the Clusters tree lands in the status
 * bar and carries HTTP to the pod's port, is offered again after a reload, and stops from the
 * status bar; a Service forward is listed under its context in the Clusters view and stops from
 * there; Open Shell runs a command in the container. The simulated runtime dials a forwarded
 * port on loopback (its pods share the host's network), so this test's HTTP server stands in for
 * the container's process.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { after } from 'node:test';
import type { Page } from 'playwright-core';
import { writeContainerLog } from '../../scripts/harness/pod-logs';
import { namespace, restFor } from '../cluster/support/kube';
import {
  contextMenu,
  openShipshape,
  runCommand,
  screenshot,
  setPaneExpanded,
  uiTest,
} from './support/workbench';
import { seededPlatform } from './support/seeded';
import { expand, reveal, row } from './support/tree';

// The DOM renderer: the terminal's text is then in the page, where the test can read it.
const platform = seededPlatform('pods', { settings: { 'terminal.integrated.gpuAcceleration': 'off' } });

const NS = 'e2e-pods';
const POD = 'web-pf';
let server: http.Server | undefined;
let podPort = 0;

/** The pod and the process behind its port; in the first test, once the platform has started. */
async function createPod(): Promise<void> {
  const listening = http.createServer((_req, res) => res.end(`hello from ${POD}\n`));
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  podPort = (listening.address() as net.AddressInfo).port;
  const rest = restFor(platform.cluster.kubeconfig);
  await namespace(rest, NS);
  const pod = await rest.request<Record<string, unknown>>('POST', `/api/v1/namespaces/${NS}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: POD, namespace: NS },
      spec: {
        // A seeded node: the simulated kubelet serves it.
        nodeName: 'k8s-worker',
        containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: podPort }] }],
      },
    },
    what: 'create pod',
  });
  await rest.request('PUT', `/api/v1/namespaces/${NS}/pods/${POD}/status`, {
    body: {
      ...pod,
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            image: 'nginx:1.27',
            imageID: '',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: new Date().toISOString() } },
          },
        ],
      },
    },
    what: 'write pod status',
  });
}

after(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function showPod(page: Page): Promise<void> {
  await openShipshape(page);
  for (const name of ['Problems', 'Runbook']) await setPaneExpanded(page, name, false);
  await setPaneExpanded(page, 'Clusters', true);
  await row(page, 'testcluster').waitFor({ timeout: 60_000 });
  await expand(page, NS);
  await expand(page, 'Pods without controller');
  await reveal(page, POD);
}

/** GET through the forward, again while the first connection is still being set up. */
async function get(port: number): Promise<string> {
  let last: unknown;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      return await res.text();
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  throw last;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const forwardItem = (page: Page) =>
  page.locator('.statusbar-item', { hasText: new RegExp(`\\d+→${POD}:${podPort}`) }).first();

async function forwardedPort(page: Page): Promise<number> {
  const text = (await forwardItem(page).textContent()) ?? '';
  const local = Number(new RegExp(`(\\d+)→${POD}`).exec(text)?.[1]);
  assert.ok(local > 0, text);
  return local;
}

uiTest(
  'Port Forward… from the tree: in the status bar, HTTP answered by the pod, another local port when taken',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await createPod();
    await showPod(page);
    assert.equal(await forwardItem(page).count(), 0, 'no forward before');
    await contextMenu(page, row(page, POD), 'Port Forward…');
    const input = page.locator('.quick-input-widget input');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: String(podPort) })
      .first()
      .click({ timeout: 15_000 });
    // The local port offered is the pod's port, which this test's server holds on the host.
    await page.waitForFunction(
      (p) => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value === p,
      String(podPort),
    );
    await input.press('Enter');
    await page
      .locator('.notification-toast', { hasText: `local port ${podPort} is in use` })
      .first()
      .waitFor({ timeout: 30_000 });
    await forwardItem(page).waitFor({ timeout: 30_000 });
    const local = await forwardedPort(page);
    assert.notEqual(local, podPort);
    assert.equal(await get(local), `hello from ${POD}\n`);
    await screenshot(page, 'pods-port-forward');
  },
);

uiTest(
  'after a reload the forward is offered again; the status bar stops it',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await runCommand(page, 'Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const offer = page
      .locator('.notification-toast', { hasText: 'restore 1 port-forward on testcluster' })
      .first();
    await offer.waitFor({ timeout: 120_000 });
    await offer.locator('.monaco-button', { hasText: 'Restore' }).click();
    await forwardItem(page).waitFor({ timeout: 30_000 });
    const local = await forwardedPort(page);
    assert.equal(await get(local), `hello from ${POD}\n`);

    await forwardItem(page).click();
    const actions = page.locator('.quick-input-list .monaco-list-row');
    await actions.filter({ hasText: 'Open in Browser' }).first().waitFor({ timeout: 15_000 });
    await actions.filter({ hasText: 'Copy Address' }).first().waitFor();
    await screenshot(page, 'pods-port-forward-actions');
    await actions.filter({ hasText: 'Stop' }).first().click();
    await forwardItem(page).waitFor({ state: 'detached', timeout: 30_000 });
    // Nothing listens there any more (a fresh connection each time: fetch would reuse one).
    for (const deadline = Date.now() + 30_000; await accepts(local);) {
      assert.ok(Date.now() < deadline, `127.0.0.1:${local} still accepts connections`);
      await new Promise((r) => setTimeout(r, 500));
    }
  },
);

uiTest(
  'Open Shell: a terminal in the container runs what is typed',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await showPod(page);
    await contextMenu(page, row(page, POD), 'Open Shell');
    const rows = page.locator('.xterm-rows').first();
    await rows.waitFor({ timeout: 30_000 });
    const text = async () => ((await rows.textContent()) ?? '').replace(/\s+/g, ' ');
    // A prompt first: the shell is running.
    for (const deadline = Date.now() + 60_000; !/[$#]$/.test((await text()).trim());) {
      assert.ok(Date.now() < deadline, `a prompt in the terminal: ${await text()}`);
      await page.waitForTimeout(500);
    }
    // Keys go to xterm's own input element (what a click on the terminal focuses).
    await page.locator('.xterm-helper-textarea').first().focus();
    // $HOSTNAME is the pod's name in the simulated container; the echo proves the shell ran it.
    await page.keyboard.type('echo "pod=$HOSTNAME"\n');
    for (const deadline = Date.now() + 60_000; !(await text()).includes(`pod=${POD}`);) {
      assert.ok(Date.now() < deadline, `the command's output in the terminal: ${await text()}`);
      await page.waitForTimeout(500);
    }
    await screenshot(page, 'pods-shell');
  },
);

/**
 * Expands a namespace the test just filled, once the tree counts its pods, and again if a refresh
 * of the tree swallowed the click (the rows are re-rendered on every batch of watch events).
 */
async function expandFilled(page: Page, ns: string, pods: number): Promise<void> {
  await reveal(page, ns);
  await page
    .locator('.pane-body .monaco-list-row', { hasText: new RegExp(`${ns}.*\\b${pods} pods`) })
    .first()
    .waitFor({ timeout: 60_000 });
  const r = row(page, ns);
  for (const deadline = Date.now() + 60_000; (await r.getAttribute('aria-expanded')) !== 'true';) {
    assert.ok(Date.now() < deadline, `${ns} expands`);
    await r.click();
    // The keyboard's way too: on a selected row, Right expands it.
    if ((await r.getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(1000);
  }
}

const SVC_NS = 'e2e-svc';

/** Two ready pods behind Service `web`; its targetPort `http` is each pod's own server here. */
async function createService(): Promise<void> {
  const rest = restFor(platform.cluster.kubeconfig);
  await namespace(rest, SVC_NS);
  for (const name of ['web-a', 'web-b']) {
    const listening = http.createServer((_req, res) => res.end(`hello from ${name}\n`));
    serviceServers.push(listening);
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const port = (listening.address() as net.AddressInfo).port;
    await rest.request('POST', `/api/v1/namespaces/${SVC_NS}/pods`, {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: SVC_NS, labels: { app: 'web' } },
        spec: {
          nodeName: 'k8s-worker',
          containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: port }] }],
        },
      },
      what: 'create pod',
    });
    await rest.request('PATCH', `/api/v1/namespaces/${SVC_NS}/pods/${name}/status`, {
      body: {
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            {
              name: 'app',
              image: 'nginx:1.27',
              imageID: '',
              ready: true,
              restartCount: 0,
              state: { running: { startedAt: new Date().toISOString() } },
            },
          ],
        },
      },
      contentType: 'application/merge-patch+json',
      what: 'write pod status',
    });
  }
  await rest.request('POST', `/api/v1/namespaces/${SVC_NS}/services`, {
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: SVC_NS },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    what: 'create service',
  });
  rest.dispose();
}

const serviceServers: http.Server[] = [];
after(() => {
  for (const s of serviceServers) s.close();
});

/**
 * GET on a new connection: fetch keeps its connection, and a kept connection stays with the pod
 * it was made to (the simulated node does not cut forwarded streams when a pod is deleted).
 */
const getFresh = (port: number) =>
  new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });

const serviceItem = (page: Page) =>
  page.locator('.statusbar-item', { hasText: /\d+→svc\/web:80 \(/ }).first();

/** The forward's row in the Clusters view, under its context's "Port forwards (N)". */
const forwardRow = (page: Page, local: number, pod: string) =>
  page
    .locator('.pane-body .monaco-list-row', {
      has: page.locator('.label-name', { hasText: `127.0.0.1:${local} → svc/web:80 (pod ${pod})` }),
    })
    .first();

const FORWARDS_GROUP = 'Port forwards \\(1\\)';

uiTest(
  'Port Forward… on a Service: the status bar and the Clusters view name its pod; when that pod is deleted, the same port reaches the other; Stop from the tree',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await createService();
    await openShipshape(page);
    for (const name of ['Problems', 'Runbook']) await setPaneExpanded(page, name, false);
    await setPaneExpanded(page, 'Clusters', true);
    await row(page, 'testcluster').waitFor({ timeout: 60_000 });
    await expandFilled(page, SVC_NS, 2);
    // Listed only while the context has forwards (the pod's forward stopped in an earlier test).
    assert.equal(await row(page, FORWARDS_GROUP).count(), 0, 'no forwards listed before');
    await expand(page, 'Services');
    await reveal(page, 'web');
    await contextMenu(page, row(page, 'web'), 'Port Forward…');
    // One Service port: straight to the local port, offered as 80; any free one instead.
    const input = page.locator('.quick-input-widget input');
    await page.waitForFunction(
      () => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value === '80',
    );
    await input.fill('0');
    await input.press('Enter');
    await serviceItem(page).waitFor({ timeout: 30_000 });
    const text = (await serviceItem(page).textContent()) ?? '';
    const match = /(\d+)→svc\/web:80 \((web-[ab])\)/.exec(text);
    assert.ok(match, text);
    const local = Number(match[1]);
    const first = match[2] ?? '';
    assert.equal(await getFresh(local), `hello from ${first}\n`);
    await screenshot(page, 'pods-port-forward-service');
    // Also under the context in the Clusters view, in the status bar's words.
    await reveal(page, FORWARDS_GROUP);
    await forwardRow(page, local, first).waitFor({ timeout: 30_000 });

    const other = first === 'web-a' ? 'web-b' : 'web-a';
    const rest = restFor(platform.cluster.kubeconfig);
    await rest.request('DELETE', `/api/v1/namespaces/${SVC_NS}/pods/${first}`, {
      query: { gracePeriodSeconds: 0 },
      what: 'delete pod',
    });
    rest.dispose();
    // The status bar follows the watch: the next connection's pod, before one is made.
    await page
      .locator('.statusbar-item', { hasText: `${local}→svc/web:80 (${other})` })
      .first()
      .waitFor({ timeout: 60_000 });
    assert.equal(await getFresh(local), `hello from ${other}\n`);

    // The Clusters view follows the move too, and stops the forward from its row.
    await reveal(page, FORWARDS_GROUP);
    const moved = forwardRow(page, local, other);
    await moved.waitFor({ timeout: 60_000 });
    await moved.hover();
    await screenshot(page, 'pods-port-forward-tree');
    await contextMenu(page, moved, 'Stop Port Forward');
    await serviceItem(page).waitFor({ state: 'detached', timeout: 30_000 });
    await row(page, FORWARDS_GROUP).waitFor({ state: 'detached', timeout: 30_000 });
    for (const deadline = Date.now() + 30_000; await accepts(local);) {
      assert.ok(Date.now() < deadline, `127.0.0.1:${local} still accepts connections`);
      await new Promise((r) => setTimeout(r, 500));
    }
  },
);

const LOG_NS = 'e2e-logs';

/** StatefulSet `api` with two running pods on a seeded node, each with a line in its log. */
async function createStatefulSet(): Promise<void> {
  const rest = restFor(platform.cluster.kubeconfig);
  await namespace(rest, LOG_NS);
  const labels = { app: 'api' };
  const container = { name: 'app', image: 'nginx:1.27' };
  const sts = await rest.request<{ metadata: { uid: string } }>(
    'POST',
    `/apis/apps/v1/namespaces/${LOG_NS}/statefulsets`,
    {
      body: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'api', namespace: LOG_NS },
        spec: {
          replicas: 2,
          serviceName: 'api',
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [container] } },
        },
      },
      what: 'create statefulset',
    },
  );
  for (const name of ['api-0', 'api-1']) {
    await rest.request('POST', `/api/v1/namespaces/${LOG_NS}/pods`, {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: LOG_NS,
          labels,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'StatefulSet',
              name: 'api',
              uid: sts.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: { nodeName: 'k8s-worker', containers: [container] },
      },
      what: 'create pod',
    });
    await rest.request('PATCH', `/api/v1/namespaces/${LOG_NS}/pods/${name}/status`, {
      body: {
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            {
              ...container,
              imageID: '',
              ready: true,
              restartCount: 0,
              state: { running: { startedAt: new Date().toISOString() } },
            },
          ],
        },
      },
      contentType: 'application/merge-patch+json',
      what: 'write pod status',
    });
    writeContainerLog(platform.cluster.cluster.podLogs, { namespace: LOG_NS, name, container: 'app' }, [
      `${name} says hello`,
    ]);
  }
  rest.dispose();
}

/** An output panel line (the editor renders spaces as non-breaking ones). */
const panelLine = (page: Page, line: string) =>
  page
    .locator('.part.panel .monaco-editor .view-lines', {
      hasText: new RegExp(line.replace(/[[\]]/g, '\\$&').replace(/ /g, '\\s')),
    })
    .first();

uiTest(
  'Show Logs (all pods) on a StatefulSet: each pod’s lines behind its name, new lines as they are written',
  () => platform.page,
  async () => {
    const { page } = platform.session;
    await createStatefulSet();
    await openShipshape(page);
    for (const name of ['Problems', 'Runbook']) await setPaneExpanded(page, name, false);
    await setPaneExpanded(page, 'Clusters', true);
    await row(page, 'testcluster').waitFor({ timeout: 60_000 });
    await expandFilled(page, LOG_NS, 2);
    await expand(page, 'StatefulSets');
    await reveal(page, 'api');
    await contextMenu(page, row(page, 'api'), 'Show Logs (all pods)');
    await panelLine(page, '[api-0] api-0 says hello').waitFor({ timeout: 60_000 });
    await panelLine(page, '[api-1] api-1 says hello').waitFor({ timeout: 60_000 });
    writeContainerLog(
      platform.cluster.cluster.podLogs,
      { namespace: LOG_NS, name: 'api-1', container: 'app' },
      ['api-1 later'],
    );
    await panelLine(page, '[api-1] api-1 later').waitFor({ timeout: 60_000 });
    await screenshot(page, 'pods-workload-logs');
  },
);
