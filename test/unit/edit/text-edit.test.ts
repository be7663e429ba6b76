import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, changedLineCount } from '../../../src/core/edit/text-edit';

const text = 'a: 1\nlimits: {memory: 1Gi}\nb: 2\n';

test('changed lines: an in-line replacement is one line, not zero', () => {
  const at = text.indexOf('1Gi');
  const edits = [{ start: at, end: at + 3, text: '2Gi' }];
  assert.equal(applyEdits(text, edits), 'a: 1\nlimits: {memory: 2Gi}\nb: 2\n');
  assert.equal(changedLineCount(text, edits), 1);
});

test('changed lines: inserted blocks and deleted lines count what they add or remove', () => {
  const end = text.length;
  assert.equal(changedLineCount(text, [{ start: end, end, text: 'c: 3\nd: 4\ne: 5\n' }]), 3);
  assert.equal(changedLineCount(text, [{ start: 0, end: text.indexOf('b:'), text: '' }]), 2);
  const two = [
    { start: 0, end: 1, text: 'x' },
    { start: end, end, text: 'c: 3\n' },
  ];
  assert.equal(changedLineCount(text, two), 2);
  assert.equal(changedLineCount(text, []), 0);
});
