/**
 * The editor's analyser re-parses only the document a keystroke touched (counted through its parse
 * hook, never timed) and still reports exactly what a full analysis of the text reports.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { IncrementalAnalyser, type FileAnalysis } from '../../../src/core/analysis/file-analysis';
import { analyseText } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { crd } from '../../../scripts/bench/argo-shaped';
import { corpusDocuments } from '../../../scripts/bench/corpus';

const file = corpusDocuments(60).join('---\n');

const view = (r: Pick<FileAnalysis, 'findings' | 'problems'>) => ({
  findings: r.findings.map((f) => `${f.rule}@${f.start}-${f.end}#${f.documentIndex}:${f.message}`),
  problems: r.problems.map((p) => `${p.code}@${p.start}-${p.end}`).sort(),
});
const full = (text: string) => view(analyseText(text, { rules: allRules, path: 'big.yaml' }));

function counting(): { analyser: IncrementalAnalyser; parsed: string[] } {
  const parsed: string[] = [];
  const analyser = new IncrementalAnalyser(
    'big.yaml',
    { rules: allRules },
    // A whole parse, or the re-parse of the one entry an edit sits in (its document's text).
    { parsed: (t) => parsed.push(t), spliced: (t) => parsed.push(t) },
  );
  return { analyser, parsed };
}

/** The text of the `n`th `---` section, as a full parse slices it. */
const section = (text: string, n: number) => text.split(/^(?=---$)/m)[n] ?? '';

test('a keystroke in one document of a 60-document file re-parses only that document', () => {
  const { analyser, parsed } = counting();
  analyser.update(file);
  assert.equal(parsed.length, 1, 'opening parses the file once');
  parsed.length = 0;
  const target = section(file, 31);
  const at = file.indexOf(target) + target.indexOf('name:') + 'name: '.length;
  const edited = `${file.slice(0, at)}x${file.slice(at)}`;
  const result = analyser.update(edited);
  assert.deepEqual(parsed, [section(edited, 31)], 'only the 32nd document was parsed, and only once');
  assert.deepEqual(view(result), full(edited));
});

test('a keystroke that changes cross-resource facts re-checks other documents without parsing them', () => {
  const { analyser, parsed } = counting();
  analyser.update(file);
  parsed.length = 0;
  // Renaming a StatefulSet's pod labels changes what other documents' selectors find.
  const at = file.indexOf('labels: {app: app-3}') + 'labels: {app: app-3'.length;
  const edited = `${file.slice(0, at)}7${file.slice(at)}`;
  const result = analyser.update(edited);
  assert.equal(parsed.length, 1);
  assert.ok(result.composed > 1, 'cross-resource rules ran again on other documents');
  assert.deepEqual(view(result), full(edited));
});

/** Deterministic pseudo-random edits (an LCG, so failures reproduce), `---` and quotes included. */
function* edits(seed: number, text: string, count: number): Generator<string> {
  let state = seed;
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const pieces = [
    'x',
    ' ',
    '\n',
    '---\n',
    '\n---\n',
    '"',
    "'",
    '  replicas: 3\n',
    'app: ',
    '{',
    '# c\n',
    '-',
  ];
  let current = text;
  for (let i = 0; i < count; i++) {
    const at = rand(current.length + 1);
    const r = rand(10);
    if (r < 3 && current.length > 0) {
      current = current.slice(0, at) + current.slice(Math.min(current.length, at + 1 + rand(12)));
    } else if (r === 3) {
      // Remove a whole `---` separator: two documents become one.
      const sep = current.indexOf('\n---\n', at);
      if (sep >= 0) current = current.slice(0, sep + 1) + current.slice(sep + 5);
    } else {
      current = current.slice(0, at) + (pieces[rand(pieces.length)] ?? '') + current.slice(at);
    }
    yield current;
  }
}

for (const seed of [1, 2, 3]) {
  test(`incremental findings equal a full analysis after 120 random edits (seed ${seed})`, () => {
    const analyser = new IncrementalAnalyser('big.yaml', { rules: allRules });
    const start = corpusDocuments(12 + seed).join('---\n');
    assert.deepEqual(view(analyser.update(start)), full(start));
    for (const text of edits(seed, start, 120))
      assert.deepEqual(view(analyser.update(text)), full(text), `after edit:\n${text}`);
  });
}

/** The 60-document file with a CRD in the middle: a big document whose keystrokes re-parse a block of it. */
const withCrd = (() => {
  const documents = corpusDocuments(60);
  documents[30] = crd('Widget', 2, 3);
  return documents.join('---\n');
})();

test('keystrokes at a line start (indent, comment out, Enter, a new top-level key) re-parse one block of their document', () => {
  const crdStart = withCrd.indexOf('kind: CustomResourceDefinition');
  const lineOf = (needle: string) => withCrd.indexOf(`\n${needle}`, crdStart) + 1;
  const inserts: [at: number, typed: string][] = [
    [lineOf('                type: object'), ' '],
    [lineOf('                type: object'), '#'],
    [lineOf('                description: field'), '\n'],
    [lineOf('    plural: Widgets'), '  '],
    [lineOf('spec:'), '\n'],
    [lineOf('spec:'), 'x'],
  ];
  for (const [at, typed] of inserts) {
    assert.ok(at > crdStart, typed);
    const parsed: string[] = [];
    let spliced = 0;
    const edited = `${withCrd.slice(0, at)}${typed}${withCrd.slice(at)}`;
    const analyser = new IncrementalAnalyser(
      'big.yaml',
      { rules: allRules },
      { parsed: (t) => parsed.push(t), spliced: () => spliced++ },
    );
    analyser.update(withCrd);
    parsed.length = 0;
    const result = analyser.update(edited);
    assert.deepEqual(parsed, [], `${JSON.stringify(typed)} at ${at}: no document parsed whole`);
    assert.equal(spliced, 1, `${JSON.stringify(typed)} at ${at}: one block re-parsed`);
    assert.deepEqual(view(result), full(edited));
  }
});

test('typing a new top-level key re-parses its document at most, and one block of it once it is a key', () => {
  const parsed: string[] = [];
  const spliced: string[] = [];
  const analyser = new IncrementalAnalyser(
    'big.yaml',
    { rules: allRules },
    { parsed: (t) => parsed.push(t), spliced: (t) => spliced.push(t) },
  );
  analyser.update(withCrd);
  const at = withCrd.indexOf('\nspec:', withCrd.indexOf('kind: CustomResourceDefinition')) + 1;
  let current = withCrd;
  let line = '';
  for (const typed of ['\n', 'e', 'x', 't', 'r', 'a', ':', ' ', '1']) {
    const where = at + Math.max(0, line.length - 1);
    current = `${current.slice(0, where)}${typed}${current.slice(where)}`;
    line = typed === '\n' ? '\n' : `${line.slice(0, -1)}${typed}\n`;
    parsed.length = 0;
    spliced.length = 0;
    const result = analyser.update(current);
    assert.deepEqual(view(result), full(current), JSON.stringify(line));
    // Until its colon, `extra` and the next line's `spec:` can read as one (broken) multi-line key,
    // which only a parse of the whole document gets right; never more than that document.
    const crdText = current.split(/^(?=---$)/m).find((d) => d.includes('kind: CustomResourceDefinition'));
    assert.ok(
      parsed.every((t) => t === crdText),
      `${JSON.stringify(line)}: only the CRD's document parsed`,
    );
    assert.equal(parsed.length + spliced.length, 1, JSON.stringify(line));
    if (['\n', ':', ' ', '1'].includes(typed))
      assert.deepEqual(parsed, [], `${JSON.stringify(line)}: a block only`);
  }
  assert.ok(current.includes('\nextra: 1\nspec:'), current.slice(at - 40, at + 40));
});
