import { Commented } from '../../edit/emit';
import { get, getMap, getMapPath, num, pairOf, scalar, str } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { objectName, podCarriers, podSpecAnchor, scalableKinds, templateLabels } from '../helpers';
import { sameNamespace } from '../scope';
import type { Rule, RuleContext } from '../types';

const replicated: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet']);

/** An HPA in scope that targets this workload. */
function targetingHpa(ctx: RuleContext) {
  const { kind, name } = ctx.object.identity;
  return ctx.index.objects.find(
    (o) =>
      o.identity.kind === 'HorizontalPodAutoscaler' &&
      o.scaleTarget?.kind === kind &&
      o.scaleTarget?.name === name &&
      sameNamespace(o.identity, ctx.object.identity),
  );
}

export const minReplicas: Rule = {
  id: 'min-replicas',
  number: 39,
  category: 'availability',
  title: 'Too few replicas',
  severity: 'info',
  fixClass: 'auto',
  kinds: replicated,
  crossResource: true,
  docs: {
    what: 'A Deployment or StatefulSet runs fewer replicas than `shipshape.analysis.minReplicas` (default 2) and no HPA in scope manages it.',
    why: 'One replica means every rollout, node drain or crash is an outage.',
    fix: 'Run at least two (three for quorum systems). The fix sets `spec.replicas` to the configured minimum.',
    anchors:
      'kube-linter `minimum-three-replicas`; Polaris `deploymentMissingReplicas` (warning, mutation `replicas: 3`); kube-score `deployment-replicas`; Datree #16.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    const pair = pairOf(spec, 'replicas');
    if (pair && ctx.isTemplated(pair.value)) return;
    const replicas = num(spec, 'replicas', ctx.doc) ?? 1;
    // Zero is a deliberate "off" (the seeds scaled Redis and Trino workers to 0 on purpose).
    if (replicas === 0 || replicas >= ctx.options.minReplicas || targetingHpa(ctx)) return;
    ctx.report({
      message: `${ctx.object.identity.kind ?? ''} "${objectName(ctx)}" runs ${replicas} replica${replicas === 1 ? '' : 's'} (minimum ${ctx.options.minReplicas}): any disruption is an outage.`,
      at: pair ?? pairOf(ctx.object.node, 'kind'),
    });
  },
  fix: {
    class: 'auto',
    title: 'Raise replicas to the minimum',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      return spec ? ctx.editor.setIn(spec, ['replicas'], ctx.options.minReplicas) : undefined;
    },
  },
};

export const replicasWithHpa: Rule = {
  id: 'replicas-with-hpa',
  number: 40,
  category: 'availability',
  title: 'replicas pinned under an HPA',
  severity: 'warning',
  fixClass: 'auto',
  kinds: scalableKinds,
  crossResource: true,
  docs: {
    what: 'A workload targeted by a HorizontalPodAutoscaler in scope also sets `spec.replicas`.',
    why: 'Every `kubectl apply` (or Argo CD sync) resets the replica count the HPA chose: a scale-down in the middle of peak load.',
    fix: 'Let the HPA own it. The fix deletes `spec.replicas`.',
    anchors: 'kube-score `deployment-targeted-by-hpa-does-not-have-replicas-configured`.',
  },
  check(ctx) {
    const pair = pairOf(getMap(ctx.object.node, 'spec', ctx.doc), 'replicas');
    const hpa = pair ? targetingHpa(ctx) : undefined;
    if (pair && hpa)
      ctx.report({
        message: `HPA "${hpa.identity.name ?? ''}" scales ${objectName(ctx)}, but spec.replicas resets it on every apply (searched: ${ctx.index.scope}).`,
        at: pair,
      });
  },
  fix: {
    class: 'auto',
    title: 'Remove spec.replicas (the HPA owns it)',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      const edit = spec ? ctx.editor.deleteKey(spec, 'replicas') : undefined;
      return edit ? [edit] : undefined;
    },
  },
};

export const podSpread: Rule = {
  id: 'pod-spread',
  number: 41,
  category: 'availability',
  title: 'Replicas not spread across nodes',
  severity: 'warning',
  fixClass: 'harden',
  kinds: replicated,
  docs: {
    what: 'A workload with more than one replica has neither pod anti-affinity nor `topologySpreadConstraints`.',
    why: "The scheduler may put every replica on one node; that node's failure (the seeds' unreachable k8s-worker) takes them all.",
    fix: 'Spread by hostname. The Harden fix inserts `topologySpreadConstraints` (maxSkew 1, hostname, ScheduleAnyway) selecting the pod template labels.',
    anchors:
      'kube-linter `no-anti-affinity`★; kube-score `deployment-has-host-podantiaffinity`, `statefulset-has-host-podantiaffinity`, `pod-topology-spread-constraints`; Polaris `topologySpreadConstraint` (warning); Datree EKS #83, #84.',
  },
  check(ctx) {
    const replicas = num(getMap(ctx.object.node, 'spec', ctx.doc), 'replicas', ctx.doc) ?? 1;
    const spec = podSpecOf(ctx.object)?.spec;
    if (replicas <= 1 || !spec) return;
    if (
      get(spec, 'topologySpreadConstraints', ctx.doc) !== undefined ||
      getMapPath(spec, ['affinity', 'podAntiAffinity'], ctx.doc) !== undefined
    )
      return;
    if (!templateLabels(ctx)) return;
    ctx.report({
      message: `${objectName(ctx)} runs ${replicas} replicas with nothing spreading them: one node failure can take them all.`,
      at: podSpecAnchor(ctx, podSpecOf(ctx.object) ?? { spec, path: [], podMeta: undefined }),
    });
  },
  fix: {
    class: 'harden',
    title: 'Spread replicas across nodes',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      const labels = templateLabels(ctx);
      if (!spec || !labels) return undefined;
      return ctx.editor.setIn(
        spec,
        ['topologySpreadConstraints'],
        [
          {
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: labels },
          },
        ],
      );
    },
  },
};

export const rollingUpdateStrategy: Rule = {
  id: 'rolling-update-strategy',
  number: 45,
  category: 'availability',
  title: 'Recreate deployment strategy',
  severity: 'info',
  fixClass: 'auto',
  kinds: new Set(['Deployment']),
  docs: {
    what: 'A Deployment sets `strategy.type: Recreate`.',
    why: 'Recreate stops every old pod before starting new ones: each rollout is a downtime window.',
    fix: 'Use RollingUpdate unless the app cannot run two versions at once (a ReadWriteOnce volume, a schema migration). No automatic fix: switching strategy changes how rollouts behave, so it is a human decision (a missing strategy already defaults to RollingUpdate).',
    anchors: 'kube-linter `no-rolling-update-strategy`; kube-score `deployment-strategy`.',
  },
  check(ctx) {
    const strategy = getMapPath(ctx.object.node, ['spec', 'strategy'], ctx.doc);
    const pair = pairOf(strategy, 'type');
    if (pair && scalar(pair.value ?? undefined) === 'Recreate' && !ctx.isTemplated(pair.value)) {
      ctx.report({
        message: `${objectName(ctx)} uses the Recreate strategy: every rollout stops all pods first.`,
        at: pair,
        fixable: false,
      });
    }
  },
};

export const priorityClass: Rule = {
  id: 'priority-class',
  number: 47,
  category: 'availability',
  title: 'No priorityClassName',
  severity: 'off',
  fixClass: 'scaffold',
  kinds: podCarriers,
  docs: {
    what: 'The pod sets no `priorityClassName` (opt-in).',
    why: "Under resource pressure the scheduler preempts lower-priority pods first; without classes, a batch job can evict the platform's API.",
    fix: 'Define PriorityClasses and assign them. The scaffold inserts `priorityClassName: high-priority` with a TODO.',
    anchors:
      'Polaris `priorityClassNotSet` (warning, mutation `high-priority`); kube-linter `priority-class-name` (allow-list).',
  },
  check(ctx) {
    const ref = podSpecOf(ctx.object);
    if (ref && str(ref.spec, 'priorityClassName', ctx.doc) === undefined)
      ctx.report({ message: `${objectName(ctx)} sets no priorityClassName.`, at: podSpecAnchor(ctx, ref) });
  },
  fix: {
    class: 'scaffold',
    title: 'Add a priorityClassName (TODO)',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      return spec
        ? ctx.editor.setIn(
            spec,
            ['priorityClassName'],
            new Commented('high-priority', 'TODO: an existing PriorityClass'),
          )
        : undefined;
    },
  },
};

export const scheduleRules: readonly Rule[] = [
  minReplicas,
  replicasWithHpa,
  podSpread,
  rollingUpdateStrategy,
  priorityClass,
];
