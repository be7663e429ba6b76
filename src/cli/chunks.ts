import type { CST } from 'yaml';
import {
  confinedProblems,
  crdSegments,
  parseManifestFileLight,
  readSegment,
  segmentStarts,
} from '../core/yaml/light-file';
import {
  CommentNotingParser,
  composeSlice,
  fileOf,
  prepareText,
  type ManifestDocument,
  type ManifestFile,
  type PreparedText,
} from '../core/yaml/parse';

/**
 * A big file parsed a few hundred KB of documents at a time, so the CLI's memory follows the chunk,
 * not the file (issue 18: a 60,000-document file peaked at 1.4 GB parsed whole). Each chunk is a
 * ManifestFile holding only its documents, with the whole file's text and line index (offsets and
 * positions stay the file's) and only the comments inside its documents (what suppression
 * directives are read from). The documents are the ones parseManifestFile gives, one by one.
 */

/** Files up to this size are parsed whole. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * The file's documents in chunks of about `chunkBytes` of text. Template files (Helm) are parsed
 * whole: their file-level note counts the spots skipped in every document. Documents are read a
 * `---` segment at a time without yaml's parser (light CRDs, fast nodes, as parseManifestFileLight
 * does) until one needs yaml: from that segment on, yaml's streaming parser reads the rest.
 */
export function* manifestChunks(text: string, chunkBytes = CHUNK_BYTES): Generator<ManifestFile> {
  const prepared = prepareText(text);
  if (text.length <= chunkBytes || prepared.isTemplate) {
    yield parseManifestFileLight(text);
    return;
  }
  const shell = fileOf(prepared, [], []);
  const marks = segmentStarts(prepared) ?? [];
  const crds = marks.length > 0 ? crdSegments(text) : [];
  let documents: ManifestDocument[] = [];
  let comments: number[] = [];
  let index = 0;
  let from = 0;
  let next = 0;
  const chunk = (to: number): ManifestFile => {
    const file = { ...shell, documents, comments, problems: from === 0 ? shell.problems : [] };
    documents = [];
    comments = [];
    from = to;
    return file;
  };
  let k = 0;
  for (; k < marks.length; k++) {
    const at = marks[k] ?? 0;
    const end = marks[k + 1] ?? text.length;
    // Comments before the first `---`: yaml gives them to the first document, not one of their own.
    if (k === 0 && commentsOnly(text, at, end, comments)) continue;
    while ((crds[next] ?? Infinity) < at) next++;
    const start = index === 0 ? 0 : at;
    const read =
      readSegment(prepared, index, start, at, end, (crds[next] ?? Infinity) < end) ??
      yamlSegment(prepared, index, start, at, end);
    if (!read) break;
    documents.push(read.document);
    for (const c of read.comments) comments.push(c);
    index++;
    if (end - from >= chunkBytes && k + 1 < marks.length) yield chunk(end);
  }
  if (marks.length > 0 && k === marks.length) {
    yield chunk(text.length);
    return;
  }
  const at = marks[k] ?? 0;
  if (documents.length > 0) yield chunk(at);
  // From the first segment yaml must read (the whole file when it cannot be cut at `---` lines).
  yield* yamlChunks(prepared, at, index, chunkBytes, comments);
}

/**
 * The segment read by yaml alone, when that is sure to be what the whole file's parse gives: one
 * document whose only errors are duplicate keys (the composer's, inside the document; syntax errors
 * could run across the `---`). A duplicate key every few documents once sent 15 MB to the
 * streaming parser from the first one on (14 s).
 */
function yamlSegment(
  prepared: PreparedText,
  index: number,
  start: number,
  at: number,
  end: number,
): { document: ManifestDocument; comments: readonly number[] } | undefined {
  const parser = new CommentNotingParser();
  parser.offset = at;
  const tokens = [...parser.parse(prepared.masked.slice(at, end))].filter(
    (t): t is CST.Document => t.type === 'document',
  );
  const token = tokens[0];
  if (!token || tokens.length !== 1) return undefined;
  const document = composeSlice(prepared, { index, token, start, end });
  return confinedProblems(document) ? { document, comments: parser.comments } : undefined;
}

/** Whether `[at, end)` holds only blank and comment lines; their comments are added to `out`. */
function commentsOnly(text: string, at: number, end: number, out: number[]): boolean {
  const found: number[] = [];
  for (const line of text.slice(at, end).matchAll(/^( *)(.*)$/gm)) {
    const body = line[2] ?? '';
    if (body === '') continue;
    if (!body.startsWith('#')) return false;
    found.push(at + (line.index ?? 0) + (line[1]?.length ?? 0));
  }
  for (const c of found) out.push(c);
  return true;
}

/** yaml's streaming parse of the text from `offset`, its first document numbered `first`. */
function* yamlChunks(
  prepared: PreparedText,
  offset: number,
  first: number,
  chunkBytes: number,
  leading: number[],
): Generator<ManifestFile> {
  const shell = fileOf(prepared, [], []);
  const parser = new CommentNotingParser();
  parser.offset = offset;
  let documents: ManifestDocument[] = [];
  let from = offset;
  let index = first;
  let pending: CST.Document | undefined;
  let taken = 0;
  const chunk = (to: number): ManifestFile => {
    const comments: number[] = from === offset ? [...leading] : [];
    const all = parser.comments;
    for (; taken < all.length && (all[taken] ?? to) < to; taken++) comments.push(all[taken] ?? 0);
    const file = { ...shell, documents, comments, problems: from === 0 ? shell.problems : [] };
    documents = [];
    from = to;
    return file;
  };
  const compose = (token: CST.Document, end: number) => {
    const start = index === 0 ? 0 : token.offset;
    documents.push(composeSlice(prepared, { index, token, start, end }));
    index++;
  };
  for (const token of parser.parse(prepared.masked.slice(offset))) {
    if (token.type !== 'document') continue;
    if (pending) {
      compose(pending, token.offset);
      if (token.offset - from >= chunkBytes) yield chunk(token.offset);
    }
    pending = token;
  }
  if (pending) compose(pending, prepared.text.length);
  if (documents.length > 0 || index === 0) yield chunk(prepared.text.length);
}
