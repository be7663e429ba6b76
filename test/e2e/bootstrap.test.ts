/**
 * The e2e harness's bootstrap on a new machine: an empty tool cache gets code-server installed,
 * and the harness receives the launcher's path, not the installer's chatter.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshCache } from '../../scripts/harness/fresh-cache';
import { ensureTool } from '../../scripts/harness/paths';

test('ensure-code-server on an empty cache returns the launcher path inside that cache', () => {
  const cache = freshCache();
  try {
    assert.ok(!readdirSync(cache).some((n) => n.startsWith('code-server')));
    const entry = ensureTool('ensure-code-server.mjs', { ...process.env, SHIPSHAPE_CACHE: cache });
    assert.ok(entry.startsWith(cache), `the path is inside the fresh cache: ${entry}`);
    assert.match(entry, /node_modules\/code-server\/out\/node\/entry\.js$/);
    assert.ok(existsSync(entry));
    assert.ok(existsSync(join(cache, 'code-server-4.100.3', '.complete')));
    // Warm: the second call answers from the cache with the same path.
    assert.equal(ensureTool('ensure-code-server.mjs', { ...process.env, SHIPSHAPE_CACHE: cache }), entry);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
