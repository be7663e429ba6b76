import type { ObjectIdentity } from '../manifest/objects';
import { activeRules, byPlace, type AnalyseOptions } from '../rules/engine';
import type { IndexedObject, ScopeIndex } from '../rules/scope';
import { defaultRuleOptions, type Finding, type Scope } from '../rules/types';
import { hasTemplateActions } from '../yaml/mask';
import type { ParseProblem } from '../yaml/parse';
import { lineBreaks, parseDocuments, type DocumentState } from './document-state';
import { SlicingAnalyser } from './sliced-analysis';

export { summarise } from './document-state';

/** Where an object sits, for code lenses and "reveal": plain data, no yaml nodes. */
export interface ObjectSummary {
  readonly identity: ObjectIdentity;
  readonly documentIndex: number;
  readonly listIndex?: number;
  readonly start: number;
  readonly end: number;
  /** The `kind:` line: where lenses go. */
  readonly anchor: number;
  readonly podCarrier: boolean;
}

export interface FileAnalysis {
  readonly findings: readonly Finding[];
  readonly problems: readonly ParseProblem[];
  readonly objects: readonly ObjectSummary[];
  /** This file's own entries for the workspace index. */
  readonly index: readonly IndexedObject[];
  readonly isTemplate: boolean;
  /** Documents whose rules ran (not reused) in this update: the benchmark's "re-do only what changed". */
  readonly composed: number;
  /** Where each YAML document starts, when known: the worker sends only documents whose results changed. */
  readonly documentStarts?: readonly number[];
}

export interface ExternalScope {
  readonly scope: Scope;
  /** Index entries of every other file in scope. */
  readonly objects: readonly IndexedObject[];
  /** Bumped whenever `objects` changes, so cached cross-resource findings are re-checked. */
  readonly version: number;
}

/** Observation points for tests and the benchmark: what an update really re-did. */
export interface AnalyserHooks {
  /** Called with the text of every CST parse (a document, a run of documents, or a whole file). */
  readonly parsed?: (text: string) => void;
  /** Called with a document's new text when only the entry holding the edit was parsed again. */
  readonly spliced?: (text: string) => void;
}

const shift = <T extends { start: number; end: number }>(item: T, delta: number): T => ({
  ...item,
  start: item.start + delta,
  end: item.end + delta,
});

/** Length of the common prefix and suffix of two texts, compared in chunks: a 2 MB file is common. */
function commonEnds(a: string, b: string): { prefix: number; suffix: number } {
  const max = Math.min(a.length, b.length);
  let prefix = 0;
  for (const step of STEPS)
    while (prefix + step <= max && a.slice(prefix, prefix + step) === b.slice(prefix, prefix + step))
      prefix += step;
  let suffix = 0;
  const room = max - prefix;
  for (const step of STEPS)
    while (
      suffix + step <= room &&
      a.slice(a.length - suffix - step, a.length - suffix) ===
        b.slice(b.length - suffix - step, b.length - suffix)
    )
      suffix += step;
  return { prefix, suffix };
}
const STEPS = [65536, 4096, 256, 16, 1];

/**
 * Editor-side analysis of one file that re-does only what a keystroke changed. Each YAML document
 * (`---` section) is parsed on its own text and keeps its CST, objects, index entries and findings
 * at offsets relative to its start; an edit re-parses only the documents it touches (and a
 * neighbour when it adds or removes a `---`). Cross-resource rules re-run on other documents only
 * when the scope's facts changed, and then on the kept CSTs, without parsing. Results equal
 * `analyseFile` on the whole text. Template files, masked as a whole, take `SlicingAnalyser`.
 */
export class IncrementalAnalyser {
  private text = '';
  private documents: DocumentState[] | undefined;
  private readonly sliced: SlicingAnalyser;
  private readonly local: ReturnType<typeof activeRules>;
  private readonly cross: ReturnType<typeof activeRules>;

  constructor(
    private readonly path: string,
    private readonly config: Omit<AnalyseOptions, 'index' | 'path'>,
    private readonly hooks: AnalyserHooks = {},
  ) {
    this.sliced = new SlicingAnalyser(path, config, hooks);
    const rules = activeRules(config);
    const cross = (r: (typeof rules)[number]) => r.rule.crossResource === true || r.rule.readsIndex === true;
    this.local = rules.filter((r) => !cross(r));
    this.cross = rules.filter(cross);
  }

  update(text: string, external: ExternalScope = { scope: 'file', objects: [], version: 0 }): FileAnalysis {
    if (hasTemplateActions(text)) {
      this.documents = undefined;
      return this.sliced.update(text, external);
    }
    const documents = this.reparse(text);
    const own = documents.flatMap((d) => d.index);
    const crossKey = `${external.scope}|${external.version}|${documents.map((d) => d.indexKey).join('\n')}`;
    let index: ScopeIndex | undefined;
    const scopeIndex = () => (index ??= { scope: external.scope, objects: [...external.objects, ...own] });
    const options = { ...defaultRuleOptions, ...this.config.options };

    const findings: Finding[] = [];
    const problems: ParseProblem[] = [];
    const objects: ObjectSummary[] = [];
    let composed = 0;
    let start = 0;
    const documentStarts: number[] = [];
    // Line breaks before `counted`, counted only as far as a document asks (one with a duplicate key).
    let counted = 0;
    let breaks = 0;
    const linesBefore = (at: number) => () => {
      breaks += lineBreaks(text, counted, at);
      counted = at;
      return breaks;
    };
    documents.forEach((document, documentIndex) => {
      const results = document.results(
        this.local,
        this.cross,
        scopeIndex,
        crossKey,
        options,
        linesBefore(start),
      );
      if (results.ran) composed++;
      documentStarts.push(start);
      for (const f of results.findings) findings.push({ ...shift(f, start), documentIndex });
      for (const p of results.problems) problems.push(shift(p, start));
      for (const o of document.summaries)
        objects.push({ ...shift(o, start), anchor: o.anchor + start, documentIndex });
      start += document.length;
    });
    findings.sort(byPlace);
    return { findings, problems, objects, index: own, isTemplate: false, composed, documentStarts };
  }

  /**
   * Parses one CRD the light scanner left unparsed at open, so a first keystroke in it costs what
   * any other does; false when none is left. For idle time: the caller stops when an edit arrives.
   */
  warm(): boolean {
    return this.documents?.some((d) => d.warm()) ?? false;
  }

  /** The documents of `text`, re-parsing only those the edit from the previous text touched. */
  private reparse(text: string): DocumentState[] {
    const previous = this.documents;
    const before = this.text;
    this.text = text;
    if (!previous || previous.length === 0) {
      // At open, CRDs the light scanner reads are not parsed until an edit or a rule needs them.
      this.documents = parseDocuments(text, this.path, this.hooks, true);
      return this.documents;
    }
    if (before === text) return previous;
    const { prefix, suffix } = commonEnds(before, text);
    const editEnd = before.length - suffix;
    // Documents the edit touches, boundaries included: typing just before a `---` can break it.
    let first = -1;
    let last = -1;
    let offset = 0;
    let regionStart = 0;
    let regionEnd = 0;
    previous.forEach((document, i) => {
      const end = offset + document.length;
      if (first < 0 && end >= prefix) {
        first = i;
        regionStart = offset;
      }
      if (offset <= editEnd) {
        last = i;
        regionEnd = end;
      }
      offset = end;
    });
    // An edit on a document's `---` line can unmake the boundary: the previous document joins in.
    const opening = before.indexOf('\n', regionStart);
    if (first > 0 && (opening < 0 || prefix <= opening)) {
      first--;
      regionStart -= previous[first]?.length ?? 0;
    }
    const delta = text.length - before.length;
    const only = first === last ? previous[first] : undefined;
    const spliced = only?.spliced(
      text.slice(regionStart, regionEnd + delta),
      { start: prefix - regionStart, end: editEnd - regionStart, delta },
      this.path,
      this.hooks,
    );
    if (spliced) {
      this.documents = [...previous.slice(0, first), spliced, ...previous.slice(last + 1)];
      return this.documents;
    }
    let replaced = parseDocuments(text.slice(regionStart, regionEnd + delta), this.path, this.hooks);
    // An unterminated quote runs on through every later `---`: the rest of the file is one document.
    if (last < previous.length - 1 && replaced.some((d) => d.unterminated)) {
      last = previous.length - 1;
      replaced = parseDocuments(text.slice(regionStart), this.path, this.hooks);
    }
    this.documents = [...previous.slice(0, first), ...replaced, ...previous.slice(last + 1)];
    return this.documents;
  }
}
