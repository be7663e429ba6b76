import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IncrementalAnalyser } from '../../../src/core/analysis/file-analysis';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { repoRoot } from '../../../scripts/harness/paths';
import { randomEdits } from '../support/random-edits';

const base = [
  'pdb-missing/fix.input.yaml',
  'allow-privilege-escalation/fix.input.yaml',
  'cpu-request/fail.yaml',
  'selector-mismatch/fail.yaml',
]
  .map((f) => readFileSync(join(repoRoot, 'test', 'fixtures', 'rules', f), 'utf8'))
  .join('---\n');

const view = (r: {
  findings: readonly { rule: string; start: number; end: number; message: string; documentIndex: number }[];
  problems: readonly { code: string; start: number }[];
}) => ({
  findings: r.findings.map((f) => `${f.rule}@${f.start}-${f.end}#${f.documentIndex}:${f.message}`),
  problems: r.problems.map((p) => `${p.code}@${p.start}`).sort(),
});

const PIECES = ['x', ' ', '\n', '  replicas: 3\n', '---\n', 'kind: Pod\n', '# c\n', '{', ': ', '- '];
const edits = (seed: number, text: string, count: number) => randomEdits(seed, text, count, PIECES);

test('incremental analysis equals full analysis after every random edit', () => {
  const analyser = new IncrementalAnalyser('file.yaml', { rules: allRules });
  assert.deepEqual(
    view(analyser.update(base)),
    view(analyseText(base, { rules: allRules, path: 'file.yaml' })),
  );
  for (const text of edits(42, base, 300)) {
    assert.deepEqual(
      view(analyser.update(text)),
      view(analyseText(text, { rules: allRules, path: 'file.yaml' })),
      `after edit:\n${text}`,
    );
  }
});

test('a keystroke inside one document composes only that document', () => {
  const analyser = new IncrementalAnalyser('file.yaml', { rules: allRules });
  const first = analyser.update(base);
  assert.ok(first.composed >= 4);
  const at = base.indexOf('image: trinodb/trino:435') + 'image: trinodb/trino:43'.length;
  const edited = base.slice(0, at) + '6' + base.slice(at);
  const second = analyser.update(edited);
  assert.equal(second.composed, 1);
  assert.deepEqual(view(second), view(analyseText(edited, { rules: allRules, path: 'file.yaml' })));
});

test("every object's anchor is its own `kind:` line, in every document, fresh and reused", () => {
  const analyser = new IncrementalAnalyser('x.yaml', { rules: allRules });
  const check = (text: string) => {
    const { objects } = analyser.update(text);
    assert.ok(objects.length >= 4);
    for (const o of objects) {
      assert.equal(text.slice(o.anchor, o.anchor + 5), 'kind:', `${o.identity.name}@${o.anchor}`);
      assert.ok(o.anchor >= o.start && o.anchor < o.end);
    }
  };
  check(base);
  // An edit in the first document: the later ones are reused from the cache at new offsets.
  check(`# edited\n${base}`);
});

/** A CRD-shaped document (deep schema maps, a list of versions, comments, block scalars) between two Deployments. */
const crdShaped = [
  readFileSync(join(repoRoot, 'test', 'fixtures', 'rules', 'cpu-request', 'fail.yaml'), 'utf8'),
  `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com # the plural
  labels:
    app: widgets
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  versions:
  - name: v1
    served: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            description: |
              What the widget does.
              # not a comment
            type: object
            properties:
              size:
                type: integer
                minimum: 1
              colour:
                type: string
                enum: [red, green]
          status:
            type: object
            properties:
              ready:
                type: boolean
  - name: v2
    served: false
    schema:
      openAPIV3Schema:
        type: object
`,
  readFileSync(join(repoRoot, 'test', 'fixtures', 'rules', 'selector-mismatch', 'fail.yaml'), 'utf8'),
].join('---\n');

test('edits inside one entry of a big document re-parse that entry only, with results equal to a full analysis', () => {
  let spliced = 0;
  const parsed: string[] = [];
  const analyser = new IncrementalAnalyser(
    'file.yaml',
    { rules: allRules },
    { spliced: () => spliced++, parsed: (text) => parsed.push(text) },
  );
  analyser.update(crdShaped);
  const at = crdShaped.indexOf('minimum: 1') + 'minimum: '.length;
  const edited = crdShaped.slice(0, at) + '2' + crdShaped.slice(at);
  parsed.length = 0;
  assert.deepEqual(
    view(analyser.update(edited)),
    view(analyseText(edited, { rules: allRules, path: 'file.yaml' })),
  );
  assert.deepEqual(parsed, []);
  assert.equal(spliced, 1);
  // The first key of its map: the map starts where the entry's key does.
  const first = edited.indexOf('type: integer') + 'type: integer'.length;
  const again = `${edited.slice(0, first)}x${edited.slice(first)}`;
  assert.deepEqual(
    view(analyser.update(again)),
    view(analyseText(again, { rules: allRules, path: 'file.yaml' })),
  );
  assert.deepEqual(parsed, []);
  assert.equal(spliced, 2);
});

test('incremental analysis equals full analysis after random edits in and around big documents', () => {
  const pieces = [
    'x',
    ' ',
    '\n',
    '#',
    '# c',
    ': ',
    '- ',
    '{',
    '"',
    '|\n',
    '&a ',
    '*a',
    '  key: v\n',
    '---\n',
    '\t',
  ];
  for (const seed of [1, 2, 3]) {
    let spliced = 0;
    const analyser = new IncrementalAnalyser('file.yaml', { rules: allRules }, { spliced: () => spliced++ });
    analyser.update(crdShaped);
    let state = seed;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    let current = crdShaped;
    for (let i = 0; i < 150; i++) {
      // Mostly one character, as typed; now and then a piece, a deletion, or an undo of it all.
      const at = rand(current.length + 1);
      const kind = rand(10);
      if (kind === 0) current = crdShaped;
      else if (kind < 3)
        current = current.slice(0, at) + current.slice(Math.min(current.length, at + 1 + rand(3)));
      else if (kind < 5)
        current = current.slice(0, at) + (pieces[rand(pieces.length)] ?? '') + current.slice(at);
      else current = current.slice(0, at) + 'abcdefgh'[rand(8)] + current.slice(at);
      const result = analyser.update(current);
      assert.deepEqual(
        view(result),
        view(analyseText(current, { rules: allRules, path: 'file.yaml' })),
        `seed ${seed}, edit ${i}:\n${current}`,
      );
      // Everything else the editor gets (objects, anchors, index entries, problem messages) too.
      const fresh = new IncrementalAnalyser('file.yaml', { rules: allRules }).update(current);
      const same = (r: typeof result) => JSON.stringify({ ...r, composed: 0 });
      assert.equal(same(result), same(fresh), `seed ${seed}, edit ${i}`);
    }
    assert.ok(spliced > 10, `seed ${seed}: only ${spliced} edits took the splice path`);
  }
});

test("a syntax error elsewhere in the document does not stop an entry's re-parse, and keeps its place", () => {
  let spliced = 0;
  const analyser = new IncrementalAnalyser('file.yaml', { rules: allRules }, { spliced: () => spliced++ });
  const broken = crdShaped.replace('    served: false\n', '    served: false\n   bad: indent\n');
  const first = analyser.update(broken);
  assert.ok(first.problems.some((p) => p.severity === 'error'));
  const at = broken.indexOf('minimum: 1') + 'minimum: '.length;
  const edited = `${broken.slice(0, at)}23${broken.slice(at)}`;
  const result = analyser.update(edited);
  assert.equal(spliced, 1);
  assert.deepEqual(view(result), view(analyseText(edited, { rules: allRules, path: 'file.yaml' })));
  const fresh = new IncrementalAnalyser('file.yaml', { rules: allRules }).update(edited);
  assert.deepEqual({ ...result, composed: 0 }, { ...fresh, composed: 0 });
});

test('a duplicate key names its first line counted in the file, after any re-parse', () => {
  let spliced = 0;
  const analyser = new IncrementalAnalyser('file.yaml', { rules: allRules }, { spliced: () => spliced++ });
  const dup = crdShaped.replace('  group: example.com\n', '  group: example.com\n  group: example.org\n');
  const message = (text: string) => {
    const found = analyser.update(text).problems.find((p) => p.code === 'DUPLICATE_KEY');
    assert.ok(found, 'the duplicate key is reported');
    const line = text.slice(0, text.indexOf('  group: example.com')).split('\n').length;
    assert.match(found.message, new RegExp(`already defined at line ${line}\\b`), found.message);
  };
  message(dup);
  // An edit in the document with the duplicate re-parses that document alone…
  const at = dup.indexOf('plural: widgets') + 'plural: widget'.length;
  const inside = `${dup.slice(0, at)}x${dup.slice(at)}`;
  message(inside);
  // …and lines added before it move it: its kept problems must follow.
  message(`# one\n# two\n${inside}`);
  const inFirst = inside.indexOf('metadata:');
  const moved = `${inside.slice(0, inFirst)}\n\n${inside.slice(inFirst)}`;
  message(moved);
  // A block of the document re-parsed alone keeps the message right, before the key and after it.
  const before = spliced;
  const enter = moved.indexOf('\nspec:') + 1;
  const entered = `${moved.slice(0, enter)}\n${moved.slice(enter)}`;
  message(entered);
  const after = entered.indexOf('minimum: 1') + 'minimum: 1'.length;
  message(`${entered.slice(0, after)}\n${entered.slice(after)}`);
  assert.equal(spliced - before, 2, 'both edits re-parsed a block of the document only');
});

test('incremental analysis equals full analysis after random edits at line starts of a big document', () => {
  const pieces = [' ', '  ', '#', '\n', 'x', 'key: v\n', '  key: v\n', '- ', ':', '"', '{', '\t'];
  for (const seed of [4, 5]) {
    let spliced = 0;
    const analyser = new IncrementalAnalyser('file.yaml', { rules: allRules }, { spliced: () => spliced++ });
    analyser.update(crdShaped);
    let state = seed;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    let current = crdShaped;
    for (let i = 0; i < 120; i++) {
      // A line start, or a column in its indentation; now and then a line deleted, or an undo of it all.
      const lineAt = current.lastIndexOf('\n', rand(current.length)) + 1;
      const at = lineAt + rand(3);
      const kind = rand(10);
      if (kind === 0) current = crdShaped;
      else if (kind === 1)
        current = current.slice(0, lineAt) + current.slice(current.indexOf('\n', lineAt) + 1);
      else current = current.slice(0, at) + (pieces[rand(pieces.length)] ?? '') + current.slice(at);
      const result = analyser.update(current);
      assert.deepEqual(
        view(result),
        view(analyseText(current, { rules: allRules, path: 'file.yaml' })),
        `seed ${seed}, edit ${i}:\n${current}`,
      );
      const fresh = new IncrementalAnalyser('file.yaml', { rules: allRules }).update(current);
      assert.equal(
        JSON.stringify({ ...result, composed: 0 }),
        JSON.stringify({ ...fresh, composed: 0 }),
        `seed ${seed}, edit ${i}`,
      );
    }
    assert.ok(spliced > 25, `seed ${seed}: only ${spliced} edits took the splice path`);
  }
});
