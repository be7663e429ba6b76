import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readManifest } from '../../src/adapters/fs/files';
import { analyseText } from '../../src/core/rules/engine';
import { allRules } from '../../src/core/rules/registry';
import { repoRoot } from '../../scripts/harness/paths';

const dir = join(repoRoot, 'test', 'fixtures', 'bad-input');
const analyse = (name: string) => {
  const read = readManifest(join(dir, name));
  assert.ok('text' in read, `${name} is readable`);
  return analyseText(read.text, { rules: allRules });
};
const rulesOf = (a: ReturnType<typeof analyse>) => a.findings.map((f) => `${f.rule}:${f.object.name ?? ''}`);

test('malformed YAML: the error is reported at its position and the other documents are still analysed', () => {
  const a = analyse('malformed.yaml');
  const errors = a.problems.filter((p) => p.severity === 'error');
  assert.ok(errors.length > 0);
  const line = a.file.lines.positionAt(errors[0]?.start ?? 0).line;
  assert.ok(line >= 14 && line <= 16, `error near the broken line (got line ${line + 1})`);
  const names = new Set(a.findings.map((f) => f.object.name));
  assert.ok(names.has('first') && names.has('third'));
  assert.ok(!names.has('broken'));
});

test('alias bombs are capped and reported, never expanded', () => {
  const a = analyse('alias-bomb.yaml');
  assert.ok(a.problems.some((p) => p.code === 'ALIAS_LIMIT'));
  assert.deepEqual(a.findings, []);
});

test('aliases are budgeted per document: the bomb is skipped, its neighbours are analysed', () => {
  const pod = (name: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n    - &c {name: app, image: "nginx:1.27", securityContext: {privileged: true}}\n`;
  const bomb = readFileSync(join(dir, 'alias-bomb.yaml'), 'utf8');
  const text = [pod('before'), bomb, `${pod('after')}    - *c\n`].join('---\n');
  const a = analyseText(text, { rules: allRules });
  const limits = a.problems.filter((p) => p.code === 'ALIAS_LIMIT');
  assert.deepEqual(
    limits.map((p) => a.file.lines.positionAt(p.start).line + 1),
    [14],
    "one problem, at the bomb document's first alias",
  );
  assert.deepEqual(
    a.findings.filter((f) => f.rule === 'privileged-container').map((f) => f.object.name),
    ['before', 'after', 'after'],
  );
});

// Exponential if aliases are followed unbudgeted: 10^7 nodes, hours of schema validation.
test('an alias bomb inside a CRD schema is refused at its first alias; the next document is analysed', () => {
  const a = analyse('alias-bomb-crd.yaml');
  const limits = a.problems.filter((p) => p.code === 'ALIAS_LIMIT');
  assert.equal(limits.length, 1);
  assert.match(limits[0]?.message ?? '', /^Alias expansion too large/);
  const at = a.file.lines.positionAt(limits[0]?.start ?? 0);
  assert.equal(a.file.text.slice(limits[0]?.start, limits[0]?.end), '*l0');
  assert.deepEqual([at.line + 1, at.character + 1], [20, 53], 'the first alias (after a tab)');
  assert.deepEqual(new Set(a.findings.map((f) => f.object.name)), new Set(['next-to-the-bomb']));
  assert.ok(rulesOf(a).includes('privileged-container:next-to-the-bomb'));
});

test('aliases that expand modestly are analysed; an alias inside its own anchor is refused', () => {
  const pod = (containers: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n${containers}`;
  const reused = analyseText(
    pod(
      `    - &c {name: app, image: "nginx:1.27", securityContext: {privileged: true}}\n${'    - *c\n'.repeat(200)}`,
    ),
    { rules: allRules },
  );
  assert.deepEqual(reused.problems, [], '200 aliases of one small map are fine');
  assert.equal(reused.findings.filter((f) => f.rule === 'privileged-container').length, 201);
  const endless = analyseText(pod('    - &c {name: app, image: "nginx:1.27", env: [*c]}\n'), {
    rules: allRules,
  });
  assert.deepEqual(
    endless.problems.map((p) => p.code),
    ['ALIAS_LIMIT'],
  );
});

// Quadratic if masking rescans: minutes for this 1.8 MB file (one 1 MB line of actions, then
// 27,000 unclosed `{{`).
test('template masking is linear: long lines of actions and unclosed `{{` are fine', () => {
  const a = analyse('template-unclosed.yaml');
  assert.ok(a.file.isTemplate);
  assert.ok(rulesOf(a).includes('privileged-container:between-the-templates'));
  assert.equal(a.file.templateRanges.length, 1 + 111_111, 'the name and every action on the long line');
  const last = a.file.templateRanges.at(-1);
  assert.equal(a.file.text.slice(last?.[0], last?.[1]), '{{ .a }}', 'unclosed `{{` are left as text');
});

test('a BOM is fine; tabs are a clear syntax error; duplicate keys are reported', () => {
  assert.ok(rulesOf(analyse('bom.yaml')).some((r) => r.endsWith(':bom')));
  const tabs = analyse('tabs.yaml');
  assert.ok(tabs.problems.some((p) => p.severity === 'error'));
  const dup = analyse('duplicate-keys.yaml');
  assert.ok(dup.problems.some((p) => p.code === 'DUPLICATE_KEY' && /kubectl rejects/.test(p.message)));
  assert.ok(dup.findings.length > 0, 'a document with duplicate keys is still analysed');
});

test('kind: List items are analysed as objects', () => {
  assert.ok(rulesOf(analyse('list.yaml')).includes('privileged-container:from-list'));
});

test('custom resources with no CRD are listed once as info; scalar and empty documents are ignored', () => {
  const a = analyse('crds-and-unknown.yaml');
  assert.deepEqual(
    a.findings.map((f) => `${f.rule} ${f.severity} ${String(f.data?.['code'])} ${f.object.kind ?? ''}`),
    ['schema-invalid info no-schema Kafka', 'schema-invalid info no-schema Whatever'],
  );
  assert.deepEqual(a.problems, []);
});

test('`--- # comment` separators and `----` inside block scalars split documents correctly', () => {
  const a = analyse('separators.yaml');
  assert.equal(a.file.documents.length, 2);
  assert.ok(rulesOf(a).includes('privileged-container:after-script'));
});

test('Helm templates: literal YAML analysed, template output skipped, no fixes, file marked', () => {
  const a = analyse('chart/templates/deployment.yaml');
  assert.ok(a.file.isTemplate);
  assert.ok(a.problems.some((p) => p.code === 'TEMPLATE'));
  assert.ok(rulesOf(a).some((r) => r.startsWith('privileged-container')));
  assert.ok(
    a.findings.every((f) => !f.fix),
    'no fixes in template files',
  );
  assert.ok(!a.findings.some((f) => f.rule === 'image-tag-pinned'), 'a templated image is not judged');
});

test('binary and non-UTF-8 files are reported in plain words, not parsed', () => {
  const binary = readManifest(join(dir, 'binary.yaml'));
  assert.ok('error' in binary && /binary/.test(binary.error));
  const latin1 = readManifest(join(dir, 'latin1.yaml'));
  assert.ok('error' in latin1 && /UTF-8/.test(latin1.error));
});

test('every bad-input fixture is covered by a test above', () => {
  const covered = readFileSync(__filename, 'utf8');
  for (const name of [
    'malformed',
    'alias-bomb',
    'alias-bomb-crd',
    'template-unclosed',
    'bom',
    'tabs',
    'duplicate-keys',
    'list',
    'crds-and-unknown',
    'separators',
    'chart/templates/deployment',
    'binary',
    'latin1',
  ]) {
    assert.ok(covered.includes(`'${name}.yaml'`), name);
  }
});
