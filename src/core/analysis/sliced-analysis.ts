import { objectsOfDocument } from '../manifest/objects';
import { activeRules, byPlace, analyseObject, type AnalyseOptions } from '../rules/engine';
import { indexObjects, type IndexedObject, type ScopeIndex } from '../rules/scope';
import { parseSuppressions } from '../rules/suppress';
import { defaultRuleOptions, type Finding } from '../rules/types';
import {
  composeSlice,
  fileOf,
  prepareText,
  sliceDocuments,
  type ManifestDocument,
  type ParseProblem,
} from '../yaml/parse';
import { summarise } from './document-state';
import type { AnalyserHooks, ExternalScope, FileAnalysis, ObjectSummary } from './file-analysis';

interface CachedDocument {
  readonly index: readonly IndexedObject[];
  readonly suppressedErrors: number;
  /** The document's [start, end) relative to the slice start: which `# shipshape-disable` is its own. */
  readonly range: readonly [number, number];
  /** Offsets relative to the slice start. */
  findings?: readonly Finding[];
  problems?: readonly ParseProblem[];
  objects?: readonly ObjectSummary[];
  analysedWith?: string;
}

const shift = <T extends { start: number; end: number }>(item: T, delta: number): T => ({
  ...item,
  start: item.start + delta,
  end: item.end + delta,
});

/**
 * The template-file path of the editor's analysis: template masking is a whole-text affair, so the
 * text is sliced in full each time; documents whose text is unchanged still reuse their findings
 * (offsets shifted) unless the cross-resource index changed. Results equal `analyseFile`.
 */
export class SlicingAnalyser {
  private cache = new Map<string, CachedDocument>();

  constructor(
    private readonly path: string,
    private readonly config: Omit<AnalyseOptions, 'index' | 'path'>,
    private readonly hooks: AnalyserHooks = {},
  ) {}

  update(text: string, external: ExternalScope = { scope: 'file', objects: [], version: 0 }): FileAnalysis {
    const prepared = prepareText(text);
    this.hooks.parsed?.(text);
    const { slices, comments } = sliceDocuments(prepared);
    const next = new Map<string, CachedDocument>();
    const composed = new Map<number, ManifestDocument>();
    const entries: CachedDocument[] = [];
    const fileStub = fileOf(prepared, [], comments);
    for (const slice of slices) {
      const source = text.slice(slice.start, slice.end);
      let entry = next.get(source) ?? this.cache.get(source);
      if (!entry) {
        const document = composeSlice(prepared, slice);
        composed.set(slice.index, document);
        entry = {
          index: indexObjects(objectsOfDocument(fileStub, document), this.path),
          suppressedErrors: document.suppressedErrors,
          range: [document.start - slice.start, document.end - slice.start],
        };
      }
      next.set(source, entry);
      entries.push(entry);
    }
    this.cache = next;

    const own = entries.flatMap((e) => e.index);
    const index: ScopeIndex = {
      scope: external.scope === 'file' ? 'file' : external.scope,
      objects: [...external.objects, ...own],
    };
    const indexKey = `${external.version}|${JSON.stringify(own)}`;
    const rules = activeRules({ ...this.config, index });
    const options = { ...defaultRuleOptions, ...this.config.options };
    // `# shipshape-disable` belongs to the document it sits in: resolve it against every document's
    // range, reused ones included, and once per update rather than once per object.
    const suppressions = parseSuppressions({
      text,
      lines: fileStub.lines,
      comments,
      documents: slices.map((slice, i) => {
        const [start, end] = (entries[i] as CachedDocument).range;
        return { index: slice.index, start: slice.start + start, end: slice.start + end };
      }),
    });

    const findings: Finding[] = [];
    const problems: ParseProblem[] = [];
    const objects: ObjectSummary[] = [];
    let file = fileStub;
    slices.forEach((slice, i) => {
      const entry = entries[i] as CachedDocument;
      if (entry.analysedWith !== indexKey || !entry.findings || !entry.problems || !entry.objects) {
        const document = composed.get(slice.index) ?? composeSlice(prepared, slice);
        if (file.documents.length === 0 || file === fileStub) file = fileOf(prepared, [document], comments);
        const docObjects = objectsOfDocument(file, document);
        const docProblems = [...document.problems];
        const docFindings = document.problems.every(
          (p) => p.severity !== 'error' || p.code === 'DUPLICATE_KEY',
        )
          ? docObjects.flatMap((o) => analyseObject(o, rules, index, options, suppressions, docProblems))
          : [];
        entry.findings = docFindings.map((f) => shift(f, -slice.start));
        entry.problems = docProblems.map((p) => shift(p, -slice.start));
        entry.objects = docObjects.map((o) => {
          const summary = summarise(o);
          // `shift` moves start/end only: the anchor is kept relative to the slice like them.
          return { ...shift(summary, -slice.start), anchor: summary.anchor - slice.start };
        });
        entry.analysedWith = indexKey;
      }
      for (const f of entry.findings) findings.push({ ...shift(f, slice.start), documentIndex: slice.index });
      for (const p of entry.problems) problems.push(shift(p, slice.start));
      for (const o of entry.objects)
        objects.push({
          ...shift(o, slice.start),
          anchor: o.anchor + slice.start,
          documentIndex: slice.index,
        });
    });
    const suppressed = entries.reduce((n, e) => n + e.suppressedErrors, 0);
    const fileProblems = fileOf(
      prepared,
      [{ suppressedErrors: suppressed } as ManifestDocument],
      [],
    ).problems;
    findings.sort(byPlace);
    return {
      findings,
      problems: [...fileProblems, ...suppressions.problems, ...problems],
      objects,
      index: own,
      isTemplate: prepared.isTemplate,
      composed: composed.size,
    };
  }
}
