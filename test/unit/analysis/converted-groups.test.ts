/**
 * The extension host keeps what it made of each document's results (diagnostics) across keystrokes:
 * whatever it reuses or moves must equal converting the new results afresh.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConvertedGroups, mapSpan, type Position } from '../../../src/core/analysis/converted-groups';
import { DeltaDecoder, DeltaEncoder, type PlacedGroup } from '../../../src/core/analysis/delta';
import { IncrementalAnalyser } from '../../../src/core/analysis/file-analysis';
import type { ReportedChange } from '../../../src/core/analysis/text-changes';
import { allRules } from '../../../src/core/rules/registry';
import { corpusDocuments } from '../../../scripts/bench/corpus';

const config = { rules: allRules, severities: {}, options: {} };

/** The editor's `positionAt` for a plain text. */
function positions(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - (starts[low] ?? 0) };
  };
}

/** A stand-in for diagnostics: each finding's and problem's range and message. */
type Converted = readonly { readonly start: Position; readonly end: Position; readonly message: string }[];

const build =
  (at: (offset: number) => Position) =>
  ({ group }: PlacedGroup): Converted =>
    [...group.problems, ...group.findings].map((item) => ({
      start: at(item.start),
      end: at(item.end),
      message: item.message,
    }));

const move = (value: Converted, lines: number): Converted =>
  value.map((d) => ({
    start: { line: d.start.line + lines, character: d.start.character },
    end: { line: d.end.line + lines, character: d.end.character },
    message: d.message,
  }));

/** A file the host follows as the editor does: changes recorded, then a reply's groups converted. */
function follow(text: string) {
  const analyser = new IncrementalAnalyser('big.yaml', config);
  const encoder = new DeltaEncoder();
  const decoder = new DeltaDecoder();
  const kept = new ConvertedGroups<Converted>();
  let current = text;
  const update = () => {
    decoder.decode(encoder.encode(analyser.update(current)));
    const at = positions(current);
    const values = kept.convert(decoder.placements, at, build(at), move);
    const fresh = new ConvertedGroups<Converted>().convert(decoder.placements, at, build(at), move);
    assert.deepEqual(values, fresh, 'what the host kept equals converting afresh');
    assert.ok(values.flat().length > 0);
    return kept;
  };
  const edit = (changes: readonly ReportedChange[]) => {
    for (const c of changes)
      current = `${current.slice(0, c.rangeOffset)}${c.text}${current.slice(c.rangeOffset + c.rangeLength)}`;
    kept.record(changes);
  };
  return { update, edit, text: () => current };
}

test('a keystroke that adds no line keeps every other document’s conversion as it was', () => {
  const file = follow(corpusDocuments(30).join('---\n'));
  const opened = file.update();
  assert.ok(opened.lastBuilt > 20, 'at open every document is converted');
  const name = file.text().indexOf('name: ', file.text().length >> 1) + 'name: '.length;
  file.edit([{ rangeOffset: name, rangeLength: 0, text: 'x' }]);
  const typed = file.update();
  assert.equal(typed.lastBuilt, 1, 'only the edited document is converted again');
  assert.equal(typed.lastMoved, 0, 'the later documents moved a character, not a line');
});

test('a new line moves the later documents’ conversions down a line instead of converting them', () => {
  const file = follow(corpusDocuments(30).join('---\n'));
  file.update();
  const middle = file.text().indexOf('\n', file.text().length >> 1) + 1;
  file.edit([{ rangeOffset: middle, rangeLength: 0, text: '# a comment\n# another\n' }]);
  const commented = file.update();
  assert.ok(commented.lastMoved > 5, 'the documents below moved');
  assert.ok(commented.lastBuilt <= 2, 'the edited document alone is converted again');
  // Taking the lines out again, across two events before the next reply, and a value typed on the first line.
  file.edit([{ rangeOffset: middle, rangeLength: '# a comment\n'.length, text: '' }]);
  file.edit([
    { rangeOffset: middle, rangeLength: '# another\n'.length, text: '' },
    { rangeOffset: 'apiVersion: '.length, rangeLength: 0, text: 'x' },
  ]);
  file.update();
});

test('identical documents, one deleted, and edits at a document’s very start convert correctly', () => {
  const [first = '', second = ''] = corpusDocuments(3);
  const file = follow([first, second, second, second, first].join('---\n'));
  file.update();
  // Deleting the second of three identical documents: the third takes its content at its place.
  const at = file.text().indexOf(second) + second.length + '---\n'.length;
  file.edit([{ rangeOffset: at, rangeLength: second.length + '---\n'.length, text: '' }]);
  file.update();
  // Typing at the start of the last document's first line, then a line break there.
  const last = file.text().lastIndexOf('---\n') + '---\n'.length;
  file.edit([{ rangeOffset: last, rangeLength: 0, text: 'x' }]);
  file.update();
  file.edit([{ rangeOffset: last, rangeLength: 1, text: '\n' }]);
  file.update();
});

test('a span touched by a change, even at its edge, is not kept', () => {
  assert.deepEqual(mapSpan(10, 20, [{ start: 2, end: 3, text: 'abc' }]), { start: 12, end: 22 });
  assert.deepEqual(mapSpan(10, 20, [{ start: 21, end: 21, text: 'x' }]), { start: 10, end: 20 });
  assert.equal(mapSpan(10, 20, [{ start: 5, end: 10, text: '' }]), undefined);
  assert.equal(mapSpan(10, 20, [{ start: 20, end: 20, text: 'x' }]), undefined);
  assert.equal(
    mapSpan(10, 20, [
      { start: 0, end: 0, text: 'x' },
      { start: 11, end: 11, text: '' },
    ]),
    undefined,
  );
});

test('a document that starts mid-line converts afresh when an edit before it on its line moves it', () => {
  const finding = (start: number, end: number) =>
    ({
      rule: 'r',
      severity: 'warning',
      message: 'm',
      start,
      end,
    }) as unknown as PlacedGroup['group']['findings'][number];
  const content = { findings: [finding(2, 9)], problems: [], objects: [] };
  const placed = (start: number): PlacedGroup[] => [
    { content, start, group: { findings: [finding(start + 2, start + 9)], problems: [], objects: [] } },
  ];
  let text = 'head: a\nkind: Pod\nspec: {}\n';
  const kept = new ConvertedGroups<Converted>();
  let at = positions(text);
  kept.convert(placed(5), at, build(at), move);
  text = `x${text}`;
  kept.record([{ rangeOffset: 0, rangeLength: 0, text: 'x' }]);
  at = positions(text);
  const values = kept.convert(placed(6), at, build(at), move);
  assert.equal(kept.lastBuilt, 1);
  assert.deepEqual(values, new ConvertedGroups<Converted>().convert(placed(6), at, build(at), move));
});

test('a group the host no longer holds (a restarted worker’s, say) is converted afresh at the same place', () => {
  const finding = (start: number, end: number, message: string) =>
    ({
      rule: 'r',
      severity: 'warning',
      message,
      start,
      end,
    }) as unknown as PlacedGroup['group']['findings'][number];
  const placed = (message: string): PlacedGroup[] => {
    const group = { findings: [finding(0, 4, message)], problems: [], objects: [] };
    return [{ content: group, start: 0, group }];
  };
  const at = positions('kind: Pod\n');
  const kept = new ConvertedGroups<Converted>();
  kept.convert(placed('old'), at, build(at), move);
  const values = kept.convert(placed('new'), at, build(at), move);
  assert.equal(kept.lastBuilt, 1);
  assert.equal(values[0]?.[0]?.message, 'new');
});
