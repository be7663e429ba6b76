/**
 * Checks answered from ResourceQuotas and NetworkPolicies: a quota in each namespace, quota
 * usage, pods selected by a policy.
 */
import { isScalar } from 'yaml';
import { parseQuantity } from '../../health/quantity';
import type { NetworkPolicy } from '../../k8s/types';
import type { CheckDefinition } from '../definition';
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
} from '../facts';
import type { Labels } from '../types';
import { DNS_LABEL, paramsSchema, params, readNamespace, ref } from './params';

export interface QuotaInNamespacesCheck {
  readonly kind: 'quotaInNamespaces';
  readonly namespaces: readonly string[];
}
export interface QuotaUsageBelowCheck {
  readonly kind: 'quotaUsageBelow';
  readonly percent: number;
  readonly namespace?: string;
}
export interface NetworkPolicySelectsCheck {
  readonly kind: 'networkPolicySelects';
  readonly namespace: string;
  readonly selector?: Labels;
  readonly policyType?: 'Ingress' | 'Egress';
}

export const quotaInNamespaces: CheckDefinition<QuotaInNamespacesCheck> = {
  kind: 'quotaInNamespaces',
  describe: 'Each namespace has a ResourceQuota. Example: `{ quotaInNamespaces: [data-platform, kafka] }`.',
  schema: { type: 'array', minItems: 1, items: ref('namespace') },
  parse(value, r) {
    const list = r.strings(value, 'quotaInNamespaces');
    if (!list) return undefined;
    const namespaces = list.filter((ns) => DNS_LABEL.test(ns));
    if (namespaces.length !== list.length || namespaces.length === 0) {
      r.report(value, 'quotaInNamespaces needs one or more valid namespace names.');
      return undefined;
    }
    return { kind: 'quotaInNamespaces', namespaces };
  },
  needs: () => ['resourceQuotas'],
  evaluate(check, facts) {
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
  },
};

export const quotaUsageBelow: CheckDefinition<QuotaUsageBelowCheck> = {
  kind: 'quotaUsageBelow',
  describe:
    'Every ResourceQuota uses less than N% of each hard limit. Example: `{ quotaUsageBelow: 90, namespace: data-platform }`.',
  schema: ref('percent'),
  namespaceBeside: true,
  parse(value, r) {
    const percent = r.percent(value, 'quotaUsageBelow');
    return percent === undefined ? undefined : { kind: 'quotaUsageBelow', percent };
  },
  needs: () => ['resourceQuotas'],
  evaluate(check, facts) {
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
  },
};

const POLICY_TYPES = ['Ingress', 'Egress'] as const;

/** Policy types as the API defaults them: Ingress always, Egress when egress rules exist. */
function policyTypes(np: NetworkPolicy): string[] {
  if (np.spec?.policyTypes && np.spec.policyTypes.length > 0) return np.spec.policyTypes;
  return (np.spec as { egress?: unknown } | undefined)?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

export const networkPolicySelects: CheckDefinition<NetworkPolicySelectsCheck> = {
  kind: 'networkPolicySelects',
  describe:
    'NetworkPolicies (of a type) select every pod in a namespace, or every pod with some labels. Example: `{ networkPolicySelects: { namespace: data-platform, policyType: Egress } }`.',
  schema: {
    oneOf: [
      ref('namespace'),
      paramsSchema(['namespace'], {
        namespace: ref('namespace'),
        selector: ref('labels'),
        policyType: { enum: POLICY_TYPES },
      }),
    ],
  },
  parse(value, r) {
    const kind = 'networkPolicySelects';
    if (isScalar(value)) {
      const namespace = readNamespace(value, r);
      return namespace ? { kind, namespace } : undefined;
    }
    const p = params(value, r, kind, ['namespace', 'selector', 'policyType'], ['namespace']);
    if (!p) return undefined;
    const namespace = readNamespace(p.get('namespace'), r);
    const selector = p.has('selector') ? r.labels(p.get('selector'), 'selector') : undefined;
    const type = p.has('policyType') ? r.string(p.get('policyType'), 'policyType') : undefined;
    const policyType = type === undefined ? undefined : POLICY_TYPES.find((t) => t === type);
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
  },
  needs: () => ['networkPolicies', 'pods'],
  evaluate(check, facts) {
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
    const subject = check.selector
      ? `pods matching ${selectorText(check.selector)} in ${ns}`
      : `pods in ${ns}`;
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
  },
};
