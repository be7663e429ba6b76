import type { Finding } from '../rules/types';
import type { ParseProblem } from '../yaml/parse';
import type { FileAnalysis, ObjectSummary } from './file-analysis';

/**
 * What the analysis worker sends the extension host per update: the file's findings, problems and
 * object summaries cut into one group per YAML document, offsets relative to the document's start.
 * A group the host already holds (same content, wherever the document moved) is sent as its id
 * alone: a keystroke in one document of a 2 MB file sends that document's findings, not 500 others,
 * so the host deserialises a few kilobytes instead of the whole analysis.
 */
export interface AnalysisDelta {
  readonly groups: readonly { readonly id: number; readonly start: number }[];
  /** Contents of the groups the host does not hold yet. */
  readonly added: readonly { readonly id: number; readonly group: Group }[];
}

/** One document's results, offsets relative to its start. */
export interface Group {
  readonly findings: readonly Finding[];
  readonly problems: readonly ParseProblem[];
  readonly objects: readonly ObjectSummary[];
}

const shift = <T extends { start: number; end: number }>(item: T, delta: number): T => ({
  ...item,
  start: item.start + delta,
  end: item.end + delta,
});

/** The worker's side: remembers which groups the host holds (per document of the editor). */
export class DeltaEncoder {
  private held = new Map<string, number>();
  private nextId = 1;

  encode(
    analysis: Pick<FileAnalysis, 'findings' | 'problems' | 'objects' | 'documentStarts'>,
  ): AnalysisDelta {
    const starts = analysis.documentStarts?.length ? analysis.documentStarts : [0];
    const groups = starts.map(() => ({
      findings: [] as Finding[],
      problems: [] as ParseProblem[],
      objects: [] as ObjectSummary[],
    }));
    // The last document starting at or before an offset: items arrive in text order, mostly.
    const groupOf = (offset: number): number => {
      let low = 0;
      let high = starts.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if ((starts[mid] ?? 0) <= offset) low = mid;
        else high = mid - 1;
      }
      return low;
    };
    const place = <T extends { start: number; end: number }>(
      items: readonly T[],
      pick: (g: Group) => T[],
    ) => {
      for (const item of items) {
        const g = groupOf(item.start);
        pick(groups[g] as Group).push(shift(item, -(starts[g] ?? 0)));
      }
    };
    place(analysis.findings, (g) => g.findings as Finding[]);
    place(analysis.problems, (g) => g.problems as ParseProblem[]);
    for (const o of analysis.objects) {
      const g = groupOf(o.start);
      const start = starts[g] ?? 0;
      (groups[g]?.objects as ObjectSummary[]).push({ ...shift(o, -start), anchor: o.anchor - start });
    }
    const held = new Map<string, number>();
    const added: { id: number; group: Group }[] = [];
    const ids = groups.map((group) => {
      const key = JSON.stringify(group);
      let id = held.get(key) ?? this.held.get(key);
      if (id === undefined) {
        id = this.nextId++;
        added.push({ id, group });
      }
      held.set(key, id);
      return id;
    });
    // Only the groups of this update stay held: the host drops the others too.
    this.held = held;
    return { groups: ids.map((id, i) => ({ id, start: starts[i] ?? 0 })), added };
  }
}

/**
 * One document's results as the last delta placed them: `content` is the held group (offsets relative
 * to `start`, the same object for as long as the host holds it), `group` the same with absolute offsets.
 */
export interface PlacedGroup {
  readonly content: Group;
  readonly start: number;
  readonly group: Group;
}

/** The extension host's side: the groups it holds, and the file's results rebuilt from a delta. */
export class DeltaDecoder {
  private held = new Map<number, Group>();
  /**
   * Each held group as placed last time: a document that neither changed nor moved keeps its very
   * finding objects, so the host can keep what it made of them (diagnostics) too.
   */
  private placed = new Map<number, { start: number; group: Group }>();
  /** Groups received in the last delta (for tests and the benchmark). */
  lastAdded = 0;
  /** The documents of the last delta, in order: the host keeps what it made of each (diagnostics). */
  placements: readonly PlacedGroup[] = [];

  decode(delta: AnalysisDelta): Pick<FileAnalysis, 'findings' | 'problems' | 'objects'> {
    const held = new Map<number, Group>();
    const placed = new Map<number, { start: number; group: Group }>();
    for (const { id, group } of delta.added) held.set(id, group);
    this.lastAdded = delta.added.length;
    const findings: Finding[] = [];
    const problems: ParseProblem[] = [];
    const objects: ObjectSummary[] = [];
    const placements: PlacedGroup[] = [];
    for (const { id, start } of delta.groups) {
      const group = held.get(id) ?? this.held.get(id);
      if (!group) throw new Error(`analysis delta names group ${id}, which the extension host does not hold`);
      held.set(id, group);
      let here = this.placed.get(id);
      if (here?.start !== start)
        here = {
          start,
          group: {
            findings: group.findings.map((f) => shift(f, start)),
            problems: group.problems.map((p) => shift(p, start)),
            objects: group.objects.map((o) => ({ ...shift(o, start), anchor: o.anchor + start })),
          },
        };
      placed.set(id, here);
      placements.push({ content: group, start, group: here.group });
      findings.push(...here.group.findings);
      problems.push(...here.group.problems);
      objects.push(...here.group.objects);
    }
    this.held = held;
    this.placed = placed;
    this.placements = placements;
    return { findings, problems, objects };
  }
}

/**
 * A list whose unchanged items are the same objects from one update to the next (the index entries
 * of documents an edit did not touch), sent as ids for the items the host holds: a keystroke in one
 * CRD's schema sends that CRD's entry, not every CRD's compiled schema.
 */
export interface ListDelta<T> {
  readonly ids: readonly number[];
  readonly added: readonly { readonly id: number; readonly item: T }[];
}

export class ListEncoder<T extends object> {
  private held = new Map<T, number>();
  private nextId = 1;

  encode(items: readonly T[]): ListDelta<T> {
    const held = new Map<T, number>();
    const added: { id: number; item: T }[] = [];
    const ids = items.map((item) => {
      let id = held.get(item) ?? this.held.get(item);
      if (id === undefined) {
        id = this.nextId++;
        added.push({ id, item });
      }
      held.set(item, id);
      return id;
    });
    this.held = held;
    return { ids, added };
  }
}

export class ListDecoder<T> {
  private held = new Map<number, T>();
  private last: readonly T[] = [];

  /** The list, the very array of last time when nothing changed. */
  decode(delta: ListDelta<T>): readonly T[] {
    const held = new Map<number, T>();
    for (const { id, item } of delta.added) held.set(id, item);
    const items = delta.ids.map((id) => {
      const item = held.get(id) ?? this.held.get(id);
      if (item === undefined)
        throw new Error(`list delta names item ${id}, which the extension host does not hold`);
      held.set(id, item);
      return item;
    });
    this.held = held;
    const same = items.length === this.last.length && items.every((item, i) => item === this.last[i]);
    if (!same) this.last = items;
    return this.last;
  }
}
