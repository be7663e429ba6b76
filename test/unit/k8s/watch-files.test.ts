/** The kubeconfig watcher on real files: in-place rewrites, rename-over, creation; no-op writes ignored. */
import * as assert from 'node:assert/strict';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FilesWatcher } from '../../../src/adapters/fs/watch-files';
import { contextsOf, loadKubeconfig } from '../../../src/adapters/k8s/kubeconfig';
import { scratchDir } from '../../../scripts/harness/scratch';

const config = (current: string) =>
  [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${current}`,
    'clusters:',
    '- name: c\n  cluster:\n    server: https://10.0.0.1:6443',
    'users:',
    '- name: u\n  user:\n    token: t',
    'contexts:',
    '- name: prod\n  context:\n    cluster: c\n    user: u',
    '- name: dev\n  context:\n    cluster: c\n    user: u',
    '',
  ].join('\n');

/** Resolves on the next change report (fails the test if none comes). */
function nextChange(changes: (() => void)[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no change reported')), 10_000);
    changes.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

test('use-context written in place, a file renamed over it, and a second KUBECONFIG file created are all seen', async () => {
  const dir = scratchDir('kc-watch-');
  const other = scratchDir('kc-watch-other-');
  const main = join(dir, 'config');
  const second = join(other, 'extra');
  writeFileSync(main, config('prod'));
  const waiting: (() => void)[] = [];
  let reports = 0;
  const watcher = new FilesWatcher(() => {
    reports++;
    waiting.shift()?.();
  }, 50);
  const current = () => contextsOf(loadKubeconfig([main, second])).find((c) => c.current)?.name;
  try {
    watcher.watch([main, second]);
    assert.equal(current(), 'prod');

    let change = nextChange(waiting);
    writeFileSync(main, config('dev')); // what `kubectl config use-context dev` does
    await change;
    assert.equal(current(), 'dev');

    change = nextChange(waiting);
    writeFileSync(join(dir, 'config.tmp'), config('prod'));
    renameSync(join(dir, 'config.tmp'), main); // what editors and cloud CLIs do
    await change;
    assert.equal(current(), 'prod');

    change = nextChange(waiting);
    writeFileSync(second, config('dev'));
    await change;

    // Same bytes again, and an unrelated file beside it: nothing to report.
    const before = reports;
    writeFileSync(main, config('prod'));
    writeFileSync(join(dir, 'unrelated'), 'x');
    // Longer than the debounce, so a report for those writes could not merge with the next one.
    await new Promise((r) => setTimeout(r, 300));
    change = nextChange(waiting);
    writeFileSync(main, config('dev'));
    await change;
    assert.equal(reports, before + 1, 'only the real change was reported');
  } finally {
    watcher.dispose();
    rmSync(dir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});
