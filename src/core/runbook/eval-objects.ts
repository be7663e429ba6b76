/**
 * Checks answered from policy and config objects: PDBs, quotas, NetworkPolicies, Argo CD
 * Applications, Services.
 */
import { parseQuantity } from '../health/quantity';
import type { NetworkPolicy, PodDisruptionBudget, Workload } from '../k8s/types';
import { ARGO_HEALTH, ARGO_SYNC } from './checks';
import { findWorkload, type Outcome } from './eval-pods';
import {
  hasLabels,
  inNamespace,
  listed,
  live,
  nameOf,
  named,
  plural,
  qualified,
  refOf,
  selectorSelects,
  selectorText,
  where,
  type Facts,
} from './facts';
import type { Check, Labels, ObjectRef } from './types';

type CheckOf<K extends Check['kind']> = Extract<Check, { kind: K }>;

/** The label sets a target stands for: its live pods' labels, else what its template promises. */
function labelSets(facts: Facts, namespace: string, selector: Labels): Labels[] {
  const pods = facts.pods(namespace).filter((p) => live(p) && hasLabels(p.metadata?.labels, selector));
  return pods.length > 0 ? pods.map((p) => p.metadata?.labels ?? {}) : [selector];
}

const templateLabels = (w: Workload): Labels =>
  w.spec?.template?.metadata?.labels ?? w.spec?.selector?.matchLabels ?? {};

/** The PDBs covering every one of these label sets (a pod under two PDBs cannot be evicted). */
function coveringPdbs(pdbs: readonly PodDisruptionBudget[], sets: readonly Labels[]) {
  const covering = pdbs.filter((pdb) => sets.some((labels) => selectorSelects(pdb.spec?.selector, labels)));
  const uncovered = sets.filter(
    (labels) => !covering.some((pdb) => selectorSelects(pdb.spec?.selector, labels)),
  );
  const doubled = sets.some(
    (labels) => covering.filter((pdb) => selectorSelects(pdb.spec?.selector, labels)).length > 1,
  );
  return { covering, uncovered, doubled };
}

const budget = (pdb: PodDisruptionBudget): string =>
  pdb.spec?.minAvailable !== undefined
    ? `minAvailable ${pdb.spec.minAvailable}`
    : pdb.spec?.maxUnavailable !== undefined
      ? `maxUnavailable ${pdb.spec.maxUnavailable}`
      : 'no budget set';

export function pdbCovers(check: CheckOf<'pdbCovers'>, facts: Facts): Outcome {
  const ns = check.namespace;
  const pdbs = facts.state.pdbs.filter((p) => inNamespace(p, ns));
  const pdbRef = (p: PodDisruptionBudget) => refOf('PodDisruptionBudget', p);
  const target = check.target;
  if (target.by === 'multiReplica') {
    const workloads = [
      ...facts.state.deployments.filter((w) => inNamespace(w, ns)).map((w) => ({ w, kind: 'Deployment' })),
      ...facts.state.statefulSets.filter((w) => inNamespace(w, ns)).map((w) => ({ w, kind: 'StatefulSet' })),
    ].filter(({ w }) => (w.spec?.replicas ?? 1) > 1);
    if (workloads.length === 0)
      return { status: 'pass', evidence: `No multi-replica Deployments or StatefulSets in ${ns}.`, refs: [] };
    const bare = workloads.filter(({ w }) => coveringPdbs(pdbs, [templateLabels(w)]).uncovered.length > 0);
    const label = ({ w, kind }: { w: Workload; kind: string }) => `${kind} ${ns}/${nameOf(w)}`;
    if (bare.length === 0)
      return {
        status: 'pass',
        evidence:
          workloads.length === 1
            ? `The one multi-replica workload in ${ns} has a PodDisruptionBudget.`
            : `All ${workloads.length} multi-replica workloads in ${ns} have a PodDisruptionBudget.`,
        refs: named(pdbs.map(pdbRef)),
      };
    return {
      status: 'fail',
      evidence: `${bare.length} of ${plural(workloads.length, 'multi-replica workload')} in ${ns} ${bare.length === 1 ? 'has' : 'have'} no PodDisruptionBudget: ${listed(bare, label)}.`,
      refs: named(bare.map(({ w, kind }) => refOf(kind, w))),
    };
  }
  let subject: string;
  let sets: Labels[];
  let self: ObjectRef[] = [];
  if (target.by === 'workload') {
    const w = findWorkload(facts, target.workload, ns, target.name);
    subject = `${target.workload} ${ns}/${target.name}`;
    if (!w) return { status: 'fail', evidence: `${subject} not found.`, refs: [] };
    sets = [templateLabels(w)];
    self = [refOf(target.workload, w)];
  } else {
    subject = `pods matching ${selectorText(target.selector)} in ${ns}`;
    sets = labelSets(facts, ns, target.selector);
  }
  const { covering, uncovered, doubled } = coveringPdbs(pdbs, sets);
  const refs = [...self, ...named(covering.map(pdbRef))];
  if (uncovered.length > 0)
    return {
      status: 'fail',
      evidence:
        covering.length === 0
          ? `No PodDisruptionBudget in ${ns} selects ${subject}.`
          : `${plural(uncovered.length, 'pod')} of ${subject} are not covered; ${listed(covering, nameOf)} cover the rest.`,
      refs,
    };
  const names = listed(covering, (p) => `${nameOf(p)} (${budget(p)})`);
  if (doubled)
    return {
      status: 'fail',
      evidence: `${subject} are selected by more than one PodDisruptionBudget (${names}): the eviction API refuses such pods, so drains hang.`,
      refs,
    };
  return { status: 'pass', evidence: `PodDisruptionBudget ${names} covers ${subject}.`, refs };
}

export function quotaInNamespaces(check: CheckOf<'quotaInNamespaces'>, facts: Facts): Outcome {
  const quotas = facts.state.resourceQuotas;
  const found = check.namespaces.map((ns) => ({ ns, quota: quotas.find((q) => inNamespace(q, ns)) }));
  const lacking = found.filter((f) => !f.quota);
  const refs = named(found.flatMap((f) => (f.quota ? [refOf('ResourceQuota', f.quota)] : [])));
  if (lacking.length === 0)
    return {
      status: 'pass',
      evidence: `Every namespace has a ResourceQuota: ${listed(found, (f) => `${f.ns} (${f.quota ? nameOf(f.quota) : ''})`)}.`,
      refs,
    };
  return {
    status: 'fail',
    evidence: `No ResourceQuota in ${listed(lacking, (f) => f.ns)} (${found.length - lacking.length} of ${plural(found.length, 'namespace')} have one).`,
    refs: [...named(lacking.map((f) => ({ kind: 'Namespace', namespace: '', name: f.ns }))), ...refs],
  };
}

export function quotaUsageBelow(check: CheckOf<'quotaUsageBelow'>, facts: Facts): Outcome {
  const quotas = facts.state.resourceQuotas.filter((q) => inNamespace(q, check.namespace));
  if (quotas.length === 0)
    return { status: 'fail', evidence: `No ResourceQuota ${where(check.namespace)} to measure.`, refs: [] };
  const usage = quotas.flatMap((q) => {
    const hard = q.status?.hard ?? q.spec?.hard ?? {};
    const used = q.status?.used;
    return Object.entries(hard).map(([resource, limit]) => {
      const h = parseQuantity(limit);
      const u = used ? parseQuantity(used[resource] ?? '0') : NaN;
      return {
        q,
        resource,
        text: `${used?.[resource] ?? '?'} of ${limit}`,
        ratio: h > 0 ? (u / h) * 100 : NaN,
      };
    });
  });
  const over = usage.filter((u) => u.ratio >= check.percent).sort((a, b) => b.ratio - a.ratio);
  const label = (u: (typeof usage)[number]) =>
    `${qualified(refOf('ResourceQuota', u.q))} ${u.resource} ${Math.round(u.ratio)}% (${u.text})`;
  if (over.length > 0)
    return {
      status: 'fail',
      evidence: `${plural(over.length, 'quota limit')} at or above ${check.percent}%: ${listed(over, label)}.`,
      refs: named([...new Set(over.map((u) => u.q))].map((q) => refOf('ResourceQuota', q))),
    };
  const unmeasured = [...new Set(usage.filter((u) => Number.isNaN(u.ratio)).map((u) => u.q))];
  if (unmeasured.length > 0)
    return {
      status: 'unknown',
      evidence: `Usage not reported yet for ${listed(unmeasured, (q) => qualified(refOf('ResourceQuota', q)))}.`,
      refs: named(unmeasured.map((q) => refOf('ResourceQuota', q))),
    };
  const top = [...usage].sort((a, b) => b.ratio - a.ratio)[0];
  return {
    status: 'pass',
    evidence: top
      ? `Every quota limit ${where(check.namespace)} is below ${check.percent}%; highest: ${label(top)}.`
      : `The quotas ${where(check.namespace)} set no hard limits.`,
    refs: top ? [refOf('ResourceQuota', top.q)] : [],
  };
}

/** Policy types as the API defaults them: Ingress always, Egress when egress rules exist. */
function policyTypes(np: NetworkPolicy): string[] {
  if (np.spec?.policyTypes && np.spec.policyTypes.length > 0) return np.spec.policyTypes;
  return (np.spec as { egress?: unknown } | undefined)?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

export function networkPolicySelects(check: CheckOf<'networkPolicySelects'>, facts: Facts): Outcome {
  const ns = check.namespace;
  const type = check.policyType;
  const policies = facts.state.networkPolicies.filter(
    (np) => inNamespace(np, ns) && (type === undefined || policyTypes(np).includes(type)),
  );
  const npRef = (np: NetworkPolicy) => refOf('NetworkPolicy', np);
  const kind = type ? `${type} NetworkPolicy` : 'NetworkPolicy';
  if (policies.length === 0) return { status: 'fail', evidence: `No ${kind} in ${ns}.`, refs: [] };
  const pods = facts
    .pods(ns)
    .filter((p) => live(p) && (!check.selector || hasLabels(p.metadata?.labels, check.selector)));
  const subject = check.selector ? `pods matching ${selectorText(check.selector)} in ${ns}` : `pods in ${ns}`;
  const names = listed(policies, nameOf);
  if (pods.length === 0) {
    const sets = check.selector ? [check.selector] : [];
    const ok = sets.every((l) => policies.some((np) => selectorSelects(np.spec?.podSelector, l)));
    return {
      status: ok ? 'pass' : 'fail',
      evidence: ok
        ? `No ${subject} running yet; ${kind} ${names} will select them.`
        : `No ${kind} in ${ns} selects ${subject}.`,
      refs: named(policies.map(npRef)),
    };
  }
  const bare = pods.filter(
    (p) => !policies.some((np) => selectorSelects(np.spec?.podSelector, p.metadata?.labels ?? {})),
  );
  if (bare.length === 0)
    return {
      status: 'pass',
      evidence: `${kind} ${names} select${policies.length === 1 ? 's' : ''} all ${pods.length} ${subject}.`,
      refs: named(policies.map(npRef)),
    };
  const podRefs = bare.map((p) => refOf('Pod', p));
  return {
    status: 'fail',
    evidence: `${bare.length} of ${plural(pods.length, 'pod')} (${subject}) are selected by no ${kind}: ${listed(podRefs, qualified)}.`,
    refs: named(podRefs),
  };
}

export function argoApp(check: CheckOf<'argoApp'>, facts: Facts): Outcome {
  const sync = check.sync ?? (check.health === undefined ? ARGO_SYNC[0] : undefined);
  const health = check.health ?? (check.sync === undefined ? ARGO_HEALTH[0] : undefined);
  const wanted = [sync, health].filter((s) => s !== undefined).join(' and ');
  const apps = facts.state.applications.filter(
    (a) => inNamespace(a, check.namespace) && (check.names.length === 0 || check.names.includes(nameOf(a))),
  );
  const absent = check.names.filter((n) => !apps.some((a) => nameOf(a) === n));
  const appRef = (a: (typeof apps)[number]) => refOf('Application', a);
  if (absent.length > 0)
    return {
      status: 'fail',
      evidence: `Argo CD Application ${listed(absent, (n) => n)} not found.`,
      refs: [],
    };
  if (apps.length === 0) return { status: 'fail', evidence: 'No Argo CD Applications found.', refs: [] };
  const state = (a: (typeof apps)[number]) =>
    `${a.status?.sync?.status ?? 'Unknown'}, ${a.status?.health?.status ?? 'Unknown'}`;
  const off = apps.filter(
    (a) =>
      (sync !== undefined && a.status?.sync?.status !== sync) ||
      (health !== undefined && a.status?.health?.status !== health),
  );
  const subject =
    check.names.length === 0 ? `all ${plural(apps.length, 'Application')}` : listed(apps, nameOf);
  if (off.length === 0)
    return {
      status: 'pass',
      evidence: `Argo CD: ${subject} ${apps.length === 1 ? 'is' : 'are'} ${wanted}.`,
      refs: named(apps.map(appRef)),
    };
  const only = apps.length === 1 ? apps[0] : undefined;
  return {
    status: 'fail',
    evidence: only
      ? `Argo CD: ${nameOf(only)} is ${state(only)}, not ${wanted}.`
      : `Argo CD: ${off.length} of ${plural(apps.length, 'Application')} not ${wanted}: ${listed(off, (a) => `${nameOf(a)} (${state(a)})`)}.`,
    refs: named(off.map(appRef)),
  };
}

/** DNS names compare case-insensitively, and "a.b." is "a.b". */
const host = (s: string) => s.trim().toLowerCase().replace(/\.$/, '');

export function serviceExternalName(check: CheckOf<'serviceExternalName'>, facts: Facts): Outcome {
  const label = `Service ${check.namespace}/${check.name}`;
  const svc = facts.state.services.find((s) => inNamespace(s, check.namespace) && nameOf(s) === check.name);
  if (!svc) return { status: 'fail', evidence: `${label} not found.`, refs: [] };
  const self = [refOf('Service', svc)];
  const type = svc.spec?.type ?? 'ClusterIP';
  if (type !== 'ExternalName')
    return {
      status: 'fail',
      evidence: `${label} is type ${type}, not ExternalName → ${check.equals}.`,
      refs: self,
    };
  const target = svc.spec?.externalName ?? '';
  return host(target) === host(check.equals)
    ? { status: 'pass', evidence: `${label} → ${target}.`, refs: self }
    : {
        status: 'fail',
        evidence: `${label} → ${target || '(empty)'}, expected ${check.equals}.`,
        refs: self,
      };
}
