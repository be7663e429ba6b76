import { isMap, isScalar, type Node } from 'yaml';
import type { AnalyseOptions } from '../rules/engine';
import { indexFile } from '../rules/scope';
import { parseManifestFile, type ManifestFile } from '../yaml/parse';
import type { RenderLint } from './helm-map';
import type { MappedFinding } from './locate';
import { changeText, valuesChangesFor, writeValues, type ValuesChange } from './values-fix';

/** A rendered finding, recognisable in the next render: rule, object and rendered node. */
export interface FindingRef {
  readonly rule: string;
  /** `Deployment/trino-worker`. */
  readonly object: string;
  readonly path: string;
}

export const refOf = (m: MappedFinding): FindingRef => ({
  rule: m.finding.rule,
  object: `${m.finding.object.kind ?? ''}/${m.finding.object.name ?? ''}`,
  path: m.rendered.path,
});
const refKey = (r: FindingRef) => `${r.rule}|${r.object}|${r.path}`;

/** One values fix of a block: what it writes (paths in the edited file) and what it clears. */
export interface HardenFix {
  readonly title: string;
  readonly findings: readonly FindingRef[];
  readonly changes: readonly ValuesChange[];
}

export interface Skipped {
  readonly fix: HardenFix;
  readonly reason: string;
}

/** The fixes of one top-level values block, composed into one text. */
export interface HardenBlock {
  readonly key: string;
  /** The 0-based line of the block's key. */
  readonly line: number;
  readonly fixes: readonly HardenFix[];
  readonly skipped: readonly Skipped[];
  /** The values file with every fix of `fixes` written. */
  readonly text: string;
}

/** A values file whose keys the edited file overrides: a subchart's values.yaml, under `prefix`. */
export interface OverriddenFile {
  readonly text: string;
  readonly prefix: readonly string[];
}

/**
 * The values fixes of a values file's top-level blocks: the findings the mapping placed in the
 * block, and, in a parent chart's values, those placed in a subchart's own values.yaml (`overridden`),
 * written under the parent's `<subchart>:` block, where Helm merges them over the defaults.
 */
export function hardenBlocks(
  lint: RenderLint,
  file: string,
  text: string,
  overridden: ReadonlyMap<string, OverriddenFile>,
  options: AnalyseOptions,
): HardenBlock[] {
  const root = parseManifestFile(text).documents[0]?.root;
  if (!isMap(root)) return [];
  const lines = new Map<string, number>();
  for (const pair of root.items) {
    const key = pair.key as Node | null;
    if (isScalar(key) && typeof key.value === 'string' && key.range)
      lines.set(key.value, lineAt(text, key.range[0]));
  }
  // Each finding's fix runs on the same rendered output: its objects are indexed once.
  const fixOptions = {
    ...options,
    index: options.index ?? { scope: 'file' as const, objects: indexFile(lint.file, '') },
  };
  const sources = new Map<string, ManifestFile>();
  const candidates = new Map<string, { title: string; findings: FindingRef[]; changes: ValuesChange[] }[]>();
  for (const m of lint.findings) {
    const at = m.location;
    if (at?.via !== 'values') continue;
    const source = at.file === file ? { text, prefix: [] } : overridden.get(at.file);
    if (!source) continue;
    let parsed = sources.get(at.file);
    if (!parsed) sources.set(at.file, (parsed = parseManifestFile(source.text)));
    const planned = valuesChangesFor(lint, m, source.text, fixOptions, parsed);
    if (!planned) continue;
    const changes = planned.changes.map((c) => ({ ...c, path: [...source.prefix, ...c.path] }));
    const block = changes[0]?.path[0];
    if (block === undefined || !lines.has(block)) continue;
    const fixes = candidates.get(block) ?? [];
    const key = changes.map(changeText).join('|');
    const same = fixes.find((f) => f.changes.map(changeText).join('|') === key);
    if (same) same.findings.push(refOf(m));
    else fixes.push({ title: planned.title, findings: [refOf(m)], changes });
    candidates.set(block, fixes);
  }
  const out: HardenBlock[] = [];
  for (const [key, fixes] of candidates) {
    const composed = composeFixes(text, fixes);
    if (composed.fixes.length > 0 || composed.skipped.length > 0)
      out.push({ key, line: lines.get(key) ?? 0, ...composed });
  }
  return out.sort((a, b) => a.line - b.line);
}

/**
 * Writes several fixes into one values text, each against the text the previous ones left, so
 * their edits never overlap. A fix whose values are all written already (the same key, the same
 * value) joins the fix that wrote them; one that sets a key another fix set differently, or a key
 * inside a value another fix set, is skipped and says why.
 */
export function composeFixes(
  text: string,
  fixes: readonly HardenFix[],
): { text: string; fixes: HardenFix[]; skipped: Skipped[] } {
  const written = new Map<string, { value: ValuesChange['value']; fix: number }>();
  const applied: { title: string; findings: FindingRef[]; changes: ValuesChange[] }[] = [];
  const skipped: Skipped[] = [];
  let out = text;
  for (const fix of fixes) {
    const clash = conflict(fix, written, applied);
    if (clash) {
      skipped.push({ fix, reason: clash });
      continue;
    }
    const fresh = fix.changes.filter((c) => !written.has(c.path.join('.')));
    if (fresh.length === 0) {
      const owner = applied[written.get(fix.changes[0]?.path.join('.') ?? '')?.fix ?? -1];
      owner?.findings.push(
        ...fix.findings.filter((r) => !owner.findings.some((o) => refKey(o) === refKey(r))),
      );
      continue;
    }
    let next: string | undefined;
    try {
      next = writeValues(out, fresh);
    } catch (error) {
      next = undefined;
      skipped.push({ fix, reason: `the values file could not be edited there (${String(error)})` });
      continue;
    }
    if (next === undefined) {
      skipped.push({ fix, reason: 'the values file is not a YAML map' });
      continue;
    }
    if (next === out) {
      skipped.push({ fix, reason: `${fresh.map(changeText).join(', ')} is already written` });
      continue;
    }
    out = next;
    for (const c of fresh) written.set(c.path.join('.'), { value: c.value, fix: applied.length });
    applied.push({ title: fix.title, findings: [...fix.findings], changes: [...fix.changes] });
  }
  return { text: out, fixes: applied, skipped };
}

function conflict(
  fix: HardenFix,
  written: ReadonlyMap<string, { value: ValuesChange['value']; fix: number }>,
  applied: readonly HardenFix[],
): string | undefined {
  for (const c of fix.changes) {
    const key = c.path.join('.');
    for (const [other, w] of written) {
      const clash =
        (other === key && w.value !== c.value) || other.startsWith(`${key}.`) || key.startsWith(`${other}.`);
      if (clash)
        return `it sets ${changeText(c)}, and "${applied[w.fix]?.title ?? 'another fix'}" sets ${other}: ${String(w.value)}`;
    }
  }
  return undefined;
}

/** The findings of each fix that a render still has (the fix did not clear them). */
export function survivors(
  fixes: readonly HardenFix[],
  findings: readonly MappedFinding[],
): Map<HardenFix, FindingRef[]> {
  const present = new Set(findings.map((m) => refKey(refOf(m))));
  const out = new Map<HardenFix, FindingRef[]>();
  for (const fix of fixes) {
    const left = fix.findings.filter((r) => present.has(refKey(r)));
    if (left.length > 0) out.set(fix, left);
  }
  return out;
}

/** How many of the fixes' findings one render had and the next one no longer has. */
export function findingsGone(
  fixes: readonly HardenFix[],
  before: readonly MappedFinding[],
  after: readonly MappedFinding[],
): number {
  const had = new Set(before.map((m) => refKey(refOf(m))));
  const has = new Set(after.map((m) => refKey(refOf(m))));
  const wanted = new Set(fixes.flatMap((f) => f.findings.map(refKey)));
  return [...wanted].filter((k) => had.has(k) && !has.has(k)).length;
}

/** `Harden trino: 3 fixes (securityContext, resources)`. */
export function hardenTitle(block: HardenBlock): string {
  const fields = [...new Set(block.fixes.flatMap((f) => f.changes.map((c) => c.field)))];
  const shown = fields.slice(0, 3).join(', ') + (fields.length > 3 ? '…' : '');
  const n = block.fixes.length;
  return `Harden ${block.key}: ${n} fix${n === 1 ? '' : 'es'} (${shown})`;
}

function lineAt(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** What a render of the edited values says: its findings, or why it failed. */
export type CheckRender = (
  text: string,
) => Promise<{ ok: true; findings: readonly MappedFinding[] } | { ok: false; error: string }>;

/**
 * Renders the block's composed text once; fixes whose findings that render still has are left
 * out (with the reason) and the rest composed again from `text` and rendered once more — only
 * when something was left out, since one fix may rely on another's values.
 */
export async function checkBlock(
  text: string,
  block: HardenBlock,
  render: CheckRender,
): Promise<{ text: string; fixes: HardenFix[]; dropped: Skipped[] } | { error: string }> {
  let fixes: readonly HardenFix[] = block.fixes;
  let composed = block.text;
  const dropped: Skipped[] = [...block.skipped];
  for (;;) {
    const outcome = await render(composed);
    if (!outcome.ok) return { error: `the chart no longer renders (${outcome.error})` };
    const left = survivors(fixes, outcome.findings);
    if (left.size === 0) return { text: composed, fixes: [...fixes], dropped };
    for (const [fix, refs] of left)
      dropped.push({
        fix,
        reason: `the rendered chart still reports ${refs.map((r) => `${r.rule} on ${r.object}`).join(', ')}`,
      });
    const next = composeFixes(
      text,
      fixes.filter((f) => !left.has(f)),
    );
    dropped.push(...next.skipped);
    if (next.fixes.length === 0) return { text, fixes: [], dropped };
    fixes = next.fixes;
    composed = next.text;
  }
}
