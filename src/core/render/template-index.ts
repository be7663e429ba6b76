import { maskTemplates } from '../yaml/mask';

/** A step of a YAML path: a map key or a sequence index. */
export type PathStep = string | number;

/** A key or sequence item written in a template, with the line it sits on (0-based). */
export interface TemplateNode {
  readonly path: readonly PathStep[];
  readonly line: number;
  /** Column of the key (or of the `-` of an item) on that line. */
  readonly column: number;
  /** The value after `key:` as written (actions unmasked); '' for a block. */
  readonly value: string;
  /** True when the value part of the line holds a `{{ … }}` action. */
  readonly templatedValue: boolean;
  /** The literal `name:` of a sequence item, for matching rendered items to template items. */
  itemName?: string;
}

/** An action alone on its line: `{{- toYaml .Values.resources | nindent 12 }}`, `{{- if … }}`. */
export interface TemplateAction {
  readonly line: number;
  readonly column: number;
  /** The open node it sits under (by indentation). */
  readonly parent: readonly PathStep[];
  readonly text: string;
  /** `if`, `with`, `range`, `end`… shape the output; they produce no node themselves. */
  readonly control: boolean;
}

/** One YAML document of a template file (`---` separated). */
export interface TemplateDocument {
  readonly nodes: readonly TemplateNode[];
  readonly actions: readonly TemplateAction[];
  /** The literal `kind:`, when the template writes one. */
  readonly kind: string | undefined;
  readonly name: string | undefined;
}

const CONTROL = /^\{\{-?\s*(?:if|else|end|with|range|define|block|\/\*|\$[\w]+\s*:?=)/;
const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}[\],&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+|$)/;

interface Open {
  readonly indent: number;
  readonly path: readonly PathStep[];
  readonly item: boolean;
}

const unquote = (key: string): string =>
  key.startsWith('"') || key.startsWith("'") ? key.slice(1, -1).replace(/''/g, "'") : key.trim();

/**
 * Reads a Helm template's structure by indentation, actions masked: which line writes which key
 * path. A YAML parser cannot do this: `{{- if }}` blocks and `range` bodies are not YAML.
 */
export function indexTemplate(text: string): TemplateDocument[] {
  const masked = maskTemplates(text).text;
  const lines = masked.split('\n');
  const raw = text.split('\n');
  const documents: TemplateDocument[] = [];
  let nodes: TemplateNode[] = [];
  let actions: TemplateAction[] = [];
  let stack: Open[] = [{ indent: -1, path: [], item: false }];
  let counters = new Map<string, number>();
  let blockScalar = -1;

  const flush = () => {
    if (nodes.length === 0 && actions.length === 0) return;
    const literal = (key: string) => {
      const node = nodes.find((n) => n.path.length === 1 && n.path[0] === key);
      return node && !node.templatedValue ? unquote(node.value) || undefined : undefined;
    };
    const nameNode = nodes.find(
      (n) => n.path.length === 2 && n.path[0] === 'metadata' && n.path[1] === 'name',
    );
    documents.push({
      nodes,
      actions,
      kind: literal('kind'),
      name: nameNode && !nameNode.templatedValue ? unquote(nameNode.value) : undefined,
    });
    nodes = [];
    actions = [];
    stack = [{ indent: -1, path: [], item: false }];
    counters = new Map();
    blockScalar = -1;
  };

  const top = () => stack[stack.length - 1] as Open;

  lines.forEach((line, index) => {
    const original = raw[index] ?? '';
    if (/^---(\s|$)/.test(line)) {
      flush();
      return;
    }
    const indent = line.length - line.trimStart().length;
    const content = line.trim();
    if (content === '') return;
    if (blockScalar >= 0) {
      if (indent > blockScalar) return;
      blockScalar = -1;
    }
    if (content.startsWith('#')) {
      const action = original.trim();
      if (action.startsWith('{{')) {
        while (stack.length > 1 && top().indent >= indent) stack.pop();
        actions.push({
          line: index,
          column: indent,
          parent: top().path,
          text: action,
          control: CONTROL.test(action),
        });
      }
      return;
    }
    let column = indent;
    let rest = content;
    // `- ` items, possibly several on a line (`- - a`), then perhaps a key.
    while (rest === '-' || rest.startsWith('- ')) {
      while (stack.length > 1 && (top().indent > column || (top().indent === column && top().item)))
        stack.pop();
      // `containers:` with its items at the same indent: the key is still the parent.
      const parent = top();
      const id = JSON.stringify(parent.path);
      const position = counters.get(id) ?? 0;
      counters.set(id, position + 1);
      const path = [...parent.path, position];
      const after = rest.slice(1);
      const gap = after.length - after.trimStart().length;
      stack.push({ indent: column, path, item: true });
      const valueText = after.trim();
      const nodeValue = KEY.test(valueText) ? '' : original.slice(column + 1 + gap).trimEnd();
      nodes.push({
        path,
        line: index,
        column,
        value: nodeValue,
        templatedValue: nodeValue.includes('{{'),
      });
      column += 1 + gap;
      rest = valueText;
      if (rest === '') return;
    }
    const key = KEY.exec(rest);
    if (!key) return;
    while (stack.length > 1 && top().indent >= column && !(top().item && top().indent < column)) stack.pop();
    const parent = top();
    const name = unquote(key[1] ?? '');
    const path = [...parent.path, name];
    const valueStart = column + key[0].length;
    const value = original
      .slice(valueStart)
      .replace(/\s+#.*$/, '')
      .trimEnd();
    const node: TemplateNode = {
      path,
      line: index,
      column,
      value,
      templatedValue: value.includes('{{'),
    };
    nodes.push(node);
    if (name === 'name' && parent.item && !node.templatedValue) {
      const item = nodes.find((n) => n.path === parent.path);
      if (item) item.itemName = unquote(value);
    }
    stack.push({ indent: column, path, item: false });
    if (/^[|>][-+0-9]*$/.test(value.trim())) blockScalar = column;
  });
  flush();
  return documents;
}

/** Picks the template document a rendered object came from: by literal kind, then by order. */
export function templateDocumentFor(
  documents: readonly TemplateDocument[],
  kind: string | undefined,
  name: string | undefined,
  ordinal: number,
): TemplateDocument | undefined {
  // A `range` that opens before `---` leaves a kind-less chunk: literal kinds win over it.
  const exact = documents.filter((d) => d.kind === kind);
  const loose = documents.filter((d) => d.kind === undefined && d.nodes.length > 0);
  const candidates = exact.length > 0 ? exact : loose.length > 0 ? loose : documents;
  const named = candidates.find((d) => d.name !== undefined && d.name === name);
  if (named) return named;
  return candidates[Math.min(ordinal, candidates.length - 1)];
}

export interface TemplateMatch {
  /** The deepest template node on the path (the whole path when `complete`). */
  readonly node: TemplateNode | undefined;
  readonly complete: boolean;
  /** How many steps of the path matched. */
  readonly depth: number;
}

/**
 * Follows a rendered path through a template document. Sequence items are matched by their
 * literal `name:` first (a conditional container shifts indexes), then by position, then — for a
 * `range` body that writes one item for many — the last item written.
 */
export function matchPath(
  document: TemplateDocument,
  path: readonly PathStep[],
  renderedName: (prefix: readonly PathStep[]) => string | undefined,
): TemplateMatch {
  let prefix: PathStep[] = [];
  let node: TemplateNode | undefined;
  let depth = 0;
  for (const [i, step] of path.entries()) {
    const children = document.nodes.filter(
      (n) => n.path.length === prefix.length + 1 && samePrefix(n.path, prefix),
    );
    let next: TemplateNode | undefined;
    if (typeof step === 'number') {
      const items = children.filter((n) => typeof n.path[prefix.length] === 'number');
      const name = renderedName(path.slice(0, i + 1));
      // A name no literal item has was written by an item whose name is templated.
      const templatedNames = items.filter((n) => n.itemName === undefined);
      const pool = name !== undefined && templatedNames.length > 0 ? templatedNames : items;
      next =
        (name !== undefined ? items.find((n) => n.itemName === name) : undefined) ??
        (items[step]?.itemName === undefined || pool === items ? items[step] : undefined) ??
        pool[Math.min(step, pool.length - 1)];
    } else {
      next = children.find((n) => n.path[prefix.length] === step);
    }
    if (!next) break;
    node = next;
    prefix = [...next.path];
    depth = i + 1;
  }
  return { node, complete: depth === path.length, depth };
}

function samePrefix(path: readonly PathStep[], prefix: readonly PathStep[]): boolean {
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
  return true;
}

/** The action that writes what a template node's block holds (`toYaml`, `include`…), if any. */
export function producerUnder(
  document: TemplateDocument,
  path: readonly PathStep[],
): TemplateAction | undefined {
  return document.actions.find(
    (a) => !a.control && a.parent.length === path.length && samePrefix(a.parent, path),
  );
}
