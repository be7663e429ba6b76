import type { Node, Pair } from 'yaml';
import { isPair } from 'yaml';
import { rangeOf } from '../manifest/nodes';
import { objectsOfDocument, type ManifestObject } from '../manifest/objects';
import {
  isTemplated,
  parseManifestFile,
  type ManifestDocument,
  type ManifestFile,
  type ParseProblem,
} from '../yaml/parse';
import { combineFindings } from './combine';
import { lightQuiet } from './light';
import { indexFile, type ScopeIndex } from './scope';
import { parseSuppressions, type Suppressions } from './suppress';
import {
  defaultRuleOptions,
  type Finding,
  type ReportInput,
  type Rule,
  type RuleOptions,
  type Severity,
  type SeveritySetting,
} from './types';
import { byCodeUnits } from '../text/code-units';

export interface AnalyseOptions {
  /** Cross-resource scope. Default: this file alone (scope "file"). */
  readonly index?: ScopeIndex;
  /** Path or URI of the file, used in the default index and messages. */
  readonly path?: string;
  readonly options?: Partial<RuleOptions>;
  /** Per-rule severity overrides (`shipshape.rules.<id>`): a severity or "off". */
  readonly severities?: Readonly<Record<string, SeveritySetting>>;
  /** Only these rule IDs (CLI `--include`). */
  readonly include?: readonly string[];
  /** Never these rule IDs (CLI `--exclude`). */
  readonly exclude?: readonly string[];
  readonly rules: readonly Rule[];
}

export interface Analysis {
  readonly file: ManifestFile;
  readonly findings: readonly Finding[];
  /** Syntax errors, template notes, alias limits, rule crashes: problems with the file itself. */
  readonly problems: readonly ParseProblem[];
}

type ActiveRule = { readonly rule: Rule; readonly severity: Severity | undefined };

/**
 * The last answer, for the same rule list and (read-only) settings objects: the CLI asks once per
 * file with the same ones.
 */
let lastActive: { key: readonly unknown[]; rules: readonly ActiveRule[] } | undefined;

/** Resolves which rules run and at what severity. */
export function activeRules(opts: AnalyseOptions): readonly ActiveRule[] {
  const key = [opts.rules, opts.include, opts.exclude, opts.severities];
  if (lastActive && key.every((k, i) => k === lastActive?.key[i])) return lastActive.rules;
  const rules = computeActiveRules(opts);
  lastActive = { key, rules };
  return rules;
}

function computeActiveRules(opts: AnalyseOptions): ActiveRule[] {
  const include = opts.include && opts.include.length > 0 ? new Set(opts.include) : undefined;
  const exclude = new Set(opts.exclude ?? []);
  return opts.rules.flatMap((rule) => {
    if (exclude.has(rule.id)) return [];
    const setting = opts.severities?.[rule.id];
    // An explicit --include turns on rules that are off by default.
    const effective =
      setting ?? (include?.has(rule.id) && rule.severity === 'off' ? 'warning' : rule.severity);
    if (effective === 'off' || (include && !include.has(rule.id))) return [];
    return [{ rule, severity: setting && setting !== 'off' ? setting : undefined }];
  });
}

export function analyseText(text: string, opts: AnalyseOptions): Analysis {
  return analyseFile(parseManifestFile(text), opts);
}

export function analyseFile(file: ManifestFile, opts: AnalyseOptions): Analysis {
  const findings: Finding[] = [];
  const problems = analyseFileEach(file, opts, (some) => {
    for (const f of some) findings.push(f);
  });
  return { file, findings, problems };
}

/**
 * Analyses a file object by object, handing each object's findings (sorted) to `emit` in text
 * order, so a report can write them out and let them go: a 60,000-document file need not hold
 * every finding at once. Returns the file's problems.
 */
export function analyseFileEach(
  file: ManifestFile,
  opts: AnalyseOptions,
  emit: (findings: Finding[]) => void,
): ParseProblem[] {
  const index = opts.index ?? { scope: 'file', objects: indexFile(file, opts.path ?? '') };
  const rules = activeRules(opts);
  const suppressions = parseSuppressions(file);
  const problems: ParseProblem[] = [...file.problems, ...suppressions.problems];
  const options = { ...defaultRuleOptions, ...opts.options };
  for (const document of file.documents) problems.push(...document.problems);
  // Objects are in text order and a finding points inside its object: sorting each object's
  // findings sorts the file's.
  for (const document of file.documents) {
    // A CRD the light scanner read, sure to give nothing: its nodes are never built.
    if (document.light && lightQuiet(document.light, rules, options)) continue;
    for (const object of objectsOfDocument(file, document)) {
      if (!analysable(object.document)) continue;
      const findings = analyseObject(object, rules, index, options, suppressions, problems);
      findings.sort(byPlace);
      if (findings.length > 0) emit(findings);
    }
  }
  return problems;
}

/**
 * Findings by where they start, then by rule. Rule IDs are lower-case ASCII words and hyphens
 * (catalog.test.ts): code-unit order is the collator's, without loading ICU's collator
 * (localeCompare's first call, 7 ms of a short lint).
 */
export function byPlace(a: Finding, b: Finding): number {
  return a.start - b.start || byCodeUnits(a.rule, b.rule);
}

/** Documents whose only problems are duplicate keys are still analysed; broken ones are not. */
function analysable(document: ManifestDocument): boolean {
  return document.problems.every((p) => p.severity !== 'error' || p.code === 'DUPLICATE_KEY');
}

export function analyseObject(
  object: ManifestObject,
  rules: readonly { rule: Rule; severity: Severity | undefined }[],
  index: ScopeIndex,
  options: RuleOptions,
  suppressions: Suppressions,
  problems: ParseProblem[],
): Finding[] {
  const file = object.file;
  const kind = object.identity.kind;
  if (!kind) return [];
  const out: Finding[] = [];
  const objectRange = rangeOf(object.node);
  const kindAnchor =
    object.node.items.find((p) => isPair(p) && (p.key as { value?: unknown } | null)?.value === 'kind') ??
    null;
  for (const { rule, severity } of rules) {
    if (rule.kinds && !rule.kinds.has(kind)) continue;
    const report = (input: ReportInput) => {
      const at = input.at;
      const [start, end] = Array.isArray(at)
        ? [at[0] as number, at[1] as number]
        : rangeOf((at ?? kindAnchor) as Node | Pair | null, objectRange);
      const line = file.lines.positionAt(start).line;
      if (suppressions.isSuppressed(rule.id, line, object.document.index)) return;
      const fixable = input.fixable ?? true;
      const templated =
        file.isTemplate &&
        !Array.isArray(at) &&
        isTemplated(file, (isPair(at) ? at.value : at) as Node | null);
      const finding: Finding = {
        rule: rule.id,
        severity: severity ?? input.severity ?? (rule.severity === 'off' ? 'warning' : rule.severity),
        message: input.message,
        start,
        end: Math.max(end, start),
        object: object.identity,
        documentIndex: object.document.index,
        scope: rule.crossResource ? index.scope : 'document',
        ...(object.listIndex !== undefined ? { listIndex: object.listIndex } : {}),
        ...(input.container !== undefined ? { container: input.container } : {}),
        ...(input.data !== undefined ? { data: input.data } : {}),
        ...(rule.fix && fixable && !file.isTemplate && !templated
          ? { fix: { id: rule.id, class: rule.fix.class, title: input.fixTitle ?? rule.fix.title } }
          : {}),
      };
      out.push(finding);
    };
    try {
      rule.check({
        file,
        object,
        doc: object.document.doc,
        index,
        options,
        isTemplated: (node) => isTemplated(file, node),
        report,
      });
    } catch (error) {
      // A rule bug must never take the analysis down, nor read as a clean result: the user sees
      // which rule failed, as an error.
      problems.push({
        code: 'RULE_FAILED',
        message: `Rule ${rule.id} failed on ${kind}/${object.identity.name ?? '?'}: ${error instanceof Error ? error.message : String(error)}`,
        start: objectRange[0],
        end: objectRange[0] + 1,
        severity: 'error',
      });
    }
  }
  return combineFindings(out);
}
