import { getMap, num, pairOf, scalar } from '../../manifest/nodes';
import { objectName, scalableKinds } from '../helpers';
import { sameNamespace, selects, type IndexedObject } from '../scope';
import type { Rule, RuleContext } from '../types';
import { hpaFor, podCandidates, selectorOf } from './availability-match';

const PDB: ReadonlySet<string> = new Set(['PodDisruptionBudget']);
const HPA: ReadonlySet<string> = new Set(['HorizontalPodAutoscaler']);
const PERCENT = /^(\d+)%$/;

/** An IntOrString budget value as a pod count out of `total` (percentages round up, as the
 * disruption controller does); undefined when it cannot be read. */
export function budgetCount(value: unknown, total: number): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = PERCENT.exec(value.trim());
  return match ? Math.ceil((Number(match[1]) * total) / 100) : undefined;
}

interface Selected {
  readonly total: number;
  readonly parts: readonly string[];
  /** At least one selected workload is scaled by an HPA (its minReplicas counts). */
  readonly hpa: boolean;
}

/**
 * How many pods the PDB's selector covers at the lowest point, from the workloads in scope:
 * `spec.replicas` (1 when unset), or the HPA's `minReplicas` for an HPA-scaled workload.
 * Undefined when nothing countable is selected, or when a selected carrier has no fixed count
 * (a DaemonSet's pods depend on the nodes, a Job's on completions).
 */
function selectedPods(ctx: RuleContext): Selected | undefined {
  const selector = selectorOf(getMap(getMap(ctx.object.node, 'spec', ctx.doc), 'selector', ctx.doc), ctx.doc);
  if (!selector) return undefined;
  const workloads: IndexedObject[] = [];
  let uncountable = false;
  // Candidates from a per-index label map, HPAs from a per-index target map: no full scans.
  for (const o of podCandidates(ctx.index.objects, selector)) {
    if (!o.podLabels || !sameNamespace(o.identity, ctx.object.identity) || !selects(selector, o.podLabels))
      continue;
    if (scalableKinds.has(o.identity.kind ?? '')) workloads.push(o);
    else uncountable = true;
  }
  if (uncountable || workloads.length === 0) return undefined;
  let total = 0;
  let hpa = false;
  const parts = workloads.map((w) => {
    const scaler = hpaFor(ctx.index.objects, w.identity);
    const count = scaler ? (scaler.minReplicas ?? 1) : (w.replicas ?? 1);
    total += count;
    hpa ||= scaler !== undefined;
    return `${w.identity.kind ?? ''} "${w.identity.name ?? ''}" ${scaler ? `scales down to ${count} (HPA "${scaler.identity.name ?? ''}")` : `runs ${count}`}`;
  });
  return { total, parts, hpa };
}

export const pdbBlocksDisruption: Rule = {
  id: 'pdb-blocks-disruption',
  number: 43,
  category: 'availability',
  title: 'PDB blocks every disruption',
  severity: 'warning',
  fixClass: 'none',
  kinds: PDB,
  crossResource: true,
  docs: {
    what: "A PodDisruptionBudget sets `maxUnavailable: 0` (or `0%`), `minAvailable: 100%`, a `minAvailable` at or above the number of pods it selects (the `spec.replicas` of the selected Deployments/StatefulSets in scope, or their HPA's `minReplicas` when one scales them), or neither field.",
    why: "Such a budget allows zero evictions: `kubectl drain` hangs, node upgrades and the cluster autoscaler stall, and the on-call engineer ends up deleting the PDB in a hurry. The seeds' phase 4 wrote `minAvailable: 2` budgets for DolphinScheduler API (scaled by an HPA) and the Kafka brokers; on the night the HPA sits at 2 replicas, that budget blocks every drain. A budget with neither field states no intent at all (policy/v1 then allows every eviction).",
    fix: "Allow at least one disruption: `maxUnavailable: 1` follows the replica count as it changes. A quick fix (not part of Fix all, because it loosens a policy someone chose) writes that — replacing `minAvailable` in place, or setting `maxUnavailable`. Unlike Polaris, a `minAvailable` equal to the HPA's `minReplicas` is reported too: at that scale it already allows no eviction.",
    anchors:
      'kube-linter `pdb-max-unavailable`★, `pdb-min-available`★; Polaris `pdbDisruptionsIsZero` (warning), `pdbMinAvailableGreaterThanHPAMinReplicas` (warning); kube-score `poddisruptionbudget-has-policy`; Popeye POP-901 (live).',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!spec) return;
    const maxPair = pairOf(spec, 'maxUnavailable');
    const minPair = pairOf(spec, 'minAvailable');
    if ((maxPair && ctx.isTemplated(maxPair.value)) || (minPair && ctx.isTemplated(minPair.value))) return;
    const name = objectName(ctx);
    if (!maxPair && !minPair) {
      ctx.report({
        message: `PodDisruptionBudget "${name}" sets neither minAvailable nor maxUnavailable: it states no budget, so what it protects depends on the API version.`,
        at: pairOf(ctx.object.node, 'kind'),
      });
      return;
    }
    if (maxPair) {
      const max = scalar(maxPair.value ?? undefined);
      if (budgetCount(max, 1) === 0)
        ctx.report({
          message: `PodDisruptionBudget "${name}" allows no pod to be evicted (maxUnavailable: ${String(max)}): node drains and upgrades hang.`,
          at: maxPair,
        });
      return;
    }
    const min = scalar(minPair?.value ?? undefined);
    if (min === '100%') {
      ctx.report({
        message: `PodDisruptionBudget "${name}" requires 100% of its pods available: node drains and upgrades hang.`,
        at: minPair,
      });
      return;
    }
    const selected = selectedPods(ctx);
    if (!selected || selected.total === 0) return;
    const required = budgetCount(min, selected.total);
    if (required === undefined || required < selected.total) return;
    ctx.report({
      message: `PodDisruptionBudget "${name}" requires ${String(min)} available but ${selected.parts.join(', ')}: no eviction is ever allowed${selected.hpa ? ' at that scale' : ''}, so node drains hang (searched: ${ctx.index.scope}).`,
      at: minPair,
    });
  },
  fix: {
    class: 'none',
    title: 'Allow one disruption (maxUnavailable: 1)',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      if (!spec) return undefined;
      const min = pairOf(spec, 'minAvailable');
      // minAvailable: N becomes maxUnavailable: 1 in place (position and comments kept):
      // the API rejects a budget that sets both.
      if (min?.value && !pairOf(spec, 'maxUnavailable')) {
        const rename = ctx.editor.renameKey(spec, 'minAvailable', 'maxUnavailable');
        return rename ? [rename, ctx.editor.replaceScalar(min.value, 1)] : undefined;
      }
      return ctx.editor.setIn(spec, ['maxUnavailable'], 1);
    },
  },
};

export const pdbUnhealthyEvictionPolicy: Rule = {
  id: 'pdb-unhealthy-eviction-policy',
  number: 44,
  category: 'availability',
  title: 'PDB without unhealthyPodEvictionPolicy',
  severity: 'info',
  fixClass: 'harden',
  kinds: PDB,
  docs: {
    what: 'A PodDisruptionBudget does not set `spec.unhealthyPodEvictionPolicy` (GA since Kubernetes 1.31).',
    why: "Under the default (IfHealthyBudget) a pod that is running but not ready — a CrashLoopBackOff like the seeds' DataHub GMS or Superset worker — may only be evicted while the budget is satisfied, which it is not precisely because that pod is unhealthy. One broken pod then blocks every drain of its node. AlwaysAllow lets the eviction API remove unhealthy pods regardless; healthy pods stay protected.",
    fix: 'Set `unhealthyPodEvictionPolicy: AlwaysAllow` (or `IfHealthyBudget` explicitly if you need the old behaviour, e.g. for a quorum that must not lose even a not-ready member). The fix adds AlwaysAllow at the end of `spec`.',
    anchors: 'kube-linter `pdb-unhealthy-pod-eviction-policy`★.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!spec || pairOf(spec, 'unhealthyPodEvictionPolicy')) return;
    ctx.report({
      message: `PodDisruptionBudget "${objectName(ctx)}" sets no unhealthyPodEvictionPolicy: a single crash-looping pod it selects can block node drains.`,
      at: pairOf(ctx.object.node, 'kind'),
    });
  },
  fix: {
    class: 'harden',
    title: 'Set unhealthyPodEvictionPolicy: AlwaysAllow',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      return spec ? ctx.editor.setIn(spec, ['unhealthyPodEvictionPolicy'], 'AlwaysAllow') : undefined;
    },
  },
};

/** HPA floor the fix writes. */
const HPA_MIN = 2;

export const hpaMinReplicas: Rule = {
  id: 'hpa-min-replicas',
  number: 46,
  category: 'availability',
  title: 'HPA may scale to one replica',
  severity: 'info',
  fixClass: 'harden',
  kinds: HPA,
  docs: {
    what: 'A HorizontalPodAutoscaler has `minReplicas` below 2 (unset means 1), or `minReplicas` equal to `maxReplicas`.',
    why: 'Autoscalers scale down when it is quiet — usually at night, when node maintenance runs — so a floor of one turns the next drain or crash into an outage. Min equal to max is no autoscaling at all, just a replica count in a more confusing place.',
    fix: 'Set `minReplicas: 2` or more. The fix sets 2, in place when the key exists; it is offered only when `maxReplicas` is above 2, so the result still autoscales. For min = max, widen the range (or drop the HPA) by hand.',
    anchors:
      'kube-linter `hpa-minimum-three-replicas` (3); Polaris `hpaMinAvailability`, `hpaMaxAvailability` (warning); kube-score `horizontalpodautoscaler-replicas`; Datree #13, #14.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!spec) return;
    const pair = pairOf(spec, 'minReplicas');
    const maxPair = pairOf(spec, 'maxReplicas');
    if ((pair && ctx.isTemplated(pair.value)) || (maxPair && ctx.isTemplated(maxPair.value))) return;
    const min = num(spec, 'minReplicas', ctx.doc) ?? 1;
    const max = num(spec, 'maxReplicas', ctx.doc);
    const name = objectName(ctx);
    if (min < HPA_MIN) {
      const fixable = max === undefined || max > HPA_MIN;
      ctx.report({
        message: `HorizontalPodAutoscaler "${name}" may scale down to ${min} replica${min === 1 ? '' : 's'}${pair ? '' : ' (minReplicas unset)'}: at that scale any drain or crash is an outage.`,
        at: pair ?? pairOf(ctx.object.node, 'kind'),
        // With maxReplicas ≤ 2, raising the floor would make min = max: no autoscaling left.
        fixable,
      });
    } else if (max !== undefined && min === max) {
      ctx.report({
        message: `HorizontalPodAutoscaler "${name}" has minReplicas = maxReplicas (${min}): it never scales, so it only hides the replica count.`,
        at: pair,
        fixable: false,
      });
    }
  },
  fix: {
    class: 'harden',
    title: 'Set minReplicas: 2',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      const max = num(spec, 'maxReplicas', ctx.doc);
      if (!spec || (max !== undefined && max <= HPA_MIN)) return undefined;
      return ctx.editor.setIn(spec, ['minReplicas'], HPA_MIN);
    },
  },
};

export const pdbRules: readonly Rule[] = [pdbBlocksDisruption, pdbUnhealthyEvictionPolicy, hpaMinReplicas];
