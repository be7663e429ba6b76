/**
 * Context rows after a kubeconfig change on disk: the current context follows
 * (`kubectl config use-context`), live connections of unchanged contexts are kept, and
 * `insecure-skip-tls-verify` is said on the row.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { contextsOf, loadKubeconfig } from '../../../src/adapters/k8s/kubeconfig';
import { INSECURE_TLS, contextNotes, insecureLogLine } from '../../../src/services/clusters/context-notes';
import { contextSources } from '../../../src/services/clusters/context-sources';
import type { Source } from '../../../src/services/clusters/sources';
import { scratchDir } from '../../../scripts/harness/scratch';

function kubeconfig(current: string, insecure = false): string {
  const path = join(scratchDir('kc-ctx-'), 'config');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${current}`,
      'clusters:',
      `- name: prod\n  cluster:\n    server: https://10.0.0.1:6443${insecure ? '\n    insecure-skip-tls-verify: true' : ''}`,
      '- name: dev\n  cluster:\n    server: https://10.0.0.2:6443',
      'users:',
      '- name: admin\n  user:\n    token: t0ken',
      'contexts:',
      '- name: prod\n  context:\n    cluster: prod\n    user: admin',
      '- name: dev\n  context:\n    cluster: dev\n    user: admin',
      '',
    ].join('\n'),
  );
  return path;
}

const contexts = (path: string) => contextsOf(loadKubeconfig([path]));
const options = { trusted: true, fromWorkspace: false };

test('after use-context the current context moves while the connected rows stay the same objects', () => {
  const first = contextSources(new Map(), contexts(kubeconfig('prod')), options).next;
  assert.deepEqual(
    first.filter((s) => s.context?.current).map((s) => s.label),
    ['prod'],
  );
  const live = { dispose: () => undefined } as unknown as NonNullable<Source['connection']>;
  for (const s of first) s.connection = live;
  const { next, replaced } = contextSources(
    new Map(first.map((s) => [s.id, s])),
    contexts(kubeconfig('dev')),
    options,
  );
  assert.deepEqual(
    next.filter((s) => s.context?.current).map((s) => s.label),
    ['dev'],
  );
  assert.deepEqual(replaced, []);
  assert.ok(
    next.every((s, i) => s === first[i] && s.connection === live),
    'connections kept',
  );
});

test('insecure-skip-tls-verify: read from the kubeconfig, said on the row and in one log line', () => {
  const [prod, dev] = contexts(kubeconfig('prod', true));
  assert.ok(prod);
  assert.equal(prod.insecure, true);
  assert.equal(dev?.insecure, false);
  const notes = contextNotes(prod);
  assert.equal(notes.warning, true);
  assert.equal(notes.description, 'TLS not verified');
  assert.match(notes.tooltip.join('\n'), /^TLS verification is off for this cluster/);
  assert.equal(INSECURE_TLS, 'TLS verification is off for this cluster');
  assert.deepEqual(contextNotes(dev), { tooltip: [], warning: false });
  assert.match(insecureLogLine(prod), /context prod: TLS verification is off .*https:\/\/10\.0\.0\.1:6443/);
});

test('granting workspace trust makes a kept (connected) context row writable at once', () => {
  const path = kubeconfig('prod');
  const untrusted = contextSources(new Map(), contexts(path), { trusted: false, fromWorkspace: false }).next;
  assert.ok(untrusted.every((s) => s.readonly));
  const { next } = contextSources(new Map(untrusted.map((s) => [s.id, s])), contexts(path), options);
  assert.ok(next.every((s, i) => s === untrusted[i] && !s.readonly));
});
