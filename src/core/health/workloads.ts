import type { ClusterState, Condition, Job, Workload, WorkloadKind } from '../k8s/types';
import type { Ownership } from './ownership';
import { nsKey } from './ownership';
import type { PodHealth } from './pod';
import { suggestionFor } from './suggestions';
import { parseTime } from './time';
import type { Problem, WorkloadHealth } from './types';
import { byCodeUnits } from '../text/code-units';

export interface PodEntry {
  readonly name: string;
  readonly health: PodHealth;
}

/** Pods grouped once, so each workload reads its own in O(its pods). */
export interface PodIndex {
  /** By `ownerKey` of the top-level owner. */
  readonly byOwner: ReadonlyMap<string, readonly PodEntry[]>;
  /** By `nsKey` of the Job running them. */
  readonly byJob: ReadonlyMap<string, readonly PodEntry[]>;
  /** Owners with an unhealthy pod already listed as a problem: that pod explains them. */
  readonly explained: ReadonlySet<string>;
}

export const ownerKey = (namespace: string, kind: string, name: string): string =>
  `${namespace}/${kind}/${name}`;

const KIND_ORDER: Readonly<Record<WorkloadKind, number>> = {
  Deployment: 0,
  StatefulSet: 1,
  DaemonSet: 2,
  ReplicaSet: 3,
  CronJob: 4,
  Job: 5,
};

const isTrue = (conditions: readonly Condition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type && c.status === 'True');

/**
 * The most severe pod that is neither healthy, finished nor on its way out. A pod stuck
 * Terminating is a problem of its own, but it no longer counts toward its workload's replicas.
 */
function worstPod(pods: readonly PodEntry[]): PodEntry | undefined {
  let worst: PodEntry | undefined;
  for (const p of pods) {
    const h = p.health;
    if (h.healthy || !h.counted || h.class === 'terminating' || h.class === 'stuckTerminating') continue;
    if (!worst || h.severity > worst.health.severity) worst = p;
  }
  return worst;
}

/** Starting pods (severity 1) are what a rollout looks like, not a fault. */
const faulty = (p: PodEntry | undefined): boolean => p !== undefined && p.health.severity >= 2;

/** Ready count from status, when a controller has written one; else undefined. */
function statusReady(w: Workload): number | undefined {
  const s = w.status;
  if (!s) return undefined;
  const reported = s.replicas ?? s.readyReplicas ?? s.availableReplicas ?? s.observedGeneration;
  return reported === undefined ? undefined : (s.readyReplicas ?? 0);
}

export interface JobFailure {
  readonly reason: string;
  readonly message?: string;
}

/** Why a Job gave up, if it did. Without status (no controller-manager) its pods tell. */
export function jobFailure(job: Job, pods: readonly PodEntry[]): JobFailure | undefined {
  const failed = isTrue(job.status?.conditions, 'Failed');
  if (failed)
    return { reason: failed.reason ?? 'Failed', ...(failed.message ? { message: failed.message } : {}) };
  const count = job.status
    ? (job.status.failed ?? 0)
    : pods.filter((p) => p.health.class === 'failed').length;
  return count > (job.spec?.backoffLimit ?? 6) ? { reason: 'BackoffLimitExceeded' } : undefined;
}

function jobSucceeded(job: Job, pods: readonly PodEntry[]): number {
  return (
    job.status?.succeeded ?? (job.status ? 0 : pods.filter((p) => p.health.class === 'succeeded').length)
  );
}

function jobComplete(job: Job, pods: readonly PodEntry[]): boolean {
  const conditions = job.status?.conditions;
  if (isTrue(conditions, 'Complete') || isTrue(conditions, 'SuccessCriteriaMet')) return true;
  if (isTrue(conditions, 'Failed')) return false;
  return jobSucceeded(job, pods) >= (job.spec?.completions ?? 1);
}

/** The newest Job: the one whose verdict is the CronJob's. */
function newestJob(jobs: readonly Job[]): Job | undefined {
  let best: Job | undefined;
  let at = -Infinity;
  for (const j of jobs) {
    const t = parseTime(j.status?.startTime) ?? parseTime(j.metadata?.creationTimestamp) ?? 0;
    if (t >= at) [at, best] = [t, j];
  }
  return best;
}

/** What the rollup steps share: the inputs, and the two lists they fill. */
interface Rollup {
  readonly state: ClusterState;
  readonly own: Ownership;
  readonly index: PodIndex;
  readonly problems: Problem[];
  readonly workloads: WorkloadHealth[];
}

const podsOf = (r: Rollup, ns: string, kind: string, name: string) =>
  r.index.byOwner.get(ownerKey(ns, kind, name)) ?? [];
const podsOfJob = (r: Rollup, job: Job) =>
  r.index.byJob.get(nsKey(job.metadata?.namespace, job.metadata?.name)) ?? [];

/**
 * Workload rollups and the problems only a workload can show (no pods at all, a Job that gave
 * up). Ready/desired come from status when a controller wrote one; otherwise the pods are the
 * truth (an API server without controller-manager writes no status).
 */
export function rollupWorkloads(
  state: ClusterState,
  own: Ownership,
  index: PodIndex,
  problems: Problem[],
): WorkloadHealth[] {
  const r: Rollup = { state, own, index, problems, workloads: [] };
  rollupControllers(r);
  rollupCronJobs(r, rollupJobs(r));
  return r.workloads.sort(
    (a, b) =>
      byCodeUnits(a.namespace, b.namespace) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      byCodeUnits(a.name, b.name),
  );
}

/** Deployments, StatefulSets, DaemonSets and bare ReplicaSets: desired replicas against ready pods. */
function rollupControllers(r: Rollup): void {
  const { state, own } = r;
  for (const d of state.deployments) replicated(r, 'Deployment', d, d.spec?.replicas ?? 1, statusReady(d));
  for (const s of state.statefulSets) replicated(r, 'StatefulSet', s, s.spec?.replicas ?? 1, statusReady(s));
  for (const d of state.daemonSets) {
    const scheduled = d.status?.desiredNumberScheduled;
    const pods = podsOf(r, d.metadata?.namespace ?? '', 'DaemonSet', d.metadata?.name ?? '');
    const ready = scheduled === undefined ? undefined : (d.status?.numberReady ?? 0);
    replicated(r, 'DaemonSet', d, scheduled ?? pods.length, ready);
  }
  for (const rs of state.replicaSets) {
    const ns = rs.metadata?.namespace ?? '';
    const name = rs.metadata?.name ?? '';
    if (own.deploymentOf(ns, name) !== undefined) continue;
    const desired = rs.spec?.replicas ?? 1;
    if (desired === 0 && podsOf(r, ns, 'ReplicaSet', name).length === 0) continue;
    replicated(r, 'ReplicaSet', rs, desired, statusReady(rs));
  }
}

function replicated(
  r: Rollup,
  kind: WorkloadKind,
  w: Workload,
  desired: number,
  reportedReady: number | undefined,
): void {
  const ns = w.metadata?.namespace ?? '';
  const name = w.metadata?.name ?? '';
  const pods = podsOf(r, ns, kind, name);
  const ready = reportedReady ?? pods.filter((p) => p.health.healthy).length;
  const worst = worstPod(pods);
  const healthy = ready >= desired && !faulty(worst);
  // The controller's own complaint beats a guess when no pod shows what is wrong.
  const failure =
    isTrue(w.status?.conditions, 'ReplicaFailure') ??
    w.status?.conditions?.find((c) => c.type === 'Progressing' && c.status === 'False');
  const reason = healthy
    ? undefined
    : faulty(worst)
      ? worst?.health.reason
      : (failure?.reason ?? worst?.health.reason ?? (pods.length === 0 ? 'NoPods' : 'Unavailable'));
  r.workloads.push({
    kind,
    name,
    namespace: ns,
    ready,
    desired,
    healthy,
    pods: pods.map((p) => p.name),
    ...(reason !== undefined ? { reason } : {}),
  });
  if (reason === undefined || r.index.explained.has(ownerKey(ns, kind, name))) return;
  const message = `${ready}/${desired} ready${failure?.message ? ` · ${failure.message}` : ''}`;
  r.problems.push({
    severity: ready === 0 ? 3 : 2,
    namespace: ns,
    reason,
    owner: { kind, name },
    message,
    suggestion: suggestionFor({ reason, message }),
    kind: 'workload',
  });
}

/** Bare Jobs become workloads; a CronJob's Jobs are handed back, grouped by CronJob. */
function rollupJobs(r: Rollup): Map<string, Job[]> {
  const jobsOfCron = new Map<string, Job[]>();
  for (const job of r.state.jobs) {
    const ns = job.metadata?.namespace ?? '';
    const name = job.metadata?.name ?? '';
    const cron = r.own.cronJobOf(ns, name);
    const pods = podsOfJob(r, job);
    const failure = jobFailure(job, pods);
    if (cron !== undefined) {
      const key = nsKey(ns, cron);
      const list = jobsOfCron.get(key);
      if (list) list.push(job);
      else jobsOfCron.set(key, [job]);
    } else {
      const worst = worstPod(pods);
      const complete = !failure && jobComplete(job, pods);
      const healthy = !failure && (complete || !faulty(worst));
      const reason = failure?.reason ?? (healthy ? undefined : worst?.health.reason);
      r.workloads.push({
        kind: 'Job',
        name,
        namespace: ns,
        ready: jobSucceeded(job, pods),
        desired: job.spec?.completions ?? 1,
        healthy,
        pods: pods.map((p) => p.name),
        ...(reason !== undefined ? { reason } : {}),
        ...(job.spec?.suspend ? { suspended: true } : {}),
      });
    }
    // A Job that gave up is a problem of its own, whatever its pods say: it will not retry, and
    // its failed pods stay until someone deletes it.
    if (!failure) continue;
    const failedPods = job.status?.failed ?? pods.filter((p) => p.health.class === 'failed').length;
    r.problems.push({
      severity: 3,
      namespace: ns,
      reason: failure.reason,
      owner: cron !== undefined ? { kind: 'CronJob', name: cron } : { kind: 'Job', name },
      message: `Job ${name}: ${failedPods} failed pod(s)${failure.message ? ` · ${failure.message}` : ''}`,
      suggestion: suggestionFor(failure.reason),
      kind: 'job',
    });
  }
  return jobsOfCron;
}

/** A CronJob is as healthy as its newest run. */
function rollupCronJobs(r: Rollup, jobsOfCron: ReadonlyMap<string, readonly Job[]>): void {
  for (const cron of r.state.cronJobs) {
    const ns = cron.metadata?.namespace ?? '';
    const name = cron.metadata?.name ?? '';
    const jobs = jobsOfCron.get(nsKey(ns, name)) ?? [];
    const last = newestJob(jobs);
    const lastPods = last ? podsOfJob(r, last) : [];
    const lastFailed = last ? jobFailure(last, lastPods) : undefined;
    const lastWorst = last && !jobComplete(last, lastPods) ? worstPod(lastPods) : undefined;
    const reason = lastFailed ? 'LastRunFailed' : faulty(lastWorst) ? lastWorst?.health.reason : undefined;
    r.workloads.push({
      kind: 'CronJob',
      name,
      namespace: ns,
      ready: jobs.filter((j) => jobComplete(j, podsOfJob(r, j))).length,
      desired: jobs.length,
      healthy: reason === undefined,
      pods: podsOf(r, ns, 'CronJob', name).map((p) => p.name),
      ...(reason !== undefined ? { reason } : {}),
      ...(cron.spec?.suspend ? { suspended: true } : {}),
    });
  }
}
