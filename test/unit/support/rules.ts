import { analyseText, type AnalyseOptions } from '../../../src/core/rules/engine';
import { allRules } from '../../../src/core/rules/registry';
import { indexFile, type IndexedObject } from '../../../src/core/rules/scope';
import type { Finding, Scope } from '../../../src/core/rules/types';
import { parseManifestFile } from '../../../src/core/yaml/parse';

/** One rule's findings on a text, every rule active (so interactions between rules show). */
export const findings = (text: string, rule: string, opts: Partial<AnalyseOptions> = {}): Finding[] =>
  analyseText(text, { rules: allRules, ...opts }).findings.filter((f) => f.rule === rule);

/** The 1-based line a finding points at. */
export const lineOf = (text: string, f: Finding): number => text.slice(0, f.start).split('\n').length;

/** An index over other files, as the folder/workspace scopes provide it. */
export function scope(
  kind: Scope,
  ...files: string[]
): { index: { scope: Scope; objects: IndexedObject[] } } {
  return {
    index: {
      scope: kind,
      objects: files.flatMap((text, i) => indexFile(parseManifestFile(text), `file${i}.yaml`)),
    },
  };
}
