/**
 * Check kinds: their YAML shape and its parsing. A check is a map whose one "kind" key says what
 * is checked; scalar-valued kinds take `namespace` as a sibling (`{ healthAtLeast: 90,
 * namespace: data-platform }`), object-valued kinds nest their parameters.
 */
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { nearest, type At, type Reader } from './read';
import { CHECK_WORKLOAD_KINDS, type Check, type CheckKind, type CheckWorkloadKind } from './types';

/** Every check kind with a one-line description (the schema and docs say the same). */
export const CHECK_KINDS: Readonly<Record<CheckKind, string>> = {
  healthAtLeast: 'Platform (or namespace) health — healthy pods / counted pods — is at least N%.',
  noPodsWithReason:
    'No pod (in a namespace) is in this state: CrashLoopBackOff, ImagePullBackOff, OOMKilled…',
  noPendingWithoutReason:
    'Every pending pod has a reason the scheduler or kubelet gave (none is just "Pending").',
  workloadReady: 'A Deployment, StatefulSet or DaemonSet has its replicas (or at least `min`) ready.',
  podsReady: 'At least `min` ready pods match a label selector (Strimzi brokers, Ray workers…).',
  pdbCovers: 'A PodDisruptionBudget selects a workload, pods by label, or every multi-replica workload.',
  quotaInNamespaces: 'Each namespace has a ResourceQuota.',
  quotaUsageBelow: 'Every ResourceQuota (in a namespace) uses less than N% of each hard limit.',
  networkPolicySelects: 'NetworkPolicies select every pod in a namespace (or those matching a selector).',
  cronJobSucceeded: "A CronJob's last run succeeded (or every CronJob's in a namespace).",
  argoApp: 'Argo CD Applications (by name, or all) are Synced and/or Healthy.',
  noFailedJobs: 'No Job (in a namespace) has failed.',
  noStuckTerminating: 'No pod (in a namespace) is stuck Terminating past its grace period.',
  serviceExternalName:
    "An ExternalName Service points where it should (the seeds' postgres-shared-service fix).",
  allPass: 'Every check in the list passes (e.g. "Trino: coordinator + 1 worker").',
};

const KINDS = Object.keys(CHECK_KINDS) as CheckKind[];

export const ARGO_SYNC = ['Synced', 'OutOfSync', 'Unknown'] as const;
export const ARGO_HEALTH = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Kinds whose value is a scalar and that accept a `namespace` sibling. */
const NAMESPACED_SCALAR: ReadonlySet<CheckKind> = new Set([
  'healthAtLeast',
  'noPodsWithReason',
  'noPendingWithoutReason',
  'quotaUsageBelow',
  'noFailedJobs',
  'noStuckTerminating',
]);

/** Parses one check; undefined (with diagnostics) when it cannot be read. */
export function parseCheck(node: At, r: Reader): Check | undefined {
  const map = r.map(node, 'A check');
  if (!map) return undefined;
  const kinds: Pair[] = [];
  const others: Pair[] = [];
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key === 'string' && (KINDS as string[]).includes(key)) kinds.push(pair);
    else others.push(pair);
  }
  const first = kinds[0];
  if (!first) {
    const key = others[0] && isScalar(others[0].key) ? String(others[0].key.value) : undefined;
    const near = key === undefined ? undefined : nearest(key, KINDS);
    r.report(
      (others[0]?.key as Node | undefined) ?? map,
      key === undefined
        ? `A check needs a kind: one of ${KINDS.join(', ')}.`
        : `Unknown check kind "${key}".${near ? ` Did you mean "${near}"?` : ''} Known kinds: ${KINDS.join(', ')}.`,
    );
    return undefined;
  }
  if (kinds.length > 1) {
    r.report(
      kinds[1]?.key as Node,
      `A check has one kind; this one has ${kinds.map((p) => String((p.key as { value: unknown }).value)).join(' and ')}. Combine checks with allPass: [ … ].`,
    );
    return undefined;
  }
  const kind = (first.key as { value: CheckKind }).value;
  let namespace: string | undefined;
  let ok = true;
  for (const pair of others) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (key === 'namespace' && NAMESPACED_SCALAR.has(kind)) {
      namespace = readNamespace(pair.value as Node, r);
      ok &&= namespace !== undefined;
    } else {
      r.report(
        pair.key as Node,
        NAMESPACED_SCALAR.has(kind)
          ? `Unknown key "${key}" beside ${kind}: only "namespace" is allowed.`
          : `Unknown key "${key}" beside ${kind}: its parameters go inside it (${kind}: { … }).`,
      );
      ok = false;
    }
  }
  if (!ok) return undefined;
  const check = parseKind(kind, first.value as Node | null, r);
  if (!check) return undefined;
  return namespace !== undefined ? ({ ...check, namespace } as Check) : check;
}

function readNamespace(node: At, r: Reader): string | undefined {
  const s = r.string(node, 'namespace');
  if (s === undefined) return undefined;
  if (!DNS_LABEL.test(s) || s.length > 63) {
    r.report(node, `"${s}" is not a valid namespace name (lowercase letters, digits and "-").`);
    return undefined;
  }
  return s;
}

function readName(node: At, r: Reader, what: string): string | undefined {
  const s = r.string(node, what);
  if (s === undefined) return undefined;
  if (!OBJECT_NAME.test(s) || s.length > 253) {
    r.report(node, `"${s}" is not a valid ${what} (lowercase letters, digits, "-" and ".").`);
    return undefined;
  }
  return s;
}

function trueFlag(node: At, r: Reader, kind: CheckKind): boolean {
  const v = r.boolean(node, kind);
  if (v === false)
    r.report(node, `${kind}: false checks nothing — write ${kind}: true, or remove the check.`);
  return v === true;
}

/** Reads an object-valued kind's parameters; `required` must all be present. */
function params(
  node: At,
  r: Reader,
  kind: CheckKind,
  allowed: readonly string[],
  required: readonly string[],
): Map<string, Node | null> | undefined {
  const map = r.map(node, kind);
  if (!map) return undefined;
  const fields = r.fields(map, allowed, kind, 'error');
  const missing = required.filter((k) => !fields.has(k));
  if (missing.length > 0) {
    r.report(map, `${kind} needs ${missing.map((k) => `"${k}"`).join(' and ')}.`);
    return undefined;
  }
  // Unknown keys are a warning in runbook structure, but in a check they change its meaning.
  const unknown = map.items.filter((p) => !fields.has(String((p.key as { value?: unknown } | null)?.value)));
  if (unknown.length > 0) return undefined;
  return new Map([...fields].map(([k, p]) => [k, p.value as Node | null]));
}

function workloadKind(node: At, r: Reader): CheckWorkloadKind | undefined {
  if (node === undefined) return 'Deployment';
  const s = r.string(node, 'kind');
  const match = CHECK_WORKLOAD_KINDS.find((k) => k.toLowerCase() === s?.toLowerCase());
  if (s !== undefined && !match)
    r.report(node, `kind must be one of ${CHECK_WORKLOAD_KINDS.join(', ')} (got "${s}").`);
  return match;
}

function parseKind(kind: CheckKind, node: Node | null, r: Reader): Check | undefined {
  switch (kind) {
    case 'healthAtLeast':
    case 'quotaUsageBelow': {
      const percent = r.percent(node, kind);
      return percent === undefined ? undefined : { kind, percent };
    }
    case 'noPodsWithReason': {
      const reasons = r.strings(node, kind);
      if (reasons?.length === 0) r.report(node, 'noPodsWithReason needs at least one reason.');
      return reasons && reasons.length > 0 ? { kind, reasons } : undefined;
    }
    case 'noPendingWithoutReason':
    case 'noFailedJobs':
    case 'noStuckTerminating':
      return trueFlag(node, r, kind) ? { kind } : undefined;
    case 'workloadReady': {
      const p = params(
        node,
        r,
        kind,
        ['kind', 'namespace', 'name', 'min', 'allowScaledToZero'],
        ['namespace', 'name'],
      );
      if (!p) return undefined;
      const workload = workloadKind(p.get('kind') ?? undefined, r);
      const namespace = readNamespace(p.get('namespace'), r);
      const name = readName(p.get('name'), r, 'workload name');
      const min = p.has('min') ? r.number(p.get('min'), 'min', 1, Infinity, true) : undefined;
      const zero = p.has('allowScaledToZero')
        ? r.boolean(p.get('allowScaledToZero'), 'allowScaledToZero')
        : false;
      if (!workload || !namespace || !name || (p.has('min') && min === undefined) || zero === undefined)
        return undefined;
      return {
        kind,
        workload,
        namespace,
        name,
        ...(min !== undefined ? { min } : {}),
        ...(zero ? { allowScaledToZero: true } : {}),
      };
    }
    case 'podsReady': {
      const p = params(node, r, kind, ['namespace', 'selector', 'min'], ['namespace', 'selector']);
      if (!p) return undefined;
      const namespace = readNamespace(p.get('namespace'), r);
      const selector = r.labels(p.get('selector'), 'selector');
      const min = p.has('min') ? r.number(p.get('min'), 'min', 1, Infinity, true) : 1;
      return namespace && selector && min !== undefined ? { kind, namespace, selector, min } : undefined;
    }
    case 'pdbCovers':
      return parsePdbCovers(node, r);
    case 'quotaInNamespaces': {
      const list = r.strings(node, kind);
      if (!list) return undefined;
      const namespaces = list.filter((ns) => DNS_LABEL.test(ns));
      if (namespaces.length !== list.length || namespaces.length === 0) {
        r.report(node, 'quotaInNamespaces needs one or more valid namespace names.');
        return undefined;
      }
      return { kind, namespaces };
    }
    case 'networkPolicySelects': {
      if (isScalar(node)) {
        const namespace = readNamespace(node, r);
        return namespace ? { kind, namespace } : undefined;
      }
      const p = params(node, r, kind, ['namespace', 'selector', 'policyType'], ['namespace']);
      if (!p) return undefined;
      const namespace = readNamespace(p.get('namespace'), r);
      const selector = p.has('selector') ? r.labels(p.get('selector'), 'selector') : undefined;
      const type = p.has('policyType') ? r.string(p.get('policyType'), 'policyType') : undefined;
      const policyType =
        type === undefined ? undefined : (['Ingress', 'Egress'] as const).find((t) => t === type);
      if (type !== undefined && !policyType)
        r.report(p.get('policyType'), 'policyType must be Ingress or Egress.');
      if (!namespace || (p.has('selector') && !selector) || (type !== undefined && !policyType))
        return undefined;
      return {
        kind,
        namespace,
        ...(selector ? { selector } : {}),
        ...(policyType ? { policyType } : {}),
      };
    }
    case 'cronJobSucceeded': {
      const p = params(node, r, kind, ['namespace', 'name'], ['namespace']);
      if (!p) return undefined;
      const namespace = readNamespace(p.get('namespace'), r);
      const name = p.has('name') ? readName(p.get('name'), r, 'CronJob name') : undefined;
      if (!namespace || (p.has('name') && !name)) return undefined;
      return { kind, namespace, ...(name ? { name } : {}) };
    }
    case 'argoApp':
      return parseArgoApp(node, r);
    case 'serviceExternalName': {
      const p = params(node, r, kind, ['namespace', 'name', 'equals'], ['namespace', 'name', 'equals']);
      if (!p) return undefined;
      const namespace = readNamespace(p.get('namespace'), r);
      const name = readName(p.get('name'), r, 'Service name');
      const equals = r.string(p.get('equals'), 'equals');
      return namespace && name && equals ? { kind, namespace, name, equals } : undefined;
    }
    case 'allPass': {
      if (!isSeq(node) || node.items.length === 0) {
        r.report(node, 'allPass must be a list of one or more checks.');
        return undefined;
      }
      const checks = node.items.map((item) => parseCheck(item as Node, r));
      return checks.every((c): c is Check => c !== undefined) ? { kind, checks } : undefined;
    }
  }
}

function parsePdbCovers(node: Node | null, r: Reader): Check | undefined {
  const p = params(
    node,
    r,
    'pdbCovers',
    ['namespace', 'kind', 'name', 'selector', 'multiReplica'],
    ['namespace'],
  );
  if (!p) return undefined;
  const namespace = readNamespace(p.get('namespace'), r);
  const targets = ['name', 'selector', 'multiReplica'].filter((k) => p.has(k));
  if (targets.length !== 1) {
    r.report(
      node,
      'pdbCovers needs exactly one of "name" (a workload), "selector" (pod labels) or "multiReplica: true".',
    );
    return undefined;
  }
  if (p.has('kind') && !p.has('name')) r.report(p.get('kind'), '"kind" only goes with "name".', 'warning');
  if (!namespace) return undefined;
  if (p.has('name')) {
    const workload = workloadKind(p.get('kind') ?? undefined, r);
    const name = readName(p.get('name'), r, 'workload name');
    return workload && name
      ? { kind: 'pdbCovers', namespace, target: { by: 'workload', workload, name } }
      : undefined;
  }
  if (p.has('selector')) {
    const selector = r.labels(p.get('selector'), 'selector');
    return selector ? { kind: 'pdbCovers', namespace, target: { by: 'selector', selector } } : undefined;
  }
  return trueFlag(p.get('multiReplica'), r, 'pdbCovers')
    ? { kind: 'pdbCovers', namespace, target: { by: 'multiReplica' } }
    : undefined;
}

function parseArgoApp(node: Node | null, r: Reader): Check | undefined {
  const names = (list: string[] | undefined) => (list?.includes('*') ? [] : list);
  if (isScalar(node) || isSeq(node)) {
    const list = names(r.strings(node, 'argoApp'));
    return list ? { kind: 'argoApp', names: list } : undefined;
  }
  if (!isMap(node)) {
    r.report(node, 'argoApp must be an application name, a list of names, "*", or { name, sync, health }.');
    return undefined;
  }
  const p = params(node, r, 'argoApp', ['name', 'namespace', 'sync', 'health'], []);
  if (!p) return undefined;
  const list = p.has('name') ? names(r.strings(p.get('name'), 'name')) : [];
  const namespace = p.has('namespace') ? readNamespace(p.get('namespace'), r) : undefined;
  const status = (key: 'sync' | 'health', known: readonly string[]) => {
    if (!p.has(key)) return undefined;
    const s = r.string(p.get(key), key);
    const match = known.find((k) => k.toLowerCase() === s?.toLowerCase());
    if (s !== undefined && !match)
      r.report(p.get(key), `${key} must be one of ${known.join(', ')} (got "${s}").`);
    return match ?? null;
  };
  const sync = status('sync', ARGO_SYNC);
  const health = status('health', ARGO_HEALTH);
  if (!list || (p.has('namespace') && !namespace) || sync === null || health === null) return undefined;
  return {
    kind: 'argoApp',
    names: list,
    ...(namespace ? { namespace } : {}),
    ...(sync ? { sync } : {}),
    ...(health ? { health } : {}),
  };
}
