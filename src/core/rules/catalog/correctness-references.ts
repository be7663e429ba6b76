import { isScalar, type YAMLMap } from 'yaml';
import {
  getMap,
  getMapPath,
  getSeq,
  mapItems,
  pairOf,
  scalar,
  str,
  stringRecord,
} from '../../manifest/nodes';
import { objectName, podCarriers, templateLabels } from '../helpers';
import { sameNamespace, selects, type IndexedObject } from '../scope';
import type { Rule, RuleContext } from '../types';

const SERVICE: ReadonlySet<string> = new Set(['Service']);
const inNamespace = (ctx: RuleContext, predicate: (o: IndexedObject) => boolean) =>
  ctx.index.objects.filter((o) => sameNamespace(o.identity, ctx.object.identity) && predicate(o));
const podsSelectedBy = (ctx: RuleContext, selector: Record<string, string>) =>
  inNamespace(
    ctx,
    (o) => o.podLabels !== undefined && selects({ matchLabels: selector, matchExpressions: [] }, o.podLabels),
  );
const hasPodCarriers = (ctx: RuleContext) => inNamespace(ctx, (o) => o.podLabels !== undefined).length > 0;

export const serviceNoMatchingPods: Rule = {
  id: 'service-no-matching-pods',
  number: 49,
  category: 'correctness',
  title: 'Service selects no pods',
  severity: 'warning',
  fixClass: 'none',
  kinds: SERVICE,
  crossResource: true,
  docs: {
    what: "A Service's selector matches no pod template in scope.",
    why: "A Service without endpoints accepts connections and drops them: clients see timeouts far from the cause (the seeds' DataHub GMS waited on an Elasticsearch endpoint that never registered).",
    fix: 'Make the selector match the pod template labels (or the labels match the selector). Only reported when the scope holds workloads in the namespace.',
    anchors:
      'kube-linter `dangling-service`★; kube-score `service-targets-pod`; Popeye POP-1100, POP-1105 (live).',
  },
  check(ctx) {
    const selectorMap = getMapPath(ctx.object.node, ['spec', 'selector'], ctx.doc);
    const selector = stringRecord(selectorMap);
    if (!selector || Object.keys(selector).length === 0 || !hasPodCarriers(ctx)) return;
    if (selectorMap && selectorMap.items.some((p) => ctx.isTemplated(p.value as never))) return;
    if (podsSelectedBy(ctx, selector).length > 0) return;
    ctx.report({
      message: `Service "${objectName(ctx)}" selects ${Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}, which no pod template in ${ctx.index.scope} scope carries.`,
      at: pairOf(getMap(ctx.object.node, 'spec', ctx.doc), 'selector'),
    });
  },
};

/** IANA service name syntax: ≤ 15 chars, lowercase alphanumerics and '-', at least one letter, no '--', no edge '-'. */
export function validPortName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 15 &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) &&
    /[a-z]/.test(name) &&
    !name.includes('--')
  );
}

export const serviceTargetPort: Rule = {
  id: 'service-target-port',
  number: 50,
  category: 'correctness',
  title: 'Service targetPort invalid or not exposed',
  severity: 'error',
  fixClass: 'none',
  kinds: SERVICE,
  crossResource: true,
  docs: {
    what: "A Service port's `targetPort` is an invalid port name or number, or a name that none of the selected pods' containers declares.",
    why: 'Traffic is sent to a port nothing listens on: the Service has endpoints and still every request fails.',
    fix: 'Use a container port name that exists (preferred) or the right number.',
    anchors: 'kube-linter `invalid-target-ports`★; Popeye POP-1106, POP-1102.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    const selector = stringRecord(getMap(spec, 'selector', ctx.doc));
    const pods = selector && Object.keys(selector).length > 0 ? podsSelectedBy(ctx, selector) : [];
    const names = new Set(
      pods.flatMap((p) => p.containerPorts ?? []).flatMap((p) => (p.name ? [p.name] : [])),
    );
    for (const { node } of mapItems(getSeq(spec, 'ports', ctx.doc), ctx.doc)) {
      const pair = pairOf(node, 'targetPort');
      if (!pair?.value || !isScalar(pair.value) || ctx.isTemplated(pair.value)) continue;
      const value = scalar(pair.value);
      if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) {
        const n = Number(value);
        if (n < 1 || n > 65535)
          ctx.report({ message: `targetPort ${n} is not a valid port number (1–65535).`, at: pair.value });
      } else if (typeof value === 'string') {
        if (!validPortName(value))
          ctx.report({
            message: `targetPort "${value}" is not a valid port name (≤ 15 lowercase letters, digits and dashes, with a letter).`,
            at: pair.value,
          });
        else if (pods.length > 0 && !names.has(value))
          ctx.report({
            message: `targetPort "${value}" is not a port name of the pods this Service selects (${[...names].join(', ') || 'they declare no named ports'}).`,
            at: pair.value,
          });
      }
    }
  },
};

/** Ingress backends, HPA targets, NetworkPolicy and ServiceMonitor selectors that find nothing. */
export const danglingReference: Rule = {
  id: 'dangling-reference',
  number: 51,
  category: 'correctness',
  title: 'Reference to nothing',
  severity: 'warning',
  fixClass: 'none',
  kinds: new Set(['Ingress', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'ServiceMonitor']),
  crossResource: true,
  docs: {
    what: "An Ingress backend names no Service in scope; an HPA's scaleTargetRef names no workload; a NetworkPolicy's podSelector or a ServiceMonitor's selector matches nothing.",
    why: 'These objects apply cleanly and do nothing: the Ingress returns 503, the HPA never scales, the policy protects no pod, the monitor scrapes nothing.',
    fix: 'Fix the name or selector. Only reported when the scope holds objects of the target kind in the namespace, so a file applied beside others is not flagged.',
    anchors:
      'kube-linter `dangling-ingress`, `dangling-horizontalpodautoscaler`, `dangling-networkpolicy`, `dangling-networkpolicypeer-podselector`, `dangling-servicemonitor`; kube-score `ingress-targets-service`, `horizontalpodautoscaler-has-target`, `networkpolicy-targets-pod`; Popeye POP-600, 1200, 1401, 1402.',
  },
  check(ctx) {
    const kind = ctx.object.identity.kind;
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (kind === 'Ingress') {
      const services = inNamespace(ctx, (o) => o.identity.kind === 'Service');
      if (services.length === 0) return;
      const visit = (node: YAMLMap | undefined): void => {
        if (!node) return;
        const service = getMap(node, 'service', ctx.doc);
        const namePair = pairOf(service, 'name') ?? pairOf(node, 'serviceName');
        const name = scalar(namePair?.value ?? undefined);
        if (
          typeof name === 'string' &&
          !ctx.isTemplated(namePair?.value) &&
          !services.some((s) => s.identity.name === name)
        ) {
          ctx.report({
            message: `Ingress "${objectName(ctx)}" routes to Service "${name}", which is not in ${ctx.index.scope} scope.`,
            at: namePair?.value ?? namePair,
          });
        }
      };
      const backend = getMap(spec, 'defaultBackend', ctx.doc);
      if (backend) visit(backend);
      for (const { node: rule } of mapItems(getSeq(spec, 'rules', ctx.doc), ctx.doc)) {
        for (const { node: path } of mapItems(
          getSeq(getMap(rule, 'http', ctx.doc), 'paths', ctx.doc),
          ctx.doc,
        ))
          visit(getMap(path, 'backend', ctx.doc));
      }
    } else if (kind === 'HorizontalPodAutoscaler') {
      const ref = getMap(spec, 'scaleTargetRef', ctx.doc);
      const targetKind = str(ref, 'kind', ctx.doc);
      const name = str(ref, 'name', ctx.doc);
      const candidates = inNamespace(ctx, (o) => o.identity.kind === targetKind);
      if (!name || candidates.length === 0 || candidates.some((o) => o.identity.name === name)) return;
      ctx.report({
        message: `HPA "${objectName(ctx)}" targets ${targetKind ?? '?'} "${name}", which is not in ${ctx.index.scope} scope.`,
        at: pairOf(ref, 'name'),
      });
    } else if (kind === 'NetworkPolicy') {
      const selector = stringRecord(getMap(getMap(spec, 'podSelector', ctx.doc), 'matchLabels', ctx.doc));
      if (
        !selector ||
        Object.keys(selector).length === 0 ||
        !hasPodCarriers(ctx) ||
        podsSelectedBy(ctx, selector).length > 0
      )
        return;
      ctx.report({
        message: `NetworkPolicy "${objectName(ctx)}" selects no pod in ${ctx.index.scope} scope: it protects nothing.`,
        at: pairOf(spec, 'podSelector'),
      });
    } else if (kind === 'ServiceMonitor') {
      const selector = stringRecord(getMap(getMap(spec, 'selector', ctx.doc), 'matchLabels', ctx.doc));
      const services = ctx.index.objects.filter((o) => o.identity.kind === 'Service');
      if (!selector || services.length === 0) return;
      // A ServiceMonitor matches Service *labels*; the index keeps Service selectors, so we
      // compare against the pods' labels those Services select as the closest available signal.
      if (
        services.some(
          (s) => s.serviceLabels && selects({ matchLabels: selector, matchExpressions: [] }, s.serviceLabels),
        )
      )
        return;
      ctx.report({
        message: `ServiceMonitor "${objectName(ctx)}" selects no Service in ${ctx.index.scope} scope.`,
        at: pairOf(spec, 'selector'),
      });
    }
  },
};

export const networkPolicyMissing: Rule = {
  id: 'network-policy-missing',
  number: 52,
  category: 'correctness',
  title: 'Pods not isolated by a NetworkPolicy',
  severity: 'info',
  fixClass: 'scaffold',
  kinds: podCarriers,
  crossResource: true,
  docs: {
    what: "No NetworkPolicy in scope selects the workload's pods.",
    why: "Without a policy any pod in the cluster can connect to these pods — one compromised pod reaches every database. The seeds' phase 3 added network policies for external DB access.",
    fix: 'Add a default-deny ingress policy, then allow what is needed. The scaffold appends a NetworkPolicy denying all ingress to the pod labels (egress is left open: denying it also blocks DNS; the runbook has an egress snippet for DB ports 5432/3306 and 443).',
    anchors:
      'kube-linter `non-isolated-pod`; Polaris `missingNetworkPolicy` (warning); kube-score `pod-networkpolicy`; Kubescape C-0260; Checkov CKV2_K8S_6; Popeye POP-1204/1205 (live).',
  },
  check(ctx) {
    const labels = templateLabels(ctx);
    if (!labels || Object.keys(labels).length === 0) return;
    const covered =
      inNamespace(
        ctx,
        (o) =>
          o.identity.kind === 'NetworkPolicy' &&
          selects(o.selector ?? { matchLabels: {}, matchExpressions: [] }, labels),
      ).length > 0;
    if (!covered)
      ctx.report({
        message: `No NetworkPolicy in ${ctx.index.scope} scope selects ${objectName(ctx)}'s pods: anything in the cluster can reach them.`,
        at: pairOf(ctx.object.node, 'kind'),
      });
  },
  fix: {
    class: 'scaffold',
    title: 'Add a default-deny ingress NetworkPolicy',
    apply(ctx) {
      const labels = templateLabels(ctx);
      if (!labels) return undefined;
      const { name, namespace } = ctx.object.identity;
      return [
        ctx.editor.appendDocument(
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: `${name ?? 'workload'}-deny-ingress`, ...(namespace ? { namespace } : {}) },
            spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'] },
          },
          `Denies all ingress to ${name ?? 'the workload'}; add allow rules for its clients (see the runbook's NetworkPolicy snippets).`,
        ),
      ];
    },
  },
};

export const referenceRules: readonly Rule[] = [
  serviceNoMatchingPods,
  serviceTargetPort,
  danglingReference,
  networkPolicyMissing,
];
