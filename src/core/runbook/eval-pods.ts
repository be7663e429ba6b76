/**
 * Checks answered from pods and workload rollups: health %, pod reasons, pending pods, ready
 * counts, stuck terminations.
 */
import { formatPercent } from '../health/format';
import type { PodHealth } from '../health/pod';
import { formatAge, parseTime } from '../health/time';
import type { Pod, Workload } from '../k8s/types';
import {
  listed,
  live,
  named,
  plural,
  qualified,
  refOf,
  selectorText,
  where,
  hasLabels,
  type Facts,
} from './facts';
import type { Check, CheckWorkloadKind, ItemStatus, ObjectRef } from './types';

export interface Outcome {
  readonly status: ItemStatus;
  readonly evidence: string;
  readonly refs: readonly ObjectRef[];
}

type CheckOf<K extends Check['kind']> = Extract<Check, { kind: K }>;

const podRef = (pod: Pod): ObjectRef => refOf('Pod', pod);

/** Pods with their health, worst first (then by namespace/name) so lists show the urgent ones. */
function ranked(facts: Facts, pods: readonly Pod[]): { pod: Pod; h: PodHealth; ref: ObjectRef }[] {
  return pods
    .map((pod) => ({ pod, h: facts.health(pod), ref: podRef(pod) }))
    .sort((a, b) => b.h.severity - a.h.severity || qualified(a.ref).localeCompare(qualified(b.ref)));
}

export function healthAtLeast(check: CheckOf<'healthAtLeast'>, facts: Facts): Outcome {
  const summary = facts.summary();
  const scope = check.namespace;
  const entry = scope === undefined ? undefined : summary.namespaces.find((n) => n.name === scope);
  const counts = scope === undefined ? summary.pods : entry?.counts;
  const percent = scope === undefined ? summary.healthPercent : (entry?.healthPercent ?? null);
  const subject = scope === undefined ? 'Platform health' : `Health of ${scope}`;
  if (percent === null || !counts)
    return {
      status: 'unknown',
      evidence: `No running pods counted ${where(scope)}: nothing to measure.`,
      refs: [],
    };
  const counted = counts.total - counts.succeeded;
  const head = `${subject} ${formatPercent(percent)} (${counts.healthy} of ${plural(counted, 'counted pod')} healthy; target ≥ ${check.percent}%)`;
  if (percent >= check.percent) return { status: 'pass', evidence: `${head}.`, refs: [] };
  const unhealthy = ranked(facts, facts.pods(scope)).filter((p) => !p.h.healthy && p.h.counted);
  return {
    status: 'fail',
    evidence: `${head}. Unhealthy: ${listed(unhealthy, (p) => `${qualified(p.ref)} (${p.h.reason})`)}.`,
    refs: named(unhealthy.map((p) => p.ref)),
  };
}

/** Every reason a pod shows now: its class reason, each container's state, a recent termination. */
function reasonsOf(pod: Pod, h: PodHealth): Set<string> {
  const out = new Set<string>([h.reason, h.reason.replace(/^Init:/, '')]);
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    if (s.state?.waiting?.reason) out.add(s.state.waiting.reason);
    if (s.state?.terminated?.reason && s.state.terminated.exitCode !== 0) out.add(s.state.terminated.reason);
  }
  // "OOMKilled" is how a crash loop ended; it only matters while the pod is still suffering.
  if ((!h.healthy || h.class === 'restarting') && h.lastTermination?.reason)
    out.add(h.lastTermination.reason);
  if (pod.status?.reason) out.add(pod.status.reason);
  return out;
}

export function noPodsWithReason(check: CheckOf<'noPodsWithReason'>, facts: Facts): Outcome {
  const pods = facts.pods(check.namespace);
  const wanted = check.reasons;
  const hits = ranked(facts, pods).flatMap((p) => {
    const found = wanted.find((r) => reasonsOf(p.pod, p.h).has(r));
    return found === undefined ? [] : [{ ...p, found }];
  });
  const what = wanted.join(' or ');
  if (hits.length === 0)
    return {
      status: 'pass',
      evidence: `No pods in ${what} ${where(check.namespace)} (${plural(pods.length, 'pod')} checked).`,
      refs: [],
    };
  const label =
    wanted.length > 1
      ? (p: (typeof hits)[number]) => `${qualified(p.ref)} (${p.found})`
      : (p: (typeof hits)[number]) => qualified(p.ref);
  return {
    status: 'fail',
    evidence: `${plural(hits.length, 'pod')} in ${what} ${where(check.namespace)}: ${listed(hits, label)}.`,
    refs: named(hits.map((p) => p.ref)),
  };
}

/** A pod has to wait this long before "Pending with no reason" counts: creation is not instant. */
export const PENDING_GRACE_MS = 5 * 60_000;

export function noPendingWithoutReason(check: CheckOf<'noPendingWithoutReason'>, facts: Facts): Outcome {
  const pending = ranked(facts, facts.pods(check.namespace)).filter((p) =>
    ['pending', 'unschedulable', 'starting'].includes(p.h.class),
  );
  const created = (pod: Pod) => parseTime(pod.metadata?.creationTimestamp);
  const unexplained = pending.filter((p) => {
    if (p.h.reason !== 'Pending' || p.h.message) return false;
    const at = created(p.pod);
    return at === undefined || facts.now - at >= PENDING_GRACE_MS;
  });
  if (unexplained.length > 0) {
    const age = (pod: Pod) => {
      const at = created(pod);
      return at === undefined ? '' : ` for ${formatAge(facts.now - at)}`;
    };
    return {
      status: 'fail',
      evidence: `${plural(unexplained.length, 'pod')} pending ${where(check.namespace)} with no reason given: ${listed(unexplained, (p) => `${qualified(p.ref)}${age(p.pod)}`)}.`,
      refs: named(unexplained.map((p) => p.ref)),
    };
  }
  if (pending.length === 0)
    return { status: 'pass', evidence: `No pending pods ${where(check.namespace)}.`, refs: [] };
  return {
    status: 'pass',
    evidence: `${plural(pending.length, 'pending pod')} ${where(check.namespace)}, each with a reason: ${listed(pending, (p) => `${qualified(p.ref)} (${p.h.summary})`)}.`,
    refs: named(pending.map((p) => p.ref)),
  };
}

export const WORKLOAD_LISTS = {
  Deployment: 'deployments',
  StatefulSet: 'statefulSets',
  DaemonSet: 'daemonSets',
} as const satisfies Record<CheckWorkloadKind, string>;

export function findWorkload(
  facts: Facts,
  kind: CheckWorkloadKind,
  namespace: string,
  name: string,
): Workload | undefined {
  return facts.state[WORKLOAD_LISTS[kind]].find(
    (w) => w.metadata?.namespace === namespace && w.metadata.name === name,
  );
}

export function workloadReady(check: CheckOf<'workloadReady'>, facts: Facts): Outcome {
  const { workload: kind, namespace, name } = check;
  const label = `${kind} ${namespace}/${name}`;
  const self: ObjectRef = { kind, namespace, name };
  if (!findWorkload(facts, kind, namespace, name))
    return { status: 'fail', evidence: `${label} not found.`, refs: [] };
  const rollup = facts
    .summary()
    .workloads.find((w) => w.kind === kind && w.namespace === namespace && w.name === name);
  if (!rollup) return { status: 'unknown', evidence: `${label}: no ready count available.`, refs: [self] };
  const { ready, desired } = rollup;
  if (desired === 0 && ready === 0)
    return check.allowScaledToZero
      ? { status: 'pass', evidence: `${label} is scaled to 0 (allowed here).`, refs: [self] }
      : { status: 'fail', evidence: `${label} is scaled to 0 replicas.`, refs: [self] };
  const pass = check.min !== undefined ? ready >= check.min : ready >= desired;
  const need = check.min !== undefined ? `; needs ${check.min}` : '';
  const head = `${label}: ${ready}/${desired} ready${need}`;
  if (pass) return { status: 'pass', evidence: `${head}.`, refs: [self] };
  const pods = ranked(
    facts,
    rollup.pods.flatMap((p) => facts.pod(namespace, p) ?? []),
  ).filter((p) => !p.h.healthy);
  const why = rollup.reason ? ` (${rollup.reason})` : '';
  const list = pods.length > 0 ? `: ${listed(pods, (p) => `${qualified(p.ref)} (${p.h.reason})`)}` : '';
  return {
    status: 'fail',
    evidence: `${head}${why}${list}.`,
    refs: [self, ...named(pods.map((p) => p.ref))],
  };
}

export function podsReady(check: CheckOf<'podsReady'>, facts: Facts): Outcome {
  const selector = selectorText(check.selector);
  const pods = ranked(
    facts,
    facts.pods(check.namespace).filter((p) => live(p) && hasLabels(p.metadata?.labels, check.selector)),
  );
  const ready = pods.filter((p) => p.h.healthy);
  const head = `${ready.length} of ${plural(pods.length, 'pod')} ready matching ${selector} in ${check.namespace} (needs ${check.min})`;
  if (pods.length === 0)
    return {
      status: 'fail',
      evidence: `No pods match ${selector} in ${check.namespace} (needs ${check.min}).`,
      refs: [],
    };
  if (ready.length >= check.min)
    return {
      status: 'pass',
      evidence: `${head}: ${listed(ready, (p) => qualified(p.ref))}.`,
      refs: named(ready.map((p) => p.ref)),
    };
  const bad = pods.filter((p) => !p.h.healthy);
  return {
    status: 'fail',
    evidence: `${head}. Not ready: ${listed(bad, (p) => `${qualified(p.ref)} (${p.h.reason})`)}.`,
    refs: named(bad.map((p) => p.ref)),
  };
}

export function noStuckTerminating(check: CheckOf<'noStuckTerminating'>, facts: Facts): Outcome {
  const pods = ranked(facts, facts.pods(check.namespace));
  const stuck = pods.filter((p) => p.h.class === 'stuckTerminating');
  if (stuck.length === 0) {
    const terminating = pods.filter((p) => p.h.class === 'terminating').length;
    const note =
      terminating > 0 ? ` (${plural(terminating, 'pod')} terminating within the grace period)` : '';
    return {
      status: 'pass',
      evidence: `No pods stuck Terminating ${where(check.namespace)}${note}.`,
      refs: [],
    };
  }
  return {
    status: 'fail',
    evidence: `${plural(stuck.length, 'pod')} stuck Terminating ${where(check.namespace)}: ${listed(stuck, (p) => `${qualified(p.ref)} (${p.h.summary})`)}.`,
    refs: named(stuck.map((p) => p.ref)),
  };
}
