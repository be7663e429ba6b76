import { CST, Parser } from 'yaml';
import {
  composeSlice,
  fileOf,
  parseManifestFile,
  prepareText,
  type ManifestDocument,
  type ManifestFile,
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

/** yaml's CST parser, noting where comments start (as parseManifestFile's does). */
class CommentNotingParser extends Parser {
  readonly comments: number[] = [];

  override *next(source: string): Generator<CST.Token, void> {
    if (CST.tokenType(source) === 'comment') this.comments.push(this.offset);
    yield* super.next(source);
  }
}

/**
 * The file's documents in chunks of about `chunkBytes` of text. Template files (Helm) are parsed
 * whole: their file-level note counts the spots skipped in every document.
 */
export function* manifestChunks(text: string, chunkBytes = CHUNK_BYTES): Generator<ManifestFile> {
  const prepared = prepareText(text);
  if (text.length <= chunkBytes || prepared.isTemplate) {
    yield parseManifestFile(text);
    return;
  }
  const shell = fileOf(prepared, [], []);
  const parser = new CommentNotingParser();
  let documents: ManifestDocument[] = [];
  let from = 0;
  let index = 0;
  let pending: CST.Document | undefined;
  let taken = 0;
  const chunk = (to: number): ManifestFile => {
    const comments: number[] = [];
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
  for (const token of parser.parse(prepared.masked)) {
    if (token.type !== 'document') continue;
    if (pending) {
      compose(pending, token.offset);
      if (token.offset - from >= chunkBytes) yield chunk(token.offset);
    }
    pending = token;
  }
  if (pending) compose(pending, text.length);
  if (documents.length > 0 || index === 0) yield chunk(text.length);
}
