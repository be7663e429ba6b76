import type {
  ArgoApplication,
  ClusterState,
  Job,
  Pod,
  ResourceQuota,
  Workload,
  WorkloadKind,
} from '../k8s/types';
import { classifyPod, type ClassifyOptions, type PodHealth } from './pod';
import { parseQuantity } from './quantity';
import { suggestionFor } from './suggestions';
import { parseTime } from './time';

export interface PodCounts {
  total: number;
  healthy: number;
  running: number;
  succeeded: number;
  failing: number;
  pending: number;
  terminating: number;
  notReady: number;
}

export interface NamespaceHealth {
  readonly name: string;
  readonly counts: PodCounts;
  /** healthy / (total − succeeded) × 100; null when nothing is counted. */
  readonly healthPercent: number | null;
  readonly problems: number;
  readonly worstSeverity: number;
}

export interface WorkloadHealth {
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly namespace: string;
  readonly ready: number;
  readonly desired: number;
  readonly healthy: boolean;
  readonly reason?: string;
  /** Pod names (in the workload's namespace). */
  readonly pods: readonly string[];
  readonly suspended?: boolean;
}

export type ProblemKind = 'pod' | 'workload' | 'job' | 'node' | 'application' | 'quota';

export interface Problem {
  readonly severity: number;
  readonly namespace: string;
  readonly pod?: string;
  readonly reason: string;
  readonly container?: string;
  readonly restarts?: number;
  /** The top-level owner: a Deployment rather than its ReplicaSet; the pod itself when naked. */
  readonly owner: { readonly kind: string; readonly name: string };
  readonly message?: string;
  readonly suggestion: string;
  readonly kind: ProblemKind;
}

export interface NodeHealth {
  readonly name: string;
  readonly ready: boolean;
  readonly pressures: readonly string[];
  readonly unschedulable: boolean;
}

export interface ApplicationHealth {
  readonly name: string;
  readonly namespace: string;
  readonly sync: string;
  readonly health: string;
}

export interface PlatformHealth {
  readonly pods: PodCounts;
  readonly healthPercent: number | null;
  /** running / total × 100: the figure kubectl-based status reports quote. */
  readonly runningPercent: number | null;
  readonly namespaces: readonly NamespaceHealth[];
  readonly workloads: readonly WorkloadHealth[];
  readonly problems: readonly Problem[];
  readonly nodes: readonly NodeHealth[];
  readonly applications: readonly ApplicationHealth[];
}

export interface SummaryOptions extends ClassifyOptions {
  /** Memoised classification (the explorer caches per pod object). */
  readonly classify?: (pod: Pod) => PodHealth;
  /** Quota usage at or above this fraction is a problem. */
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
const FAILING = new Set(['crashloop', 'image', 'config', 'failed', 'evicted']);
const PENDING = new Set(['unschedulable', 'pending', 'starting']);
const percent = (n: number, d: number) => (d > 0 ? (n / d) * 100 : null);
const nsKey = (ns: string | undefined, name: string | undefined) => `${ns ?? ''}/${name ?? ''}`;

function count(counts: PodCounts, h: PodHealth): void {
  counts.total++;
  if (h.healthy) counts.healthy++;
  if (h.running) counts.running++;
  if (h.class === 'succeeded') counts.succeeded++;
  if (FAILING.has(h.class)) counts.failing++;
  if (PENDING.has(h.class)) counts.pending++;
  if (h.class === 'terminating' || h.class === 'stuckTerminating') counts.terminating++;
  if (h.class === 'notReady') counts.notReady++;
}

function controllerOf(object: {
  metadata?: { ownerReferences?: { kind: string; name: string; controller?: boolean }[] };
}) {
  const refs = object.metadata?.ownerReferences ?? [];
  return refs.find((r) => r.controller) ?? refs[0];
}

function jobFailed(job: Job): string | undefined {
  const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) return failed.reason ?? 'Failed';
  const limit = (job.spec?.backoffLimit ?? 6) + 1;
  return (job.status?.failed ?? 0) >= limit ? 'BackoffLimitExceeded' : undefined;
}

function jobComplete(job: Job): boolean {
  return (
    job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ??
    (job.status?.succeeded ?? 0) >= (job.spec?.completions ?? 1)
  );
}

/**
 * The platform's health from everything known about the cluster. O(n) in objects: this runs
 * on 20,000-pod clusters after every (debounced) batch of watch events.
 */
export function summarise(state: ClusterState, now: number, options: SummaryOptions = {}): PlatformHealth {
  const classify = options.classify ?? ((pod: Pod) => classifyPod(pod, now, options));
  const rsOwner = new Map<string, { kind: string; name: string }>();
  for (const rs of state.replicaSets) {
    const ref = controllerOf(rs);
    if (ref?.kind === 'Deployment')
      rsOwner.set(nsKey(rs.metadata?.namespace, rs.metadata?.name), { kind: 'Deployment', name: ref.name });
  }
  const jobOwner = new Map<string, { kind: string; name: string }>();
  for (const job of state.jobs) {
    const ref = controllerOf(job);
    if (ref?.kind === 'CronJob')
      jobOwner.set(nsKey(job.metadata?.namespace, job.metadata?.name), { kind: 'CronJob', name: ref.name });
  }
  const topOwner = (pod: Pod): { kind: string; name: string } => {
    const ref = controllerOf(pod);
    const ns = pod.metadata?.namespace;
    if (!ref) return { kind: 'Pod', name: pod.metadata?.name ?? '' };
    if (ref.kind === 'ReplicaSet')
      return rsOwner.get(nsKey(ns, ref.name)) ?? { kind: 'ReplicaSet', name: ref.name };
    if (ref.kind === 'Job') return jobOwner.get(nsKey(ns, ref.name)) ?? { kind: 'Job', name: ref.name };
    return { kind: ref.kind, name: ref.name };
  };

  const pods = emptyCounts();
  const byNamespace = new Map<string, PodCounts>();
  const podsByOwner = new Map<string, { name: string; health: PodHealth }[]>();
  const problems: Problem[] = [];
  const podProblemOwners = new Set<string>();

  for (const pod of state.pods) {
    const h = classify(pod);
    const ns = pod.metadata?.namespace ?? '';
    count(pods, h);
    let nsCounts = byNamespace.get(ns);
    if (!nsCounts) byNamespace.set(ns, (nsCounts = emptyCounts()));
    count(nsCounts, h);
    const owner = topOwner(pod);
    const ownerKey = `${ns}/${owner.kind}/${owner.name}`;
    const list = podsByOwner.get(ownerKey) ?? [];
    list.push({ name: pod.metadata?.name ?? '', health: h });
    podsByOwner.set(ownerKey, list);
    if ((!h.healthy && h.counted) || h.class === 'restarting') {
      podProblemOwners.add(ownerKey);
      problems.push({
        severity: h.severity,
        namespace: ns,
        pod: pod.metadata?.name ?? '',
        reason: h.reason,
        ...(h.container !== undefined ? { container: h.container } : {}),
        ...(h.restarts > 0 ? { restarts: h.restarts } : {}),
        owner,
        ...(h.message !== undefined ? { message: h.message } : {}),
        suggestion: suggestionFor(h.reason, h.lastTermination?.reason),
        kind: 'pod',
      });
    }
  }

  const workloads: WorkloadHealth[] = [];
  const podsOf = (ns: string, kind: string, name: string) => podsByOwner.get(`${ns}/${kind}/${name}`) ?? [];
  const addWorkload = (
    kind: WorkloadKind,
    w: Workload,
    desired: number,
    readyFromStatus: number | undefined,
    extra: Partial<WorkloadHealth> = {},
  ) => {
    const ns = w.metadata?.namespace ?? '';
    const name = w.metadata?.name ?? '';
    const list = podsOf(ns, kind, name);
    // Without a controller-manager (or before it reports) the pods are the truth.
    const ready = readyFromStatus ?? list.filter((p) => p.health.healthy).length;
    const worst = list
      .filter((p) => !p.health.healthy && p.health.counted)
      .sort((a, b) => b.health.severity - a.health.severity)[0];
    const healthy = extra.healthy ?? (ready >= desired && !worst);
    const reason =
      extra.reason ??
      (healthy
        ? undefined
        : (worst?.health.reason ?? (list.length === 0 && desired > 0 ? 'NoPods' : 'Unavailable')));
    workloads.push({
      kind,
      name,
      namespace: ns,
      ready,
      desired,
      healthy,
      pods: list.map((p) => p.name),
      ...extra,
      ...(reason !== undefined ? { reason } : {}),
    });
    if (!healthy && !podProblemOwners.has(`${ns}/${kind}/${name}`)) {
      problems.push({
        severity: 3,
        namespace: ns,
        reason: reason ?? 'Unavailable',
        owner: { kind, name },
        message: `${ready}/${desired} ready`,
        suggestion: suggestionFor(reason ?? 'Unavailable'),
        kind: 'workload',
      });
    }
  };
  const statusReady = (w: Workload) =>
    w.status && (w.status.replicas !== undefined || w.status.observedGeneration !== undefined)
      ? (w.status.readyReplicas ?? 0)
      : undefined;
  for (const d of state.deployments) addWorkload('Deployment', d, d.spec?.replicas ?? 1, statusReady(d));
  for (const s of state.statefulSets) addWorkload('StatefulSet', s, s.spec?.replicas ?? 1, statusReady(s));
  for (const d of state.daemonSets) {
    const list = podsOf(d.metadata?.namespace ?? '', 'DaemonSet', d.metadata?.name ?? '');
    addWorkload(
      'DaemonSet',
      d,
      d.status?.desiredNumberScheduled ?? list.length,
      d.status?.desiredNumberScheduled !== undefined ? (d.status.numberReady ?? 0) : undefined,
    );
  }
  for (const rs of state.replicaSets) {
    if (rsOwner.has(nsKey(rs.metadata?.namespace, rs.metadata?.name))) continue;
    const desired = rs.spec?.replicas ?? 1;
    if (
      desired === 0 &&
      podsOf(rs.metadata?.namespace ?? '', 'ReplicaSet', rs.metadata?.name ?? '').length === 0
    )
      continue;
    addWorkload('ReplicaSet', rs, desired, statusReady(rs));
  }
  const jobsByCronJob = new Map<string, Job[]>();
  for (const job of state.jobs) {
    const ns = job.metadata?.namespace ?? '';
    const cron = jobOwner.get(nsKey(ns, job.metadata?.name));
    const failed = jobFailed(job);
    if (cron) {
      const key = nsKey(ns, cron.name);
      jobsByCronJob.set(key, [...(jobsByCronJob.get(key) ?? []), job]);
    } else {
      const completions = job.spec?.completions ?? 1;
      addWorkload('Job', job, completions, job.status?.succeeded ?? 0, {
        healthy: !failed,
        ...(failed ? { reason: failed } : {}),
      });
    }
    if (
      failed &&
      !podProblemOwners.has(`${ns}/${cron ? 'CronJob' : 'Job'}/${cron?.name ?? job.metadata?.name ?? ''}`)
    ) {
      problems.push({
        severity: 3,
        namespace: ns,
        reason: failed,
        owner: cron ?? { kind: 'Job', name: job.metadata?.name ?? '' },
        message: `job ${job.metadata?.name ?? ''}: ${job.status?.failed ?? 0} failed pod(s)`,
        suggestion: suggestionFor(failed),
        kind: 'job',
      });
    }
  }
  for (const cron of state.cronJobs) {
    const ns = cron.metadata?.namespace ?? '';
    const name = cron.metadata?.name ?? '';
    const jobs = jobsByCronJob.get(nsKey(ns, name)) ?? [];
    const last = lastJob(jobs);
    const lastFailed = last ? jobFailed(last) : undefined;
    addWorkload('CronJob', cron as Workload, jobs.length, jobs.filter(jobComplete).length, {
      healthy: !lastFailed,
      ...(lastFailed ? { reason: 'LastRunFailed' } : {}),
      ...(cron.spec?.suspend ? { suspended: true } : {}),
    });
  }

  const nodes = state.nodes.map((n) => {
    const conditions = n.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === 'Ready')?.status === 'True';
    const pressures = conditions.filter((c) => c.type !== 'Ready' && c.status === 'True').map((c) => c.type);
    const name = n.metadata?.name ?? '';
    if (!ready || pressures.length > 0) {
      const reason = !ready ? 'NodeNotReady' : (pressures[0] ?? 'Pressure');
      problems.push({
        severity: ready ? 2 : 4,
        namespace: '',
        reason,
        owner: { kind: 'Node', name },
        message: pressures.join(', '),
        suggestion: suggestionFor(reason),
        kind: 'node',
      });
    }
    return { name, ready, pressures, unschedulable: n.spec?.unschedulable ?? false };
  });

  const applications = state.applications.map((a: ArgoApplication) => {
    const app = {
      name: a.metadata?.name ?? '',
      namespace: a.metadata?.namespace ?? '',
      sync: a.status?.sync?.status ?? 'Unknown',
      health: a.status?.health?.status ?? 'Unknown',
    };
    const bad =
      app.health === 'Degraded' || app.health === 'Missing'
        ? app.health
        : app.sync === 'OutOfSync'
          ? 'OutOfSync'
          : app.health === 'Unknown' || app.sync === 'Unknown'
            ? undefined
            : undefined;
    if (bad) {
      problems.push({
        severity: app.health === 'Degraded' || app.health === 'Missing' ? 3 : 2,
        namespace: app.namespace,
        reason: bad,
        owner: { kind: 'Application', name: app.name },
        message: `${app.sync} · ${app.health}${a.status?.health?.message ? ` — ${a.status.health.message}` : ''}`,
        suggestion: suggestionFor(bad),
        kind: 'application',
      });
    }
    return app;
  });

  for (const quota of state.resourceQuotas)
    problems.push(...quotaProblems(quota, options.quotaThreshold ?? 0.9));

  const problemCount = new Map<string, { n: number; worst: number }>();
  for (const p of problems) {
    if (!p.namespace) continue;
    const c = problemCount.get(p.namespace) ?? { n: 0, worst: 0 };
    c.n++;
    c.worst = Math.max(c.worst, p.severity);
    problemCount.set(p.namespace, c);
  }
  const names = new Set<string>([
    ...byNamespace.keys(),
    ...state.namespaces.map((n) => n.metadata?.name ?? '').filter(Boolean),
    ...problemCount.keys(),
  ]);
  const namespaces: NamespaceHealth[] = [...names].map((name) => {
    const counts = byNamespace.get(name) ?? emptyCounts();
    const c = problemCount.get(name);
    return {
      name,
      counts,
      healthPercent: percent(counts.healthy, counts.total - counts.succeeded),
      problems: c?.n ?? 0,
      worstSeverity: c?.worst ?? 0,
    };
  });
  namespaces.sort(
    (a, b) => b.worstSeverity - a.worstSeverity || b.problems - a.problems || a.name.localeCompare(b.name),
  );
  problems.sort(
    (a, b) =>
      b.severity - a.severity ||
      a.namespace.localeCompare(b.namespace) ||
      (a.pod ?? a.owner.name).localeCompare(b.pod ?? b.owner.name),
  );

  return {
    pods,
    healthPercent: percent(pods.healthy, pods.total - pods.succeeded),
    runningPercent: percent(pods.running, pods.total),
    namespaces,
    workloads,
    problems,
    nodes,
    applications,
  };
}

function lastJob(jobs: readonly Job[]): Job | undefined {
  let best: Job | undefined;
  let at = -Infinity;
  for (const j of jobs) {
    const t = parseTime(j.status?.startTime) ?? parseTime(j.metadata?.creationTimestamp) ?? 0;
    if (t >= at) {
      at = t;
      best = j;
    }
  }
  return best;
}

function quotaProblems(quota: ResourceQuota, threshold: number): Problem[] {
  const hard = quota.status?.hard ?? {};
  const used = quota.status?.used ?? {};
  const tight = Object.keys(hard)
    .map((resource) => ({
      resource,
      used: parseQuantity(used[resource]),
      hard: parseQuantity(hard[resource]),
    }))
    .filter((r) => r.hard > 0 && r.used / r.hard >= threshold)
    .sort((a, b) => b.used / b.hard - a.used / a.hard);
  if (tight.length === 0) return [];
  return [
    {
      severity: 2,
      namespace: quota.metadata?.namespace ?? '',
      reason: 'QuotaNearLimit',
      owner: { kind: 'ResourceQuota', name: quota.metadata?.name ?? '' },
      message: tight
        .map(
          (r) =>
            `${r.resource} ${Math.round((r.used / r.hard) * 100)}% (${used[r.resource] ?? '?'} of ${hard[r.resource] ?? '?'})`,
        )
        .join(', '),
      suggestion: suggestionFor('QuotaNearLimit'),
      kind: 'quota',
    },
  ];
}
