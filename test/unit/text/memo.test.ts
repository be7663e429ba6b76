import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoByText } from '../../../src/core/text/memo';

test('memoByText computes a text once and forgets the least recently used beyond its size', () => {
  const computed: string[] = [];
  const length = memoByText(2, (text) => {
    computed.push(text);
    return { length: text.length };
  });
  const a = length('a');
  assert.equal(length('a'), a);
  length('bb');
  length('a'); // a is now the most recently used: ccc pushes bb out
  length('ccc');
  length('a');
  length('bb');
  assert.deepEqual(computed, ['a', 'bb', 'ccc', 'bb']);
});
