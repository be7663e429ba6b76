/**
 * `*.runbook.yaml` → Runbook, with diagnostics at the offending node. A partially valid file
 * still yields everything valid in it: a bad phase, task or item is dropped (or kept without the
 * bad field) and reported, never the whole runbook.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { parseCheck } from './checks';
import { Reader, type At } from './read';
import { snippetIds as builtInSnippetIds } from './snippets';
import {
  PRIORITIES,
  type ChecklistItem,
  type Phase,
  type Priority,
  type Runbook,
  type RunbookDiagnostic,
  type Task,
} from './types';

export interface ParseRunbookOptions {
  /** Snippet IDs tasks may name; default: the built-in snippets. */
  readonly snippetIds?: ReadonlySet<string>;
}

export interface ParsedRunbook {
  /** Undefined only when the text is not a mapping at all. */
  readonly runbook?: Runbook;
  readonly diagnostics: readonly RunbookDiagnostic[];
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

type IdOwner = 'phase' | 'task' | 'item';

class RunbookParser {
  readonly r: Reader;
  /** IDs are unique across phases, tasks and items: ticks and reveal links are keyed by them. */
  private readonly seen = new Map<string, IdOwner>();

  constructor(
    text: string,
    private readonly snippets: ReadonlySet<string>,
  ) {
    this.r = new Reader(text.length);
  }

  /** The first pair of a map: where "missing key" is reported, so the squiggle stays short. */
  private anchor(map: YAMLMap): At {
    return map.items[0] ?? map;
  }

  private id(fields: Map<string, Pair>, map: YAMLMap, owner: IdOwner): string | undefined {
    const pair = fields.get('id');
    if (!pair) {
      this.r.report(
        this.anchor(map),
        `This ${owner} has no "id": it is skipped (ids keep ticks and links stable).`,
      );
      return undefined;
    }
    const id = this.r.string(pair.value as Node | null, `The ${owner} id`);
    if (id === undefined) return undefined;
    if (!ID.test(id))
      this.r.report(
        pair.value as Node,
        `"${id}" is a poor id: use letters, digits, ".", "-" and "_" (no spaces).`,
        'warning',
      );
    const previous = this.seen.get(id);
    if (previous) {
      this.r.report(
        pair.value as Node,
        `Duplicate id "${id}" (already used by ${previous === 'item' ? 'an' : 'a'} ${previous}): this ${owner} is skipped.`,
      );
      return undefined;
    }
    this.seen.set(id, owner);
    return id;
  }

  private title(fields: Map<string, Pair>, map: YAMLMap, owner: string, fallback: string): string {
    const pair = fields.get('title');
    if (!pair) {
      this.r.report(this.anchor(map), `This ${owner} has no "title".`);
      return fallback;
    }
    return this.r.string(pair.value as Node | null, `The ${owner} title`) ?? fallback;
  }

  private text(fields: Map<string, Pair>, key: string, what: string): string | undefined {
    const pair = fields.get(key);
    return pair ? this.r.string(pair.value as Node | null, what) : undefined;
  }

  /** A list of steps or snippet ids; a single string is taken as a list of one. */
  private list(fields: Map<string, Pair>, key: string, what: string): string[] {
    const pair = fields.get(key);
    if (!pair || pair.value === null) return [];
    return this.r.strings(pair.value as Node, what) ?? [];
  }

  private seq(fields: Map<string, Pair>, key: string, owner: string, map: YAMLMap): readonly unknown[] {
    const pair = fields.get(key);
    if (!pair) return [];
    if (isSeq(pair.value)) return pair.value.items;
    if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) return [];
    this.r.report((pair.value as Node | null) ?? map, `"${key}" of a ${owner} must be a list.`);
    return [];
  }

  runbook(root: YAMLMap): Runbook {
    const fields = this.r.fields(root, ['title', 'description', 'allowExec', 'phases'], 'the runbook');
    const title = this.title(fields, root, 'runbook', 'Untitled runbook');
    const description = this.text(fields, 'description', 'The runbook description');
    if (!fields.has('phases'))
      this.r.report(this.anchor(root), 'A runbook needs "phases": a list of phases.');
    const phases = this.seq(fields, 'phases', 'runbook', root)
      .map((node) => this.phase(node as Node))
      .filter((p): p is Phase => p !== undefined);
    const allowPair = fields.get('allowExec');
    const allowExec = allowPair ? this.r.boolean(allowPair.value as Node | null, 'allowExec') : undefined;
    return {
      title,
      ...(description !== undefined ? { description } : {}),
      ...(allowExec === true ? { allowExec } : {}),
      phases,
    };
  }

  private phase(node: Node): Phase | undefined {
    const map = this.r.map(node, 'A phase');
    if (!map) return undefined;
    const fields = this.r.fields(map, ['id', 'title', 'description', 'tasks'], 'a phase');
    const id = this.id(fields, map, 'phase');
    if (id === undefined) return undefined;
    const title = this.title(fields, map, 'phase', id);
    const description = this.text(fields, 'description', 'The phase description');
    if (!fields.has('tasks')) this.r.report(this.anchor(map), `Phase "${id}" has no tasks.`, 'warning');
    const tasks = this.seq(fields, 'tasks', 'phase', map)
      .map((t) => this.task(t as Node))
      .filter((t): t is Task => t !== undefined);
    return { id, title, ...(description !== undefined ? { description } : {}), tasks };
  }

  private task(node: Node): Task | undefined {
    const map = this.r.map(node, 'A task');
    if (!map) return undefined;
    const fields = this.r.fields(
      map,
      ['id', 'title', 'priority', 'description', 'steps', 'fix', 'snippets', 'items'],
      'a task',
    );
    const id = this.id(fields, map, 'task');
    if (id === undefined) return undefined;
    const title = this.title(fields, map, 'task', id);
    const description = this.text(fields, 'description', 'The task description');
    const priority = this.priority(fields.get('priority'));
    const snippetPair = fields.get('snippets');
    const snippets = this.list(fields, 'snippets', 'snippets').filter((s, i) => {
      if (this.snippets.has(s)) return true;
      const at = isSeq(snippetPair?.value)
        ? (snippetPair.value.items[i] as Node)
        : (snippetPair?.value as Node);
      this.r.report(at, `Unknown snippet "${s}". Known snippets: ${[...this.snippets].sort().join(', ')}.`);
      return false;
    });
    if (!fields.has('items'))
      this.r.report(this.anchor(map), `Task "${id}" has no checklist items: nothing to tick.`, 'info');
    const items = this.seq(fields, 'items', 'task', map)
      .map((i) => this.item(i as Node))
      .filter((i): i is ChecklistItem => i !== undefined);
    return {
      id,
      title,
      ...(priority !== undefined ? { priority } : {}),
      ...(description !== undefined ? { description } : {}),
      steps: this.list(fields, 'steps', 'steps'),
      fix: this.list(fields, 'fix', 'fix'),
      snippets,
      items,
    };
  }

  private priority(pair: Pair | undefined): Priority | undefined {
    if (!pair) return undefined;
    const s = this.r.string(pair.value as Node | null, 'priority');
    const match = PRIORITIES.find((p) => p === s?.toLowerCase());
    if (s !== undefined && !match)
      this.r.report(pair.value as Node, `priority must be one of ${PRIORITIES.join(', ')} (got "${s}").`);
    return match;
  }

  private item(node: Node): ChecklistItem | undefined {
    if (isScalar(node) && typeof node.value === 'string') {
      this.r.report(node, 'A checklist item is a mapping with "id" and "title" (and an optional "check").');
      return undefined;
    }
    const map = this.r.map(node, 'A checklist item');
    if (!map) return undefined;
    const fields = this.r.fields(map, ['id', 'title', 'check'], 'a checklist item');
    const id = this.id(fields, map, 'item');
    if (id === undefined) return undefined;
    const title = this.title(fields, map, 'checklist item', id);
    const checkPair = fields.get('check');
    if (!checkPair) return { id, title };
    const before = this.r.diagnostics.length;
    const check = parseCheck(checkPair.value as Node | null, this.r);
    if (check) return { id, title, check };
    const why =
      this.r.diagnostics.slice(before).find((d) => d.severity === 'error')?.message ?? 'invalid check';
    return { id, title, invalidCheck: why };
  }
}

export function parseRunbook(text: string, options: ParseRunbookOptions = {}): ParsedRunbook {
  const parser = new RunbookParser(text, options.snippetIds ?? builtInSnippetIds());
  const r = parser.r;
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors)
    r.diagnostics.push({
      message: e.message,
      start: e.pos[0],
      end: Math.max(e.pos[1], e.pos[0]),
      severity: 'error',
    });
  for (const w of doc.warnings)
    r.diagnostics.push({
      message: w.message,
      start: w.pos[0],
      end: Math.max(w.pos[1], w.pos[0]),
      severity: 'warning',
    });
  const root = doc.contents;
  if (!isMap(root)) {
    r.report(
      root,
      root === null || (isScalar(root) && root.value === null)
        ? 'The runbook is empty: it needs a title and phases.'
        : 'A runbook is a mapping with "title" and "phases".',
    );
    return { diagnostics: sorted(r.diagnostics) };
  }
  const runbook = parser.runbook(root);
  return { runbook, diagnostics: sorted(r.diagnostics) };
}

const sorted = (d: readonly RunbookDiagnostic[]) => [...d].sort((a, b) => a.start - b.start || a.end - b.end);
