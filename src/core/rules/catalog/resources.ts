import { Commented } from '../../edit/emit';
import { getMapPath, pairOf, scalar } from '../../manifest/nodes';
import { parseQuantity } from '../../health/quantity';
import { containerAnchor, containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import type { FixContext, Rule, RuleContext } from '../types';

type Section = 'requests' | 'limits';

function quantity(
  ctx: RuleContext | FixContext,
  node: Parameters<typeof getMapPath>[0],
  section: Section,
  resource: string,
) {
  const pair = pairOf(getMapPath(node, ['resources', section], ctx.doc), resource);
  const value = scalar(pair?.value ?? undefined);
  return {
    pair,
    value,
    missing:
      value === undefined || value === null || value === '' || parseQuantity(value as string | number) === 0,
  };
}

interface ResourceRuleSpec {
  readonly id: string;
  readonly number: number;
  readonly section: Section;
  readonly resource: 'cpu' | 'memory';
  readonly title: string;
  readonly severity: Rule['severity'];
  readonly message: string;
  readonly docs: Rule['docs'];
  readonly value: (ctx: FixContext) => Commented;
}

/** cpu-request, memory-request, memory-limit, cpu-limit: the same check and scaffold shape. */
function resourceRule(spec: ResourceRuleSpec): Rule {
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
        (c) => {
          const q = quantity(ctx, c.node, spec.section, spec.resource);
          if (q.pair && ctx.isTemplated(q.pair.value)) return;
          if (!q.missing) return;
          ctx.report({
            message: `Container "${c.name}" ${spec.message}`,
            at: q.pair ?? containerAnchor(c),
            container: c.name,
            data: containerData(c),
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
        return found
          ? ctx.editor.setIn(
              found.container.node,
              ['resources', spec.section, spec.resource],
              spec.value(ctx),
            )
          : undefined;
      },
    },
  };
}

export const cpuRequest = resourceRule({
  id: 'cpu-request',
  number: 29,
  section: 'requests',
  resource: 'cpu',
  title: 'CPU request missing',
  severity: 'warning',
  message: 'has no CPU request: the scheduler cannot place it reliably and CPU quotas reject it.',
  docs: {
    what: 'A container has no `resources.requests.cpu` (or it is 0).',
    why: 'The scheduler places pods by their requests: without one the pod can land on a full node and starve, and ResourceQuotas that constrain `requests.cpu` reject it outright.',
    fix: 'Set a request from observed usage (`kubectl top pods --containers`). The scaffold inserts `requests.cpu: 100m` with a TODO comment to replace it.',
    anchors:
      'kube-linter `unset-cpu-requirements`★ (request only); Polaris `cpuRequestsMissing` (mutation 100m); kube-score `container-resources`; Kubescape C-0268/C-0050; Checkov CKV_K8S_10; Datree #3; Popeye POP-106.',
  },
  value: () => new Commented('100m', 'TODO: set from observed usage'),
});

export const memoryRequest = resourceRule({
  id: 'memory-request',
  number: 30,
  section: 'requests',
  resource: 'memory',
  title: 'Memory request missing',
  severity: 'warning',
  message: 'has no memory request: it can be scheduled onto a node without room for it.',
  docs: {
    what: 'A container has no `resources.requests.memory`.',
    why: 'Without a memory request the pod is BestEffort for memory: first to be evicted under node pressure, and rejected by quotas on `requests.memory` (the seeds set 200Gi quotas on data-platform).',
    fix: 'Set it from observed usage. The scaffold inserts `requests.memory: 512Mi` with a TODO comment.',
    anchors:
      'Polaris `memoryRequestsMissing` (mutation 512Mi); kube-score `container-resources`; Kubescape C-0269/C-0004; Checkov CKV_K8S_12; Datree #2; Popeye POP-106.',
  },
  value: () => new Commented('512Mi', 'TODO: set from observed usage'),
});

export const memoryLimit = resourceRule({
  id: 'memory-limit',
  number: 31,
  section: 'limits',
  resource: 'memory',
  title: 'Memory limit missing',
  severity: 'warning',
  message: 'has no memory limit: a leak can take the whole node down with it.',
  docs: {
    what: 'A container has no `resources.limits.memory` (or it is 0).',
    why: 'An unbounded container grows until the node runs out of memory and the kernel kills something — often a neighbour. With a limit, only the leaking container is OOMKilled, and the explorer shows it.',
    fix: 'Set a limit, usually equal to the memory request. The scaffold copies the request when there is one, else `512Mi`, with a TODO comment.',
    anchors:
      'kube-linter `unset-memory-requirements`★ (limit only); Polaris `memoryLimitsMissing` (mutation 512Mi); kube-score `container-resources`; Kubescape C-0271/C-0004; Checkov CKV_K8S_13; Datree #4; Popeye POP-107.',
  },
  value: (ctx) => {
    const found = findingContainer(ctx);
    const request = found ? quantity(ctx, found.container.node, 'requests', 'memory').value : undefined;
    return new Commented(
      typeof request === 'string' || typeof request === 'number' ? request : '512Mi',
      'TODO: set from observed usage',
    );
  },
});

export const cpuLimit = resourceRule({
  id: 'cpu-limit',
  number: 32,
  section: 'limits',
  resource: 'cpu',
  title: 'CPU limit missing',
  severity: 'info',
  message: 'has no CPU limit.',
  docs: {
    what: 'A container has no `resources.limits.cpu`.',
    why: 'Some policies require CPU limits to bound noisy neighbours. Others advise against them — CPU limits throttle latency-sensitive apps even when the node is idle (Datree EKS #80 "refrain from setting a CPU limit"). Hence info only.',
    fix: 'Decide per workload; batch jobs and multi-tenant namespaces benefit most. The scaffold inserts a limit of twice the request (or 500m) with a TODO.',
    anchors:
      'Polaris `cpuLimitsMissing` (mutation 100m); kube-score `container-resources` (`--ignore-container-cpu-limit`); Kubescape C-0270/C-0050; Checkov CKV_K8S_11; Datree #5 — contradicted by Datree EKS #80.',
  },
  value: (ctx) => {
    const found = findingContainer(ctx);
    const request = found
      ? parseQuantity(quantity(ctx, found.container.node, 'requests', 'cpu').value as string)
      : NaN;
    const value = Number.isFinite(request) && request > 0 ? `${Math.round(request * 2000)}m` : '500m';
    return new Commented(value, 'TODO: or leave unlimited for latency-sensitive services');
  },
});

export const ephemeralStorage: Rule = {
  id: 'ephemeral-storage',
  number: 33,
  category: 'resources',
  title: 'Ephemeral storage unbounded',
  severity: 'off',
  fixClass: 'scaffold',
  kinds: podCarriers,
  docs: {
    what: 'A container sets no `requests/limits.ephemeral-storage`.',
    why: "Logs, caches and emptyDirs on the node's disk are unbounded; a runaway writer triggers DiskPressure and evictions for the whole node.",
    fix: 'Set both. The scaffold inserts `1Gi` request and `2Gi` limit with TODO comments.',
    anchors:
      'kube-score `container-ephemeral-storage-request-and-limit` (default), `…-request-equals-limit` (optional).',
  },
  check(ctx) {
    eachContainer(
      ctx,
      (c) => {
        const request = quantity(ctx, c.node, 'requests', 'ephemeral-storage');
        const limit = quantity(ctx, c.node, 'limits', 'ephemeral-storage');
        if (request.missing || limit.missing)
          ctx.report({
            message: `Container "${c.name}" has no ephemeral-storage ${request.missing ? 'request' : 'limit'}.`,
            at: containerAnchor(c),
            container: c.name,
            data: containerData(c),
          });
      },
      ['containers'],
    );
  },
  fix: {
    class: 'scaffold',
    title: 'Add ephemeral-storage request and limit (TODO)',
    apply(ctx) {
      const found = findingContainer(ctx);
      if (!found) return undefined;
      const edits = [];
      if (quantity(ctx, found.container.node, 'requests', 'ephemeral-storage').missing)
        edits.push(
          ...ctx.editor.setIn(
            found.container.node,
            ['resources', 'requests', 'ephemeral-storage'],
            new Commented('1Gi', 'TODO'),
          ),
        );
      else
        edits.push(
          ...ctx.editor.setIn(
            found.container.node,
            ['resources', 'limits', 'ephemeral-storage'],
            new Commented('2Gi', 'TODO'),
          ),
        );
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
  fixClass: 'auto',
  kinds: podCarriers,
  docs: {
    what: "A container's memory request and limit differ.",
    why: 'A request below the limit overcommits the node: under pressure the pod can be OOMKilled while using less than its limit. Equal values give predictable behaviour (Guaranteed QoS when CPU matches too).',
    fix: 'Set the request equal to the limit. The fix copies the limit into the request.',
    anchors:
      'kube-score `container-memory-requests-equal-limits` (optional), `container-resource-requests-equal-limits` (optional); Datree EKS #81.',
  },
  check(ctx) {
    eachContainer(
      ctx,
      (c) => {
        const request = quantity(ctx, c.node, 'requests', 'memory');
        const limit = quantity(ctx, c.node, 'limits', 'memory');
        if (request.missing || limit.missing) return;
        if (parseQuantity(request.value as string) === parseQuantity(limit.value as string)) return;
        ctx.report({
          message: `Container "${c.name}" requests ${String(request.value)} of memory but may use ${String(limit.value)}.`,
          at: request.pair,
          container: c.name,
          data: containerData(c),
        });
      },
      ['containers'],
    );
  },
  fix: {
    class: 'auto',
    title: 'Set the memory request to the limit',
    apply(ctx) {
      const found = findingContainer(ctx);
      const limit = found ? quantity(ctx, found.container.node, 'limits', 'memory').value : undefined;
      if (!found || (typeof limit !== 'string' && typeof limit !== 'number')) return undefined;
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
