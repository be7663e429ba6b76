import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeLog, applyChanges } from '../../../src/core/analysis/text-changes';

test("a keystroke's changes apply in order, each to the text the ones before left", () => {
  assert.equal(
    applyChanges('abcdef', [
      { start: 4, end: 5, text: 'E' },
      { start: 1, end: 1, text: 'XY' },
    ]),
    'aXYbcdEf',
  );
  assert.throws(() => applyChanges('abc', [{ start: 2, end: 4, text: '' }]), RangeError);
});

test('the change log hands out the changes since the whole text was sent, only when none is missing', () => {
  const log = new ChangeLog();
  log.record('a', 2, [{ rangeOffset: 0, rangeLength: 0, text: 'x' }]);
  assert.equal(log.take('a', 2), undefined, 'no whole text sent yet: nothing to chain on');
  log.sent('a', 2, 'héllo');
  assert.deepEqual(log.take('a', 2), { changes: [], maxBytes: 6 });
  log.record('a', 3, [{ rangeOffset: 5, rangeLength: 0, text: '!' }]);
  log.record('a', 4, [{ rangeOffset: 1, rangeLength: 1, text: 'e' }]);
  assert.equal(log.take('a', 5), undefined, 'a version the log did not see');
  const taken = log.take('a', 4);
  assert.deepEqual(taken?.changes, [
    { start: 5, end: 5, text: '!' },
    { start: 1, end: 2, text: 'e' },
  ]);
  assert.equal(applyChanges('héllo', taken?.changes ?? []), 'hello!');
  // 'é' (two bytes) replaced by 'e' counts as one byte removed: an upper bound, never too small.
  assert.ok((taken?.maxBytes ?? 0) >= 6);
  assert.deepEqual(log.take('a', 4)?.changes, [], 'taken changes are the worker’s');
  log.forget('a');
  assert.equal(log.take('a', 4), undefined);
});

test('a replace-all worth of changes drops the log: the whole text is sent instead', () => {
  const log = new ChangeLog();
  log.sent('a', 1, 'x');
  log.record(
    'a',
    2,
    Array.from({ length: 10_001 }, () => ({ rangeOffset: 0, rangeLength: 0, text: 'y' })),
  );
  assert.equal(log.take('a', 2), undefined);
});
