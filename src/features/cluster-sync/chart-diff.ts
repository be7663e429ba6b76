import { relative } from 'node:path';
import type { AppPlan } from '../../adapters/render/argo';
import { applyTargets, type ApplyTarget } from '../../core/sync/targets';
import type { RootResult } from '../../services/charts/render';
import type { SourceRoot } from '../../services/charts/roots';

/** What Diff with Cluster sends for a chart: its rendered objects, where Helm would install them. */
export interface ChartDiff {
  /** How the diff and messages name it: `helm/charts/data-platform (Argo CD app data-platform)`. */
  readonly name: string;
  readonly targets: readonly ApplyTarget[];
  readonly problems: readonly string[];
  /** Objects that name no namespace land here (the Application's destination, else the render namespace). */
  readonly namespace: string;
}

/**
 * A chart's file (Chart.yaml, a template, values.yaml) is not what the cluster gets: its render
 * is. The render is the one the editor shows findings from (the same Application settings, the
 * same render namespace), so the diff and the findings speak of the same objects.
 */
export function chartDiff(
  root: SourceRoot,
  result: RootResult | undefined,
  plans: readonly AppPlan[],
  renderNamespace: string,
  workspace: string,
): ChartDiff | { readonly refused: string } {
  const shown = relative(workspace, root.dir) || root.dir;
  const failure = result?.marks.find((m) => m.code === 'render-error');
  if (!result?.lint || failure) {
    const where = failure ? ` ${relative(workspace, failure.file) || failure.file}:${failure.line + 1}:` : '';
    return {
      refused: `${shown} does not render:${where} ${failure?.message ?? 'no render result (is helm installed?)'}`,
    };
  }
  // Several Applications may render one chart; the first is the one whose findings the editor shows.
  const plan = plans[0];
  const set = applyTargets(result.lint.file);
  if ('refused' in set) return set;
  return {
    name: plan?.live
      ? `${shown} (Argo CD app ${plan.live.id} in ${plan.live.context})`
      : plan
        ? `${shown} (Argo CD app ${plan.app})`
        : `${shown} (helm template)`,
    targets: set.targets,
    problems: set.problems.map((p) => p.message),
    namespace: plan?.namespace ?? plan?.helm?.namespace ?? renderNamespace,
  };
}
