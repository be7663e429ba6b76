import { hasType, isBoundedString, isRecord } from './messages';

/**
 * The Runbook view's messages, shared by the extension host and the webview. Both sides validate
 * what arrives: cluster strings reach the webview only as data (rendered with textContent), and
 * the host accepts only these shapes from the webview.
 */

export type CheckStatus = 'pass' | 'fail' | 'unknown';

export interface ObjectRefView {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface ItemView {
  readonly id: string;
  readonly title: string;
  /** Manual items are ticked by the user; checked items by the cluster. */
  readonly manual: boolean;
  readonly status: CheckStatus | 'done' | 'open';
  readonly evidence?: string;
  readonly refs: readonly ObjectRefView[];
}

export interface SnippetView {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The snippet with its defaults filled in (what Copy copies; Insert keeps the tab stops). */
  readonly text: string;
}

export interface TaskView {
  readonly id: string;
  readonly title: string;
  readonly priority?: string;
  readonly description?: string;
  readonly steps: readonly string[];
  readonly fix: readonly string[];
  readonly snippets: readonly SnippetView[];
  readonly items: readonly ItemView[];
}

export interface PhaseView {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly passed: number;
  readonly total: number;
  readonly tasks: readonly TaskView[];
}

export interface ViewState {
  readonly title: string;
  /** Where the checks are evaluated: a context, a snapshot, or nothing yet. */
  readonly source?: {
    readonly label: string;
    readonly kind: 'context' | 'snapshot';
    readonly stale?: boolean;
  };
  readonly runbook: { readonly label: string; readonly builtIn: boolean; readonly problems: number };
  readonly notice?: string;
  readonly health?: {
    readonly percent: number | null;
    readonly samples: readonly { readonly t: number; readonly v: number }[];
  };
  readonly phases: readonly PhaseView[];
}

export type HostBound =
  | { readonly type: 'ready' }
  | { readonly type: 'toggle'; readonly item: string; readonly done: boolean }
  | { readonly type: 'insertSnippet'; readonly snippet: string }
  | { readonly type: 'copySnippet'; readonly snippet: string }
  | { readonly type: 'reveal'; readonly ref: ObjectRefView }
  | { readonly type: 'openRunbook' }
  | { readonly type: 'copyBuiltIn' }
  | { readonly type: 'refresh' };

export type WebviewBound = { readonly type: 'state'; readonly state: ViewState };

const id = isBoundedString(200);
const name = isBoundedString(253);

/** Only these keys: whatever else arrives would be spread into a command's arguments. */
const onlyKeys = (value: Record<string, unknown>, keys: readonly string[]) =>
  Object.keys(value).every((k) => keys.includes(k));

function isRef(value: unknown): value is ObjectRefView {
  return (
    isRecord(value) &&
    onlyKeys(value, ['kind', 'namespace', 'name']) &&
    isBoundedString(64)(value['kind']) &&
    name(value['name']) &&
    (value['namespace'] === undefined || name(value['namespace']))
  );
}

/** The host's gate: anything else from the webview is dropped (and logged). */
export function isHostBound(value: unknown): value is HostBound {
  if (!isRecord(value)) return false;
  switch (value['type']) {
    case 'ready':
    case 'openRunbook':
    case 'copyBuiltIn':
    case 'refresh':
      return Object.keys(value).length === 1;
    case 'toggle':
      return (
        onlyKeys(value, ['type', 'item', 'done']) && id(value['item']) && typeof value['done'] === 'boolean'
      );
    case 'insertSnippet':
    case 'copySnippet':
      return onlyKeys(value, ['type', 'snippet']) && id(value['snippet']);
    case 'reveal':
      return onlyKeys(value, ['type', 'ref']) && isRef(value['ref']);
    default:
      return false;
  }
}

const isArrayOf = <T>(value: unknown, guard: (v: unknown) => v is T): value is T[] =>
  Array.isArray(value) && value.every(guard);
const str = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';

function isItem(v: unknown): v is ItemView {
  return (
    isRecord(v) &&
    str(v['id']) &&
    str(v['title']) &&
    typeof v['manual'] === 'boolean' &&
    ['pass', 'fail', 'unknown', 'done', 'open'].includes(String(v['status'])) &&
    optStr(v['evidence']) &&
    isArrayOf(v['refs'], isRef)
  );
}

function isSnippet(v: unknown): v is SnippetView {
  return isRecord(v) && str(v['id']) && str(v['title']) && str(v['description']) && str(v['text']);
}

function isTask(v: unknown): v is TaskView {
  return (
    isRecord(v) &&
    str(v['id']) &&
    str(v['title']) &&
    optStr(v['priority']) &&
    optStr(v['description']) &&
    isArrayOf(v['steps'], str) &&
    isArrayOf(v['fix'], str) &&
    isArrayOf(v['snippets'], isSnippet) &&
    isArrayOf(v['items'], isItem)
  );
}

function isPhase(v: unknown): v is PhaseView {
  return (
    isRecord(v) &&
    str(v['id']) &&
    str(v['title']) &&
    optStr(v['description']) &&
    typeof v['passed'] === 'number' &&
    typeof v['total'] === 'number' &&
    isArrayOf(v['tasks'], isTask)
  );
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isSource(v: unknown): v is ViewState['source'] {
  return (
    isRecord(v) &&
    str(v['label']) &&
    (v['kind'] === 'context' || v['kind'] === 'snapshot') &&
    (v['stale'] === undefined || typeof v['stale'] === 'boolean')
  );
}

function isHealth(v: unknown): v is ViewState['health'] {
  return (
    isRecord(v) &&
    (v['percent'] === null || num(v['percent'])) &&
    isArrayOf(v['samples'], (x): x is { t: number; v: number } => isRecord(x) && num(x['t']) && num(x['v']))
  );
}

function isRunbookFile(v: unknown): v is ViewState['runbook'] {
  return isRecord(v) && str(v['label']) && typeof v['builtIn'] === 'boolean' && num(v['problems']);
}

/** The webview's gate: a state message is checked all the way down before it is rendered. */
export function isWebviewBound(value: unknown): value is WebviewBound {
  if (!hasType(value, 'state') || !isRecord(value['state'])) return false;
  const s = value['state'];
  return (
    str(s['title']) &&
    optStr(s['notice']) &&
    (s['source'] === undefined || isSource(s['source'])) &&
    (s['health'] === undefined || isHealth(s['health'])) &&
    isRunbookFile(s['runbook']) &&
    isArrayOf(s['phases'], isPhase)
  );
}
