/**
 * The snippet registry. `snippets/kubernetes.code-snippets.json` is the one source of truth:
 * VS Code contributes it as YAML snippets, and the runbook webview inserts the same bodies (a
 * task's `snippets:` names them by prefix). Pure: the JSON is bundled, not read from disk.
 */
import builtIn from '../../../snippets/kubernetes.code-snippets.json';

export interface Snippet {
  /** The (first) prefix, e.g. `k8s-pdb-min`: what runbooks reference. */
  readonly id: string;
  /** The JSON key: VS Code's display name. */
  readonly name: string;
  readonly description: string;
  /** The body as VS Code inserts it: tab stops, placeholders and choices intact. */
  readonly body: string;
  /** A complete object (starts with `apiVersion:`); otherwise a fragment for inside a spec. */
  readonly fullDocument: boolean;
  /** Full documents: the object's kind. */
  readonly kind?: string;
  /** Fragments: where they belong (the webview tells the operator; tests parse them there). */
  readonly insertInto?: 'container' | 'podSpec';
}

/** Fragment top-level keys and the spec they belong to. */
const FRAGMENT_PARENT: Readonly<Record<string, 'container' | 'podSpec'>> = {
  livenessProbe: 'container',
  readinessProbe: 'container',
  startupProbe: 'container',
  securityContext: 'container',
  resources: 'container',
  affinity: 'podSpec',
  topologySpreadConstraints: 'podSpec',
};

interface RawSnippet {
  prefix?: unknown;
  body?: unknown;
  description?: unknown;
}

/** Reads a VS Code snippets file's JSON; entries without a prefix or body are skipped. */
export function loadSnippets(json: unknown): Snippet[] {
  if (typeof json !== 'object' || json === null) return [];
  const out: Snippet[] = [];
  for (const [name, raw] of Object.entries(json as Record<string, RawSnippet>)) {
    const prefix = Array.isArray(raw.prefix) ? (raw.prefix[0] as unknown) : raw.prefix;
    const body = Array.isArray(raw.body) ? raw.body.join('\n') : raw.body;
    if (typeof prefix !== 'string' || typeof body !== 'string') continue;
    const firstKey = /^\s*([A-Za-z][\w-]*):/m.exec(body)?.[1] ?? '';
    const fullDocument = firstKey === 'apiVersion';
    const kind = fullDocument ? /^kind:\s*([A-Za-z]+)/m.exec(body)?.[1] : undefined;
    const parent = fullDocument ? undefined : FRAGMENT_PARENT[firstKey];
    out.push({
      id: prefix,
      name,
      description: typeof raw.description === 'string' ? raw.description : name,
      body,
      fullDocument,
      ...(kind !== undefined ? { kind } : {}),
      ...(parent !== undefined ? { insertInto: parent } : {}),
    });
  }
  return out;
}

export const snippets: readonly Snippet[] = loadSnippets(builtIn);
const byId: ReadonlyMap<string, Snippet> = new Map(snippets.map((s) => [s.id, s]));

export function snippetById(id: string): Snippet | undefined {
  return byId.get(id);
}

export function snippetIds(): ReadonlySet<string> {
  return new Set(byId.keys());
}

type Part =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'stop'; readonly n: number; readonly content?: readonly Part[] }
  | { readonly t: 'choice'; readonly n: number; readonly first: string };

/**
 * The body with every tab stop at its default: `${1:name}` → "name", `${2|a,b|}` → "a", `$1`
 * mirrors placeholder 1's default, `$0` and variables without a default → "", `\$` → "$". This
 * is what the snippet inserts when the operator tabs through without typing.
 */
export function expandDefaults(body: string): string {
  const parts = parse(body, 0, false).parts;
  const defaults = new Map<number, string>();
  const collect = (list: readonly Part[]): void => {
    for (const p of list) {
      if (p.t === 'choice' && !defaults.has(p.n)) defaults.set(p.n, p.first);
      if (p.t === 'stop' && p.content) {
        collect(p.content);
        if (!defaults.has(p.n)) defaults.set(p.n, render(p.content, defaults));
      }
    }
  };
  collect(parts);
  return render(parts, defaults);
}

function render(parts: readonly Part[], defaults: ReadonlyMap<number, string>): string {
  return parts
    .map((p) =>
      p.t === 'text'
        ? p.text
        : p.t === 'choice'
          ? p.first
          : p.content
            ? render(p.content, defaults)
            : (defaults.get(p.n) ?? ''),
    )
    .join('');
}

/** Recursive descent over VS Code's snippet grammar; `nested` stops at the closing "}". */
function parse(s: string, start: number, nested: boolean): { parts: Part[]; end: number } {
  const parts: Part[] = [];
  let text = '';
  let i = start;
  const flush = () => {
    if (text) parts.push({ t: 'text', text });
    text = '';
  };
  while (i < s.length) {
    const c = s[i] ?? '';
    if (c === '\\' && i + 1 < s.length && '$}\\'.includes(s[i + 1] ?? '')) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (nested && c === '}') break;
    if (c !== '$') {
      text += c;
      i++;
      continue;
    }
    const simple = /^\$(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(i));
    if (simple?.[1] !== undefined) {
      flush();
      // Variables (TM_FILENAME…) have no default here: Shipshape's snippets do not use them.
      if (/^\d/.test(simple[1])) parts.push({ t: 'stop', n: Number(simple[1]) });
      i += simple[0].length;
      continue;
    }
    const open = /^\$\{(\d+|[A-Za-z_][A-Za-z0-9_]*)([:|}])/.exec(s.slice(i));
    if (!open?.[1] || !open[2]) {
      text += c;
      i++;
      continue;
    }
    flush();
    const n = /^\d/.test(open[1]) ? Number(open[1]) : -1;
    i += open[0].length;
    if (open[2] === '}') {
      if (n >= 0) parts.push({ t: 'stop', n });
    } else if (open[2] === ':') {
      const inner = parse(s, i, true);
      parts.push(
        n >= 0 ? { t: 'stop', n, content: inner.parts } : { t: 'text', text: render(inner.parts, new Map()) },
      );
      i = inner.end + 1;
    } else {
      const close = s.indexOf('|}', i);
      const options = s.slice(i, close < 0 ? s.length : close);
      const first = options.split(/(?<!\\),/)[0]?.replace(/\\([,|\\])/g, '$1') ?? '';
      parts.push({ t: 'choice', n, first });
      i = close < 0 ? s.length : close + 2;
    }
  }
  flush();
  return { parts, end: i };
}
