/** Secret values never reach a comparison: masked on both sides as `kubectl diff` does. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareObjects, unifiedDiff } from '../../../src/core/sync/compare';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'shop', resourceVersion: '7' },
  type: 'Opaque',
  data,
  ...extra,
});
const LIVE = 'live-pa55word-Zq8w';
const PLANNED = 'next-pa55word-Kx3v';

/** Every value under test, in every encoding it could be printed in. */
function assertNoValue(text: string, ...values: string[]) {
  for (const v of values)
    for (const form of [v, b64(v)])
      for (let i = 0; i + 6 <= form.length; i++)
        assert.ok(!text.includes(form.slice(i, i + 6)), `"${form.slice(i, i + 6)}" of a value in:\n${text}`);
}

test('a changed value shows as *** (before) / *** (after); an unchanged one as *** on both sides', () => {
  const live = secret({ password: b64(LIVE), user: b64('admin-Qw7') });
  const planned = secret({ password: b64(PLANNED), user: b64('admin-Qw7') });
  const c = compareObjects(live, planned);
  assert.equal(c.state, 'differs');
  assert.match(c.live, /^ {2}password: "?\*\*\* \(before\)"?$/m);
  assert.match(c.planned, /^ {2}password: "?\*\*\* \(after\)"?$/m);
  assert.match(c.live, /^ {2}user: "?\*\*\*"?$/m);
  assert.match(c.planned, /^ {2}user: "?\*\*\*"?$/m);
  const diff = unifiedDiff('Secret shop/db', c);
  assert.match(diff, /^-.*password.*\(before\)/m);
  assert.match(diff, /^\+.*password.*\(after\)/m);
  assert.doesNotMatch(diff, /^[-+].*user/m, 'an unchanged key is not a change');
  assertNoValue(JSON.stringify(c) + diff, LIVE, PLANNED, 'admin-Qw7');
});

test('same values: "same", masked; keys only on one side are *** there', () => {
  const live = secret({ password: b64(LIVE) });
  assert.equal(compareObjects(live, secret({ password: b64(LIVE) })).state, 'same');
  const added = compareObjects(live, secret({ password: b64(LIVE), token: b64(PLANNED) }));
  assert.equal(added.state, 'differs');
  assert.match(added.planned, /^ {2}token: "?\*\*\*"?$/m);
  assert.doesNotMatch(added.live, /token/);
  const removed = compareObjects(secret({ password: b64(LIVE), old: b64(PLANNED) }), live);
  assert.match(removed.live, /^ {2}old: "?\*\*\*"?$/m);
  assertNoValue(JSON.stringify([added, removed]), LIVE, PLANNED);
});

test('stringData and a Secret that would be created are masked too; other kinds are not', () => {
  const sent = secret({ password: b64(LIVE) }, { stringData: { 'config.yaml': `password: ${PLANNED}` } });
  const created = compareObjects(undefined, sent, sent);
  assert.equal(created.state, 'missing');
  assert.match(created.planned, /config\.yaml: "?\*\*\*"?/);
  assertNoValue(JSON.stringify(created) + unifiedDiff('Secret shop/db', created), LIVE, PLANNED);
  const config = { ...secret({ mode: 'fast' }), kind: 'ConfigMap' };
  assert.match(compareObjects(undefined, config).planned, /mode: fast/);
});

test('a malformed data field is masked whole; prototype-like keys are ordinary keys', () => {
  const odd = compareObjects(secret({}, { data: `raw-${LIVE}` }), secret({ constructor: b64(PLANNED) }));
  assertNoValue(JSON.stringify(odd), LIVE, PLANNED);
  assert.match(odd.planned, /constructor: "?\*\*\*"?/);
});
