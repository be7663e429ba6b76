import { Composer, Parser, isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
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
}

export interface ManifestFile {
  readonly text: string;
  readonly documents: readonly ManifestDocument[];
  readonly problems: readonly ParseProblem[];
  /** Template (Helm) action ranges; empty for plain YAML. */
  readonly templateRanges: readonly (readonly [number, number])[];
  readonly isTemplate: boolean;
  readonly lines: LineIndex;
  /** Line ending used by the file, for text that fixes insert. */
  readonly eol: '\n' | '\r\n';
}

export interface ParseOptions {
  /** Documents with more alias references than this are reported, not expanded (YAML bombs). */
  readonly maxAliasCount?: number;
}

const DEFAULT_MAX_ALIASES = 100;

export function parseManifestFile(text: string, options: ParseOptions = {}): ManifestFile {
  const template = hasTemplateActions(text);
  const masked = template ? maskTemplates(text) : { text, ranges: [] };
  const problems: ParseProblem[] = [];
  const documents: ManifestDocument[] = [];
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, strict: true });
  const maxAliases = options.maxAliasCount ?? DEFAULT_MAX_ALIASES;
  let suppressed = 0;

  const add = (doc: Document.Parsed) => {
    const [start, , end] = doc.range;
    const docProblems: ParseProblem[] = [];
    for (const error of doc.errors)
      docProblems.push(toProblem(error.code, error.message, error.pos, 'error'));
    for (const warning of doc.warnings)
      docProblems.push(toProblem(warning.code, warning.message, warning.pos, 'warning'));
    const aliases = countAliases(masked.text, start, end);
    if (aliases > maxAliases) {
      docProblems.push({
        code: 'ALIAS_LIMIT',
        message: `This document uses ${aliases} YAML aliases (limit ${maxAliases}); it is not analysed, to stay safe from alias bombs.`,
        start,
        end: Math.min(end, start + 1),
        severity: 'error',
      });
    }
    const root = aliases <= maxAliases && isMap(doc.contents) ? doc.contents : undefined;
    // Masking can leave text the YAML parser rejects; syntax errors in a template file say more
    // about the template than about the manifest, so they become one note instead of many.
    const kept = template
      ? docProblems.filter((p) => p.severity !== 'error' || p.code === 'ALIAS_LIMIT')
      : docProblems;
    suppressed += docProblems.length - kept.length;
    documents.push({
      index: documents.length,
      start,
      end,
      doc,
      root,
      source: text.slice(start, end),
      problems: kept,
    });
  };
  for (const doc of composer.compose(new Parser().parse(masked.text))) add(doc);
  for (const doc of composer.end(false, masked.text.length)) add(doc);

  if (template) {
    problems.push({
      code: 'TEMPLATE',
      message:
        suppressed > 0
          ? `Template file: literal YAML is analysed; ${suppressed} spot(s) produced by template actions could not be parsed and are skipped. No fixes are offered on template output.`
          : 'Template file: literal YAML is analysed; values produced by template actions are skipped and never fixed.',
      start: masked.ranges[0]?.[0] ?? 0,
      end: masked.ranges[0]?.[1] ?? 0,
      severity: 'info',
    });
  }
  return {
    text,
    documents,
    problems,
    templateRanges: masked.ranges,
    isTemplate: template,
    lines: new LineIndex(text),
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
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
function countAliases(text: string, start: number, end: number): number {
  let count = 0;
  for (let i = text.indexOf('*', start); i >= 0 && i < end; i = text.indexOf('*', i + 1)) {
    const prev = text.charCodeAt(i - 1);
    // Preceded by space, '[', ',', '{', ':' or a line start: an alias, not a glob in a string.
    if (
      i === start ||
      prev === 32 ||
      prev === 91 ||
      prev === 44 ||
      prev === 123 ||
      prev === 58 ||
      prev === 10
    ) {
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
