/**
 * A real Secret against the real API server: the comparison Diff with Cluster opens, the apply
 * summary lines and `shipshape diff`'s output hold no byte of its values, base64 or decoded.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Discovery, applyInspected, inspect, type SyncContext } from '../../src/adapters/k8s/sync';
import { diff } from '../../src/cli/diff';
import { unifiedDiff } from '../../src/core/sync/compare';
import { planLine } from '../../src/core/sync/inspection';
import { applyTargets, type ApplyTarget } from '../../src/core/sync/targets';
import { parseManifestFile } from '../../src/core/yaml/parse';
import { startTestCluster, type TestCluster } from '../../scripts/harness/testcluster';
import { namespace, restFor } from './support/kube';
import { scratchDir } from '../../scripts/harness/scratch';

/** Letters only, so no window of it can occur in ordinary YAML by chance. */
const secretValue = (tag: string) =>
  `${tag}-${[...randomBytes(24)].map((b) => 'ghjkmnpqrstvwxyz'[b % 16]).join('')}`;
const LIVE = secretValue('live');
const LIVE_TOKEN = secretValue('token');
const PLANNED = secretValue('planned');
const b64 = (s: string) => Buffer.from(s).toString('base64');

function assertNoValue(text: string, ...values: string[]) {
  for (const v of values)
    for (const form of [v, b64(v)])
      for (let i = 0; i + 8 <= form.length; i++)
        assert.ok(
          !text.includes(form.slice(i, i + 8)),
          `"${form.slice(i, i + 8)}" of a Secret value in:\n${text}`,
        );
}

let cluster: TestCluster;
let ctx: SyncContext;
before(async () => {
  cluster = await startTestCluster();
  const rest = restFor(cluster.kubeconfig);
  await namespace(rest, 'vault');
  await rest.request('POST', '/api/v1/namespaces/vault/secrets', {
    body: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      type: 'Opaque',
      data: { password: b64(LIVE), token: b64(LIVE_TOKEN) },
    },
    what: 'create secret',
  });
  ctx = { rest, discovery: new Discovery(rest), defaultNamespace: 'vault' };
});
after(async () => {
  ctx?.rest.dispose();
  await cluster?.stop();
});

const manifest = (password: string, extra = '') => `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: vault
type: Opaque
data:
  password: ${b64(password)}
  token: ${b64(LIVE_TOKEN)}
${extra}`;

function target(text: string): ApplyTarget {
  const set = applyTargets(parseManifestFile(text));
  assert.ok('targets' in set && set.targets[0]);
  return set.targets[0];
}

test('Diff with Cluster on a live Secret: keys shown, values masked as kubectl diff does', async () => {
  const changed = await inspect(ctx, target(manifest(PLANNED)));
  assert.ok(changed.state === 'differs' || changed.state === 'conflict', changed.message);
  const comparison = changed.comparison;
  assert.ok(comparison);
  assert.match(comparison.live, /password: "?\*\*\* \(before\)"?/);
  assert.match(comparison.planned, /password: "?\*\*\* \(after\)"?/);
  assert.match(comparison.live, /token: "?\*\*\*"?$/m);
  // What the editor's diff documents are built from, and what any log line is built from.
  const shown = [JSON.stringify(comparison), unifiedDiff(changed.label, comparison), planLine(changed)];
  assertNoValue(shown.join('\n'), LIVE, LIVE_TOKEN, PLANNED);

  const same = await inspect(ctx, target(manifest(LIVE)));
  assert.equal(same.state, 'same', same.message);
  assertNoValue(JSON.stringify(same.comparison), LIVE, LIVE_TOKEN);
  // An unchanged apply reports the outcome only.
  assertNoValue(JSON.stringify(await applyInspected(ctx, same, false)), LIVE, LIVE_TOKEN);

  const withStringData = await inspect(ctx, target(manifest(LIVE, `stringData:\n  extra: ${PLANNED}\n`)));
  assert.ok(withStringData.comparison, withStringData.message);
  assert.match(withStringData.comparison.planned, /extra: "?\*\*\*"?/);
  assertNoValue(JSON.stringify(withStringData.comparison), LIVE, LIVE_TOKEN, PLANNED);
});

test('shipshape diff on a live Secret prints the changed key, never a value', async () => {
  const dir = scratchDir('shipshape-secret-');
  writeFileSync(join(dir, 'db.yaml'), manifest(PLANNED));
  let stdout = '';
  let stderr = '';
  const code = await diff(
    [dir, '--kubeconfig', cluster.kubeconfig],
    (s) => (stdout += s),
    (s) => (stderr += s),
  );
  assert.equal(code, 1, stderr);
  assert.match(stdout, /^-\s+password: "?\*\*\* \(before\)"?$/m);
  assert.match(stdout, /^\+\s+password: "?\*\*\* \(after\)"?$/m);
  assertNoValue(stdout + stderr, LIVE, LIVE_TOKEN, PLANNED);
});
