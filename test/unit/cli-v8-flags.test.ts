/** dist/cli.js tunes V8 for a short, cold run (issue 18), unless the user tuned it. */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliV8Flags, INTERRUPT_BUDGET } from '../../src/cli/v8-flags';

test('a CLI run raises the interrupt budget', () => {
  assert.deepEqual(cliV8Flags([], undefined), [`--interrupt-budget=${INTERRUPT_BUDGET}`]);
  assert.deepEqual(cliV8Flags(['--max-old-space-size=4096'], '--enable-source-maps'), [
    `--interrupt-budget=${INTERRUPT_BUDGET}`,
  ]);
});

test("the user's own interrupt budget is left alone, given to node or in NODE_OPTIONS", () => {
  assert.deepEqual(cliV8Flags(['--interrupt-budget=1000'], undefined), []);
  assert.deepEqual(cliV8Flags([], '--max-old-space-size=4096 --interrupt-budget=1000'), []);
});
