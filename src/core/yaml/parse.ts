import {
  CST,
  Composer,
  Lexer,
  Parser,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { checkAliases } from './aliases';
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
  /**
   * The document's plain value, when the CLI's light scanner read it (./light.ts: big CRDs).
   * `doc`, `root`, `start` and `end` are then parsed by yaml on first use, exactly as before.
   */
  readonly light?: Readonly<Record<string, unknown>>;
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
  /** Documents whose aliases add more nodes than this to a walk are reported, not analysed. */
  readonly aliasBudget?: number;
}

/** The file-level facts computed once per text: template masking and line endings. */
export interface PreparedText {
  readonly text: string;
  /** The text the YAML parser sees: template actions masked, same length and offsets. */
  readonly masked: string;
  readonly templateRanges: readonly (readonly [number, number])[];
  readonly isTemplate: boolean;
  readonly eol: '\n' | '\r\n';
  /** Built on first use, shared by the file's documents and problems. */
  readonly lines: LineIndex;
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
    lines: new LineIndex(text),
  };
}

/** yaml's CST parser, noting where comments start as their tokens go by: no second lexing pass. */
export class CommentNotingParser extends Parser {
  readonly comments: number[] = [];
  /** Whether a flow collection or a quoted scalar went by: only they run on past a dedent. */
  flowOrQuoted = false;

  override *next(source: string): Generator<CST.Token, void> {
    const type = CST.tokenType(source);
    if (type === 'comment') this.comments.push(this.offset);
    else if (RUNS_ON.has(type)) this.flowOrQuoted = true;
    yield* super.next(source);
  }
}
const RUNS_ON = new Set<string | null>([
  'flow-map-start',
  'flow-seq-start',
  'single-quoted-scalar',
  'double-quoted-scalar',
]);

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

/**
 * Composes a standalone piece of YAML (the editor's re-parse of one edited entry of a big
 * document), with the editor's composer settings; `undefined` unless it is exactly one document.
 */
export function composeFragment(
  text: string,
): { doc: Document.Parsed; comments: readonly number[]; blockOnly: boolean } | undefined {
  const parser = new CommentNotingParser();
  const tokens = [...parser.parse(text)].filter((t): t is CST.Document => t.type === 'document');
  if (tokens.length !== 1) return undefined;
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, strict: true });
  const docs = [...composer.compose(tokens, true, text.length), ...composer.end(false, text.length)];
  return docs.length === 1
    ? { doc: docs[0] as Document.Parsed, comments: parser.comments, blockOnly: !parser.flowOrQuoted }
    : undefined;
}

/** Whether yaml's lexer meets a flow collection or a quoted scalar in `text`. */
export function hasFlowOrQuoted(text: string): boolean {
  for (const source of new Lexer().lex(text)) if (RUNS_ON.has(CST.tokenType(source))) return true;
  return false;
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
  const problems: ParseProblem[] = [];
  for (const error of doc.errors)
    problems.push(
      error.code === 'DUPLICATE_KEY'
        ? duplicateKeyProblem(doc, error.pos, prepared.lines)
        : toProblem(error.code, error.message, error.pos, 'error'),
    );
  for (const warning of doc.warnings)
    problems.push(toProblem(warning.code, warning.message, warning.pos, 'warning'));
  const aliases = checkAliases(doc.contents, options.aliasBudget);
  if (aliases.tooLarge) {
    const at = aliases.first?.range?.[0] ?? doc.range[0];
    problems.push({
      code: 'ALIAS_LIMIT',
      message: `Alias expansion too large: this document's YAML aliases expand it to ${Number.isFinite(aliases.expanded) ? `${aliases.expanded} nodes (written: ${aliases.literal})` : 'an endless tree (an alias inside its own anchor)'}. It is not analysed, to stay safe from alias bombs.`,
      start: at,
      end: aliases.first?.range?.[1] ?? at + 1,
      severity: 'error',
    });
  }
  const root = !aliases.tooLarge && isMap(doc.contents) ? doc.contents : undefined;
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
    lines: prepared.lines,
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

export function toProblem(
  code: string,
  message: string,
  pos: [number, number],
  severity: 'error' | 'warning',
): ParseProblem {
  return { code, message, start: pos[0], end: Math.max(pos[1], pos[0] + 1), severity };
}

/**
 * kubectl's decoder is strict: `mapping key "replicas" already defined at line 7` and the file is
 * rejected (the API server itself would keep the last value). The problem covers the whole key.
 */
export function duplicateKeyProblem(
  doc: Document.Parsed,
  pos: [number, number],
  lines: LineIndex,
): ParseProblem {
  const found = pairsAround(doc.contents, pos[0]);
  const keyNode = found?.duplicate.key as Node | undefined;
  const first = found?.first.key as Node | undefined;
  const name = isScalar(keyNode) ? String(keyNode.value) : undefined;
  const start = keyNode?.range?.[0] ?? pos[0];
  const end = keyNode?.range?.[1] ?? pos[1];
  // A line table, not a scan from the start: a big file with many duplicates made that quadratic.
  const line = first?.range ? lines.positionAt(first.range[0]).line + 1 : undefined;
  return {
    code: 'DUPLICATE_KEY',
    message: `Duplicate key${name === undefined ? '' : ` "${name}"`}: kubectl rejects the file (mapping key${name === undefined ? '' : ` "${name}"`} already defined${line === undefined ? '' : ` at line ${line}`}); remove one of them.`,
    start,
    end: Math.max(end, start + 1),
    severity: 'error',
  };
}

/** The pair whose key starts at `offset` and the earlier pair of its map with the same key. */
function pairsAround(node: Node | null, offset: number): { duplicate: Pair; first: Pair } | undefined {
  if (!node?.range || offset < node.range[0] || offset > node.range[2]) return undefined;
  if (isMap(node)) {
    const at = node.items.findIndex((p) => (p.key as Node | null)?.range?.[0] === offset);
    const duplicate = node.items[at];
    if (duplicate) {
      const key = (duplicate.key as { value?: unknown } | null)?.value;
      const first = node.items.find((p, i) => i < at && (p.key as { value?: unknown } | null)?.value === key);
      return { duplicate, first: first ?? duplicate };
    }
    for (const p of node.items) {
      const inner = pairsAround(p.value as Node | null, offset) ?? pairsAround(p.key as Node | null, offset);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const inner = pairsAround(item as Node | null, offset);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** True when the node's text overlaps a template action: its value is unknown until render. */
export function isTemplated(file: ManifestFile, node: Node | null | undefined): boolean {
  if (!node?.range || file.templateRanges.length === 0) return false;
  return overlapsMask(file.templateRanges, node.range[0], node.range[1]);
}

export { isMap, isScalar, isSeq };
