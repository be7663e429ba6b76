/**
 * The editor's size guard: files over `shipshape.analysis.maxFileSizeKB` get a note instead of an
 * analysis (the CLI side of the 20 MB file is in cli.test.ts).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../scripts/harness/paths';
import { sizeLimitNote, utf8Length } from '../../../src/core/analysis/size-limit';
import { bigManifest } from '../support/big-manifest';

interface Manifest {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
}
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const defaultKB = manifest.contributes.configuration.properties['shipshape.analysis.maxFileSizeKB']?.default;

test('a 20 MB manifest gets the plain-words note under the default setting', () => {
  assert.equal(defaultKB, 2048);
  const big = bigManifest(20 * 1024 * 1024);
  assert.equal(
    sizeLimitNote(big.text, 2048 * 1024),
    'This file is 20480 KB; Shipshape analyses files up to 2048 KB in the editor (setting shipshape.analysis.maxFileSizeKB). Use `shipshape lint --max-file-size KB` for big files.',
  );
});

test('the limit is inclusive', () => {
  const limit = 64 * 1024;
  const line = '# padding\n';
  const at = (bytes: number) => line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
  assert.equal(sizeLimitNote(at(limit), limit), undefined);
  assert.equal(sizeLimitNote(at(limit - 1), limit), undefined);
  assert.match(sizeLimitNote(at(limit + 1), limit) ?? '', /^This file is 64 KB; .* up to 64 KB /);
  assert.equal(sizeLimitNote('', limit), undefined);
});

test('non-ASCII text is measured in UTF-8 bytes, as the workspace index measures files on disk', () => {
  const limit = 64 * 1024;
  // 40,000 characters, 80,000 bytes: under the limit by characters, over it by bytes.
  const german = `# Überwachung\n${'ü'.repeat(40_000 - 14)}`;
  assert.equal(german.length, 40_000);
  assert.match(sizeLimitNote(german, limit) ?? '', /^This file is 78 KB;/);
  assert.equal(sizeLimitNote('ü'.repeat(limit / 2), limit), undefined);
});

test('utf8Length equals the encoded length: 1-, 2-, 3- and 4-byte characters, lone surrogates', () => {
  for (const text of [
    'apiVersion: v1\n',
    'name: café',
    '描述: 监控',
    'emoji: 🚢⚓',
    'lone: \ud800 and \udc00 and \ud83d',
    '\ud83d\udea2'.repeat(3),
  ])
    assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
});
