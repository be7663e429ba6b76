import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOOL_PATH_MARKER, toolPathFrom } from '../../scripts/harness/paths';
// @ts-expect-error -- a plain .mjs module without types
import { TOOL_PATH_MARKER as SCRIPT_MARKER } from '../../scripts/lib/cache.mjs';

test('the harness and the ensure scripts agree on the tool path marker', () => {
  assert.equal(TOOL_PATH_MARKER, SCRIPT_MARKER);
});

test("an installer's stdout around the marker never becomes part of the path", () => {
  const stdout = [
    'added 215 packages in 50s',
    'Reading package lists...',
    `${TOOL_PATH_MARKER}/cache/code-server-4.100.3/node_modules/code-server/out/node/entry.js`,
    '',
  ].join('\n');
  assert.equal(
    toolPathFrom(stdout, 'ensure-code-server.mjs'),
    '/cache/code-server-4.100.3/node_modules/code-server/out/node/entry.js',
  );
});

test('no marker: a plain error instead of a path made of installer output', () => {
  assert.throws(
    () => toolPathFrom('added 215 packages in 50s\n/some/path\n', 'ensure-x.mjs'),
    /did not print a tool path/,
  );
});
