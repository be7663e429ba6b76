import type { ManifestDocument, ManifestFile } from '../yaml/parse';

/**
 * `# shipshape-disable-next-line [rule-id, …]` — the next line;
 * `# shipshape-disable-line [rule-id, …]` — as a trailing comment, its own line;
 * `# shipshape-disable [rule-id, …]` — anywhere in a document, the whole document.
 * No IDs means every rule.
 */
export interface Suppressions {
  isSuppressed(rule: string, line: number, documentIndex: number): boolean;
}

const DIRECTIVE = /#\s*shipshape-disable(-next-line|-line)?\b([^\n#]*)/g;

export function parseSuppressions(file: ManifestFile): Suppressions {
  if (!file.text.includes('shipshape-disable')) return { isSuppressed: () => false };
  const byLine = new Map<number, Set<string> | 'all'>();
  const byDocument = new Map<number, Set<string> | 'all'>();
  const add = (map: Map<number, Set<string> | 'all'>, key: number, ids: string[]) => {
    const current = map.get(key);
    if (ids.length === 0 || current === 'all') {
      map.set(key, 'all');
      return;
    }
    const set = current ?? new Set<string>();
    for (const id of ids) set.add(id);
    map.set(key, set);
  };
  for (const match of file.text.matchAll(DIRECTIVE)) {
    const ids = (match[2] ?? '')
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter((s) => /^[a-z0-9-]+$/.test(s));
    const line = file.lines.positionAt(match.index).line;
    if (match[1] === '-next-line') add(byLine, line + 1, ids);
    else if (match[1] === '-line') add(byLine, line, ids);
    else add(byDocument, documentAt(file.documents, match.index), ids);
  }
  const hit = (entry: Set<string> | 'all' | undefined, rule: string) =>
    entry === 'all' || (entry?.has(rule) ?? false);
  return { isSuppressed: (rule, line, doc) => hit(byLine.get(line), rule) || hit(byDocument.get(doc), rule) };
}

function documentAt(documents: readonly ManifestDocument[], offset: number): number {
  for (const d of documents) if (offset >= d.start && offset < Math.max(d.end, d.start + 1)) return d.index;
  // A directive in the comment before a document's first key belongs to that document.
  return documents.find((d) => d.start >= offset)?.index ?? documents.length - 1;
}
