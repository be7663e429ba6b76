import { relative } from 'node:path';
import { renderChart } from '../adapters/render/helm';
import { buildOverlay } from '../adapters/render/kustomize';
import { DEFAULT_LIMITS, findTool, type RunLimits } from '../adapters/render/run';
import { one, type ParsedArgs, UsageError } from './args';
import { renderPlanChart } from '../adapters/render/argo';
import { withArgs, type RenderRoot } from './render-lint';

/** A chart or overlay rendered to plain manifests, for commands that read manifests (diff). */
export interface RenderedSource {
  /** How messages name it: `helm/charts/data-platform (helm template)`. */
  readonly name: string;
  readonly text: string;
  /** `--namespace`: where Helm would install objects that name none. */
  readonly namespace?: string;
}

export function renderLimits(args: ParsedArgs): RunLimits {
  const seconds = one(args, 'render-timeout');
  if (seconds === undefined) return DEFAULT_LIMITS;
  const timeout = Number(seconds);
  if (!(timeout > 0)) throw new UsageError('--render-timeout must be a positive number of seconds');
  return { ...DEFAULT_LIMITS, timeoutMs: timeout * 1000 };
}

/** Renders each root; a root that cannot be rendered becomes messages at its file:line instead. */
export async function renderSources(
  roots: readonly RenderRoot[],
  args: ParsedArgs,
): Promise<{ sources: RenderedSource[]; errors: string[] }> {
  const limits = renderLimits(args);
  const sources: RenderedSource[] = [];
  const errors: string[] = [];
  const display = (file: string) => relative(process.cwd(), file) || file;
  for (const root of roots) {
    if (root.kind === 'app') {
      errors.push(...root.problems.map((p) => `${display(root.file)}:${p.line + 1}: ${p.message}`));
      continue;
    }
    const plan = root.plan ? withArgs(root.plan, args) : undefined;
    for (const p of plan?.problems ?? [])
      if (p.severity === 'error')
        errors.push(`${display(plan?.appFile ?? root.dir)}:${p.line + 1}: ${p.message}`);
    const how = root.kind === 'helm' ? 'helm template' : 'kustomize build';
    const app = plan?.live ? `${plan.live.id} in ${plan.live.context}` : plan?.app;
    const name = `${display(root.dir)} (${app ? `${how}, Argo CD app ${app}` : how})`;
    const tool = findTool(root.kind, one(args, root.kind));
    if (!tool) {
      errors.push(`${display(root.dir)}: ${root.kind} not found: install it or pass --${root.kind} PATH`);
      continue;
    }
    const namespace = plan?.namespace ?? one(args, 'namespace');
    if (plan?.helm) {
      const outcome = await renderPlanChart(tool, plan, limits, { probe: false });
      if (outcome.ok)
        sources.push({ name, text: outcome.render.rendered, ...(namespace ? { namespace } : {}) });
      else errors.push(...outcome.errors.map((e) => `${display(e.file)}:${e.line}: ${e.message}`));
    } else if (root.kind === 'helm') {
      const outcome = await renderChart({
        helm: tool,
        chart: root.dir,
        release: one(args, 'release') ?? root.dir.split(/[\\/]/).filter(Boolean).at(-1) ?? 'release',
        namespace: namespace ?? 'default',
        values: args.values.get('values') ?? [],
        set: args.values.get('set') ?? [],
        setString: args.values.get('set-string') ?? [],
        limits,
        probe: false,
      });
      if (outcome.ok)
        sources.push({ name, text: outcome.render.rendered, ...(namespace ? { namespace } : {}) });
      else errors.push(...outcome.errors.map((e) => `${display(e.file)}:${e.line}: ${e.message}`));
    } else {
      const outcome = await buildOverlay(tool, root.dir, limits, plan?.kustomize?.overlay);
      if ('text' in outcome) sources.push({ name, text: outcome.text, ...(namespace ? { namespace } : {}) });
      else errors.push(...outcome.errors.map((e) => `${display(e.file)}:${e.line}: ${e.message}`));
    }
  }
  return { sources, errors };
}
