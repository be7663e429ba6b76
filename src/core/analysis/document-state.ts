import { isMap, isPair } from 'yaml';
import { rangeOf } from '../manifest/nodes';
import { POD_CARRIERS, objectsOfDocument, type ManifestObject } from '../manifest/objects';
import { analyseObject } from '../rules/engine';
import { lightIdentity, lightQuiet } from '../rules/light';
import { indexFile, indexObjects, type IndexedObject, type ScopeIndex } from '../rules/scope';
import { parseSuppressions, type Suppressions } from '../rules/suppress';
import type { Finding, Rule, RuleOptions, Severity } from '../rules/types';
import {
  composeSlice,
  duplicateKeyProblem,
  fileOf,
  prepareText,
  sliceDocuments,
  toProblem,
  type ManifestDocument,
  type ManifestFile,
  type ParseProblem,
} from '../yaml/parse';
import { parseLightPieces } from '../yaml/light-file';
import { LineIndex } from '../yaml/lines';
import type { AnalyserHooks, ObjectSummary } from './file-analysis';
import { spliceDocument, type DocumentEdit } from './splice';

type ActiveRules = readonly { rule: Rule; severity: Severity | undefined }[];

/** Results of one group of rules over a document, offsets relative to the document's slice. */
interface RuleResults {
  readonly findings: readonly Finding[];
  readonly problems: readonly ParseProblem[];
}

/**
 * One YAML document of an edited file. It keeps its CST, objects, index entries and findings at
 * offsets relative to its own start, so they stay valid when an edit elsewhere moves it. It was
 * parsed as part of `region` (the text of the documents one parse covered) at offset `base`.
 */
export class DocumentState {
  private parsedObjects: readonly ManifestObject[] | undefined;
  index: readonly IndexedObject[];
  /** The index entries as JSON: whether an edit changed this document's cross-resource facts. */
  readonly indexKey: string;
  readonly summaries: readonly ObjectSummary[];
  private local: RuleResults | undefined;
  private cross: RuleResults | undefined;
  private crossKey = '';

  constructor(
    private readonly region: Region,
    /** Undefined for text with no document at all (only comments or blank lines). */
    private readonly document: ManifestDocument | undefined,
    private readonly base: number,
    readonly length: number,
    path: string,
    /** A light CRD's summary, read from its text: its nodes are built only when a rule needs them. */
    light?: ObjectSummary,
  ) {
    this.index =
      document?.light && light
        ? indexFile({ ...region.file, documents: [document] }, path)
        : indexObjects(this.objects, path);
    this.indexKey = JSON.stringify(this.index);
    const summaries = light ? [light] : this.objects.map(summarise);
    this.summaries = summaries.map((summary) => {
      return {
        ...summary,
        start: summary.start - base,
        end: summary.end - base,
        anchor: summary.anchor - base,
      };
    });
  }

  get objects(): readonly ManifestObject[] {
    return (this.parsedObjects ??= this.document ? objectsOfDocument(this.region.file, this.document) : []);
  }

  /** Builds a light CRD's nodes now (the worker, idle) rather than on the first keystroke in it. */
  warm(): boolean {
    if (!this.document?.light || this.warmed) return false;
    this.warmed = true;
    void this.document.doc;
    return true;
  }
  private warmed = false;

  /** Whether the document has an unterminated quote, which runs on into the next `---`. */
  get unterminated(): boolean {
    // Unclosed flow collections stop at `---`; only quoted scalars run on (yaml says "closing quote").
    return (
      this.document?.problems.some((p) => p.code === 'MISSING_CHAR' && /quote/i.test(p.message)) ?? false
    );
  }

  /**
   * This document after an edit inside it, re-parsing only the entry that holds the edit (see
   * `spliceDocument`); `undefined` when the whole document must be parsed again. Takes the CST
   * from this state: it must be dropped afterwards.
   */
  spliced(text: string, edit: DocumentEdit, path: string, hooks: AnalyserHooks): DocumentState | undefined {
    // yaml says a plain key runs over 1024 characters where it starts, so an edit inside one may not
    // reach the entry that reported it (and re-parsing that entry would not say it again).
    const whole = new Set(['ALIAS_LIMIT', 'KEY_OVER_1024_CHARS']);
    if (!this.document || this.document.problems.some((p) => whole.has(p.code))) return undefined;
    const before = this.region.file.text.slice(this.base, this.base + this.length);
    const result = spliceDocument(this.document.doc, this.base, before, text, edit);
    if (!result) return undefined;
    hooks.spliced?.(text);
    // The run's old problems are gone with it; the others move, and the run's new ones join.
    const [from, to] = result.replaced;
    const replaced = (p: ParseProblem) => p.start >= this.base + from && p.start <= this.base + to;
    const lines = new LineIndex(text);
    const problems = [
      ...this.document.problems
        .filter((p) => !replaced(p))
        .map((p) => ({ ...p, start: result.move(p.start), end: result.move(p.end) }))
        // A duplicate key's message names the first key's line, which the edit may have moved.
        .map((p) =>
          p.code === 'DUPLICATE_KEY' ? duplicateKeyProblem(result.doc, [p.start, p.end], lines) : p,
        ),
      ...result.errors.map((e) =>
        e.code === 'DUPLICATE_KEY'
          ? duplicateKeyProblem(result.doc, e.pos, lines)
          : toProblem(e.code, e.message, e.pos, 'error'),
      ),
      ...result.warnings.map((e) => toProblem(e.code, e.message, e.pos, 'warning')),
    ];
    if (problems.some((p) => Number.isNaN(p.start) || Number.isNaN(p.end))) return undefined;
    const prepared = prepareText(text);
    const { doc } = result;
    const document: ManifestDocument = {
      index: 0,
      start: doc.range[0],
      end: doc.range[2],
      doc,
      root: isMap(doc.contents) ? doc.contents : undefined,
      source: text,
      problems,
      suppressedErrors: 0,
    };
    const old = this.region.file.comments.map((c) => c - this.base);
    const comments = [
      ...old.filter((c) => c >= 0 && c < from),
      ...result.comments,
      ...old.filter((c) => c >= to && c < this.length).map((c) => c + edit.delta),
    ];
    const file = fileOf(prepared, [document], comments);
    const state = new DocumentState(
      { file, suppressions: parseSuppressions(file) },
      document,
      0,
      text.length,
      path,
    );
    // Equal facts keep their entry objects: the worker sends an index only when one changed.
    if (state.indexKey === this.indexKey) state.index = this.index;
    return state;
  }

  /**
   * A duplicate key's message names the first key's line as counted in the parsed region, which
   * starts at this document or earlier, and the document may have moved since: counted in the file.
   */
  private lineInFile(problem: ParseProblem, linesBefore: number): ParseProblem {
    const regionLines = lineBreaks(this.region.file.text, 0, this.base);
    const message = problem.message.replace(
      /already defined at line (\d+)/,
      (_, line: string) => `already defined at line ${Number(line) - regionLines + linesBefore}`,
    );
    return { ...problem, message };
  }

  private run(rules: ActiveRules, index: ScopeIndex, options: RuleOptions): RuleResults {
    // A light CRD sure to give nothing under these rules: its nodes are never built.
    if (this.document?.light && lightQuiet(this.document.light, rules, options))
      return { findings: [], problems: [] };
    const problems: ParseProblem[] = [];
    const analysable = (this.document?.problems ?? []).every(
      (p) => p.severity !== 'error' || p.code === 'DUPLICATE_KEY',
    );
    const findings = analysable
      ? this.objects.flatMap((o) =>
          analyseObject(o, rules, index, options, this.region.suppressions, problems),
        )
      : [];
    return {
      findings: findings.map((f) => shift(f, -this.base)),
      problems: problems.map((p) => shift(p, -this.base)),
    };
  }

  /**
   * The document's findings and problems: rules that read no other object run once per text of
   * the document; cross-resource rules run again only when `crossKey` (the scope's facts) changed.
   */
  results(
    local: ActiveRules,
    cross: ActiveRules,
    index: () => ScopeIndex,
    crossKey: string,
    options: RuleOptions,
    /** Line breaks in the file before this document: a duplicate key's message names a file line. */
    linesBefore: () => number,
  ): { findings: readonly Finding[]; problems: readonly ParseProblem[]; ran: boolean } {
    let ran = false;
    if (!this.local) {
      this.local = this.run(local, index(), options);
      ran = true;
    }
    if (!this.cross || this.crossKey !== crossKey) {
      this.cross = this.run(cross, index(), options);
      this.crossKey = crossKey;
      ran = true;
    }
    const own = (p: ParseProblem) => p.start >= this.base && p.start < this.base + this.length;
    const parsed = [
      ...this.region.suppressions.problems.filter(own),
      ...(this.document?.problems ?? []).map((p) =>
        p.code === 'DUPLICATE_KEY' ? this.lineInFile(p, linesBefore()) : p,
      ),
    ]
      .map((p) => shift(p, -this.base))
      // In text order: a re-parsed run's problems join the document's in its place.
      .sort((a, b) => a.start - b.start);
    return {
      findings: [...this.local.findings, ...this.cross.findings],
      problems: [...parsed, ...this.local.problems, ...this.cross.problems],
      ran,
    };
  }
}

/** How many line breaks `text[from, to)` holds. */
export function lineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** The text one parse covered, with what every document in it shares. */
interface Region {
  readonly file: ManifestFile;
  readonly suppressions: Suppressions;
}

const shift = <T extends { start: number; end: number }>(item: T, delta: number): T => ({
  ...item,
  start: item.start + delta,
  end: item.end + delta,
});

/**
 * Parses a run of whole documents (a region starting at a document boundary, up to the whole
 * file) with one CST parse. A keystroke inside one document parses just that document's text.
 */
export function parseDocuments(
  text: string,
  path: string,
  hooks: AnalyserHooks,
  light = false,
): DocumentState[] {
  const pieces = light ? parseLightPieces(text) : undefined;
  if (pieces) {
    hooks.parsed?.(text);
    const region: Region = { file: pieces.file, suppressions: parseSuppressions(pieces.file) };
    return pieces.file.documents.map((document, i) => {
      const [start, end] = pieces.spans[i] ?? [0, 0];
      const summary = document.light ? lightSummary(text, document, start, end) : undefined;
      return new DocumentState(region, document, start, end - start, path, summary);
    });
  }
  const prepared = prepareText(text);
  hooks.parsed?.(text);
  const { slices, comments } = sliceDocuments(prepared);
  const documents = slices.map((slice) => composeSlice(prepared, slice));
  const file = fileOf(prepared, documents, comments);
  const region: Region = { file, suppressions: parseSuppressions(file) };
  if (slices.length === 0)
    return text === '' ? [] : [new DocumentState(region, undefined, 0, text.length, path)];
  return slices.map(
    (slice, i) => new DocumentState(region, documents[i], slice.start, slice.end - slice.start, path),
  );
}

export function summarise(object: ManifestObject): ObjectSummary {
  const [start, end] = rangeOf(object.node);
  const kindPair = object.node.items.find(
    (p) => isPair(p) && (p.key as { value?: unknown } | null)?.value === 'kind',
  );
  const summary: { -readonly [K in keyof ObjectSummary]: ObjectSummary[K] } = {
    identity: object.identity,
    documentIndex: object.document.index,
    start,
    end,
    anchor: kindPair ? rangeOf(kindPair)[0] : start,
    podCarrier: POD_CARRIERS.has(object.identity.kind ?? ''),
  };
  if (object.listIndex !== undefined) summary.listIndex = object.listIndex;
  return summary;
}

/**
 * A light CRD document's summary from its text, as summarise gives it from nodes: its root map
 * starts at the first content line and ends after the last one's line break, `kind:` anchors it.
 * `undefined` (parse it) when a comment at its end or a missing final line break leaves doubt.
 */
function lightSummary(
  text: string,
  document: ManifestDocument,
  from: number,
  to: number,
): ObjectSummary | undefined {
  const value = document.light;
  if (!value) return undefined;
  // The root's first line: past the `---` line and any blank or comment lines (a few, at the top).
  let first = text.startsWith('---\n', from) ? from + 4 : from;
  for (;;) {
    if (first >= to) return undefined;
    const lineEnd = text.indexOf('\n', first);
    const line = text.slice(first, lineEnd < 0 || lineEnd > to ? to : lineEnd).trim();
    if (line !== '' && !line.startsWith('#')) break;
    if (lineEnd < 0) return undefined;
    first = lineEnd + 1;
  }
  // The last non-blank line, read backwards: a comment on or after the root's last line may or
  // may not be in its range, and a missing final line break neither: leave those to yaml.
  let last = to;
  while (last > first && /\s/.test(text[last - 1] ?? '')) last--;
  const lineBreak = text.indexOf('\n', last);
  if (lineBreak < 0 || lineBreak >= to) return undefined;
  if (text.slice(text.lastIndexOf('\n', last - 1) + 1, last).includes('#')) return undefined;
  const kindAt = text.startsWith('kind: ', first) ? first : text.indexOf('\nkind: ', first) + 1;
  if (text.charCodeAt(first) === 32 || kindAt <= 0 || kindAt >= to) return undefined;
  return {
    identity: lightIdentity(value),
    documentIndex: document.index,
    start: first,
    end: lineBreak + 1,
    anchor: kindAt,
    podCarrier: false,
  };
}
