import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IncrementalAnalyser } from '../../../src/core/analysis/file-analysis';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { repoRoot } from '../../../scripts/harness/paths';

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

/** Deterministic pseudo-random edits (a small LCG, so failures reproduce). */
function* edits(seed: number, text: string, count: number): Generator<string> {
  let state = seed;
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const pieces = ['x', ' ', '\n', '  replicas: 3\n', '---\n', 'kind: Pod\n', '# c\n', '{', ': ', '- '];
  let current = text;
  for (let i = 0; i < count; i++) {
    const at = rand(current.length + 1);
    if (rand(3) === 0 && current.length > 0)
      current = current.slice(0, at) + current.slice(Math.min(current.length, at + 1 + rand(8)));
    else current = current.slice(0, at) + (pieces[rand(pieces.length)] ?? '') + current.slice(at);
    yield current;
  }
}

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
