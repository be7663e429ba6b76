import { join, relative } from 'node:path';
import { ensureTool, repoRoot } from '../../../scripts/harness/paths';
import { renderChart, type HelmRequest } from '../../../src/adapters/render/helm';
import { renderOverlay } from '../../../src/adapters/render/kustomize';
import { DEFAULT_LIMITS } from '../../../src/adapters/render/run';
import { lintHelmRender, type RenderLint } from '../../../src/core/render/helm-map';
import { lintKustomizeRender } from '../../../src/core/render/kustomize-map';
import { allRules } from '../../../src/core/rules/registry';

export const workspace = join(repoRoot, 'demo', 'workspace');
export const fixtures = join(repoRoot, 'test', 'fixtures', 'render');

let tools: { helm: string; kustomize: string } | undefined;
/** The real Helm 4 and kustomize, from the per-version cache (built once by the ensure scripts). */
export function realTools(): { helm: string; kustomize: string } {
  tools ??= { helm: ensureTool('ensure-helm.mjs'), kustomize: ensureTool('ensure-kustomize.mjs') };
  return tools;
}

export async function lintChart(
  chart: string,
  options: Partial<Omit<HelmRequest, 'chart'>> = {},
): Promise<RenderLint> {
  const outcome = await renderChart({
    helm: realTools().helm,
    chart,
    release: 'data-platform',
    namespace: 'data-platform',
    values: [],
    set: [],
    limits: DEFAULT_LIMITS,
    ...options,
  });
  if (!outcome.ok) throw new Error(`render failed: ${JSON.stringify(outcome.errors)}`);
  return lintHelmRender(outcome.render, { rules: allRules });
}

export async function lintOverlay(dir: string): Promise<RenderLint> {
  const outcome = await renderOverlay(realTools().kustomize, dir, DEFAULT_LIMITS);
  if (!outcome.ok) throw new Error(`render failed: ${JSON.stringify(outcome.errors)}`);
  return lintKustomizeRender(outcome.render, { rules: allRules });
}

/** "file:line" (1-based) of a mapped finding, the file relative to the demo workspace. */
export function where(lint: RenderLint, index: number, root = workspace): string {
  const loc = lint.findings[index]?.location;
  return loc ? `${relative(root, loc.file)}:${loc.line + 1}` : '(unplaced)';
}
