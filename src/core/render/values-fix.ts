import { isMap, isScalar } from 'yaml';
import { applyEdits, minimalEdits, type TextEdit } from '../edit/text-edit';
import { YamlEditor } from '../edit/yaml-edit';
import { fixEdits } from '../fixes/apply';
import type { AnalyseOptions } from '../rules/engine';
import { parseManifestFile } from '../yaml/parse';
import type { RenderLint } from './helm-map';
import { offsetOf } from './locate';
import type { MappedFinding } from './locate';
import { formatPath, leaves, pathAt, type Leaf } from './rendered';

export interface ValuesFix {
  readonly title: string;
  /** Edits on the values file's text (comments and formatting kept). */
  readonly edits: readonly TextEdit[];
  /** What is written, for the message: `securityContext.allowPrivilegeEscalation: false`. */
  readonly changes: readonly string[];
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
  const { finding, location } = mapped;
  if (location?.via !== 'values' || !finding.fix) return undefined;
  const renderedText = lint.file.text;
  const renderedEdits = fixEdits(renderedText, finding, options);
  if (!renderedEdits) return undefined;
  const before = lint.file.documents[finding.documentIndex]?.root;
  const after = parseManifestFile(applyEdits(renderedText, renderedEdits)).documents[finding.documentIndex]
    ?.root;
  if (!before || !after) return undefined;
  const old = new Map(leaves(before).map((l) => [formatPath(l.path), l] as const));
  const changed = leaves(after).filter((l) => !l.markerKey && !same(old.get(formatPath(l.path)), l));
  if (changed.length === 0) return undefined;

  const values = parseManifestFile(valuesText);
  const root = values.documents[0]?.root;
  if (!isMap(root)) return undefined;
  const key = pathAt(root, offsetOf(valuesText, location.line, location.column));
  if (key.length === 0 || key.some((s) => typeof s !== 'string')) return undefined;
  const last = key[key.length - 1] as string;

  let text = valuesText;
  const changes: string[] = [];
  for (const leaf of changed) {
    const at = leaf.path.lastIndexOf(last);
    if (at < 0) return undefined;
    const rel = leaf.path.slice(at + 1);
    if (rel.some((s) => typeof s !== 'string')) return undefined;
    const target = [...(key as string[]), ...(rel as string[])];
    // The key itself holds the value: only a value the template passes through unchanged.
    if (rel.length === 0 && !passesThrough(root, key as string[], old.get(formatPath(leaf.path))))
      return undefined;
    const file = parseManifestFile(text);
    const map = file.documents[0]?.root;
    if (!isMap(map)) return undefined;
    const value = leaf.value;
    if (!(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'))
      return undefined;
    text = applyEdits(text, new YamlEditor(file).setIn(map, target, value));
    changes.push(`${target.join('.')}: ${String(value)}`);
  }
  if (text === valuesText) return undefined;
  return { title: finding.fix.title, edits: minimalEdits(valuesText, text), changes };
}

const same = (a: Leaf | undefined, b: Leaf) => a !== undefined && a.value === b.value;

function passesThrough(root: unknown, key: readonly string[], rendered: Leaf | undefined): boolean {
  let node = root;
  for (const k of key) node = isMap(node) ? node.get(k, true) : undefined;
  return isScalar(node) && rendered !== undefined && node.value === rendered.value;
}
