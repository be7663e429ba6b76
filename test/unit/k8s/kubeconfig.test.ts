/** Contexts read from kubeconfig files: new credentials under the same names must be noticed. */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { contextsOf, loadKubeconfig } from '../../../src/adapters/k8s/kubeconfig';
import { scratchDir } from '../../../scripts/harness/scratch';

function kubeconfig(token: string, server = 'https://10.0.0.1:6443'): string {
  const dir = scratchDir('kc-unit-');
  const path = join(dir, 'config');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: prod',
      'clusters:',
      `- name: prod\n  cluster:\n    server: ${server}`,
      'users:',
      `- name: admin\n  user:\n    token: ${token}`,
      'contexts:',
      '- name: prod\n  context:\n    cluster: prod\n    user: admin',
      '',
    ].join('\n'),
  );
  return path;
}

const credentialsOf = (path: string) => contextsOf(loadKubeconfig([path]))[0]?.credentials;

test('the same kubeconfig entries give the same credentials digest; a new token a different one', () => {
  const first = credentialsOf(kubeconfig('expired-token-1'));
  assert.ok(first);
  assert.equal(credentialsOf(kubeconfig('expired-token-1')), first);
  assert.notEqual(credentialsOf(kubeconfig('renewed-token-2')), first);
  assert.notEqual(credentialsOf(kubeconfig('expired-token-1', 'https://10.0.0.2:6443')), first);
});

test('the digest does not carry the secret', () => {
  const info = contextsOf(loadKubeconfig([kubeconfig('s3cr3t-t0ken')]))[0];
  assert.ok(info);
  assert.doesNotMatch(JSON.stringify(info), /s3cr3t/);
});
