import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { renderChart } from '../adapters/render/helm';
import { kustomizationIn, renderOverlay } from '../adapters/render/kustomize';
import { findTool } from '../adapters/render/run';
import { lintHelmRender, type RenderLint } from '../core/render/helm-map';
import { lintKustomizeRender } from '../core/render/kustomize-map';
import type { MappedFinding } from '../core/render/locate';
import { allRules } from '../core/rules/registry';
import type { AnalyseOptions } from '../core/rules/engine';
import type { FileProblem, LintConfig, LintResult, LocatedFinding } from './analyse';
import { one, type ParsedArgs } from './args';
import { renderLimits } from './render-source';

/** Options `lint` takes for charts and overlays (see LINT_USAGE). */
export const RENDER_VALUE_OPTIONS = [
  'values',
  'set',
  'namespace',
  'release',
  'helm',
  'kustomize',
  'render-timeout',
];

export type RenderRoot = { readonly kind: 'helm' | 'kustomize'; readonly dir: string };

/** A directory given on the command line that is a chart or a Kustomize root is rendered. */
export function renderRootOf(path: string): RenderRoot | undefined {
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  if (existsSync(join(path, 'Chart.yaml'))) return { kind: 'helm', dir: path };
  if (kustomizationIn(path)) return { kind: 'kustomize', dir: path };
  return undefined;
}

export async function lintRendered(
  roots: readonly RenderRoot[],
  args: ParsedArgs,
  config: LintConfig,
): Promise<LintResult> {
  const limits = renderLimits(args);
  const options: AnalyseOptions = {
    rules: allRules,
    ...(config.include ? { include: config.include } : {}),
    ...(config.exclude ? { exclude: config.exclude } : {}),
    ...(config.options ? { options: config.options } : {}),
  };
  const findings: LocatedFinding[] = [];
  const problems: FileProblem[] = [];
  let bytes = 0;
  for (const root of roots) {
    const anchor = join(
      root.dir,
      root.kind === 'helm' ? 'Chart.yaml' : basename(kustomizationIn(root.dir) ?? 'kustomization.yaml'),
    );
    const tool =
      root.kind === 'helm'
        ? findTool('helm', one(args, 'helm'))
        : findTool('kustomize', one(args, 'kustomize'));
    if (!tool) {
      problems.push(missingTool(root.kind, anchor, one(args, root.kind)));
      continue;
    }
    let lint: RenderLint;
    if (root.kind === 'helm') {
      const outcome = await renderChart({
        helm: tool,
        chart: root.dir,
        release: one(args, 'release') ?? basename(resolve(root.dir)),
        namespace: one(args, 'namespace') ?? 'default',
        values: args.values.get('values') ?? [],
        set: args.values.get('set') ?? [],
        limits,
      });
      if (!outcome.ok) {
        problems.push(...outcome.errors.map((e) => renderProblem(e.file, e.line, e.column, e.message)));
        continue;
      }
      bytes += outcome.render.rendered.length;
      lint = lintHelmRender(outcome.render, options);
    } else {
      const outcome = await renderOverlay(tool, root.dir, limits);
      if (!outcome.ok) {
        problems.push(...outcome.errors.map((e) => renderProblem(e.file, e.line, e.column, e.message)));
        continue;
      }
      bytes += outcome.render.rendered.length;
      lint = lintKustomizeRender(outcome.render, options);
    }
    if (lint.file.documents.every((d) => d.root === undefined))
      problems.push({
        file: anchor,
        message: `${root.dir} renders no objects`,
        code: 'render-empty',
        severity: 'warning',
      });
    for (const m of lint.findings) findings.push(located(m, anchor));
    for (const p of lint.problems)
      problems.push({
        file: p.location?.file ?? anchor,
        message: p.message,
        code: p.code,
        severity: p.severity,
        range: point((p.location?.line ?? 0) + 1, (p.location?.column ?? 0) + 1),
      });
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line);
  return { files: roots.length, bytes, findings, problems };
}

function located(m: MappedFinding, anchor: string): LocatedFinding {
  const loc = m.location;
  const note = loc?.via === 'action' && loc.note ? ` (${loc.note})` : '';
  const unplaced = loc ? '' : ` (in rendered ${m.rendered.source ?? `document ${m.rendered.document + 1}`})`;
  const shared = m.sharedBy
    ? ` (this line sets it for ${m.sharedBy.length} objects: ${m.sharedBy.join(', ')})`
    : '';
  // Fixes edit the rendered text; at the source they come with Fix at source (a later slice).
  const { fix: _fix, ...finding } = m.finding;
  return {
    ...finding,
    message: `${m.finding.message}${note}${unplaced}${shared}`,
    file: loc?.file ?? anchor,
    range: loc
      ? {
          start: { line: loc.line + 1, column: loc.column + 1 },
          end: { line: loc.endLine + 1, column: loc.endColumn + 1 },
        }
      : point(1, 1),
    rendered: { file: m.rendered.source ?? '', document: m.rendered.document, path: m.rendered.path },
    ...(loc ? { via: loc.via } : {}),
  };
}

const point = (line: number, column: number) => ({ start: { line, column }, end: { line, column } });

function renderProblem(file: string, line: number, column: number, message: string): FileProblem {
  return { file, message, code: 'render-error', severity: 'error', range: point(line, column) };
}

function missingTool(kind: RenderRoot['kind'], file: string, explicit: string | undefined): FileProblem {
  const message =
    kind === 'helm'
      ? explicit
        ? `helm not found at ${explicit}: give the path of a Helm 3 or 4 binary`
        : 'helm not found on PATH: install Helm 3 or 4, or pass --helm PATH (in VS Code: shipshape.helm.path); plain manifests are still analysed'
      : explicit
        ? `kustomize not found at ${explicit}: give the path of a kustomize v5 binary`
        : 'kustomize not found on PATH: install kustomize v5, or pass --kustomize PATH (in VS Code: shipshape.kustomize.path); plain manifests are still analysed';
  return { file, message, code: 'tool-missing', severity: 'error', range: point(1, 1) };
}
