import { isMap, isScalar, parseDocument } from 'yaml';
import { applyEdits, minimalEdits, type TextEdit } from '../edit/text-edit';
import { YamlEditor } from '../edit/yaml-edit';
import { fixEditsIn } from '../fixes/apply';
import type { AnalyseOptions } from '../rules/engine';
import { parseManifestFile, type ManifestDocument, type ManifestFile } from '../yaml/parse';
import type { RenderLint } from './helm-map';
import { offsetOf, targetOf } from './locate';
import type { MappedFinding } from './locate';
import { formatPath, leaves, pathAt, type Leaf } from './rendered';
import type { PathStep } from './template-index';

export interface ValuesFix {
  readonly title: string;
  /** Edits on the values file's text (comments and formatting kept). */
  readonly edits: readonly TextEdit[];
  /** What is written, for the message: `securityContext.allowPrivilegeEscalation: false`. */
  readonly changes: readonly string[];
}

/** One value a fix writes, at a key path of the values file the finding sits in. */
export interface ValuesChange {
  readonly path: readonly string[];
  readonly value: string | number | boolean;
  /** The rendered field it lands in (`resources`, `securityContext`), for titles. */
  readonly field: string;
}

/**
 * A rendered finding's fix, moved to the values file that produced the node: the rule's own fix
 * runs on the rendered object, and each value it adds or changes is written under the values key
 * (or block, pulled in by `toYaml .Values.x | nindent`) the mapping placed the finding on.
 * Undefined when the change cannot be said in values alone (a value the template transforms,
 * a list in the way): that finding is fixed in the template by hand.
 */
export function valuesFixFor(
  lint: RenderLint,
  mapped: MappedFinding,
  valuesText: string,
  options: AnalyseOptions,
): ValuesFix | undefined {
  const planned = valuesChangesFor(lint, mapped, valuesText, options);
  const text = planned && writeValues(valuesText, planned.changes);
  if (!planned || text === undefined || text === valuesText) return undefined;
  return {
    title: planned.title,
    edits: minimalEdits(valuesText, text),
    changes: planned.changes.map(changeText),
  };
}

export const changeText = (c: ValuesChange): string => `${c.path.join('.')}: ${String(c.value)}`;

/**
 * The values a finding's fix writes, as key paths of the values file the mapping placed it in
 * (`sourceText` is that file's text). Undefined when it cannot be said in values alone.
 */
export function valuesChangesFor(
  lint: RenderLint,
  mapped: MappedFinding,
  sourceText: string,
  options: AnalyseOptions,
  /** `sourceText` parsed already (a caller asking for many findings in one file). */
  sourceFile: ManifestFile = parseManifestFile(sourceText),
): { title: string; changes: ValuesChange[] } | undefined {
  const { finding, location } = mapped;
  if (location?.via !== 'values' || !finding.fix) return undefined;
  const renderedEdits = fixEditsIn(lint.file, finding, options);
  if (!renderedEdits) return undefined;
  const document = lint.file.documents[finding.documentIndex];
  const before = document?.root;
  const after = document && afterEdits(lint.file.text, document, renderedEdits);
  if (!before || !after) return undefined;
  const old = new Map(leaves(before).map((l) => [formatPath(l.path), l] as const));
  const changed = leaves(after).filter((l) => !l.markerKey && !same(old.get(formatPath(l.path)), l));
  if (changed.length === 0) return undefined;

  const root = sourceFile.documents[0]?.root;
  if (!isMap(root)) return undefined;
  const key = pathAt(root, offsetOf(sourceText, location.line, location.column));
  if (key.length === 0 || key.some((s) => typeof s !== 'string')) return undefined;
  const keys = key as string[];
  const last = keys[keys.length - 1] as string;

  // The node the values key was found for: a key named otherwise in the template
  // (`imagePullPolicy: {{ .Values.image.pullPolicy }}`) still holds exactly that node.
  const field = formatPath(targetOf(finding, before).field);
  const changes: ValuesChange[] = [];
  for (const leaf of changed) {
    const at = leaf.path.lastIndexOf(last);
    if (at < 0 && formatPath(leaf.path) !== field) return undefined;
    const rel = at < 0 ? [] : leaf.path.slice(at + 1);
    if (rel.some((s) => typeof s !== 'string')) return undefined;
    // The key itself holds the value: only a value the template passes through unchanged.
    if (rel.length === 0 && !passesThrough(root, keys, old.get(formatPath(leaf.path)))) return undefined;
    const value = leaf.value;
    if (!(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'))
      return undefined;
    changes.push({ path: [...keys, ...(rel as string[])], value, field: fieldOf(leaf.path) });
  }
  return { title: finding.fix.title, changes };
}

/**
 * Writes changes into a values file one by one, each against the text the previous one left
 * (under `prefix`: a parent chart's `<subchart>:` block). Undefined when the file is not a map.
 */
export function writeValues(
  text: string,
  changes: readonly ValuesChange[],
  prefix: readonly string[] = [],
): string | undefined {
  let out = text;
  for (const change of changes) {
    const file = parseManifestFile(out);
    const map = file.documents[0]?.root;
    if (!isMap(map)) return undefined;
    out = applyEdits(out, new YamlEditor(file).setIn(map, [...prefix, ...change.path], change.value));
  }
  return out;
}

/**
 * The field of the object or container a rendered path ends in: what follows the last `spec` or
 * container index (`…containers[0].resources.limits.cpu` → `resources`).
 */
export function fieldOf(path: readonly PathStep[]): string {
  let at = -1;
  path.forEach((s, i) => {
    if (typeof s === 'number' || s === 'spec') at = i;
  });
  const next = path[at + 1];
  return typeof next === 'string' ? next : String(path.at(-1) ?? '');
}

/**
 * The finding's document with the fix applied. Only that document is parsed again when the
 * edits stay inside it: a chart's output is read once, not once per finding.
 */
function afterEdits(text: string, document: ManifestDocument, edits: readonly TextEdit[]) {
  const inside = edits.every((e) => e.start >= document.start && e.end <= document.end);
  if (!inside) return parseManifestFile(applyEdits(text, edits)).documents[document.index]?.root;
  const source = text.slice(document.start, document.end);
  const shifted = edits.map((e) => ({ ...e, start: e.start - document.start, end: e.end - document.start }));
  const parsed = parseDocument(applyEdits(source, shifted));
  return parsed.errors.length === 0 && isMap(parsed.contents) ? parsed.contents : undefined;
}

const same = (a: Leaf | undefined, b: Leaf) => a !== undefined && a.value === b.value;

function passesThrough(root: unknown, key: readonly string[], rendered: Leaf | undefined): boolean {
  let node = root;
  for (const k of key) node = isMap(node) ? node.get(k, true) : undefined;
  return isScalar(node) && rendered !== undefined && node.value === rendered.value;
}
