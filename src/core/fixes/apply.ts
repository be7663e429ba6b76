import { YamlEditor } from '../edit/yaml-edit';
import { applyEdits, minimalEdits, type TextEdit } from '../edit/text-edit';
import { objectsOf, type ManifestObject } from '../manifest/objects';
import { analyseFile, type AnalyseOptions } from '../rules/engine';
import { indexFile } from '../rules/scope';
import { defaultRuleOptions, type FixClass, type Finding } from '../rules/types';
import { parseManifestFile, type ManifestFile } from '../yaml/parse';

/** Finds the object a finding was reported on, in a (re-)parsed file. */
export function objectFor(file: ManifestFile, finding: Finding): ManifestObject | undefined {
  return objectsOf(file).find(
    (o) =>
      o.document.index === finding.documentIndex &&
      o.listIndex === finding.listIndex &&
      o.identity.kind === finding.object.kind &&
      o.identity.name === finding.object.name,
  );
}

/** The edits of one finding's fix on `text`, or undefined when it no longer applies. */
export function fixEdits(
  text: string,
  finding: Finding,
  opts: AnalyseOptions,
): readonly TextEdit[] | undefined {
  return fixEditsIn(parseManifestFile(text), finding, opts);
}

/** `fixEdits` on a file already parsed (a rendered chart's output, read once for many findings). */
export function fixEditsIn(
  file: ManifestFile,
  finding: Finding,
  opts: AnalyseOptions,
): readonly TextEdit[] | undefined {
  const rule = opts.rules.find((r) => r.id === finding.fix?.id);
  if (!rule?.fix) return undefined;
  const object = objectFor(file, finding);
  if (!object) return undefined;
  const edits = rule.fix.apply({
    file,
    object,
    doc: object.document.doc,
    finding,
    editor: new YamlEditor(file),
    index: opts.index ?? { scope: 'file', objects: indexFile(file, opts.path ?? '') },
    options: { ...defaultRuleOptions, ...opts.options },
  });
  return edits && edits.length > 0 ? edits : undefined;
}

export interface FixSelection {
  /** Fix classes to apply (e.g. ['auto'] for "Fix all", ['harden'] for "Harden"). */
  readonly classes?: readonly FixClass[];
  /** Only these rules. */
  readonly rules?: readonly string[];
  /** Only findings on this object (a code lens acts on one workload). */
  readonly object?: { documentIndex: number; listIndex?: number | undefined };
}

export interface FixResult {
  readonly text: string;
  /** Minimal line edits from the original text to `text`. */
  readonly edits: readonly TextEdit[];
  readonly applied: readonly Finding[];
}

const key = (f: Finding) =>
  `${f.rule}|${f.documentIndex}|${f.listIndex ?? ''}|${f.object.kind}|${f.object.name}|${f.container ?? ''}|${JSON.stringify(f.data ?? {})}`;

/**
 * Applies every selected fix, one at a time, re-analysing between steps: fixes that touch the
 * same map (a harden bundle writing several securityContext keys) never see stale offsets, and
 * a fix that does not make its finding go away is not retried forever.
 */
export function applyFixes(
  text: string,
  selection: FixSelection,
  opts: AnalyseOptions,
  maxSteps = 500,
): FixResult {
  let current = text;
  const applied: Finding[] = [];
  const tried = new Set<string>();
  for (let step = 0; step < maxSteps; step++) {
    const file = parseManifestFile(current);
    const index = opts.index ?? { scope: 'file' as const, objects: indexFile(file, opts.path ?? '') };
    const candidate = analyseFile(file, { ...opts, index }).findings.find(
      (f) =>
        f.fix &&
        !tried.has(key(f)) &&
        (!selection.classes || selection.classes.includes(f.fix.class)) &&
        (!selection.rules || selection.rules.includes(f.rule)) &&
        (!selection.object ||
          (f.documentIndex === selection.object.documentIndex && f.listIndex === selection.object.listIndex)),
    );
    if (!candidate) break;
    tried.add(key(candidate));
    const edits = fixEdits(current, candidate, { ...opts, index });
    if (!edits) continue;
    const next = applyEdits(current, edits);
    // A fix must not make the YAML worse; if it would, skip it rather than corrupt the file.
    if (syntaxErrors(parseManifestFile(next)) > syntaxErrors(file)) continue;
    current = next;
    applied.push(candidate);
  }
  return { text: current, edits: minimalEdits(text, current), applied };
}

function syntaxErrors(file: ManifestFile): number {
  return file.documents.reduce((n, d) => n + d.problems.filter((p) => p.severity === 'error').length, 0);
}
