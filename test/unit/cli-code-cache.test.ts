/**
 * dist/cli.js runs the CLI bundle through V8's code cache (start-up, issue 18). A cache that is
 * damaged in any way must be ignored and rewritten: V8 itself does not checksum the bytes, and a
 * flipped bit in a cache it accepted crashed the process.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { repoRoot } from '../../scripts/harness/paths';
import { codeCacheDir, readCache, writeCache } from '../../src/cli/code-cache';
import { SHORT_RUN_BYTES } from '../../src/cli/v8-flags';
import { scratchDir } from '../../scripts/harness/scratch';

const cli = join(repoRoot, 'dist', 'cli.js');
const fixture = join(repoRoot, 'test', 'fixtures', 'rules', 'privileged-container', 'fail.yaml');

before(() => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

function lint(cache: string, ...extra: string[]) {
  const r = spawnSync(process.execPath, [cli, 'lint', fixture, '--format', 'json', ...extra], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, SHIPSHAPE_CACHE: cache, SHIPSHAPE_CODE_CACHE: '' },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The one cache file a run left (there is one per bundle, Node version and flags). */
function cacheFileIn(cache: string): string {
  const dir = join(cache, 'code-cache');
  const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
  assert.equal(files.length, 1, `one cache file: ${files.join(', ')}`);
  return join(dir, files[0] ?? '');
}

const EPOCH = new Date(0);
const untouched = (file: string) => statSync(file).mtimeMs === 0;

test('the first lint writes the cache, the next one reads it and leaves it as it is', (t) => {
  const cache = scratchDir('shipshape-code-cache-');
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const first = lint(cache);
  assert.equal(first.code, 1, first.stderr);
  const file = cacheFileIn(cache);
  assert.ok(readCache(file), 'a whole cache (magic number and checksum)');
  utimesSync(file, EPOCH, EPOCH);
  const second = lint(cache);
  assert.deepEqual(second, first);
  assert.ok(untouched(file), 'a cache V8 accepted is not written again');
});

test('a lint that changes V8 flags mid-run (a short run of input) leaves a cache that lints of any size read', (t) => {
  const big = join(scratchDir('shipshape-big-'), 'big.yaml');
  t.after(() => rmSync(join(big, '..'), { recursive: true, force: true }));
  const one = readFileSync(fixture, 'utf8');
  writeFileSync(
    big,
    Array.from({ length: Math.ceil((SHORT_RUN_BYTES + 1) / one.length) }, () => one).join('---\n'),
  );
  assert.ok(statSync(big).size > SHORT_RUN_BYTES);
  // Written by a short lint, then by a big one: each time the other kind reads it as it is.
  for (const [first, then] of [
    [[], [big]],
    [[big], []],
  ] as const) {
    const cache = scratchDir('shipshape-code-cache-');
    t.after(() => rmSync(cache, { recursive: true, force: true }));
    const written = lint(cache, ...first);
    assert.equal(written.code, 1, written.stderr);
    const file = cacheFileIn(cache);
    utimesSync(file, EPOCH, EPOCH);
    assert.equal(lint(cache, ...then).code, 1);
    assert.ok(
      untouched(file),
      `the cache a ${first.length ? 'big' : 'short'} lint wrote is read by the other`,
    );
    assert.deepEqual(lint(cache, ...first), written);
    assert.ok(untouched(file), 'and by one like it');
  }
});

test('a damaged cache is ignored and rewritten: flipped bytes, truncated, empty, foreign', (t) => {
  const cache = scratchDir('shipshape-code-cache-');
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const expected = lint(cache);
  const file = cacheFileIn(cache);
  const good = readFileSync(file);
  const flipped = (at: number) => {
    const bytes = Buffer.from(good);
    bytes[at] = (bytes[at] ?? 0) ^ 0xff;
    return bytes;
  };
  const damaged: [string, Buffer][] = [
    // A byte flipped in the middle of V8's data crashed V8 before the checksum.
    ['a flipped byte in the middle', flipped(Math.floor(good.length / 2))],
    ['a flipped byte near the end', flipped(good.length - 100)],
    ['a flipped checksum', flipped(5)],
    ['truncated', good.subarray(0, Math.floor(good.length / 3))],
    ['empty', Buffer.alloc(0)],
    ['not a cache', Buffer.from('x'.repeat(4096))],
  ];
  for (const [what, bytes] of damaged) {
    writeFileSync(file, bytes);
    utimesSync(file, EPOCH, EPOCH);
    const r = lint(cache);
    assert.deepEqual(r, expected, what);
    assert.ok(!untouched(file), `${what}: rewritten`);
    assert.ok(readCache(file), `${what}: whole again`);
  }
});

test('runs under other V8 flags keep a cache of their own; SHIPSHAPE_CODE_CACHE=off writes none', (t) => {
  const cache = scratchDir('shipshape-code-cache-');
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const plain = lint(cache);
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=200', cli, 'lint', fixture, '--format', 'json'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, SHIPSHAPE_CACHE: cache, SHIPSHAPE_CODE_CACHE: '' },
    },
  );
  assert.equal(r.stdout, plain.stdout);
  assert.equal(readdirSync(join(cache, 'code-cache')).length, 2);
  const off = scratchDir('shipshape-code-cache-');
  t.after(() => rmSync(off, { recursive: true, force: true }));
  assert.equal(codeCacheDir({ SHIPSHAPE_CACHE: off, SHIPSHAPE_CODE_CACHE: 'off' }), undefined);
  const none = spawnSync(process.execPath, [cli, 'lint', fixture, '--format', 'json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, SHIPSHAPE_CACHE: off, SHIPSHAPE_CODE_CACHE: 'off' },
  });
  assert.equal(none.stdout, plain.stdout);
  assert.deepEqual(readdirSync(off), []);
});

test('readCache takes back exactly what writeCache wrote, and nothing damaged', (t) => {
  const dir = scratchDir('shipshape-code-cache-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'nested', 'cli-test.bin');
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7) % 256));
  writeCache(file, data);
  assert.deepEqual(readCache(file), data);
  const bytes = readFileSync(file);
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  writeFileSync(file, bytes);
  assert.equal(readCache(file), undefined);
  assert.equal(readCache(join(dir, 'missing.bin')), undefined);
});
