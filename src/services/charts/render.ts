import { basename, join } from 'node:path';
import { renderPlanChart, type AppPlan } from '../../adapters/render/argo';
import { renderChart, type LocatedRenderError } from '../../adapters/render/helm';
import { kustomizationIn, renderOverlay } from '../../adapters/render/kustomize';
import type { RunLimits } from '../../adapters/render/run';
import { lintHelmRender, type RenderLint } from '../../core/render/helm-map';
import { lintKustomizeRender } from '../../core/render/kustomize-map';
import type { MappedFinding } from '../../core/render/locate';
import type { AnalyseOptions } from '../../core/rules/engine';
import type { Severity } from '../../core/rules/types';
import type { SourceRoot } from './roots';

/** One thing to show at a source line (0-based), whatever produced it. */
export interface SourceMark {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
  readonly severity: Severity | 'error' | 'warning' | 'info';
  /** A rule id, `render-error`, or a parse-problem code. */
  readonly code: string;
  readonly rule?: string;
  /** The rendered finding behind it (quick fixes at the source start from it). */
  readonly mapped?: MappedFinding;
  /** The Argo CD Application whose render it comes from, and that render's lint. */
  readonly plan?: AppPlan;
  readonly lint?: RenderLint;
}

export interface RootResult {
  readonly marks: readonly SourceMark[];
  /** The lint, when the render succeeded (quick fixes read it). */
  readonly lint?: RenderLint;
}

/** The file a root's problems sit on when nothing names a better line. */
export function anchorOf(root: SourceRoot): string {
  return root.kind === 'helm'
    ? join(root.dir, 'Chart.yaml')
    : (kustomizationIn(root.dir) ?? join(root.dir, 'kustomization.yaml'));
}

/** How to render a root: as its Argo CD Applications say, else with defaults in a namespace. */
export interface RenderHow {
  /** The Applications that point at the root; several are each rendered, messages name theirs. */
  readonly plans?: readonly AppPlan[];
  /** The namespace without an Application (`shipshape.charts.namespace`). */
  readonly namespace?: string;
}

/**
 * Renders a root with the user's tool and maps every finding to its source line: the same pieces
 * as `shipshape lint <chart|overlay|Application file>`. Without an Application: the chart's
 * default values, release = folder name.
 */
export async function renderRoot(
  root: SourceRoot,
  tool: string,
  options: AnalyseOptions,
  limits: RunLimits,
  how: RenderHow = {},
): Promise<RootResult> {
  const plans = how.plans ?? [];
  if (plans.length === 0) return renderOnce(root, tool, options, limits, undefined, how.namespace);
  const marks: SourceMark[] = [];
  let lint: RenderLint | undefined;
  for (const plan of plans) {
    const label = plans.length > 1 ? plan.app : undefined;
    for (const p of plan.problems)
      marks.push({
        file: plan.appFile ?? anchorOf(root),
        line: p.line,
        column: 0,
        endLine: p.line,
        endColumn: Number.MAX_SAFE_INTEGER,
        message: p.message,
        severity: p.severity,
        code: 'argo-app',
      });
    const result = await renderOnce(root, tool, options, limits, plan);
    lint ??= result.lint;
    marks.push(
      ...result.marks.map((m) => ({
        ...m,
        ...(label ? { message: `[${label}] ${m.message}` } : {}),
        plan,
        ...(result.lint ? { lint: result.lint } : {}),
      })),
    );
  }
  return { marks, ...(lint ? { lint } : {}) };
}

async function renderOnce(
  root: SourceRoot,
  tool: string,
  options: AnalyseOptions,
  limits: RunLimits,
  plan: AppPlan | undefined,
  namespace = 'default',
): Promise<RootResult> {
  const anchor = anchorOf(root);
  let lint: RenderLint;
  if (plan?.helm) {
    const outcome = await renderPlanChart(tool, plan, limits);
    if (!outcome.ok) return { marks: outcome.errors.map((e) => errorMark(e, 'helm template')) };
    lint = outcome.relocate(lintHelmRender(outcome.render, options));
  } else if (root.kind === 'helm') {
    const outcome = await renderChart({
      helm: tool,
      chart: root.dir,
      release: basename(root.dir),
      namespace,
      values: [],
      set: [],
      limits,
    });
    if (!outcome.ok) return { marks: outcome.errors.map((e) => errorMark(e, 'helm template')) };
    lint = lintHelmRender(outcome.render, options);
  } else {
    const outcome = await renderOverlay(tool, root.dir, limits, plan?.kustomize?.overlay);
    if (!outcome.ok) return { marks: outcome.errors.map((e) => errorMark(e, 'kustomize build')) };
    lint = lintKustomizeRender(outcome.render, options);
  }
  const marks: SourceMark[] = [];
  for (const m of lint.findings) {
    const loc = m.location;
    const note = loc?.note ? ` (${loc.note})` : '';
    const unplaced = loc
      ? ''
      : ` (in rendered ${m.rendered.source ?? `document ${m.rendered.document + 1}`})`;
    const shared = m.sharedBy
      ? ` (this line sets it for ${m.sharedBy.length} objects: ${m.sharedBy.join(', ')})`
      : '';
    marks.push({
      file: loc?.file ?? anchor,
      line: loc?.line ?? 0,
      column: loc?.column ?? 0,
      endLine: loc?.endLine ?? 0,
      endColumn: loc?.endColumn ?? 0,
      message: `${m.finding.message}${note}${unplaced}${shared}`,
      severity: m.finding.severity,
      code: m.finding.rule,
      rule: m.finding.rule,
      // A finding on an Application's inline values has no values-file quick fix.
      ...(loc && loc.file === plan?.appFile ? {} : { mapped: m }),
    });
  }
  for (const p of lint.problems)
    marks.push({
      file: p.location?.file ?? anchor,
      line: p.location?.line ?? 0,
      column: p.location?.column ?? 0,
      endLine: p.location?.endLine ?? 0,
      endColumn: p.location?.endColumn ?? 0,
      message: p.message,
      severity: p.severity,
      code: p.code.toLowerCase(),
    });
  if (lint.file.documents.every((d) => d.root === undefined))
    marks.push({
      file: anchor,
      line: 0,
      column: 0,
      endLine: 0,
      endColumn: 0,
      message: `${root.dir} renders no objects`,
      severity: 'warning',
      code: 'render-empty',
    });
  return { marks, lint };
}

/** Helm and Kustomize give 1-based lines; the whole named line is marked. */
function errorMark(e: LocatedRenderError, what: string): SourceMark {
  const line = Math.max(0, e.line - 1);
  return {
    file: e.file,
    line,
    column: Math.max(0, e.column - 1),
    endLine: line,
    endColumn: Number.MAX_SAFE_INTEGER,
    message: `${what}: ${e.message}`,
    severity: 'error',
    code: 'render-error',
  };
}
