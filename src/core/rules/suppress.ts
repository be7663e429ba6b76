import type { ManifestDocument, ManifestFile, ParseProblem } from '../yaml/parse';

/**
 * `# shipshape-disable-next-line [rule-id, …]` — the next line;
 * `# shipshape-disable-line [rule-id, …]` — as a trailing comment, its own line;
 * `# shipshape-disable [rule-id, …]` — anywhere in a document, the whole document.
 * No IDs means every rule.
 */
export interface Suppressions {
  isSuppressed(rule: string, line: number, documentIndex: number): boolean;
  /** Directives that are not one of the three above (`shipshape-disable-nextline`): ignored, and said so. */
  readonly problems: readonly ParseProblem[];
}

/** What directives are resolved against; the editor passes every document's range, reused or not. */
export type SuppressionSource = Pick<ManifestFile, 'text' | 'lines' | 'comments'> & {
  readonly documents: readonly DocumentRange[];
};
type DocumentRange = Pick<ManifestDocument, 'index' | 'start' | 'end'>;

// The name must end at a space, comma, comment end or line end: `shipshape-disable-nextline` is a
// typo to report, not a document-wide `shipshape-disable` with "-nextline" as its first ID.
const DIRECTIVE = /#\s*shipshape-disable([\w-]*)([^\n#]*)/y;
const KINDS = new Set(['', '-next-line', '-line']);

export function parseSuppressions(file: SuppressionSource): Suppressions {
  const problems: ParseProblem[] = [];
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
  // Only comments are read: `# shipshape-disable` inside a block scalar or a quoted string (a
  // script in a ConfigMap) is data, not a directive. And a big file's chunks share its whole text:
  // scanning that text once per chunk made the scan quadratic.
  for (const at of inOrder(file.comments)) {
    DIRECTIVE.lastIndex = at;
    const match = DIRECTIVE.exec(file.text);
    if (!match) continue;
    const kind = match[1] ?? '';
    if (!KINDS.has(kind)) {
      const start = match.index + match[0].indexOf('shipshape-disable');
      const name = `shipshape-disable${kind}`;
      problems.push({
        code: 'UNKNOWN_DIRECTIVE',
        message: `\`${name}\` is not a Shipshape directive, so it suppresses nothing; use \`shipshape-disable-next-line\`, \`shipshape-disable-line\` or \`shipshape-disable\` (whole document).`,
        start,
        end: start + name.length,
        severity: 'warning',
      });
      continue;
    }
    // Every word counts as an ID, valid or not: dropping a mistyped one (`Privileged_Container`)
    // would leave no IDs, i.e. silence every rule instead of the one meant.
    const ids = (match[2] ?? '').split(/[\s,]+/).filter((s) => s.length > 0);
    const line = file.lines.positionAt(match.index).line;
    if (kind === '-next-line') add(byLine, line + 1, ids);
    else if (kind === '-line') add(byLine, line, ids);
    else add(byDocument, documentAt(file.documents, match.index), ids);
  }
  if (problems.length === 0 && byLine.size === 0 && byDocument.size === 0)
    return { isSuppressed: () => false, problems };
  const hit = (entry: Set<string> | 'all' | undefined, rule: string) =>
    entry === 'all' || (entry?.has(rule) ?? false);
  return {
    isSuppressed: (rule, line, doc) => hit(byLine.get(line), rule) || hit(byDocument.get(doc), rule),
    problems,
  };
}

function inOrder(offsets: readonly number[]): readonly number[] {
  for (let i = 1; i < offsets.length; i++)
    if ((offsets[i] ?? 0) < (offsets[i - 1] ?? 0)) return [...offsets].sort((a, b) => a - b);
  return offsets;
}

function documentAt(documents: readonly DocumentRange[], offset: number): number {
  for (const d of documents) if (offset >= d.start && offset < Math.max(d.end, d.start + 1)) return d.index;
  // A directive in the comment before a document's first key belongs to that document.
  return documents.find((d) => d.start >= offset)?.index ?? documents.length - 1;
}
