/** Exec credential plugins run as real processes: one run per user entry, cached, bounded in time. */
import * as assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ExecCredentials,
  type ExecConfig,
  type SignInPrompt,
} from '../../../src/adapters/k8s/exec-credential';
import { scratchDir } from '../../../scripts/harness/scratch';

const dir = scratchDir('exec-unit-');
let n = 0;

/** A plugin that logs each run to a file, then runs `body` (node). */
function plugin(body: string): { exec: ExecConfig; runs: () => number } {
  const name = `plugin-${++n}`;
  const log = join(dir, `${name}.runs`);
  const js = join(dir, `${name}.js`);
  writeFileSync(js, `${body}\n`);
  const sh = join(dir, name);
  // The run is logged by the shell, before node starts: a loaded machine may take longer than a
  // short timeout to start node, and the kill must still count as a run.
  writeFileSync(sh, `#!/bin/sh\nprintf x >> "${log}"\nexec "${process.execPath}" "${js}" "$@"\n`);
  chmodSync(sh, 0o755);
  const runs = () => {
    try {
      return readFileSync(log, 'utf8').length;
    } catch {
      return 0;
    }
  };
  return {
    exec: { command: sh, apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never' },
    runs,
  };
}

const answer = (status: Record<string, unknown>, delayMs = 100) =>
  `setTimeout(() => process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: ${JSON.stringify(status)} })), ${delayMs});`;

test('callers at once share one run; a credential without expiry is reused until a 401 drops it', async () => {
  const broker = new ExecCredentials();
  const p = plugin(answer({ token: 'abc' }));
  const all = await Promise.all(
    Array.from({ length: 15 }, () => broker.get('sso', p.exec, undefined, 'prod')),
  );
  assert.equal(p.runs(), 1);
  assert.ok(all.every((c) => c.status.token === 'abc'));
  const again = await broker.get('sso', p.exec, undefined, 'prod');
  assert.equal(p.runs(), 1, 'cached');
  broker.invalidate(again);
  await broker.get('sso', p.exec, undefined, 'prod');
  assert.equal(p.runs(), 2, 'a refused credential is fetched anew');
});

test('a credential is kept until its expirationTimestamp, and fetched again after', async () => {
  const broker = new ExecCredentials();
  const later = plugin(
    answer({ token: 'a', expirationTimestamp: new Date(Date.now() + 3600_000).toISOString() }),
  );
  await broker.get('u', later.exec, undefined, 'c');
  await broker.get('u', later.exec, undefined, 'c');
  assert.equal(later.runs(), 1);
  const expired = plugin(
    answer({ token: 'a', expirationTimestamp: new Date(Date.now() - 1000).toISOString() }),
  );
  await broker.get('u', expired.exec, undefined, 'c');
  await broker.get('u', expired.exec, undefined, 'c');
  assert.equal(expired.runs(), 2);
});

test('different user entries do not share a credential', async () => {
  const broker = new ExecCredentials();
  const p = plugin(answer({ token: 'a' }));
  await broker.get('alice', p.exec, undefined, 'c');
  await broker.get('bob', p.exec, undefined, 'c');
  await broker.get('alice', { ...p.exec, args: ['--other'] }, undefined, 'c');
  assert.equal(p.runs(), 3);
});

test('a plugin that never answers is stopped with a plain message; the failure is not cached', async () => {
  const broker = new ExecCredentials();
  const p = plugin('setInterval(() => undefined, 1000);');
  const name = p.exec.command.split('/').pop();
  await assert.rejects(broker.get('u', p.exec, undefined, 'prod', 2000), (e: Error) => {
    assert.equal(e.message, `The credential plugin \`${name}\` did not answer in 2 s (context prod).`);
    assert.equal((e as { kind?: string }).kind, 'unauthorized');
    return true;
  });
  await assert.rejects(broker.get('u', p.exec, undefined, 'prod', 2000));
  assert.equal(p.runs(), 2);
});

test('a failing plugin: its exit code and the last words it wrote, secrets redacted', async () => {
  const broker = new ExecCredentials();
  const p = plugin("process.stderr.write('token: hunter2\\nlogin failed: no network\\n'); process.exit(3);");
  await assert.rejects(broker.get('u', p.exec, undefined, 'prod'), (e: Error) => {
    assert.match(
      e.message,
      /credential plugin `plugin-\d+` failed \(exit code 3\): .*login failed: no network/,
    );
    assert.doesNotMatch(e.message, /hunter2/);
    return true;
  });
  const missing = { command: join(dir, 'no-such-plugin'), installHint: 'Install it with brew.' };
  await assert.rejects(
    broker.get('u', missing, undefined, 'prod'),
    /`no-such-plugin` was not found .*Install it with brew/,
  );
  const junk = plugin("process.stdout.write('not json');");
  await assert.rejects(broker.get('u', junk.exec, undefined, 'prod'), /printed no usable ExecCredential/);
});

test('an interactive plugin that waits for the user raises a sign-in prompt with its instructions; Cancel stops it', async () => {
  const broker = new ExecCredentials();
  const p = plugin(
    "process.stderr.write('Open https://login.example/device and enter code ABCD-EFGH\\n'); setInterval(() => undefined, 1000);",
  );
  const prompts: SignInPrompt[] = [];
  broker.onSignIn((prompt) => prompts.push(prompt));
  const pending = broker.get('u', { ...p.exec, interactiveMode: 'IfAvailable' }, undefined, 'prod');
  while (prompts.length === 0) await new Promise((r) => setTimeout(r, 50));
  const prompt = prompts[0]!;
  assert.equal(prompt.context, 'prod');
  assert.match(prompt.output(), /enter code ABCD-EFGH/);
  prompt.cancel();
  await assert.rejects(pending, /was stopped: sign-in cancelled/);
  await prompt.done;
});

test('the plugin is told, as client-go does, that no terminal is available', async () => {
  const broker = new ExecCredentials();
  const p = plugin(
    "const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO); process.stdout.write(JSON.stringify({ kind: 'ExecCredential', status: { token: String(info.spec.interactive) + ':' + info.apiVersion + ':' + process.env.EXTRA } }));",
  );
  const got = await broker.get('u', { ...p.exec, env: [{ name: 'EXTRA', value: 'yes' }] }, undefined, 'c');
  assert.equal(got.status.token, 'false:client.authentication.k8s.io/v1:yes');
});
