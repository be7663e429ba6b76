import { relative, resolve } from 'node:path';
import { KubeError } from '../adapters/k8s/errors';
import type { KubeRest } from '../adapters/k8s/rest';
import { gitRemotes, gitRoots, livePlan } from '../adapters/render/argo';
import { matchLiveApps } from '../core/render/cluster-apps';
import type { RenderRoot } from './render-lint';

const display = (file: string) => relative(process.cwd(), file) || file;

/**
 * `diff --context`: a chart or overlay given as a folder renders the way the cluster's Argo CD
 * Applications that point at it say (each one, when several do), as in the editor; one no
 * Application points at renders with the command line's values, as before. A cluster without
 * Argo CD (or one that will not list Applications) changes nothing: stderr says so.
 */
export async function withLiveApps(
  roots: readonly RenderRoot[],
  rest: KubeRest,
  context: string,
  err: (s: string) => void,
): Promise<RenderRoot[]> {
  if (!roots.some((r) => r.kind !== 'app' && !r.plan)) return [...roots];
  let apps: readonly unknown[];
  try {
    apps =
      (
        await rest.request<{ items?: unknown[] }>('GET', '/apis/argoproj.io/v1alpha1/applications', {
          what: 'list Argo CD Applications',
        })
      ).items ?? [];
  } catch (error) {
    if (!(error instanceof KubeError)) throw error;
    err(
      error.kind === 'notFound'
        ? `${context} serves no Argo CD Applications: charts render with the command line's values\n`
        : `cannot list ${context}'s Argo CD Applications (${error.message}): charts render with the command line's values\n`,
    );
    return [...roots];
  }
  const out: RenderRoot[] = [];
  for (const root of roots) {
    if (root.kind === 'app' || root.plan) {
      out.push(root);
      continue;
    }
    const dir = resolve(root.dir);
    const repos = gitRoots([dir]);
    const matches = matchLiveApps(
      apps,
      [{ kind: root.kind, dir }],
      [process.cwd(), ...repos],
      gitRemotes(repos),
      (why) => err(`${display(dir)}: ${why}\n`),
    );
    const plans = matches.flatMap((m) => livePlan(m, context) ?? []);
    if (plans.length === 0) out.push(root);
    for (const plan of plans) {
      err(
        `${display(dir)}: rendered as Argo CD app ${plan.live?.id} in ${context} says: ${plan.live?.matched}\n`,
      );
      out.push({ ...root, plan, ...(plans.length > 1 ? { label: plan.app } : {}) });
    }
  }
  return out;
}
