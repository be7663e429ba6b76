import { existsSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { appsInFile, planFor, renderPlanChart, type AppPlan, type AppProblem } from '../adapters/render/argo';
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

export { RENDER_VALUE_OPTIONS } from './render-root';

export type RenderRoot =
  | {
      readonly kind: 'helm' | 'kustomize';
      readonly dir: string;
      /** Rendered the way this Argo CD Application says. */
      readonly plan?: AppPlan;
      /** Several Applications render this folder: messages name theirs. */
      readonly label?: string;
    }
  /** An Application file none of whose sources is on this machine: only its problems. */
  | { readonly kind: 'app'; readonly file: string; readonly problems: readonly AppProblem[] };

/**
 * A directory given on the command line that is a chart or a Kustomize root is rendered; so is a
 * file of Argo CD Applications, each source the way Argo CD renders it.
 */
export function renderRootOf(path: string): RenderRoot[] | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isFile()) return appRoots(path);
  if (!stat?.isDirectory()) return undefined;
  if (existsSync(join(path, 'Chart.yaml'))) return [{ kind: 'helm', dir: path }];
  if (kustomizationIn(path)) return [{ kind: 'kustomize', dir: path }];
  return undefined;
}

function appRoots(file: string): RenderRoot[] | undefined {
  const apps = appsInFile(file);
  if (apps.length === 0) return undefined;
  const roots: RenderRoot[] = [];
  const problems: AppProblem[] = [];
  for (const app of apps)
    for (const source of app.sources) {
      const plan = planFor(file, app, source);
      if (plan) roots.push({ kind: plan.kind, dir: relative(process.cwd(), plan.dir) || '.', plan });
      else if (source.chart)
        problems.push({
          line: app.line,
          message: `Argo CD app ${app.name}: chart ${source.chart} comes from a Helm repository, not this workspace; not rendered`,
          severity: 'warning',
        });
      else if (source.path)
        problems.push({
          line: app.line,
          message: `Argo CD app ${app.name}: no folder above ${file} holds ${source.path} as a chart or kustomization; not rendered`,
          severity: 'error',
        });
    }
  const count = new Map<string, number>();
  for (const r of roots) if (r.kind !== 'app') count.set(r.dir, (count.get(r.dir) ?? 0) + 1);
  const labelled = roots.map((r) =>
    r.kind !== 'app' && r.plan && (count.get(r.dir) ?? 0) > 1 ? { ...r, label: r.plan.app } : r,
  );
  return problems.length > 0 ? [...labelled, { kind: 'app', file, problems }] : labelled;
}

/** The command line's --values, --set, --namespace and --release come after (over) the app's. */
export function withArgs(plan: AppPlan, args: ParsedArgs): AppPlan {
  if (!plan.helm) return plan;
  const namespace = one(args, 'namespace') ?? plan.helm.namespace;
  return {
    ...plan,
    namespace,
    helm: {
      ...plan.helm,
      release: one(args, 'release') ?? plan.helm.release,
      namespace,
      values: [...plan.helm.values, ...(args.values.get('values') ?? []).map((v) => resolve(v))],
      set: [...plan.helm.set, ...(args.values.get('set') ?? [])],
      setString: [...plan.helm.setString, ...(args.values.get('set-string') ?? [])],
    },
  };
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
    if (root.kind === 'app') {
      problems.push(...root.problems.map((p) => appProblem(root.file, p)));
      continue;
    }
    const plan = root.plan ? withArgs(root.plan, args) : undefined;
    for (const p of plan?.problems ?? []) problems.push(appProblem(plan?.appFile ?? root.dir, p));
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
    if (plan?.helm) {
      const outcome = await renderPlanChart(tool, plan, limits);
      if (!outcome.ok) {
        problems.push(...outcome.errors.map((e) => renderProblem(e.file, e.line, e.column, e.message)));
        continue;
      }
      bytes += outcome.render.rendered.length;
      lint = outcome.relocate(lintHelmRender(outcome.render, options));
    } else if (root.kind === 'helm') {
      const outcome = await renderChart({
        helm: tool,
        chart: root.dir,
        release: one(args, 'release') ?? basename(resolve(root.dir)),
        namespace: one(args, 'namespace') ?? 'default',
        values: args.values.get('values') ?? [],
        set: args.values.get('set') ?? [],
        setString: args.values.get('set-string') ?? [],
        limits,
      });
      if (!outcome.ok) {
        problems.push(...outcome.errors.map((e) => renderProblem(e.file, e.line, e.column, e.message)));
        continue;
      }
      bytes += outcome.render.rendered.length;
      lint = lintHelmRender(outcome.render, options);
    } else {
      const outcome = await renderOverlay(tool, root.dir, limits, plan?.kustomize?.overlay);
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
    for (const m of lint.findings) findings.push(located(m, anchor, root.label));
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

function appProblem(file: string, p: AppProblem): FileProblem {
  return { file, message: p.message, code: 'argo-app', severity: p.severity, range: point(p.line + 1, 1) };
}

function located(m: MappedFinding, anchor: string, label: string | undefined): LocatedFinding {
  const loc = m.location;
  const note = loc?.note ? ` (${loc.note})` : '';
  const unplaced = loc ? '' : ` (in rendered ${m.rendered.source ?? `document ${m.rendered.document + 1}`})`;
  const shared = m.sharedBy
    ? ` (this line sets it for ${m.sharedBy.length} objects: ${m.sharedBy.join(', ')})`
    : '';
  // Fixes edit the rendered text; at the source they come with Fix at source (a later slice).
  const { fix: _fix, ...finding } = m.finding;
  return {
    ...finding,
    message: `${label ? `[${label}] ` : ''}${m.finding.message}${note}${unplaced}${shared}`,
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
