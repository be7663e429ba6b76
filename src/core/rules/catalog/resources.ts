import type { YAMLMap } from 'yaml';
import { Commented, type Emittable } from '../../edit/emit';
import type { TextEdit } from '../../edit/text-edit';
import { parseQuantity } from '../../health/quantity';
import { get, getMap, getMapPath, pairOf, scalar } from '../../manifest/nodes';
import type { PodSpecRef } from '../../manifest/objects';
import { containerAnchor, containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import { BARE, MISSING } from '../combine';
import type { FixContext, Rule, RuleContext } from '../types';

type Section = 'requests' | 'limits';
type Resource = 'cpu' | 'memory' | 'ephemeral-storage';

interface Quantity {
  readonly pair: ReturnType<typeof pairOf>;
  readonly value: string | number | undefined;
  /** Absent, empty or zero: what every resource rule treats as "not set". */
  readonly missing: boolean;
}

function quantity(
  ctx: RuleContext | FixContext,
  container: YAMLMap | undefined,
  section: Section,
  resource: Resource,
): Quantity {
  const pair = pairOf(getMapPath(container, ['resources', section], ctx.doc), resource);
  const raw = scalar(pair?.value ?? undefined);
  const value = typeof raw === 'string' || typeof raw === 'number' ? raw : undefined;
  return { pair, value, missing: value === undefined || value === '' || parseQuantity(value) === 0 };
}

/** A value from a template expression is neither judged nor fixed. */
const templated = (ctx: RuleContext, q: Quantity): boolean =>
  q.pair !== undefined && ctx.isTemplated(q.pair.value);

/** Pod-level `spec.resources` (beta since Kubernetes 1.34, cpu and memory only) covers every
 * container that does not set its own, so containers without one are not at fault. */
function podLevelSet(ctx: RuleContext, spec: PodSpecRef, section: Section, resource: Resource): boolean {
  if (resource === 'ephemeral-storage') return false;
  const value = scalar(get(getMapPath(spec.spec, ['resources', section], ctx.doc), resource, ctx.doc));
  return (typeof value === 'string' || typeof value === 'number') && parseQuantity(value) > 0;
}

const valueOf = (q: Quantity): string | number | undefined => (q.missing ? undefined : q.value);

interface ResourceRuleSpec {
  readonly id: string;
  readonly number: number;
  readonly section: Section;
  readonly resource: 'cpu' | 'memory';
  readonly title: string;
  readonly severity: Rule['severity'];
  readonly message: (ctx: RuleContext, container: YAMLMap) => string;
  readonly docs: Rule['docs'];
  readonly value: (ctx: FixContext, container: YAMLMap) => Commented;
}

const FOUR: readonly (readonly [Section, 'cpu' | 'memory'])[] = [
  ['requests', 'cpu'],
  ['requests', 'memory'],
  ['limits', 'memory'],
  ['limits', 'cpu'],
];

/** No `resources`, or `resources: {}`: the whole block can be written at once. With something in
 * it already (ephemeral-storage), the combined finding's fix writes its first value only. */
function isEmptyResources(ctx: FixContext, container: YAMLMap): boolean {
  const pair = pairOf(container, 'resources');
  if (!pair) return true;
  const map = getMap(container, 'resources', ctx.doc);
  return map !== undefined && map.items.length === 0;
}

/** What each of the four rules scaffolds, by `section.resource`: a combined finding's fix writes
 * them all at once. */
const scaffolds = new Map<string, ResourceRuleSpec>();

/** One `resources:` block with every value a combined finding (see ../combine.ts) lists. */
function scaffoldAll(ctx: FixContext, container: YAMLMap, missing: string): readonly TextEdit[] | undefined {
  const block: Record<Section, Record<string, Emittable>> = { requests: {}, limits: {} };
  for (const key of missing.split(',')) {
    const spec = scaffolds.get(key);
    if (spec) block[spec.section][spec.resource] = spec.value(ctx, container);
  }
  const value: Record<string, Emittable> = {};
  for (const section of ['requests', 'limits'] as const)
    if (Object.keys(block[section]).length > 0) value[section] = block[section];
  const resources = getMap(container, 'resources', ctx.doc);
  if (!resources) return ctx.editor.setIn(container, ['resources'], value);
  // `resources: {}`: two insertions before one closing brace would both be computed for the
  // empty map (no separator): join them into one edit, as ephemeral-storage's fix does.
  const [first, second] = Object.entries(value).map(([section, v]) =>
    ctx.editor.insertPair(resources, section, v),
  );
  if (!first) return undefined;
  if (!second) return [first];
  return [{ ...first, text: `${first.text}${second.text.startsWith(', ') ? '' : ', '}${second.text}` }];
}

/** cpu-request, memory-request, memory-limit, cpu-limit: the same check and scaffold shape. */
function resourceRule(spec: ResourceRuleSpec): Rule {
  scaffolds.set(`${spec.section}.${spec.resource}`, spec);
  return {
    id: spec.id,
    number: spec.number,
    category: 'resources',
    title: spec.title,
    severity: spec.severity,
    fixClass: 'scaffold',
    kinds: podCarriers,
    docs: spec.docs,
    check(ctx) {
      eachContainer(
        ctx,
        (c, podSpec) => {
          const q = quantity(ctx, c.node, spec.section, spec.resource);
          if (templated(ctx, q) || !q.missing || podLevelSet(ctx, podSpec, spec.section, spec.resource))
            return;
          // A container with no CPU or memory figure at all (no `resources`, the charts' default
          // `resources: {}`, or only ephemeral-storage) gets one finding from the four rules.
          const bare = FOUR.every(
            ([section, resource]) => quantity(ctx, c.node, section, resource).pair === undefined,
          );
          ctx.report({
            message: `Container "${c.name}" ${spec.message(ctx, c.node)}`,
            at: q.pair ?? containerAnchor(c),
            container: c.name,
            data: {
              ...containerData(c),
              ...(bare ? { [BARE]: `${spec.section}.${spec.resource}` } : {}),
            },
          });
        },
        ['containers', 'initContainers'],
      );
    },
    fix: {
      class: 'scaffold',
      title: `Add ${spec.section}.${spec.resource} (TODO)`,
      apply(ctx) {
        const found = findingContainer(ctx);
        const missing = ctx.finding.data?.[MISSING];
        if (found && typeof missing === 'string' && isEmptyResources(ctx, found.container.node))
          return scaffoldAll(ctx, found.container.node, missing);
        return found
          ? ctx.editor.setIn(
              found.container.node,
              ['resources', spec.section, spec.resource],
              spec.value(ctx, found.container.node),
            )
          : undefined;
      },
    },
  };
}

const OBSERVED = 'TODO: set from observed usage';

export const cpuRequest = resourceRule({
  id: 'cpu-request',
  number: 29,
  section: 'requests',
  resource: 'cpu',
  title: 'CPU request missing',
  severity: 'warning',
  message: () => 'has no CPU request: the scheduler cannot place it reliably and CPU quotas reject it.',
  docs: {
    what: 'A container has no `resources.requests.cpu` (or it is 0).',
    why: 'The scheduler places pods by their requests: without one the pod can land on a full node and starve, and ResourceQuotas that constrain `requests.cpu` reject it outright.',
    fix: "Set a request from observed usage (`kubectl top pods --containers`). The scaffold inserts `requests.cpu: 100m` with a TODO comment to replace it. A container with no CPU or memory figure at all (no `resources`, or the charts' default `resources: {}`) gets one finding instead of one per missing value (from the first of `cpu-request`, `memory-request`, `memory-limit`, `cpu-limit` that is on, at the highest of their severities), and its one fix writes the whole block with TODO values.",
    anchors:
      'kube-linter `unset-cpu-requirements`★ (request only); Polaris `cpuRequestsMissing` (mutation 100m); kube-score `container-resources`; Kubescape C-0268/C-0050; Checkov CKV_K8S_10; Datree #3; Popeye POP-106.',
  },
  value: () => new Commented('100m', OBSERVED),
});

export const memoryRequest = resourceRule({
  id: 'memory-request',
  number: 30,
  section: 'requests',
  resource: 'memory',
  title: 'Memory request missing',
  severity: 'warning',
  message: (ctx, c) => {
    const limit = valueOf(quantity(ctx, c, 'limits', 'memory'));
    return limit !== undefined
      ? `has no memory request, so the API server silently uses its limit (${String(limit)}): write it down so a later limit change does not move the request too.`
      : 'has no memory request: the scheduler assumes it needs none, so it lands on full nodes and is among the first evicted under memory pressure.';
  },
  docs: {
    what: 'A container has no `resources.requests.memory` (or it is 0), and the pod sets no pod-level memory request.',
    why: 'The scheduler counts requests, not usage: a container without a memory request can be packed onto a node that has no room for it and is among the first evicted when the node runs short. Quotas on `requests.memory` (the seeds put 200Gi quotas on data-platform) reject such pods outright. When only a limit is set, Kubernetes copies it into the request — correct, but invisible in the manifest.',
    fix: 'Set the request from observed usage (`kubectl top pods --containers`, or the explorer). The scaffold copies the memory limit when there is one (exactly what the API server does), else inserts `512Mi`, with a TODO comment either way.',
    anchors:
      'Polaris `memoryRequestsMissing` (warning, mutation 512Mi); kube-score `container-resources`; Kubescape C-0269/C-0004; Checkov CKV_K8S_12; Datree #2; Popeye POP-106.',
  },
  value: (ctx, c) => new Commented(valueOf(quantity(ctx, c, 'limits', 'memory')) ?? '512Mi', OBSERVED),
});

export const memoryLimit = resourceRule({
  id: 'memory-limit',
  number: 31,
  section: 'limits',
  resource: 'memory',
  title: 'Memory limit missing',
  severity: 'warning',
  message: () =>
    'has no memory limit: a leak grows until the node runs out of memory and the kernel kills whatever it picks, often a neighbour.',
  docs: {
    what: 'A container has no `resources.limits.memory` (or it is 0), and the pod sets no pod-level memory limit.',
    why: 'An unbounded container grows until the node itself runs out of memory; the kernel OOM killer then picks a victim that may be an unrelated pod, and node pressure evicts others. With a limit, only the leaking container is OOMKilled and restarted, and the explorer can show you which one.',
    fix: 'Set a limit, usually equal to the memory request (memory cannot be throttled, only killed). The scaffold copies the memory request when there is one, else inserts `512Mi`, with a TODO comment. Note that a limit without a request also becomes the request.',
    anchors:
      'kube-linter `unset-memory-requirements`★ (limit only); Polaris `memoryLimitsMissing` (warning, mutation 512Mi); kube-score `container-resources`; Kubescape C-0271/C-0004; Checkov CKV_K8S_13; Datree #4; Popeye POP-107.',
  },
  value: (ctx, c) => new Commented(valueOf(quantity(ctx, c, 'requests', 'memory')) ?? '512Mi', OBSERVED),
});

export const cpuLimit = resourceRule({
  id: 'cpu-limit',
  number: 32,
  section: 'limits',
  resource: 'cpu',
  title: 'CPU limit missing',
  severity: 'info',
  message: () =>
    'has no CPU limit: it may use every idle core (often right for latency-sensitive services; batch work can starve its neighbours).',
  docs: {
    what: 'A container has no `resources.limits.cpu`, and the pod sets no pod-level CPU limit. Info only, because the advice is contested.',
    why: 'The tools disagree. Polaris, kube-score, Kubescape, Checkov and Datree #5 ask for CPU limits to bound noisy neighbours; Datree\'s own EKS policy #80 says to "refrain from setting a CPU limit", because CFS quotas throttle a container even when the node is idle, adding tail latency to request-serving apps. Requests already guarantee each container its share under contention. Limits pay off for batch jobs (Spark executors, DolphinScheduler tasks) and multi-tenant namespaces.',
    fix: 'Decide per workload. The scaffold inserts a limit of twice the CPU request (or `500m` without one) with a TODO; a limit without a request also becomes the request. kube-score users can silence this class with `--ignore-container-cpu-limit`; here, suppress or turn the rule off.',
    anchors:
      'Polaris `cpuLimitsMissing` (warning, mutation 100m); kube-score `container-resources` (`--ignore-container-cpu-limit`); Kubescape C-0270/C-0050; Checkov CKV_K8S_11; Datree #5 — contradicted by Datree EKS #80 ("refrain from setting a CPU limit").',
  },
  value: (ctx, c) => {
    const request = parseQuantity(valueOf(quantity(ctx, c, 'requests', 'cpu')));
    const value = Number.isFinite(request) && request > 0 ? `${Math.round(request * 2000)}m` : '500m';
    return new Commented(value, 'TODO: or leave unlimited for latency-sensitive services');
  },
});

const EPHEMERAL: Resource = 'ephemeral-storage';

export const ephemeralStorage: Rule = {
  id: 'ephemeral-storage',
  number: 33,
  category: 'resources',
  title: 'Ephemeral storage unbounded',
  severity: 'off',
  fixClass: 'scaffold',
  kinds: podCarriers,
  docs: {
    what: 'A container does not set both `resources.requests.ephemeral-storage` and `resources.limits.ephemeral-storage` (opt-in).',
    why: "Container logs, writable layers and emptyDir volumes live on the node's disk. Without a request the scheduler ignores disk entirely; without a limit one runaway writer (a Spark job spilling shuffle data, a debug log level left on) fills the disk, the node reports DiskPressure and the kubelet evicts pods that did nothing wrong.",
    fix: 'Set both from what the container really writes. The scaffold inserts whichever is missing in one edit: request `1Gi` (or the existing limit, if lower) and limit `2Gi` (or the existing request, if higher), each with a TODO comment.',
    anchors:
      'kube-score `container-ephemeral-storage-request-and-limit` (default), `container-ephemeral-storage-request-equals-limit` (optional).',
  },
  check(ctx) {
    eachContainer(
      ctx,
      (c) => {
        const request = quantity(ctx, c.node, 'requests', EPHEMERAL);
        const limit = quantity(ctx, c.node, 'limits', EPHEMERAL);
        if (templated(ctx, request) || templated(ctx, limit) || (!request.missing && !limit.missing)) return;
        const what =
          request.missing && limit.missing
            ? 'no ephemeral-storage request or limit'
            : request.missing
              ? 'an ephemeral-storage limit but no request'
              : 'an ephemeral-storage request but no limit';
        ctx.report({
          message: `Container "${c.name}" has ${what}: logs, caches and emptyDirs can fill the node's disk and get every pod on it evicted.`,
          at: containerAnchor(c),
          container: c.name,
          data: containerData(c),
        });
      },
      ['containers', 'initContainers'],
    );
  },
  fix: {
    class: 'scaffold',
    title: 'Add ephemeral-storage request and limit (TODO)',
    apply(ctx) {
      const found = findingContainer(ctx);
      if (!found) return undefined;
      const node = found.container.node;
      const request = quantity(ctx, node, 'requests', EPHEMERAL);
      const limit = quantity(ctx, node, 'limits', EPHEMERAL);
      const values: Partial<Record<Section, Emittable>> = {};
      if (request.missing) {
        const cap = parseQuantity(valueOf(limit));
        values.requests = new Commented(
          Number.isFinite(cap) && cap < 2 ** 30 && limit.value !== undefined ? limit.value : '1Gi',
          'TODO: what the container writes',
        );
      }
      if (limit.missing) {
        const floor = parseQuantity(valueOf(request));
        values.limits = new Commented(
          Number.isFinite(floor) && floor > 2 * 2 ** 30 && request.value !== undefined
            ? request.value
            : '2Gi',
          'TODO: the most it may write',
        );
      }
      // Both halves in one fix: a second step would look like the same finding to "Fix all"
      // and never run.
      const resources = getMap(node, 'resources', ctx.doc);
      if (!resources) {
        const body: Record<string, Emittable> = {};
        for (const section of ['requests', 'limits'] as const) {
          const value = values[section];
          if (value !== undefined) body[section] = { [EPHEMERAL]: value };
        }
        return ctx.editor.setIn(node, ['resources'], body);
      }
      const wanted = (['requests', 'limits'] as const).filter((s) => values[s] !== undefined);
      // Sections that exist first: when a new child of one and a new sibling section land at the
      // same offset (the end of a block `resources`), the child must stay inside its section.
      const edits: TextEdit[] = wanted
        .filter((s) => pairOf(resources, s))
        .flatMap((s) => ctx.editor.setIn(resources, [s, EPHEMERAL], values[s] ?? null));
      const fresh = wanted
        .filter((s) => !pairOf(resources, s))
        .map((s) => ctx.editor.insertPair(resources, s, { [EPHEMERAL]: values[s] ?? null }));
      const [first, second] = fresh;
      if (resources.flow && first && second) {
        // Two insertions before one closing brace would both be computed for the original
        // item count (missing separator): join them into one edit.
        const joined = second.text.startsWith(', ') ? second.text : `, ${second.text}`;
        edits.push({ ...first, text: first.text + joined });
      } else edits.push(...fresh);
      return edits;
    },
  },
};

export const memoryRequestEqualsLimit: Rule = {
  id: 'memory-request-equals-limit',
  number: 34,
  category: 'resources',
  title: 'Memory request differs from limit',
  severity: 'off',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: "A container's memory request and memory limit are both set and differ (opt-in).",
    why: 'A request below the limit overcommits the node: the scheduler reserves the request, the container may grow to the limit, and when several do so at once the node runs out — pods using more than their request are evicted or OOMKilled first, even though each stayed under its own limit. Equal values make memory behaviour predictable (and Guaranteed QoS when CPU matches too).',
    fix: 'Set the request equal to the limit (or lower the limit to the request if you know the usage). The fix copies the limit into the request, in place. A larger request can make the pod unschedulable on a full cluster — the seeds\' Spark History Server sat Pending on "Insufficient" resources — so check capacity first.',
    anchors:
      'kube-score `container-memory-requests-equal-limits` (optional), `container-resource-requests-equal-limits` (optional); Datree EKS #81.',
  },
  check(ctx) {
    eachContainer(
      ctx,
      (c) => {
        const request = quantity(ctx, c.node, 'requests', 'memory');
        const limit = quantity(ctx, c.node, 'limits', 'memory');
        if (request.missing || limit.missing || templated(ctx, request) || templated(ctx, limit)) return;
        const r = parseQuantity(request.value);
        const l = parseQuantity(limit.value);
        if (!Number.isFinite(r) || !Number.isFinite(l) || r === l) return;
        ctx.report({
          message: `Container "${c.name}" requests ${String(request.value)} of memory but may use ${String(limit.value)}: under node pressure it can be evicted or OOMKilled below its own limit.`,
          at: request.pair,
          container: c.name,
          data: containerData(c),
        });
      },
      ['containers', 'initContainers'],
    );
  },
  fix: {
    class: 'harden',
    title: 'Set the memory request to the limit',
    apply(ctx) {
      const found = findingContainer(ctx);
      const limit = found ? valueOf(quantity(ctx, found.container.node, 'limits', 'memory')) : undefined;
      if (!found || limit === undefined) return undefined;
      return ctx.editor.setIn(found.container.node, ['resources', 'requests', 'memory'], limit);
    },
  },
};

export const resourceRules: readonly Rule[] = [
  cpuRequest,
  memoryRequest,
  memoryLimit,
  cpuLimit,
  ephemeralStorage,
  memoryRequestEqualsLimit,
];
