import type { ClusterState, Pod } from '../k8s/types';
import { quotaProblems, rollupApplications, rollupNodes } from './cluster';
import { nsKey, ownership, podKey } from './ownership';
import { classifyPod, type ClassifyOptions, type PodClass, type PodHealth } from './pod';
import { suggestionFor } from './suggestions';
import type { NamespaceHealth, PlatformHealth, PodCounts, Problem } from './types';
import { ownerKey, rollupWorkloads, type PodEntry } from './workloads';

export type {
  ApplicationHealth,
  NamespaceHealth,
  NodeHealth,
  OwnerRef,
  PlatformHealth,
  PodCounts,
  Problem,
  ProblemKind,
  WorkloadHealth,
} from './types';
import { byCodeUnits } from '../text/code-units';
export { podKey } from './ownership';
export { formatPercent } from './format';

export interface SummaryOptions extends ClassifyOptions {
  /**
   * Memoised classification: the explorer caches per pod object or resourceVersion, so only
   * changed pods are classified again. Wins over `cache`.
   */
  readonly classify?: (pod: Pod) => PodHealth;
  /** Precomputed classifications by `podKey` (uid, else namespace/name); misses are classified. */
  readonly cache?: ReadonlyMap<string, PodHealth>;
  /** Quota usage at or above this fraction of a hard limit is a problem (default 0.9). */
  readonly quotaThreshold?: number;
}

const emptyCounts = (): PodCounts => ({
  total: 0,
  healthy: 0,
  running: 0,
  succeeded: 0,
  failing: 0,
  pending: 0,
  terminating: 0,
  notReady: 0,
});

const BUCKET: Readonly<Partial<Record<PodClass, keyof PodCounts>>> = {
  crashloop: 'failing',
  image: 'failing',
  config: 'failing',
  failed: 'failing',
  evicted: 'failing',
  unschedulable: 'pending',
  pending: 'pending',
  starting: 'pending',
  terminating: 'terminating',
  stuckTerminating: 'terminating',
  notReady: 'notReady',
  succeeded: 'succeeded',
};

function count(counts: PodCounts, h: PodHealth): void {
  counts.total++;
  if (h.healthy) counts.healthy++;
  if (h.running) counts.running++;
  const bucket = BUCKET[h.class];
  if (bucket) counts[bucket]++;
}

/** healthy / (total − succeeded) × 100, exact; null when nothing is counted. */
export const healthPercent = (c: PodCounts): number | null => percent(c.healthy, c.total - c.succeeded);
const percent = (n: number, d: number): number | null => (d > 0 ? (n / d) * 100 : null);

/**
 * The platform's health from everything known about one cluster at `now` (ms epoch).
 * O(objects) with maps, no scan of all pods per workload or namespace: the explorer runs this
 * on 20,000-pod clusters after every debounced batch of watch events.
 */
export function summarise(state: ClusterState, now: number, options: SummaryOptions = {}): PlatformHealth {
  const cache = options.cache;
  const classify =
    options.classify ??
    (cache
      ? (pod: Pod) => cache.get(podKey(pod)) ?? classifyPod(pod, now, options)
      : (pod: Pod) => classifyPod(pod, now, options));
  const own = ownership(state);

  const pods = emptyCounts();
  const byNamespace = new Map<string, PodCounts>();
  const byOwner = new Map<string, PodEntry[]>();
  const byJob = new Map<string, PodEntry[]>();
  const explained = new Set<string>();
  const problems: Problem[] = [];
  const append = (map: Map<string, PodEntry[]>, key: string, entry: PodEntry) => {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  };

  for (const pod of state.pods) {
    const h = classify(pod);
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    count(pods, h);
    let nsCounts = byNamespace.get(ns);
    if (!nsCounts) byNamespace.set(ns, (nsCounts = emptyCounts()));
    count(nsCounts, h);
    const owner = own.owner(pod);
    const key = ownerKey(ns, owner.kind, owner.name);
    const entry = { name, health: h };
    append(byOwner, key, entry);
    const job = own.jobOf(pod);
    if (job !== undefined) append(byJob, nsKey(ns, job), entry);
    // Unhealthy pods, and flapping ones (healthy but worth a look at low severity).
    if ((!h.healthy && h.counted) || h.class === 'restarting') {
      if (!h.healthy) explained.add(key);
      problems.push({
        severity: h.severity,
        namespace: ns,
        pod: name,
        reason: h.reason,
        ...(h.container !== undefined ? { container: h.container } : {}),
        ...(h.restarts > 0 ? { restarts: h.restarts } : {}),
        owner,
        ...(h.message !== undefined ? { message: h.message } : {}),
        ...(h.lastTermination
          ? {
              lastTermination: {
                container: h.lastTermination.container,
                ...(h.lastTermination.reason ? { reason: h.lastTermination.reason } : {}),
              },
            }
          : {}),
        suggestion: suggestionFor({ ...h, owner }),
        kind: 'pod',
      });
    }
  }

  const workloads = rollupWorkloads(state, own, { byOwner, byJob, explained }, problems);
  const nodes = rollupNodes(state.nodes, problems);
  const applications = rollupApplications(state.applications, problems);
  const threshold = options.quotaThreshold ?? 0.9;
  for (const quota of state.resourceQuotas) problems.push(...quotaProblems(quota, threshold));

  const perNamespace = new Map<string, { n: number; worst: number }>();
  for (const p of problems) {
    if (!p.namespace) continue;
    const c = perNamespace.get(p.namespace);
    if (c) {
      c.n++;
      c.worst = Math.max(c.worst, p.severity);
    } else perNamespace.set(p.namespace, { n: 1, worst: p.severity });
  }
  const names = new Set<string>(byNamespace.keys());
  for (const n of state.namespaces) if (n.metadata?.name) names.add(n.metadata.name);
  for (const n of perNamespace.keys()) names.add(n);
  const namespaces: NamespaceHealth[] = [...names].map((name) => {
    const counts = byNamespace.get(name) ?? emptyCounts();
    const c = perNamespace.get(name);
    return {
      name,
      counts,
      healthPercent: healthPercent(counts),
      problems: c?.n ?? 0,
      worstSeverity: c?.worst ?? 0,
    };
  });
  namespaces.sort(
    (a, b) => b.worstSeverity - a.worstSeverity || b.problems - a.problems || byCodeUnits(a.name, b.name),
  );
  problems.sort(
    (a, b) =>
      b.severity - a.severity ||
      byCodeUnits(a.namespace, b.namespace) ||
      byCodeUnits(a.pod ?? a.owner.name, b.pod ?? b.owner.name) ||
      byCodeUnits(a.kind, b.kind) ||
      byCodeUnits(a.reason, b.reason),
  );

  return {
    pods,
    healthPercent: healthPercent(pods),
    runningPercent: percent(pods.running, pods.total),
    namespaces,
    workloads,
    problems,
    nodes,
    applications,
  };
}
