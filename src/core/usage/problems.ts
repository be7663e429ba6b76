import { ownership } from '../health/ownership';
import type { Problem } from '../health/types';
import type { ClusterState } from '../k8s/types';
import { formatBytes, formatShare, nearMemoryLimit } from './format';
import { podUsage, type PodMetrics } from './model';

/**
 * Containers above 90 % of their memory limit, as Problems ("OOMKilled soon"): the kernel kills
 * them at 100 %, and the seeds' outages began that way (trino-worker, the Ray head). A pod that is
 * already a problem (crash looping, not ready) keeps its own row; this one would say less.
 */
export function nearLimitProblems(
  state: ClusterState,
  metrics: readonly PodMetrics[],
  known: readonly Problem[],
): Problem[] {
  // The Problems view asks on every refresh: without metrics-server there is nothing to index.
  if (metrics.length === 0) return [];
  const taken = new Set(known.filter((p) => p.pod).map((p) => `${p.namespace}/${p.pod ?? ''}`));
  const byName = new Map(
    state.pods.map((p) => [`${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`, p]),
  );
  // Ownership indexes every ReplicaSet and Job: built only once a container is near its limit.
  let own: ReturnType<typeof ownership> | undefined;
  const out: Problem[] = [];
  for (const m of metrics) {
    const key = `${m.metadata?.namespace ?? ''}/${m.metadata?.name ?? ''}`;
    const pod = byName.get(key);
    if (!pod || taken.has(key) || pod.metadata?.deletionTimestamp) continue;
    const usage = podUsage(m, pod);
    const worst = nearMemoryLimit(usage)[0];
    const container = usage.containers.find((c) => c.name === worst?.container);
    if (!worst || !container) continue;
    out.push({
      severity: 2,
      namespace: usage.namespace,
      pod: usage.name,
      reason: 'OOMKilled soon',
      container: worst.container,
      owner: (own ??= ownership(state)).owner(pod),
      message: `Container "${worst.container}" uses ${formatBytes(container.memory.used)} of its ${formatBytes(container.memory.limit ?? 0)} memory limit (${formatShare(worst.share)}).`,
      suggestion:
        'Raise the memory limit (or find what grows: a cache, a leak, a bigger batch) before the kernel kills the container at 100 %',
      kind: 'pod',
    });
  }
  return out.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
}
