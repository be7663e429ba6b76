import { getMap, num, pairOf, scalar } from '../../manifest/nodes';
import { objectName } from '../helpers';
import { sameNamespace, selects } from '../scope';
import type { Rule } from '../types';

const PDB: ReadonlySet<string> = new Set(['PodDisruptionBudget']);
const HPA: ReadonlySet<string> = new Set(['HorizontalPodAutoscaler']);

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
    what: "A PodDisruptionBudget sets `maxUnavailable: 0`, a `minAvailable` at or above the replicas of what it selects (or above an HPA's minReplicas), or neither field.",
    why: 'Such a PDB never allows an eviction: node drains hang, cluster upgrades stall, and the autoscaler cannot remove nodes.',
    fix: 'Allow at least one disruption (`maxUnavailable: 1`). A quick fix sets that; it is not in Fix all because it loosens a policy someone chose.',
    anchors:
      'kube-linter `pdb-max-unavailable`★, `pdb-min-available`★; Polaris `pdbDisruptionsIsZero` (warning), `pdbMinAvailableGreaterThanHPAMinReplicas` (warning); kube-score `poddisruptionbudget-has-policy`; Popeye POP-901 (live).',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    const maxPair = pairOf(spec, 'maxUnavailable');
    const minPair = pairOf(spec, 'minAvailable');
    const max = scalar(maxPair?.value ?? undefined);
    const min = scalar(minPair?.value ?? undefined);
    if ((maxPair && ctx.isTemplated(maxPair.value)) || (minPair && ctx.isTemplated(minPair.value))) return;
    if (!maxPair && !minPair) {
      ctx.report({
        message: `PDB "${objectName(ctx)}" sets neither minAvailable nor maxUnavailable.`,
        at: pairOf(ctx.object.node, 'kind'),
      });
      return;
    }
    if (max === 0 || max === '0%') {
      ctx.report({
        message: `PDB "${objectName(ctx)}" allows no pod to be evicted (maxUnavailable: 0): drains will hang.`,
        at: maxPair,
      });
      return;
    }
    if (min === '100%') {
      ctx.report({
        message: `PDB "${objectName(ctx)}" requires 100% of pods available: drains will hang.`,
        at: minPair,
      });
      return;
    }
    if (typeof min !== 'number') return;
    const self = ctx.index.objects.find(
      (o) =>
        o.identity.kind === 'PodDisruptionBudget' &&
        o.identity.name === ctx.object.identity.name &&
        sameNamespace(o.identity, ctx.object.identity),
    );
    const selected = ctx.index.objects.filter(
      (o) =>
        o.podLabels &&
        o.replicas !== undefined &&
        sameNamespace(o.identity, ctx.object.identity) &&
        selects(self?.selector, o.podLabels),
    );
    for (const w of selected) {
      const hpa = ctx.index.objects.find(
        (h) =>
          h.identity.kind === 'HorizontalPodAutoscaler' &&
          h.scaleTarget?.name === w.identity.name &&
          h.scaleTarget?.kind === w.identity.kind,
      );
      const floor = hpa?.minReplicas ?? w.replicas ?? 1;
      if (min >= floor) {
        ctx.report({
          message: `PDB "${objectName(ctx)}" requires ${min} available but ${w.identity.kind ?? ''} "${w.identity.name ?? ''}" ${hpa ? `may scale down to ${floor}` : `runs ${floor}`}: no eviction is ever allowed (searched: ${ctx.index.scope}).`,
          at: minPair,
        });
        return;
      }
    }
  },
  fix: {
    class: 'none',
    title: 'Allow one disruption (maxUnavailable: 1)',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      if (!spec) return undefined;
      const min = pairOf(spec, 'minAvailable');
      // minAvailable: N becomes maxUnavailable: 1 in place (key and value, comments kept).
      if (min?.value) {
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
  fixClass: 'auto',
  kinds: PDB,
  docs: {
    what: 'A PodDisruptionBudget does not set `spec.unhealthyPodEvictionPolicy`.',
    why: 'With the default (IfHealthyBudget) a crash-looping pod counts against the budget and cannot be evicted, so one broken pod blocks node drains.',
    fix: 'Set `unhealthyPodEvictionPolicy: AlwaysAllow`. The fix adds it.',
    anchors: 'kube-linter `pdb-unhealthy-pod-eviction-policy`★.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (spec && !pairOf(spec, 'unhealthyPodEvictionPolicy'))
      ctx.report({
        message: `PDB "${objectName(ctx)}" lets crash-looping pods block drains (no unhealthyPodEvictionPolicy).`,
        at: pairOf(ctx.object.node, 'kind'),
      });
  },
  fix: {
    class: 'auto',
    title: 'Set unhealthyPodEvictionPolicy: AlwaysAllow',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      return spec ? ctx.editor.setIn(spec, ['unhealthyPodEvictionPolicy'], 'AlwaysAllow') : undefined;
    },
  },
};

export const hpaMinReplicas: Rule = {
  id: 'hpa-min-replicas',
  number: 46,
  category: 'availability',
  title: 'HPA may scale to one replica',
  severity: 'info',
  fixClass: 'auto',
  kinds: HPA,
  docs: {
    what: 'A HorizontalPodAutoscaler has `minReplicas` below 2 (or unset, which means 1), or `minReplicas` equal to `maxReplicas`.',
    why: 'At night the HPA scales to one pod, and the next disruption is an outage; min equal to max is no autoscaling at all.',
    fix: 'Set `minReplicas: 2` (the fix does). For min = max, widen the range by hand.',
    anchors:
      'kube-linter `hpa-minimum-three-replicas`; Polaris `hpaMinAvailability`, `hpaMaxAvailability` (warning); kube-score `horizontalpodautoscaler-replicas`; Datree #13, #14.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    const pair = pairOf(spec, 'minReplicas');
    if (pair && ctx.isTemplated(pair.value)) return;
    const min = num(spec, 'minReplicas', ctx.doc) ?? 1;
    const max = num(spec, 'maxReplicas', ctx.doc);
    if (min < 2)
      ctx.report({
        message: `HPA "${objectName(ctx)}" may scale down to ${min} replica: any disruption then is an outage.`,
        at: pair ?? pairOf(ctx.object.node, 'kind'),
      });
    else if (max !== undefined && min === max)
      ctx.report({
        message: `HPA "${objectName(ctx)}" has minReplicas = maxReplicas (${min}): it never scales.`,
        at: pair,
        fixable: false,
      });
  },
  fix: {
    class: 'auto',
    title: 'Set minReplicas: 2',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      const max = num(spec, 'maxReplicas', ctx.doc);
      if (!spec || (max !== undefined && max < 2)) return undefined;
      return ctx.editor.setIn(spec, ['minReplicas'], 2);
    },
  },
};

export const pdbRules: readonly Rule[] = [pdbBlocksDisruption, pdbUnhealthyEvictionPolicy, hpaMinReplicas];
