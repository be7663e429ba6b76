/**
 * The CLI walks folders in code-unit order, as kube-linter does: the same report on every machine,
 * whatever its locale (issue 18: "the same input must give byte-identical output").
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../scripts/harness/paths';
import { collectFiles } from '../../src/adapters/fs/files';
import { scratchDir } from '../../scripts/harness/scratch';

const NAMES = ['b.yaml', 'B.yaml', 'ä.yaml', 'a.yaml', '_x.yaml', 'z.yaml', 'Z/a.yaml', 'aa/a.yaml'];
const manifest = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name.replace(/[^a-z]/gi, 'x').toLowerCase()}\ndata:\n  password: hunter2\n`;

test('files are walked in code-unit order, and the report is the same in any locale', (t) => {
  const dir = scratchDir('shipshape-order-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of NAMES) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), manifest(name));
  }
  const found = collectFiles([dir]).files.map((f) => relative(dir, f));
  assert.deepEqual(found, [
    'B.yaml',
    'Z/a.yaml',
    '_x.yaml',
    'a.yaml',
    'aa/a.yaml',
    'b.yaml',
    'z.yaml',
    'ä.yaml',
  ]);
  const lint = (locale: string) =>
    spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'lint', dir, '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: locale, LANG: locale },
    });
  const english = lint('en_US.UTF-8');
  const swedish = lint('sv_SE.UTF-8');
  const files = (JSON.parse(english.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file);
  assert.ok(
    files.some((f) => f.endsWith('ä.yaml')) && files.some((f) => f.endsWith('B.yaml')),
    english.stderr,
  );
  assert.equal(swedish.stdout, english.stdout);
});

test('the paths found are join(root, …) for every spelling of the root, skipped folders left out', (t) => {
  const dir = scratchDir('shipshape-roots-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tree = ['a.yaml', 'x/b.yml', 'x/y/c.yaml', 'x/node_modules/d.yaml', 'x/e.txt', 'x/f.runbook.yaml'];
  for (const name of tree) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), manifest(name));
  }
  const expected = ['a.yaml', 'x/b.yml', 'x/y/c.yaml'];
  const cwd = process.cwd();
  t.after(() => process.chdir(cwd));
  process.chdir(join(dir, '..'));
  const base = relative(join(dir, '..'), dir);
  for (const root of [dir, `${dir}/`, `${dir}//.`, base, `./${base}`, `${base}/x/..`]) {
    const { files, skipped } = collectFiles([root]);
    assert.deepEqual(
      files,
      expected.map((name) => join(root, name)),
      root,
    );
    assert.deepEqual(
      skipped.map((s) => s.path),
      [join(root, 'x/f.runbook.yaml'), join(root, 'x/node_modules')],
      root,
    );
  }
  process.chdir(dir);
  assert.deepEqual(collectFiles(['.']).files, expected);
});
