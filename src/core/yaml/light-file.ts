import type { CST } from 'yaml';
import { composeFast, type FastDocument } from './fast-nodes';
import { scanLight, type LightScan } from './light';
import {
  CommentNotingParser,
  composeSlice,
  fileOf,
  parseManifestFile,
  prepareText,
  type ManifestDocument,
  type ManifestFile,
  type ParseOptions,
  type PreparedText,
} from './parse';

/**
 * parseManifestFile for the CLI (issue 18): CustomResourceDefinition documents in the block YAML
 * generators write are read by the light scanner (./light.ts) into plain values, and parsed by
 * yaml only if something asks for their nodes (a finding to place). The other documents are
 * parsed by yaml as before, a run of them at a time. Templates are read masked, as yaml reads
 * them. Any doubt — CRLF, directives, `...`, a `---` line with more on it, a syntax error near a
 * boundary — and the whole file takes the old path: the result is always what parseManifestFile
 * gives.
 */
export function parseManifestFileLight(text: string, options: ParseOptions = {}): ManifestFile {
  return parseLightPieces(text, options, true)?.file ?? parseManifestFile(text, options);
}

/**
 * The light parse with each document's span (`[start, end)`, as sliceDocuments gives them), for
 * the editor's per-document states; `undefined` when the file must take the old path.
 */
export function parseLightPieces(
  text: string,
  options: ParseOptions = {},
  fast = false,
): { file: ManifestFile; spans: readonly (readonly [number, number])[] } | undefined {
  const prepared = prepareText(text);
  // A template (a Prometheus rule's `{{ $labels.x }}` is one too) is read as yaml reads it: masked.
  const source = prepared.masked;
  const crds = crdSegments(source);
  if ((!fast && (crds.length === 0 || prepared.isTemplate)) || prepared.eol !== '\n' || oddLineStart(source))
    return undefined;
  const marks = [0];
  for (const at of lineStarts(source, '---\n', true)) if (at > 0) marks.push(at);
  type Piece =
    | { token: CST.Document; at: number }
    | { scan: LightScan; at: number }
    | { composed: FastDocument; at: number };
  const pieces: Piece[] = [];
  const comments: number[] = [];
  let run = -1;
  const flush = (end: number) => {
    if (run < 0) return;
    const parser = new CommentNotingParser();
    parser.offset = run;
    for (const token of parser.parse(source.slice(run, end)))
      if (token.type === 'document') pieces.push({ token, at: token.offset });
    for (const c of parser.comments) comments.push(c);
    run = -1;
  };
  let next = 0;
  for (let k = 0; k < marks.length; k++) {
    const start = marks[k] ?? 0;
    const end = marks[k + 1] ?? text.length;
    while ((crds[next] ?? Infinity) < start) next++;
    const crd = (crds[next] ?? Infinity) < end;
    const scan = crd && isV1Crd(source, start, end) ? scanCached(source, start, end) : undefined;
    const composed = !scan && fast ? composeFast(source, start, end) : undefined;
    if (!scan && !composed) {
      if (run < 0) run = start;
      continue;
    }
    flush(start);
    if (scan) pieces.push({ scan, at: start });
    else if (composed) pieces.push({ composed, at: start });
    for (const c of (scan ?? composed)?.comments ?? []) comments.push(c);
  }
  flush(text.length);
  const documents: ManifestDocument[] = [];
  const spans: (readonly [number, number])[] = [];
  for (const [index, piece] of pieces.entries()) {
    const start = index === 0 ? 0 : piece.at;
    const end = pieces[index + 1]?.at ?? text.length;
    spans.push([start, end]);
    if ('token' in piece) {
      const document = composeSlice(prepared, { index, token: piece.token, start, end }, options);
      // yaml would have read an error across a boundary differently: take the whole-file path.
      // In a template the errors are hidden, but counted in the file's note.
      if (!confinedProblems(document)) return undefined;
      documents.push(document);
    } else if ('composed' in piece) documents.push(fastDocument(text, piece.composed, index, start, end));
    else documents.push(lightDocument(prepared, index, start, end, piece.at, piece.scan.value, options));
  }
  return { file: fileOf(prepared, documents, comments), spans };
}

/**
 * Whether a document read apart from its neighbours has only problems yaml's parse of the whole
 * file gives it too: none hidden by a template, no error but duplicate keys (the composer finds
 * those inside one document; a syntax error could have run across a `---`).
 */
export function confinedProblems(document: ManifestDocument): boolean {
  return (
    document.suppressedErrors === 0 &&
    document.problems.every((p) => p.severity !== 'error' || p.code === 'DUPLICATE_KEY')
  );
}

function fastDocument(
  text: string,
  { doc, root }: FastDocument,
  index: number,
  start: number,
  end: number,
): ManifestDocument {
  const source = text.slice(start, end);
  return {
    index,
    start: doc.range[0],
    end: doc.range[2],
    doc,
    root,
    source,
    problems: [],
    suppressedErrors: 0,
  };
}

/**
 * Where a text's `---` segments start (0 first), when it can be read a segment at a time: not a
 * template, LF line ends, no directive, `...` or `---` with more on its line.
 */
export function segmentStarts(prepared: PreparedText): number[] | undefined {
  const text = prepared.text;
  if (prepared.isTemplate || prepared.eol !== '\n' || oddLineStart(text)) return undefined;
  const marks = [0];
  for (const at of lineStarts(text, '---\n', true)) if (at > 0) marks.push(at);
  return marks;
}

/**
 * The document of the segment `[at, end)` read without yaml's parser (a v1 CRD by the light
 * scanner, anything else as fast nodes), numbered `index`, its span from `start`; undefined when
 * only yaml can read it. `crd`: a top-level CRD kind line is in the segment.
 */
export function readSegment(
  prepared: PreparedText,
  index: number,
  start: number,
  at: number,
  end: number,
  crd: boolean,
): { document: ManifestDocument; comments: readonly number[] } | undefined {
  const text = prepared.text;
  const scan = crd && isV1Crd(text, at, end) ? scanCached(text, at, end) : undefined;
  if (scan)
    return {
      document: lightDocument(prepared, index, start, end, at, scan.value, {}),
      comments: scan.comments,
    };
  const composed = composeFast(text, at, end);
  return (
    composed && { document: fastDocument(text, composed, index, start, end), comments: composed.comments }
  );
}

/**
 * Offsets of the lines that are `line` (ending in a newline, or with `atEnd` the text's end).
 * indexOf, not a multiline regex: V8 tries `^…$/m` at every offset (200 ms on 6 MB).
 */
function lineStarts(text: string, line: string, atEnd: boolean): number[] {
  const out: number[] = [];
  if (text.startsWith(line)) out.push(0);
  for (let at = text.indexOf(`\n${line}`); at >= 0; at = text.indexOf(`\n${line}`, at + 1)) out.push(at + 1);
  const bare = line.slice(0, -1);
  if (atEnd && text.endsWith(`\n${bare}`)) out.push(text.length - bare.length);
  return out;
}

/** A line starting `%` (directive), `...` (document end) or `---` with more on it. */
function oddLineStart(text: string): boolean {
  if (/^(?:%|\.\.\.|---[^\n])/.test(text)) return true;
  for (const lead of ['\n%', '\n...']) if (text.includes(lead)) return true;
  for (let at = text.indexOf('\n---'); at >= 0; at = text.indexOf('\n---', at + 1)) {
    const next = text.charCodeAt(at + 4);
    if (at + 4 < text.length && next !== 10) return true;
  }
  return false;
}

/** Offsets of top-level `kind: CustomResourceDefinition` lines, in order. */
export function crdSegments(text: string): number[] {
  return lineStarts(text, 'kind: CustomResourceDefinition\n', false);
}

function isV1Crd(text: string, start: number, end: number): boolean {
  const segment = text.slice(start, end);
  return (
    segment.startsWith('apiVersion: apiextensions.k8s.io/v1\n') ||
    segment.includes('\napiVersion: apiextensions.k8s.io/v1\n')
  );
}

/** Big CRDs come again and again (Argo CD ships the same ones in three files): read each once. */
const cache = new Map<string, { value: Record<string, unknown>; comments: readonly number[] }>();
const CACHED_MIN = 32 * 1024;
const CACHED_MAX = 64;

function scanCached(text: string, start: number, end: number): LightScan | undefined {
  if (end - start < CACHED_MIN) return scanLight(text, start, end);
  const key = text.slice(start, end);
  const hit = cache.get(key);
  if (hit) return { value: hit.value, comments: hit.comments.map((c) => c + start) };
  const scan = scanLight(text, start, end);
  if (!scan) return undefined;
  if (cache.size >= CACHED_MAX) cache.clear();
  cache.set(key, { value: scan.value, comments: scan.comments.map((c) => c - start) });
  return scan;
}

/** A light document: yaml parses its text (start..end, from its `---` at `at`) on first need. */
function lightDocument(
  prepared: PreparedText,
  index: number,
  start: number,
  end: number,
  at: number,
  value: Record<string, unknown>,
  options: ParseOptions,
): ManifestDocument {
  let full: ManifestDocument | undefined;
  const parsed = (): ManifestDocument => {
    if (full) return full;
    const parser = new CommentNotingParser();
    parser.offset = at;
    const tokens = [...parser.parse(prepared.masked.slice(at, end))].filter(
      (t): t is CST.Document => t.type === 'document',
    );
    const token = tokens[0];
    if (!token || tokens.length !== 1) throw new Error(`document ${index} is not one YAML document`);
    return (full = composeSlice(prepared, { index, token, start, end }, options));
  };
  return {
    index,
    source: prepared.text.slice(start, end),
    problems: [],
    suppressedErrors: 0,
    light: value,
    get start() {
      return parsed().start;
    },
    get end() {
      return parsed().end;
    },
    get doc() {
      return parsed().doc;
    },
    get root() {
      return parsed().root;
    },
  };
}
