/**
 * Broken kubeconfigs read by the real loader: the message users see (Clusters view, warnings,
 * CLI) names the file and the position, and holds no fragment of a credential.
 */
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fromNetwork } from '../../../src/adapters/k8s/errors';
import { loadKubeconfig } from '../../../src/adapters/k8s/kubeconfig';
import { redact } from '../../../src/core/log';
import { scratchDir } from '../../../scripts/harness/scratch';

const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IkFCQyJ9.c2VjcmV0LXBheWxvYWQ.Qm9ndXNTaWduYXR1cmU';
const KEY_DATA = 'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2Z0lCQURBTkJna3Foa2lHOXcwQkFRRUZBQVND';
const ENV_SECRET = 'Zk9vQmFyU2VjcmV0VmFsdWUxMjM0NTY3ODkw';
const PASSWORD = 'Hunter2Correct9Horse';

function messageFor(users: string): string {
  const dir = scratchDir('kc-redact-');
  const path = join(dir, 'config');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: x',
      'clusters:',
      '- name: c',
      '  cluster: {server: "https://10.0.0.1:6443"}',
      'users:',
      users,
      'contexts:',
      '- name: x',
      '  context: {cluster: c, user: u}',
      '',
    ].join('\n'),
  );
  try {
    loadKubeconfig([path]);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('the kubeconfig should not load');
}

function assertNoFragment(text: string, ...values: string[]) {
  for (const v of values)
    for (let i = 0; i + 8 <= v.length; i++)
      assert.ok(!text.includes(v.slice(i, i + 8)), `"${v.slice(i, i + 8)}" of a credential in:\n${text}`);
}

test('a parse error next to a token or key data says where, without the credential', () => {
  const message = messageFor(
    ['- name: u', '  user:', `    token: ${TOKEN}`, `   client-key-data: ${KEY_DATA}`].join('\n'),
  );
  assert.match(message, /kubeconfig .*config could not be read: bad indentation/);
  assert.match(message, /\(\d+:\d+\)/, 'the position stays');
  assertNoFragment(message, TOKEN, KEY_DATA);
});

test('a credential on a continuation line or under an unrelated key is not quoted either', () => {
  const folded = messageFor(
    ['- name: u', '  user:', '    client-key-data: >-', `      ${KEY_DATA}`, '   oops: x'].join('\n'),
  );
  assertNoFragment(folded, KEY_DATA);
  const env = messageFor(
    [
      '- name: u',
      '  user:',
      '    exec:',
      '      command: kubelogin',
      '      env:',
      '      - name: AZURE_CLIENT',
      `        value: ${ENV_SECRET}`,
      '       bad: indentation',
    ].join('\n'),
  );
  assertNoFragment(env, ENV_SECRET);
  const duplicate = messageFor(
    ['- name: u', '  user:', `    password: ${PASSWORD}`, `    password: ${PASSWORD}`].join('\n'),
  );
  assert.match(duplicate, /duplicate/i);
  assertNoFragment(duplicate, PASSWORD);
});

test('redact: URL credentials, bare tokens and key data in any user-facing string', () => {
  assert.equal(
    redact('https://admin:s3cret@10.0.0.1:6443 as admin'),
    'https://<redacted>@10.0.0.1:6443 as admin',
  );
  assertNoFragment(redact(`Cannot authenticate: plugin printed ${TOKEN}`), TOKEN);
  assertNoFragment(redact(`x ${KEY_DATA} y`), KEY_DATA);
  // Ordinary text survives: paths, names, digests, uids.
  for (const plain of [
    'The kubeconfig /home/ops/.kube/config could not be read',
    'image sha256:4b2c9f0e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c',
    'pod data-platform/kafka-broker-0-5d8f9c7b6-abcde (uid 0b9c1f4e-8d7a-4b5c-9d3e-2f1a0b9c8d7e)',
    'bad indentation of a mapping entry (10:4)',
  ])
    assert.equal(redact(plain), plain);
});

test('a network error names the server without the credentials a URL may carry', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  const message = fromNetwork(refused, `https://admin:${PASSWORD}@10.0.0.1:6443`).message;
  assert.match(message, /Cannot reach the cluster at https:\/\/<redacted>@10\.0\.0\.1:6443/);
  assertNoFragment(message, PASSWORD);
  const slow = Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
  assertNoFragment(fromNetwork(slow, `https://admin:${PASSWORD}@10.0.0.1:6443`).message, PASSWORD);
});
