/** The CLI's default worker count follows the corpus size and the cores (issue 18). */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadsFor } from '../../src/cli/analyse';

const MB = 1024 * 1024;

test('two cores: one thread, whatever the size (a second one doubles memory for a quarter of the time)', () => {
  assert.equal(threadsFor(0.7 * MB, 2), 1);
  assert.equal(threadsFor(5.8 * MB, 2), 1);
  assert.equal(threadsFor(20 * MB, 2), 1);
  assert.equal(threadsFor(20 * MB, 1), 1);
});

test('more cores: about one worker per MB of YAML, never more than the cores', () => {
  assert.equal(threadsFor(0.2 * MB, 8), 1);
  assert.equal(threadsFor(3.5 * MB, 8), 3);
  assert.equal(threadsFor(64 * MB, 8), 8);
});
