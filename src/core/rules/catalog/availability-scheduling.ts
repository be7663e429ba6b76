import { isSeq, type YAMLMap } from 'yaml';
import { Commented } from '../../edit/emit';
import {
  get,
  getMap,
  getMapPath,
  getSeq,
  mapItems,
  num,
  pairOf,
  scalar,
  str,
  strings,
} from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { objectName, podCarriers, podSpecAnchor, scalableKinds, templateLabels } from '../helpers';
import { selects } from '../scope';
import type { Rule, RuleContext } from '../types';
import { selectorOf, targetingHpa } from './availability-match';

const replicated: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet']);
const HOSTNAME = 'kubernetes.io/hostname';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const minReplicas: Rule = {
  id: 'min-replicas',
  number: 39,
  category: 'availability',
  title: 'Too few replicas',
  severity: 'info',
  fixClass: 'harden',
  kinds: replicated,
  crossResource: true,
  docs: {
    what: 'A Deployment or StatefulSet runs fewer replicas than `shipshape.analysis.minReplicas` (default 2; an unset `spec.replicas` means 1) and no HorizontalPodAutoscaler in scope scales it. DaemonSets and Jobs are not checked, and `replicas: 0` is taken as a deliberate "off".',
    why: 'With one replica every rollout, node drain, eviction or crash is an outage, and a PodDisruptionBudget cannot help (it would block the drain instead). The seeds ran the Trino coordinator and Superset beat as single pods and lost them with every node restart.',
    fix: 'Run at least two (three for quorum systems such as Zookeeper or Kafka), and let an HPA own the count when load varies. The fix sets `spec.replicas` to the configured minimum, in place when the key exists. It is skipped for workloads an HPA scales (see `replicas-with-hpa`); the finding says which scope was searched for HPAs.',
    anchors:
      'kube-linter `minimum-three-replicas` (3); Polaris `deploymentMissingReplicas` (warning, mutation `replicas: 3`); kube-score `deployment-replicas` (2); Datree #16.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!spec) return;
    const pair = pairOf(spec, 'replicas');
    if (pair && ctx.isTemplated(pair.value)) return;
    const explicit = num(spec, 'replicas', ctx.doc);
    if (pair && explicit === undefined) return;
    const replicas = explicit ?? 1;
    const minimum = ctx.options.minReplicas;
    // Zero is a deliberate "off" (the seeds scaled Redis and DataHub consumers to 0 on purpose).
    if (replicas === 0 || replicas >= minimum || targetingHpa(ctx)) return;
    ctx.report({
      message: `${ctx.object.identity.kind ?? 'Workload'} "${objectName(ctx)}" runs ${plural(replicas, 'replica')}${explicit === undefined ? ' (spec.replicas unset)' : ''}, below the minimum of ${minimum}, and no HorizontalPodAutoscaler scales it (searched: ${ctx.index.scope}): any rollout, drain or crash is an outage.`,
      at: pair ?? pairOf(ctx.object.node, 'kind'),
      fixTitle: `Set replicas: ${minimum}`,
    });
  },
  fix: {
    class: 'harden',
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
  fixClass: 'harden',
  kinds: scalableKinds,
  crossResource: true,
  docs: {
    what: 'A workload targeted by a HorizontalPodAutoscaler in scope also sets `spec.replicas`.',
    why: "The HPA and the manifest now fight over one number: every `kubectl apply`, Helm upgrade or Argo CD sync resets the count the HPA chose — a scale-down from 6 to the manifest's value in the middle of peak load (the seeds' DolphinScheduler API ran 6 replicas under an HPA).",
    fix: "Let the HPA own the count: delete `spec.replicas` (the live object keeps its current value, and the HPA's `minReplicas` is the floor). The fix deletes the key; comments above it stay.",
    anchors: 'kube-score `deployment-targeted-by-hpa-does-not-have-replicas-configured`.',
  },
  check(ctx) {
    const pair = pairOf(getMap(ctx.object.node, 'spec', ctx.doc), 'replicas');
    const hpa = pair ? targetingHpa(ctx) : undefined;
    if (!pair || !hpa) return;
    ctx.report({
      message: `HorizontalPodAutoscaler "${hpa.identity.name ?? '(unnamed)'}" scales ${ctx.object.identity.kind ?? ''} "${objectName(ctx)}", but spec.replicas resets the count it chose on every apply or sync (searched: ${ctx.index.scope}).`,
      at: pair,
    });
  },
  fix: {
    class: 'harden',
    title: 'Remove spec.replicas (the HPA owns it)',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      const edit = spec ? ctx.editor.deleteKey(spec, 'replicas') : undefined;
      return edit ? [edit] : undefined;
    },
  },
};

/**
 * Does pod anti-affinity keep this workload's own pods on separate nodes? A required term on
 * any topology key does (one pod per zone is also one per node); a preferred term only on
 * `kubernetes.io/hostname`, and only when its selector matches the pods' own labels.
 */
function spreadsOwnPods(ctx: RuleContext, spec: YAMLMap, labels: Readonly<Record<string, string>>): boolean {
  const anti = getMapPath(spec, ['affinity', 'podAntiAffinity'], ctx.doc);
  if (!anti) return false;
  const own = (term: YAMLMap | undefined) =>
    term !== undefined &&
    inOwnNamespace(ctx, term) &&
    selects(selectorOf(getMap(term, 'labelSelector', ctx.doc), ctx.doc), labels);
  const required = mapItems(getSeq(anti, 'requiredDuringSchedulingIgnoredDuringExecution', ctx.doc), ctx.doc);
  if (required.some(({ node }) => str(node, 'topologyKey', ctx.doc) !== undefined && own(node))) return true;
  const preferred = mapItems(
    getSeq(anti, 'preferredDuringSchedulingIgnoredDuringExecution', ctx.doc),
    ctx.doc,
  );
  return preferred.some(({ node }) => {
    const term = getMap(node, 'podAffinityTerm', ctx.doc);
    return str(term, 'topologyKey', ctx.doc) === HOSTNAME && own(term);
  });
}

/**
 * Does an affinity term look at the workload's own namespace? No `namespaces` and no
 * `namespaceSelector` means its own; `namespaceSelector: {}` means all; a list must name it. A
 * namespace selector on labels, or a manifest without a namespace, cannot be judged: assumed yes.
 */
function inOwnNamespace(ctx: RuleContext, term: YAMLMap): boolean {
  const names = strings(getSeq(term, 'namespaces', ctx.doc)).map((s) => s.value);
  const selectorPair = pairOf(term, 'namespaceSelector');
  if (selectorPair) return true;
  const namespace = ctx.object.identity.namespace;
  return names.length === 0 || namespace === undefined || names.includes(namespace);
}

export const podSpread: Rule = {
  id: 'pod-spread',
  number: 41,
  category: 'availability',
  title: 'Replicas not spread across nodes',
  severity: 'warning',
  fixClass: 'harden',
  kinds: replicated,
  crossResource: true,
  docs: {
    what: "A Deployment or StatefulSet with more than one replica (or scaled by an HPA in scope) has no `topologySpreadConstraints` and no pod anti-affinity that selects its own pods and keeps them on separate nodes (a required term on any topology key, or a preferred term on `kubernetes.io/hostname`). A term whose `namespaces` list leaves out the workload's own namespace selects other pods and does not count.",
    why: "Nothing stops the scheduler from packing every replica onto one node — it often does, right after a node restart — and then that node's failure takes them all: the replicas bought no availability. The seeds' phase 4 planned anti-affinity for DolphinScheduler API for this reason, on a two-node cluster where one unreachable worker took whole services down.",
    fix: 'Spread by hostname. The Harden fix inserts `topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: <pod template labels>}}]`. ScheduleAnyway keeps pods schedulable on a small cluster; use DoNotSchedule for a hard guarantee. It is "harden", not "auto", because it changes where pods land.',
    anchors:
      'kube-linter `no-anti-affinity`★; kube-score `deployment-has-host-podantiaffinity`, `statefulset-has-host-podantiaffinity`, `pod-topology-spread-constraints`; Polaris `topologySpreadConstraint` (warning); Datree EKS #83, #84.',
  },
  check(ctx) {
    const ref = podSpecOf(ctx.object);
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!ref || !spec) return;
    const pair = pairOf(spec, 'replicas');
    if (pair && ctx.isTemplated(pair.value)) return;
    const hpa = targetingHpa(ctx);
    const replicas = num(spec, 'replicas', ctx.doc) ?? 1;
    if (!hpa && replicas <= 1) return;
    const labels = templateLabels(ctx);
    if (!labels || Object.keys(labels).length === 0) return;
    const constraints = get(ref.spec, 'topologySpreadConstraints', ctx.doc);
    if (constraints !== undefined && (!isSeq(constraints) || constraints.items.length > 0)) return;
    if (spreadsOwnPods(ctx, ref.spec, labels)) return;
    const anti = getMapPath(ref.spec, ['affinity', 'podAntiAffinity'], ctx.doc) !== undefined;
    const count = hpa
      ? `is scaled by HorizontalPodAutoscaler "${hpa.identity.name ?? '(unnamed)'}" (searched: ${ctx.index.scope})`
      : `runs ${plural(replicas, 'replica')}`;
    ctx.report({
      message: `${ctx.object.identity.kind ?? 'Workload'} "${objectName(ctx)}" ${count} with ${anti ? 'a podAntiAffinity that does not keep its own pods on separate hosts' : 'no topologySpreadConstraints or podAntiAffinity'}: the scheduler may put every replica on one node, and that node's failure takes them all.`,
      at: podSpecAnchor(ctx, ref),
    });
  },
  fix: {
    class: 'harden',
    title: 'Spread replicas across nodes',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      const labels = templateLabels(ctx);
      if (!spec || !labels || Object.keys(labels).length === 0) return undefined;
      return ctx.editor.setIn(
        spec,
        ['topologySpreadConstraints'],
        [
          {
            maxSkew: 1,
            topologyKey: HOSTNAME,
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
  title: 'Deployment strategy not RollingUpdate',
  severity: 'info',
  fixClass: 'none',
  kinds: new Set(['Deployment']),
  docs: {
    what: 'A Deployment sets a `strategy.type` other than `RollingUpdate` (usually `Recreate`). A Deployment that states no strategy gets RollingUpdate from the API server and is not reported.',
    why: 'Recreate stops every old pod before starting a new one: each rollout is a downtime window, and a bad image leaves zero pods running instead of a stalled rollout next to healthy old pods.',
    fix: 'Use RollingUpdate unless the app cannot run two versions at once (a ReadWriteOnce volume such as a single MinIO or Postgres data disk, or an exclusive schema migration). No automatic fix: an explicit `Recreate` is usually there because of such a volume, and switching would make the new pod hang on the volume still attached to the old one.',
    anchors:
      'kube-linter `no-rolling-update-strategy` (likewise flags only an explicit non-rolling type); kube-score `deployment-strategy` (only when a Service targets the Deployment).',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    // No strategy, or one without a type, is RollingUpdate by API default: on Argo CD and
    // kube-prometheus 16 of 18 findings were that default, which is noise, not a risk.
    const typePair = pairOf(getMap(spec, 'strategy', ctx.doc), 'type');
    if (!typePair || ctx.isTemplated(typePair.value)) return;
    const type = scalar(typePair.value ?? undefined);
    if (type === 'RollingUpdate' || type === null || type === undefined) return;
    ctx.report({
      message: `Deployment "${objectName(ctx)}" uses the ${String(type)} strategy: every rollout stops all old pods before a new one is ready, so each deploy is downtime.`,
      at: typePair,
    });
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
    what: 'The pod template sets no `priorityClassName` (opt-in).',
    why: 'When a cluster runs short, the scheduler preempts lower-priority pods to place higher-priority ones. With no classes every pod is equal, so a burst of Spark executors or DolphinScheduler tasks can leave the platform\'s API and databases Pending with "Insufficient cpu" — or evict them.',
    fix: "Create a few PriorityClasses (for example platform-critical, default, batch) and assign one to every workload. The scaffold inserts `priorityClassName: high-priority` (Polaris's value) with a `# TODO: an existing PriorityClass` comment; a class that does not exist makes the API server reject the pod, so replace it before applying.",
    anchors:
      'Polaris `priorityClassNotSet` (warning, mutation `high-priority`); kube-linter `priority-class-name` (allow-list).',
  },
  check(ctx) {
    const ref = podSpecOf(ctx.object);
    if (!ref || str(ref.spec, 'priorityClassName', ctx.doc) !== undefined) return;
    ctx.report({
      message: `${ctx.object.identity.kind ?? 'Workload'} "${objectName(ctx)}" sets no priorityClassName: under resource pressure it is preempted as readily as a batch job.`,
      at: podSpecAnchor(ctx, ref),
    });
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
