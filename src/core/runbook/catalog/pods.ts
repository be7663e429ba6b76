/**
 * Checks answered from pods: health %, pod reasons, pending pods, stuck terminations.
 */
import { formatPercent } from '../../health/format';
import type { PodHealth } from '../../health/pod';
import { formatAge, parseTime } from '../../health/time';
import type { Pod } from '../../k8s/types';
import type { CheckDefinition, Outcome } from '../definition';
import { listed, named, plural, qualified, refOf, where, type Facts } from '../facts';
import type { ObjectRef } from '../types';
import { ref, trueFlag } from './params';

export interface HealthAtLeastCheck {
  readonly kind: 'healthAtLeast';
  readonly percent: number;
  readonly namespace?: string;
}
export interface NoPodsWithReasonCheck {
  readonly kind: 'noPodsWithReason';
  readonly reasons: readonly string[];
  readonly namespace?: string;
}
export interface NoPendingWithoutReasonCheck {
  readonly kind: 'noPendingWithoutReason';
  readonly namespace?: string;
}
export interface NoStuckTerminatingCheck {
  readonly kind: 'noStuckTerminating';
  readonly namespace?: string;
}

const podRef = (pod: Pod): ObjectRef => refOf('Pod', pod);

/** Pods with their health, worst first (then by namespace/name) so lists show the urgent ones. */
export function ranked(facts: Facts, pods: readonly Pod[]): { pod: Pod; h: PodHealth; ref: ObjectRef }[] {
  return pods
    .map((pod) => ({ pod, h: facts.health(pod), ref: podRef(pod) }))
    .sort((a, b) => b.h.severity - a.h.severity || qualified(a.ref).localeCompare(qualified(b.ref)));
}

export const healthAtLeast: CheckDefinition<HealthAtLeastCheck> = {
  kind: 'healthAtLeast',
  describe:
    'Platform (or namespace) health — healthy pods / counted pods, completed pods left out — is at least N%. Example: `{ healthAtLeast: 95 }`.',
  schema: ref('percent'),
  namespaceBeside: true,
  parse(value, r) {
    const percent = r.percent(value, 'healthAtLeast');
    return percent === undefined ? undefined : { kind: 'healthAtLeast', percent };
  },
  needs: () => ['pods'],
  evaluate(check, facts): Outcome {
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
  },
};

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

export const noPodsWithReason: CheckDefinition<NoPodsWithReasonCheck> = {
  kind: 'noPodsWithReason',
  describe:
    "No pod is in this state (its reason, a container's waiting or terminated reason, or how a crash-looping pod last ended). Example: `{ noPodsWithReason: CrashLoopBackOff, namespace: data-platform }`.",
  schema: { oneOf: [ref('reason'), { type: 'array', minItems: 1, items: ref('reason') }] },
  namespaceBeside: true,
  parse(value, r) {
    const reasons = r.strings(value, 'noPodsWithReason');
    if (reasons?.length === 0) r.report(value, 'noPodsWithReason needs at least one reason.');
    return reasons && reasons.length > 0 ? { kind: 'noPodsWithReason', reasons } : undefined;
  },
  needs: () => ['pods'],
  evaluate(check, facts) {
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
  },
};

/** A pod has to wait this long before "Pending with no reason" counts: creation is not instant. */
export const PENDING_GRACE_MS = 5 * 60_000;

export const noPendingWithoutReason: CheckDefinition<NoPendingWithoutReasonCheck> = {
  kind: 'noPendingWithoutReason',
  describe:
    'Every pod pending for more than 5 minutes has a reason from the scheduler or kubelet (Unschedulable, ContainerCreating…), none is just "Pending". Example: `{ noPendingWithoutReason: true }`.',
  schema: { const: true },
  namespaceBeside: true,
  parse: (value, r) =>
    trueFlag(value, r, 'noPendingWithoutReason') ? { kind: 'noPendingWithoutReason' } : undefined,
  needs: () => ['pods'],
  evaluate(check, facts) {
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
  },
};

export const noStuckTerminating: CheckDefinition<NoStuckTerminatingCheck> = {
  kind: 'noStuckTerminating',
  describe: 'No pod is stuck Terminating past its grace period. Example: `{ noStuckTerminating: true }`.',
  schema: { const: true },
  namespaceBeside: true,
  parse: (value, r) =>
    trueFlag(value, r, 'noStuckTerminating') ? { kind: 'noStuckTerminating' } : undefined,
  needs: () => ['pods'],
  evaluate(check, facts) {
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
  },
};
