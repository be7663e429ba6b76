/**
 * `shipshape fix` writes as users run it (the bundled dist/cli.js): a temporary file beside the
 * manifest, renamed over it; BOM, CRLF, mode and owner kept; a file that cannot be written is
 * reported in plain words, left unchanged, and the others are still fixed (exit 2).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/harness/paths';
import { scratchDir } from '../../scripts/harness/scratch';

const cli = join(repoRoot, 'dist', 'cli.js');
const fixture = join(repoRoot, 'test', 'fixtures', 'rules', 'selector-mismatch');
const input = readFileSync(join(fixture, 'fix.input.yaml'), 'utf8');
const expected = readFileSync(join(fixture, 'fix.expected.yaml'), 'utf8');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function shipshape(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const crlf = (s: string) => s.replace(/\n/g, '\r\n');

test('fix keeps a UTF-8 BOM, CRLF line endings, the mode and the owner', () => {
  const dir = scratchDir('shipshape-fix-bom-');
  const file = join(dir, 'deploy.yaml');
  writeFileSync(file, Buffer.concat([BOM, Buffer.from(crlf(input))]));
  // Group-writable: a umask of 022 must not take that away.
  chmodSync(file, 0o664);
  const root = process.getuid?.() === 0;
  // Only root can give a file away; anyone else checks that their own ownership stays.
  if (root) chownSync(file, 1234, 1234);
  const before = statSync(file);
  const r = shipshape('fix', dir, '--rule', 'selector-mismatch');
  assert.equal(r.code, 0, r.stderr);
  const after = readFileSync(file);
  assert.deepEqual(after.subarray(0, 3), BOM, 'the BOM is kept');
  assert.equal(after.subarray(3).toString('utf8'), crlf(expected));
  const stat = statSync(file);
  assert.equal(stat.mode & 0o777, 0o664);
  assert.equal(stat.uid, before.uid);
  assert.equal(stat.gid, before.gid);
  if (root) assert.equal(stat.uid, 1234);
  assert.deepEqual(readdirSync(dir), ['deploy.yaml'], 'no temporary file left behind');
});

/** A folder nobody may add files to: chmod, and for root (whom chmod does not stop) the immutable flag. */
function readOnlyFolder(dir: string): () => void {
  chmodSync(dir, 0o555);
  const probe = join(dir, '.probe');
  let immutable = false;
  try {
    writeFileSync(probe, '');
    execFileSync('rm', [probe]);
    execFileSync('chattr', ['+i', dir]);
    immutable = true;
  } catch {
    // Not writable: chmod was enough.
  }
  assert.throws(() => writeFileSync(probe, ''), 'the folder refuses new files');
  return () => {
    if (immutable) execFileSync('chattr', ['-i', dir]);
    chmodSync(dir, 0o755);
  };
}

test('a file that cannot be written is reported in plain words and left whole; the others are fixed; exit 2', () => {
  const root = scratchDir('shipshape-fix-ro-');
  const writable = join(root, 'a');
  const locked = join(root, 'b');
  mkdirSync(writable);
  mkdirSync(locked);
  cpSync(join(fixture, 'fix.input.yaml'), join(writable, 'deploy.yaml'));
  cpSync(join(fixture, 'fix.input.yaml'), join(locked, 'deploy.yaml'));
  const release = readOnlyFolder(locked);
  try {
    const r = shipshape('fix', locked, writable, '--rule', 'selector-mismatch');
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /b\/deploy\.yaml: not fixed: .*(permission denied|not permitted|read-only).*unchanged/i,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(readFileSync(join(locked, 'deploy.yaml'), 'utf8'), input, 'the locked file is unchanged');
    assert.equal(readFileSync(join(writable, 'deploy.yaml'), 'utf8'), expected, 'the other file is fixed');
    assert.deepEqual(readdirSync(locked), ['deploy.yaml']);
    assert.deepEqual(readdirSync(writable), ['deploy.yaml']);
  } finally {
    release();
  }
});

test('fix through a symbolic link rewrites the file it points to and keeps the link', () => {
  const dir = scratchDir('shipshape-fix-link-');
  mkdirSync(join(dir, 'real'));
  mkdirSync(join(dir, 'links'));
  writeFileSync(join(dir, 'real', 'deploy.yaml'), input);
  symlinkSync(join(dir, 'real', 'deploy.yaml'), join(dir, 'links', 'deploy.yaml'));
  const r = shipshape('fix', join(dir, 'links', 'deploy.yaml'), '--rule', 'selector-mismatch');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(lstatSync(join(dir, 'links', 'deploy.yaml')).isSymbolicLink(), 'still a link');
  assert.equal(readFileSync(join(dir, 'real', 'deploy.yaml'), 'utf8'), expected);
  assert.deepEqual(readdirSync(join(dir, 'links')), ['deploy.yaml']);
  assert.deepEqual(readdirSync(join(dir, 'real')), ['deploy.yaml']);
});
