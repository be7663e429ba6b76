import { CST, Composer, Parser, isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import { LineIndex } from './lines';
import { hasTemplateActions, maskTemplates, overlapsMask } from './mask';

/** A problem with the file itself (not a rule finding): syntax errors, size, encoding. */
export interface ParseProblem {
  readonly code: string;
  readonly message: string;
  readonly start: number;
  readonly end: number;
  readonly severity: 'error' | 'warning' | 'info';
}

export interface ManifestDocument {
  /** Index of the document in the file (0-based), empty documents included. */
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly doc: Document.Parsed;
  /** The document's root map, or undefined when the document is empty, a scalar or a list. */
  readonly root: YAMLMap | undefined;
  /** The document's text: equal text means an equal analysis (the editor's reuse key). */
  readonly source: string;
  readonly problems: readonly ParseProblem[];
  /** Syntax errors hidden because the file is a template (counted for the file-level note). */
  readonly suppressedErrors: number;
}

export interface ManifestFile {
  readonly text: string;
  readonly documents: readonly ManifestDocument[];
  readonly problems: readonly ParseProblem[];
  /** Template (Helm) action ranges; empty for plain YAML. */
  readonly templateRanges: readonly (readonly [number, number])[];
  readonly isTemplate: boolean;
  readonly lines: LineIndex;
  /** Where YAML comments start (offsets): suppression directives are read there and only there. */
  readonly comments: readonly number[];
  /** Line ending used by the file, for text that fixes insert. */
  readonly eol: '\n' | '\r\n';
}

export interface ParseOptions {
  /** Documents with more alias references than this are reported, not expanded (YAML bombs). */
  readonly maxAliasCount?: number;
}

const DEFAULT_MAX_ALIASES = 100;

/** The file-level facts computed once per text: template masking and line endings. */
export interface PreparedText {
  readonly text: string;
  /** The text the YAML parser sees: template actions masked, same length and offsets. */
  readonly masked: string;
  readonly templateRanges: readonly (readonly [number, number])[];
  readonly isTemplate: boolean;
  readonly eol: '\n' | '\r\n';
}

/** One document's CST and its text slice [start, end) (leading comments belong to the first). */
export interface DocumentSlice {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly token: CST.Document;
}

export function prepareText(text: string): PreparedText {
  const isTemplate = hasTemplateActions(text);
  const masked = isTemplate ? maskTemplates(text) : { text, ranges: [] };
  return {
    text,
    masked: masked.text,
    templateRanges: masked.ranges,
    isTemplate,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

/** yaml's CST parser, noting where comments start as their tokens go by: no second lexing pass. */
class CommentNotingParser extends Parser {
  readonly comments: number[] = [];

  override *next(source: string): Generator<CST.Token, void> {
    if (CST.tokenType(source) === 'comment') this.comments.push(this.offset);
    yield* super.next(source);
  }
}

/** A text's documents, and where its comments start. */
export interface SlicedText {
  readonly slices: DocumentSlice[];
  readonly comments: readonly number[];
}

/**
 * Splits a text into documents with yaml's CST parser (never a regex: `--- # comment` and
 * `----` inside block scalars both work). Cheap compared to composing: the editor uses it to
 * find which documents changed and composes only those.
 */
export function sliceDocuments(prepared: PreparedText): SlicedText {
  const parser = new CommentNotingParser();
  const tokens: CST.Document[] = [];
  for (const token of parser.parse(prepared.masked)) if (token.type === 'document') tokens.push(token);
  const slices = tokens.map((token, index) => ({
    index,
    token,
    start: index === 0 ? 0 : token.offset,
    end: tokens[index + 1]?.offset ?? prepared.text.length,
  }));
  return { slices, comments: parser.comments };
}

/** Composes one document of a prepared text; node ranges are offsets in the whole text. */
export function composeSlice(
  prepared: PreparedText,
  slice: DocumentSlice,
  options: ParseOptions = {},
): ManifestDocument {
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, strict: true });
  const doc = [
    ...composer.compose([slice.token], true, slice.end),
    ...composer.end(false, slice.end),
  ][0] as Document.Parsed;
  const maxAliases = options.maxAliasCount ?? DEFAULT_MAX_ALIASES;
  const problems: ParseProblem[] = [];
  for (const error of doc.errors) problems.push(toProblem(error.code, error.message, error.pos, 'error'));
  for (const warning of doc.warnings)
    problems.push(toProblem(warning.code, warning.message, warning.pos, 'warning'));
  const aliases = countAliases(prepared.masked, slice.start, slice.end);
  if (aliases > maxAliases) {
    problems.push({
      code: 'ALIAS_LIMIT',
      message: `This document uses ${aliases} YAML aliases (limit ${maxAliases}); it is not analysed, to stay safe from alias bombs.`,
      start: doc.range[0],
      end: doc.range[0] + 1,
      severity: 'error',
    });
  }
  const root = aliases <= maxAliases && isMap(doc.contents) ? doc.contents : undefined;
  // Masking can leave text the YAML parser rejects; syntax errors in a template file say more
  // about the template than about the manifest, so they are summarised once per file instead.
  const kept = prepared.isTemplate
    ? problems.filter((p) => p.severity !== 'error' || p.code === 'ALIAS_LIMIT')
    : problems;
  return {
    index: slice.index,
    start: doc.range[0],
    end: doc.range[2],
    doc,
    root,
    source: prepared.text.slice(slice.start, slice.end),
    problems: kept,
    suppressedErrors: problems.length - kept.length,
  };
}

export function fileOf(
  prepared: PreparedText,
  documents: readonly ManifestDocument[],
  comments: readonly number[],
): ManifestFile {
  const problems: ParseProblem[] = [];
  if (prepared.isTemplate) {
    const suppressed = documents.reduce((n, d) => n + d.suppressedErrors, 0);
    problems.push({
      code: 'TEMPLATE',
      message:
        suppressed > 0
          ? `Template file: literal YAML is analysed; ${suppressed} spot(s) produced by template actions could not be parsed and are skipped. No fixes are offered in template files.`
          : 'Template file: literal YAML is analysed; values produced by template actions are skipped, and no fixes are offered in template files.',
      start: prepared.templateRanges[0]?.[0] ?? 0,
      end: prepared.templateRanges[0]?.[1] ?? 0,
      severity: 'info',
    });
  }
  return {
    text: prepared.text,
    documents,
    problems,
    templateRanges: prepared.templateRanges,
    isTemplate: prepared.isTemplate,
    lines: new LineIndex(prepared.text),
    comments,
    eol: prepared.eol,
  };
}

export function parseManifestFile(text: string, options: ParseOptions = {}): ManifestFile {
  const prepared = prepareText(text);
  const { slices, comments } = sliceDocuments(prepared);
  return fileOf(
    prepared,
    slices.map((slice) => composeSlice(prepared, slice, options)),
    comments,
  );
}

function toProblem(
  code: string,
  message: string,
  pos: [number, number],
  severity: 'error' | 'warning',
): ParseProblem {
  const friendly =
    code === 'DUPLICATE_KEY'
      ? 'Duplicate key: the last value wins in Kubernetes, the earlier one is silently ignored.'
      : message;
  return { code, message: friendly, start: pos[0], end: Math.max(pos[1], pos[0] + 1), severity };
}

/** Cheap upper bound on alias references in a document: `*name` outside quotes and comments. */
function countAliases(whole: string, start: number, end: number): number {
  // indexOf cannot stop at `end`: on the whole text, a document without `*` would scan to the end
  // of the file: quadratic in the number of documents (11 s of a 20 MB, 58,000-document lint).
  const text = whole.slice(start, end);
  let count = 0;
  for (let i = text.indexOf('*'); i >= 0; i = text.indexOf('*', i + 1)) {
    const prev = text.charCodeAt(i - 1);
    // Preceded by space, '[', ',', '{', ':' or a line start: an alias, not a glob in a string.
    if (i === 0 || prev === 32 || prev === 91 || prev === 44 || prev === 123 || prev === 58 || prev === 10) {
      const next = text.charCodeAt(i + 1);
      if (
        (next >= 48 && next <= 57) ||
        (next >= 65 && next <= 90) ||
        (next >= 97 && next <= 122) ||
        next === 95 ||
        next === 45
      )
        count++;
    }
  }
  return count;
}

/** True when the node's text overlaps a template action: its value is unknown until render. */
export function isTemplated(file: ManifestFile, node: Node | null | undefined): boolean {
  if (!node?.range || file.templateRanges.length === 0) return false;
  return overlapsMask(file.templateRanges, node.range[0], node.range[1]);
}

export { isMap, isScalar, isSeq };
