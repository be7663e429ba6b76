/**
 * `npm run cluster` as a developer uses it: one `ready: <absolute kubeconfig>` line once the
 * seeded scenario is loaded, a working cluster behind it, and a clean stop on SIGTERM (a
 * supervisor) and on Ctrl-C (SIGINT to the terminal's process group) with nothing left running.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/harness/paths';
import { isListening, spawnManaged, waitForLine, type Managed } from '../../scripts/harness/process';
import { restFor } from './support/kube';
import { scratchDir } from '../../scripts/harness/scratch';

async function start(): Promise<{ cluster: Managed; kubeconfig: string; port: number }> {
  const wanted = join(scratchDir('shipshape-npm-cluster-'), 'config');
  const cluster = spawnManaged(
    process.execPath,
    [join(repoRoot, 'scripts', 'cluster.mjs'), '--kubeconfig', wanted],
    {
      cwd: repoRoot,
    },
  );
  const [, kubeconfig = ''] = await waitForLine(cluster, /^ready: (.+)$/m, 300_000, 'npm run cluster');
  assert.ok(isAbsolute(kubeconfig), kubeconfig);
  assert.equal(kubeconfig, wanted);
  const port = Number(/server: https:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1]);
  return { cluster, kubeconfig, port };
}

async function exitOf(cluster: Managed, signal: () => void): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => cluster.child.once('exit', (code) => resolve(code)));
  signal();
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
  assert.notEqual(code, 'hung', 'it stops within a minute');
  return code as number | null;
}

test('npm run cluster: ready line, the seeded platform behind it, a clean stop on SIGTERM', async () => {
  const { cluster, kubeconfig, port } = await start();
  try {
    const namespaces = await restFor(kubeconfig).request<{ items: { metadata: { name: string } }[] }>(
      'GET',
      '/api/v1/namespaces',
      { what: 'list namespaces' },
    );
    for (const ns of ['data-platform', 'kafka', 'ml-platform', 'argocd'])
      assert.ok(
        namespaces.items.some((n) => n.metadata.name === ns),
        ns,
      );
    assert.equal(await exitOf(cluster, () => cluster.child.kill('SIGTERM')), 0);
    assert.equal(await isListening(port), false, 'the API server is gone');
  } finally {
    await cluster.stop();
  }
});

test('npm run cluster: Ctrl-C (SIGINT to the process group) stops it cleanly too', async () => {
  const { cluster, port } = await start();
  try {
    assert.equal(await isListening(port), true);
    assert.equal(await exitOf(cluster, () => process.kill(-(cluster.child.pid ?? 0), 'SIGINT')), 0);
    assert.equal(await isListening(port), false, 'the API server is gone');
  } finally {
    await cluster.stop();
  }
});
