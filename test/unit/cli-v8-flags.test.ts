/** dist/cli.js tunes V8 for a short, cold run (issue 18), unless the user tuned it. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cliV8Flags,
  HEAP_GROWING_PERCENT,
  inputV8Flags,
  INTERRUPT_BUDGET,
  SHORT_RUN_BYTES,
  startV8Flags,
} from '../../src/cli/v8-flags';

const budget = `--interrupt-budget=${INTERRUPT_BUDGET}`;
const growing = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;

test('a CLI run raises the interrupt budget and bounds heap growth', () => {
  assert.deepEqual(cliV8Flags([], undefined), [budget, growing]);
  assert.deepEqual(cliV8Flags(['--max-old-space-size=4096'], '--enable-source-maps'), [budget, growing]);
});

test('a short run keeps the young generation at its size; the start flags put it back for the code cache', () => {
  assert.deepEqual(inputV8Flags(SHORT_RUN_BYTES, [], undefined), ['--semi-space-growth-factor=1']);
  assert.deepEqual(inputV8Flags(SHORT_RUN_BYTES + 1, [], undefined), []);
  assert.deepEqual(inputV8Flags(1, [], '--semi-space-growth-factor=4'), []);
  assert.deepEqual(startV8Flags([], undefined), [budget, growing, '--semi-space-growth-factor=2']);
  assert.deepEqual(startV8Flags(['--semi-space-growth-factor=4'], undefined), [budget, growing]);
});

test("the user's own V8 settings are left alone, given to node or in NODE_OPTIONS", () => {
  assert.deepEqual(cliV8Flags(['--interrupt-budget=1000'], undefined), [growing]);
  assert.deepEqual(cliV8Flags([], '--max-old-space-size=4096 --interrupt-budget=1000'), [growing]);
  assert.deepEqual(cliV8Flags(['--heap-growing-percent=300'], '--interrupt-budget=1000'), []);
});
