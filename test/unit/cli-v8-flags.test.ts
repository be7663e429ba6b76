/** dist/cli.js tunes V8 for a short, cold run (issue 18), unless the user tuned it. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cliV8Flags,
  HEAP_GROWING_PERCENT,
  inputV8Flags,
  INTERRUPT_BUDGET,
  SHORT_RUN_BYTES,
} from '../../src/cli/v8-flags';

const budget = `--interrupt-budget=${INTERRUPT_BUDGET}`;
const growing = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
const young = '--semi-space-growth-factor=1';

test('a CLI run raises the interrupt budget, bounds heap growth and keeps the young generation small', () => {
  assert.deepEqual(cliV8Flags([], undefined), [budget, growing, young]);
  assert.deepEqual(cliV8Flags(['--max-old-space-size=4096'], '--enable-source-maps'), [
    budget,
    growing,
    young,
  ]);
});

test('a run with more input than a short one lets the young generation grow again', () => {
  assert.deepEqual(inputV8Flags(SHORT_RUN_BYTES, [], undefined), []);
  assert.deepEqual(inputV8Flags(SHORT_RUN_BYTES + 1, [], undefined), ['--semi-space-growth-factor=2']);
  assert.deepEqual(inputV8Flags(SHORT_RUN_BYTES + 1, [], '--semi-space-growth-factor=4'), []);
});

test("the user's own V8 settings are left alone, given to node or in NODE_OPTIONS", () => {
  assert.deepEqual(cliV8Flags(['--interrupt-budget=1000'], undefined), [growing, young]);
  assert.deepEqual(cliV8Flags([], '--max-old-space-size=4096 --interrupt-budget=1000'), [growing, young]);
  assert.deepEqual(
    cliV8Flags(['--heap-growing-percent=300'], '--interrupt-budget=1000 --semi-space-growth-factor=3'),
    [],
  );
});
