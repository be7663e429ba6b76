/**
 * What the analysis worker sends the extension host per keystroke: only the documents whose results
 * changed, wherever the edit moved them; the host rebuilds exactly what the analyser reported.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaDecoder, DeltaEncoder, ListDecoder, ListEncoder } from '../../../src/core/analysis/delta';
import { IncrementalAnalyser, type FileAnalysis } from '../../../src/core/analysis/file-analysis';
import { allRules } from '../../../src/core/rules/registry';
import { corpusDocuments } from '../../../scripts/bench/corpus';

const config = { rules: allRules, severities: {}, options: {} };
const results = (a: FileAnalysis) => ({ findings: a.findings, problems: a.problems, objects: a.objects });
const insert = (text: string, at: number, typed: string) => `${text.slice(0, at)}${typed}${text.slice(at)}`;

test('a keystroke in one document sends that document alone, and the host rebuilds every finding', () => {
  const text = corpusDocuments(30).join('---\n');
  const analyser = new IncrementalAnalyser('big.yaml', config);
  const encoder = new DeltaEncoder();
  const decoder = new DeltaDecoder();
  const opened = analyser.update(text);
  assert.ok(opened.findings.length > 50 && (opened.documentStarts?.length ?? 0) > 20);
  const first = encoder.encode(opened);
  assert.equal(first.added.length, opened.documentStarts?.length, 'at open every document is sent');
  assert.deepEqual(decoder.decode(first), results(opened));

  // Typing in the first document's name moves every later document's findings by one character.
  const name = text.indexOf('name: ') + 'name: '.length;
  let current = insert(text, name, 'x');
  const typed = analyser.update(current);
  assert.ok(typed.findings.some((f, i) => f.start !== opened.findings[i]?.start));
  const second = encoder.encode(typed);
  assert.equal(second.added.length, 1, 'only the edited document is sent');
  const decoded = decoder.decode(second);
  assert.deepEqual(decoded, results(typed));
  assert.equal(decoder.lastAdded, 1);

  // A new line in the middle moves the later documents down a line: still one document sent.
  const middle = current.indexOf('\n', current.length >> 1) + 1;
  current = insert(current, middle, '# a comment\n');
  const commented = analyser.update(current);
  const third = encoder.encode(commented);
  assert.equal(third.added.length, 1);
  const again = decoder.decode(third);
  assert.deepEqual(again, results(commented));
  // The documents above the comment neither changed nor moved: the host keeps their finding objects.
  const above = decoded.findings.filter((f) => f.end < middle);
  assert.ok(above.length > 0);
  assert.ok(above.every((f, i) => again.findings[i] === f));

  // Undoing it brings back content the host dropped: sent again, not assumed held.
  current = `${current.slice(0, middle)}${current.slice(middle + '# a comment\n'.length)}`;
  const undone = analyser.update(current);
  assert.deepEqual(decoder.decode(encoder.encode(undone)), results(undone));
});

test('results without document starts (a template file) travel as one group', () => {
  const encoder = new DeltaEncoder();
  const decoder = new DeltaDecoder();
  const analysis = {
    findings: [
      {
        rule: 'a',
        severity: 'warning',
        message: 'm',
        start: 5,
        end: 9,
        object: {},
        documentIndex: 0,
        scope: 'file',
      },
    ],
    problems: [{ code: 'X', message: 'p', start: 1, end: 2, severity: 'error' }],
    objects: [],
  } as unknown as FileAnalysis;
  const delta = encoder.encode(analysis);
  assert.equal(delta.added.length, 1);
  assert.deepEqual(decoder.decode(delta), results(analysis));
  assert.equal(encoder.encode(analysis).added.length, 0, 'the same results again: nothing is sent');
});

test('a delta naming a group the host does not hold is refused, not decoded into wrong findings', () => {
  const decoder = new DeltaDecoder();
  assert.throws(() => decoder.decode({ groups: [{ id: 7, start: 0 }], added: [] }), /does not hold/);
});

test('index entries the host holds cross as ids: a keystroke in one CRD sends that CRD’s entry alone', () => {
  const encoder = new ListEncoder<{ name: string }>();
  const decoder = new ListDecoder<{ name: string }>();
  const a = { name: 'a' };
  const b = { name: 'b' };
  const c = { name: 'c' };
  const opened = decoder.decode(encoder.encode([a, b, c]));
  assert.deepEqual(opened, [a, b, c]);
  const b2 = { name: 'b2' };
  const delta = encoder.encode([a, b2, c]);
  assert.deepEqual(delta.added, [{ id: 4, item: b2 }]);
  assert.deepEqual(decoder.decode(delta), [a, b2, c]);
  const same = encoder.encode([a, b2, c]);
  assert.equal(same.added.length, 0);
  const again = decoder.decode(same);
  assert.deepEqual(again, [a, b2, c]);
  assert.equal(decoder.decode(encoder.encode([a, b2, c])), again, 'nothing changed: the very same array');
  // An entry dropped and brought back is sent again: the host let it go.
  decoder.decode(encoder.encode([a, c]));
  assert.deepEqual(decoder.decode(encoder.encode([a, b2, c])), [a, b2, c]);
});
