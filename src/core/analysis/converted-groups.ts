import type { Group, PlacedGroup } from './delta';
import type { ReportedChange, TextChange } from './text-changes';

/** A line and a column, both from zero (as the editor counts them). */
export interface Position {
  readonly line: number;
  readonly character: number;
}

/** What the host made of one document's results, and where that document's text was then. */
interface Converted<T> {
  readonly content: Group;
  readonly start: number;
  readonly end: number;
  readonly at: Position;
  readonly value: T;
}

/** More changes than this between two conversions (a replace-all): converting afresh is cheaper. */
const MAX_CHANGES = 1_000;

/**
 * Where the text `[start, end]` is after `changes` (each applied to the result of the ones before),
 * or `undefined` when one of them touches it, even only at its edge.
 */
export function mapSpan(
  start: number,
  end: number,
  changes: readonly TextChange[],
): { start: number; end: number } | undefined {
  for (const c of changes) {
    if (c.end < start) {
      const delta = c.text.length - (c.end - c.start);
      start += delta;
      end += delta;
    } else if (c.start <= end) {
      return undefined;
    }
  }
  return { start, end };
}

const extent = (group: Group): number => {
  let end = 0;
  for (const items of [group.findings, group.problems, group.objects])
    for (const item of items) end = Math.max(end, item.end);
  return end;
};

/**
 * Per big document, what the extension host made of each YAML document's results (diagnostics),
 * kept across updates: a keystroke moves every later document by a character, and converting all
 * their findings again (a position lookup and a new object each) is most of the host's work per
 * reply. A document whose text no change touched keeps its conversion: as is when it starts on the
 * same line and column, moved by whole lines when an edit before it added or removed lines (its own
 * lines are untouched, so their columns are too); anything else is converted afresh.
 */
export class ConvertedGroups<T> {
  private groups: readonly Converted<T>[] = [];
  private changes: TextChange[] = [];
  /** Documents converted afresh and moved by whole lines in the last `convert` (for tests). */
  lastBuilt = 0;
  lastMoved = 0;

  /** A change event on the document (VS Code's order: each applies to the result of the ones before). */
  record(changes: readonly ReportedChange[]): void {
    if (this.groups.length === 0) return;
    for (const c of changes)
      this.changes.push({ start: c.rangeOffset, end: c.rangeOffset + c.rangeLength, text: c.text });
    if (this.changes.length > MAX_CHANGES) this.reset();
  }

  reset(): void {
    this.groups = [];
    this.changes = [];
  }

  /**
   * The conversion of each placed group, in order, for the document's text now (the changes
   * recorded since the last call lead to it): `at` is the text's position of an offset, `build`
   * converts a group afresh, `move` shifts a conversion by whole lines.
   */
  convert(
    placements: readonly PlacedGroup[],
    at: (offset: number) => Position,
    build: (placed: PlacedGroup) => T,
    move: (value: T, lines: number) => T,
  ): T[] {
    // By where each untouched document is now; its content must be the very group converted then
    // (a group the host dropped, or a restarted worker's, is a new object even with the same results).
    const kept = new Map<number, Converted<T>>();
    for (const g of this.groups) {
      const span = mapSpan(g.start, g.end, this.changes);
      if (span) kept.set(span.start, g);
    }
    this.lastBuilt = 0;
    this.lastMoved = 0;
    const next: Converted<T>[] = [];
    const values = placements.map((placed, i) => {
      const here = at(placed.start);
      const old = kept.get(placed.start);
      let value: T;
      if (old?.content === placed.content && old.at.character === here.character) {
        const lines = here.line - old.at.line;
        if (lines !== 0) this.lastMoved++;
        value = lines === 0 ? old.value : move(old.value, lines);
      } else {
        this.lastBuilt++;
        value = build(placed);
      }
      const following = placements[i + 1]?.start ?? Number.POSITIVE_INFINITY;
      next.push({
        content: placed.content,
        start: placed.start,
        end: Math.max(following, extent(placed.group)),
        at: here,
        value,
      });
      return value;
    });
    this.groups = next;
    this.changes = [];
    return values;
  }
}
