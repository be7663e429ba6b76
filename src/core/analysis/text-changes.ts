import { utf8Length } from './size-limit';

/** One replacement of `[start, end)` of a text by `text`, offsets in the text before it. */
export interface TextChange {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * `text` after `changes`, each applied to the result of the ones before (the order VS Code reports a
 * keystroke's changes in). The editor sends a big file's keystrokes to the worker this way: copying
 * 2 MB of text out of the extension host on every keystroke would block it for milliseconds.
 */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  let result = text;
  for (const { start, end, text: inserted } of changes) {
    if (start < 0 || end < start || end > result.length)
      throw new RangeError(`change [${start}, ${end}) is outside a text of ${result.length} characters`);
    result = result.slice(0, start) + inserted + result.slice(end);
  }
  return result;
}

/** A change as VS Code reports it (`TextDocumentContentChangeEvent`). */
export interface ReportedChange {
  readonly rangeOffset: number;
  readonly rangeLength: number;
  readonly text: string;
}

interface Log {
  /** The document version the recorded changes lead to. */
  upTo: number;
  changes: TextChange[];
  /**
   * At least the text's UTF-8 size (the size limit is in bytes): exact when sent, then each change
   * adds its text's size and takes off one byte per character it removed, the least it can be.
   */
  maxBytes: number;
}

/** More changes than this between two analyses (a replace-all): the whole text is cheaper. */
const MAX_CHANGES = 10_000;

/**
 * Per big document, the changes made since the worker was sent its whole text: the next analysis
 * posts them instead of the text. Only a complete chain counts — a document whose changes were not
 * all seen since (or never sent whole) gets its whole text again.
 */
export class ChangeLog {
  private readonly logs = new Map<string, Log>();

  /** The worker now holds `text`, the document's text at `version`. */
  sent(key: string, version: number, text: string): void {
    this.logs.set(key, { upTo: version, changes: [], maxBytes: utf8Length(text) });
  }

  /** A change event took the document to `version`. */
  record(key: string, version: number, changes: readonly ReportedChange[]): void {
    const log = this.logs.get(key);
    if (!log || changes.length === 0) return;
    if (log.changes.length + changes.length > MAX_CHANGES) {
      this.logs.delete(key);
      return;
    }
    for (const c of changes) {
      log.changes.push({ start: c.rangeOffset, end: c.rangeOffset + c.rangeLength, text: c.text });
      log.maxBytes += utf8Length(c.text) - c.rangeLength;
    }
    log.upTo = version;
  }

  /**
   * The changes that take the worker's text to the document's at `version`, when all are known;
   * they are the worker's from then on.
   */
  take(key: string, version: number): { changes: readonly TextChange[]; maxBytes: number } | undefined {
    const log = this.logs.get(key);
    if (log?.upTo !== version) return undefined;
    const { changes, maxBytes } = log;
    log.changes = [];
    return { changes, maxBytes };
  }

  forget(key: string): void {
    this.logs.delete(key);
  }
}
