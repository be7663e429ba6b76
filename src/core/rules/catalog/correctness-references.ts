import { isScalar, type Node, type YAMLMap } from 'yaml';
import { getMap, getSeq, mapItems, pairOf, scalar, str, stringRecord, strings } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { isTrue, objectName, podCarriers, templateLabels } from '../helpers';
import {
  POD_TEMPLATES,
  anyPodTemplateSelected,
  objectsInScope,
  podTemplatesCarrying,
  selectorData,
  selects,
  type IndexedObject,
  type SelectorData,
} from '../scope';
import { CONTROLLER_LABELS, podLabelsFor } from '../pod-owners';
import type { ReportInput, Rule, RuleContext } from '../types';

const SERVICE: ReadonlySet<string> = new Set(['Service']);

/** Objects of the rule's namespace in scope that create pods. */
function podCarriersInScope(ctx: RuleContext): readonly IndexedObject[] {
  return objectsInScope(ctx.index, POD_TEMPLATES, ctx.object.identity.namespace);
}

const describeSelector = (selector: Readonly<Record<string, string>>) =>
  Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

/** True when any key or value of a map is template output (never judge those). */
function anyTemplated(ctx: RuleContext, map: YAMLMap | undefined): boolean {
  return (map?.items ?? []).some((p) => ctx.isTemplated(p.key as Node) || ctx.isTemplated(p.value as Node));
}

/** Does a selector select the pods a carrier creates (controller-added labels included)? */
const selectsPodsOf = (selector: SelectorData, o: IndexedObject) =>
  selects(selector, podLabelsFor(selector, o));

/**
 * When a CRD in scope could own the pods (an operator creates them from its custom resources),
 * "selects nothing" is a guess: info, with the reason, instead of a warning.
 */
function operatorCaveat(ctx: RuleContext): Pick<ReportInput, 'severity'> & { note: string } {
  const crds = objectsInScope(ctx.index, 'CustomResourceDefinition', undefined);
  if (crds.length === 0) return { note: '' };
  const names = crds.map((c) => c.identity.name ?? '?').sort();
  return {
    severity: 'info',
    note: ` — unless an operator creates them: CustomResourceDefinition "${names[0] ?? '?'}"${names.length > 1 ? ` (and ${names.length - 1} more)` : ''} in scope defines custom resources that may own pods`,
  };
}

/** A stable order for naming one object among several (index order depends on file and thread order). */
const stableKey = (o: IndexedObject) =>
  `${o.identity.kind ?? ''}\u0000${o.identity.namespace ?? ''}\u0000${o.identity.name ?? ''}\u0000${o.file}`;

/** Whether a selector is empty (selects every pod), i.e. cannot dangle. */
const isEmptySelector = (s: SelectorData) =>
  Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;

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
    what: "A Service's `spec.selector` matches no pod template of its namespace in scope.",
    why: "A Service without endpoints resolves in DNS and accepts connections, then refuses or drops them: clients time out far from the cause. It looks exactly like the seeds' DataHub GMS, stuck waiting for an Elasticsearch endpoint that never registered.",
    fix: 'Make the selector match the pod template labels (or the labels match the selector); the message names the closest workload. Only reported when the scope holds pod templates of the namespace. Services without a selector (ExternalName, or endpoints managed by hand or by an operator) are never reported. Pods that prometheus-operator creates from `Prometheus`, `PrometheusAgent`, `Alertmanager` and `ThanosRuler` resources in scope count, with their known labels and `spec.podMetadata.labels`; labels controllers add (`statefulset.kubernetes.io/pod-name`, `pod-template-hash`, `job-name`…) count for the workloads whose controller adds them. When a CustomResourceDefinition is in scope, an operator may create the pods: the finding is info and says so. The "closest" workload is chosen the same way whatever the file or thread order.',
    anchors:
      'kube-linter `dangling-service`★; kube-score `service-targets-pod`; Popeye POP-1100, POP-1105 (live).',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (str(spec, 'type', ctx.doc) === 'ExternalName') return;
    const selectorMap = getMap(spec, 'selector', ctx.doc);
    const selector = stringRecord(selectorMap);
    if (!selector || Object.keys(selector).length === 0 || anyTemplated(ctx, selectorMap)) return;
    const carriers = podCarriersInScope(ctx);
    if (carriers.length === 0) return;
    // The index answers the common case (something matches) without scanning every workload.
    if (anyPodTemplateSelected(ctx.index, ctx.object.identity.namespace, selector)) return;
    const wanted = { matchLabels: selector, matchExpressions: [] };
    if (carriers.some((o) => selectsPodsOf(wanted, o))) return;
    // The workload carrying most of the selector's labels is the likely intended target; ties go
    // to the first in a stable order, so the same input gives the same message at any thread count.
    let closest: { object: IndexedObject; score: number; key: string } | undefined;
    for (const o of carriers) {
      const score = Object.entries(selector).filter(([k, v]) => o.podLabels?.[k] === v).length;
      if (score === 0 || score < (closest?.score ?? 0)) continue;
      const key = stableKey(o);
      if (!closest || score > closest.score || key < closest.key) closest = { object: o, score, key };
    }
    const caveat = operatorCaveat(ctx);
    const hint = closest
      ? ` (closest: ${closest.object.identity.kind ?? ''} "${closest.object.identity.name ?? '?'}" with ${describeSelector(closest.object.podLabels ?? {})})`
      : '';
    ctx.report({
      message: `Service "${objectName(ctx)}" selects ${describeSelector(selector)}, which no pod template in ${ctx.index.scope} scope carries${hint}: it has no endpoints${caveat.note}.`,
      at: pairOf(spec, 'selector'),
      ...(caveat.severity ? { severity: caveat.severity } : {}),
    });
  },
};

/** IANA service name (container port names, named targetPorts): ≤ 15 chars, a-z 0-9 '-', a letter, no '--'. */
export function validPortName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 15 &&
    IANA_NAME.test(name) &&
    HAS_LETTER.test(name) &&
    !name.includes('--')
  );
}
const IANA_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const HAS_LETTER = /[a-z]/;
/** Service port names are DNS labels (RFC 1123, ≤ 63). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DIGITS = /^\d+$/;

function portNameProblem(name: string): string {
  if (DIGITS.test(name))
    return 'it has no letter: a quoted number is a name, not a number — remove the quotes';
  if (name.length > 15) return 'it is longer than 15 characters';
  return "use lowercase letters, digits and single '-' only";
}

export const serviceTargetPort: Rule = {
  id: 'service-target-port',
  number: 50,
  category: 'correctness',
  title: 'Service targetPort invalid or not exposed',
  severity: 'error',
  fixClass: 'none',
  kinds: new Set([...SERVICE, ...podCarriers]),
  crossResource: true,
  docs: {
    what: "A Service's `targetPort` is an invalid port number or name, or a name that none of the selected pods' containers declares; a Service with several ports leaves one unnamed or names it badly; a container port name is not a valid IANA service name.",
    why: 'The API server rejects invalid names and numbers. A valid name that no selected container declares is worse: the Service has endpoints and every request to that port fails.',
    fix: 'Use a container port name that exists (preferred: the Service keeps working when the port number changes) or the right number. Port names referenced by `targetPort` and declared by containers are IANA service names: at most 15 lowercase letters, digits and single dashes, with at least one letter. Service port names are DNS labels, and required when a Service has more than one port.',
    anchors: 'kube-linter `invalid-target-ports`★; Popeye POP-1106, POP-1102.',
  },
  check(ctx) {
    if (ctx.object.identity.kind !== 'Service') {
      checkContainerPortNames(ctx);
      return;
    }
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    const selectorMap = getMap(spec, 'selector', ctx.doc);
    const selector = stringRecord(selectorMap);
    // Through the label index: a Service costs the templates sharing its labels (issue 18).
    const pods =
      selector && Object.keys(selector).length > 0 && !anyTemplated(ctx, selectorMap)
        ? (
            podTemplatesCarrying(
              ctx.index,
              ctx.object.identity.namespace,
              selector,
              (key) => !CONTROLLER_LABELS.has(key),
            ) ?? podCarriersInScope(ctx)
          ).filter((o) => selectsPodsOf({ matchLabels: selector, matchExpressions: [] }, o))
        : [];
    // Pods an operator makes from a custom resource have containers no manifest shows.
    const portsKnown = pods.every((p) => p.managedBy === undefined);
    const names = new Set(
      pods.flatMap((p) => p.containerPorts ?? []).flatMap((p) => (p.name ? [p.name] : [])),
    );
    const ports = mapItems(getSeq(spec, 'ports', ctx.doc), ctx.doc);
    const service = objectName(ctx);
    for (const { node, index } of ports) {
      const namePair = pairOf(node, 'name');
      const portName = scalar(namePair?.value ?? undefined);
      if (ports.length > 1 && (portName === undefined || portName === null || portName === '')) {
        ctx.report({
          message: `Service "${service}" has ${ports.length} ports and port ${index + 1} has no name: the API server requires a name on every port of a multi-port Service.`,
          at: namePair ?? pairOf(node, 'port') ?? node,
        });
      } else if (
        typeof portName === 'string' &&
        !ctx.isTemplated(namePair?.value) &&
        (portName.length > 63 || !DNS_LABEL.test(portName))
      ) {
        ctx.report({
          message: `Service "${service}" port name "${portName}" is not a DNS label (lowercase letters, digits and '-', at most 63): the API server rejects it.`,
          at: namePair?.value,
        });
      }
      const pair = pairOf(node, 'targetPort');
      if (!pair?.value || !isScalar(pair.value) || ctx.isTemplated(pair.value)) continue;
      const value = scalar(pair.value);
      if (typeof value === 'number') {
        if (!Number.isInteger(value) || value < 1 || value > 65535)
          ctx.report({
            message: `Service "${service}" targetPort ${value} is not a port number (1–65535): the API server rejects it.`,
            at: pair.value,
          });
      } else if (typeof value === 'string') {
        if (!validPortName(value))
          ctx.report({
            message: `Service "${service}" targetPort "${value}" is not a valid port name (${portNameProblem(value)}): the API server rejects it.`,
            at: pair.value,
          });
        else if (pods.length > 0 && portsKnown && !names.has(value))
          ctx.report({
            message: `Service "${service}" sends port ${String(scalar(pairOf(node, 'port')?.value ?? undefined) ?? index + 1)} to targetPort "${value}", which no container of the selected pods declares (${[...names].join(', ') || 'they declare no named ports'}): every request fails.`,
            at: pair.value,
          });
      }
    }
  },
};

function checkContainerPortNames(ctx: RuleContext): void {
  const spec = podSpecOf(ctx.object);
  if (!spec) return;
  for (const group of ['containers', 'initContainers'] as const) {
    for (const { node: container } of mapItems(getSeq(spec.spec, group, ctx.doc), ctx.doc)) {
      const containerName = str(container, 'name', ctx.doc) ?? '?';
      for (const { node: port } of mapItems(getSeq(container, 'ports', ctx.doc), ctx.doc)) {
        const pair = pairOf(port, 'name');
        const name = scalar(pair?.value ?? undefined);
        if (typeof name !== 'string' || ctx.isTemplated(pair?.value) || validPortName(name)) continue;
        ctx.report({
          message: `${ctx.object.identity.kind ?? 'Pod'} "${objectName(ctx)}" container "${containerName}" has port name "${name}", which is not a valid IANA service name (${portNameProblem(name)}): the API server rejects the pod.`,
          at: pair?.value,
          container: containerName,
        });
      }
    }
  }
}

/** Services a ServiceMonitor watches: its own namespace unless `namespaceSelector` says otherwise. */
function watchedServices(ctx: RuleContext, spec: YAMLMap | undefined): readonly IndexedObject[] {
  const namespaceSelector = getMap(spec, 'namespaceSelector', ctx.doc);
  if (isTrue(namespaceSelector, 'any', ctx)) return objectsInScope(ctx.index, 'Service', undefined);
  const names = strings(getSeq(namespaceSelector, 'matchNames', ctx.doc)).map((s) => s.value);
  if (names.length === 0) return objectsInScope(ctx.index, 'Service', ctx.object.identity.namespace);
  return [...new Set(names.flatMap((n) => objectsInScope(ctx.index, 'Service', n)))];
}

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
    what: "An Ingress backend names a Service (or a Service port) that is not in scope; an HPA's `scaleTargetRef` names no workload; a NetworkPolicy's `podSelector` (or a peer's `podSelector` in the same namespace) matches no pod template; a ServiceMonitor's `selector` matches no Service in the namespaces it watches.",
    why: 'These objects apply cleanly and do nothing: the Ingress answers 503, the HPA never scales (and reports `FailedGetScale`), the NetworkPolicy protects nothing or allows traffic from nobody, the ServiceMonitor scrapes nothing and the dashboards stay empty.',
    fix: 'Fix the name or the selector. Each target is only looked for when the scope holds objects of its kind in the namespace, so a file applied beside the others is not flagged; widen the scope (folder or workspace) for a complete check. NetworkPolicy selectors match the pods of prometheus-operator custom resources (`Prometheus`, `Alertmanager`…) and labels controllers add (`statefulset.kubernetes.io/pod-name: web-0` on StatefulSet `web`); with a CustomResourceDefinition in scope, a selector that matches nothing is info (an operator may create the pods).',
    anchors:
      'kube-linter `dangling-ingress`, `dangling-horizontalpodautoscaler`, `dangling-networkpolicy`, `dangling-networkpolicypeer-podselector`, `dangling-servicemonitor`; kube-score `ingress-targets-service`, `horizontalpodautoscaler-has-target`, `networkpolicy-targets-pod`; Popeye POP-600, 1200, 1401, 1402.',
  },
  check(ctx) {
    const kind = ctx.object.identity.kind;
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!spec) return;
    if (kind === 'Ingress') checkIngress(ctx, spec);
    else if (kind === 'HorizontalPodAutoscaler') checkHpa(ctx, spec);
    else if (kind === 'NetworkPolicy') checkNetworkPolicy(ctx, spec);
    else if (
      kind === 'ServiceMonitor' &&
      ctx.object.identity.apiVersion?.startsWith('monitoring.coreos.com/')
    )
      checkServiceMonitor(ctx, spec);
  },
};

function checkIngress(ctx: RuleContext, spec: YAMLMap): void {
  const services = objectsInScope(ctx.index, 'Service', ctx.object.identity.namespace);
  if (services.length === 0) return;
  const backends: YAMLMap[] = [];
  for (const key of ['defaultBackend', 'backend']) {
    const backend = getMap(spec, key, ctx.doc);
    if (backend) backends.push(backend);
  }
  for (const { node: rule } of mapItems(getSeq(spec, 'rules', ctx.doc), ctx.doc)) {
    for (const { node: path } of mapItems(getSeq(getMap(rule, 'http', ctx.doc), 'paths', ctx.doc), ctx.doc)) {
      const backend = getMap(path, 'backend', ctx.doc);
      if (backend) backends.push(backend);
    }
  }
  for (const backend of backends) {
    // networking.k8s.io/v1: service.{name, port.{number|name}}; v1beta1: serviceName/servicePort.
    const service = getMap(backend, 'service', ctx.doc);
    const namePair = pairOf(service, 'name') ?? pairOf(backend, 'serviceName');
    const name = scalar(namePair?.value ?? undefined);
    if (typeof name !== 'string' || ctx.isTemplated(namePair?.value)) continue;
    const target = services.find((s) => s.identity.name === name);
    if (!target) {
      ctx.report({
        message: `Ingress "${objectName(ctx)}" routes to Service "${name}", which is not in ${ctx.index.scope} scope: requests get 503.`,
        at: namePair?.value,
      });
      continue;
    }
    const port = getMap(service, 'port', ctx.doc);
    const portPair = pairOf(port, 'number') ?? pairOf(port, 'name') ?? pairOf(backend, 'servicePort');
    const wanted = scalar(portPair?.value ?? undefined);
    if (wanted === undefined || wanted === null || ctx.isTemplated(portPair?.value) || !target.servicePorts)
      continue;
    const exposed = target.servicePorts.some((p) =>
      typeof wanted === 'number' ? p.port === wanted : p.name === wanted,
    );
    if (!exposed)
      ctx.report({
        message: `Ingress "${objectName(ctx)}" routes to port ${String(wanted)} of Service "${name}", which exposes ${target.servicePorts.map((p) => (p.name ? `${p.name} (${p.port ?? '?'})` : String(p.port))).join(', ') || 'no ports'}: requests get 503.`,
        at: portPair?.value,
      });
  }
}

function checkHpa(ctx: RuleContext, spec: YAMLMap): void {
  const ref = getMap(spec, 'scaleTargetRef', ctx.doc);
  const targetKind = str(ref, 'kind', ctx.doc);
  const namePair = pairOf(ref, 'name');
  const name = scalar(namePair?.value ?? undefined);
  if (!targetKind || typeof name !== 'string' || ctx.isTemplated(namePair?.value)) return;
  const candidates = objectsInScope(ctx.index, targetKind, ctx.object.identity.namespace);
  if (candidates.length === 0 || candidates.some((o) => o.identity.name === name)) return;
  ctx.report({
    message: `HorizontalPodAutoscaler "${objectName(ctx)}" scales ${targetKind} "${name}", which is not in ${ctx.index.scope} scope: it never scales anything.`,
    at: namePair?.value,
  });
}

function checkNetworkPolicy(ctx: RuleContext, spec: YAMLMap): void {
  const carriers = podCarriersInScope(ctx);
  if (carriers.length === 0) return;
  const selected = (map: YAMLMap | undefined) => {
    const selector = selectorData(map, ctx.doc);
    return !selector || isEmptySelector(selector) || anyTemplated(ctx, getMap(map, 'matchLabels', ctx.doc))
      ? true
      : carriers.some((o) => selectsPodsOf(selector, o));
  };
  const caveat = operatorCaveat(ctx);
  const severity = caveat.severity ? { severity: caveat.severity } : {};
  if (!selected(getMap(spec, 'podSelector', ctx.doc))) {
    ctx.report({
      message: `NetworkPolicy "${objectName(ctx)}" selects no pod template in ${ctx.index.scope} scope: it protects nothing${caveat.note}.`,
      at: pairOf(spec, 'podSelector'),
      ...severity,
    });
  }
  // Peers with a podSelector and no namespaceSelector mean pods of the policy's own namespace.
  for (const [section, peersKey, direction] of [
    ['ingress', 'from', 'from'],
    ['egress', 'to', 'to'],
  ] as const) {
    for (const { node: rule } of mapItems(getSeq(spec, section, ctx.doc), ctx.doc)) {
      for (const { node: peer } of mapItems(getSeq(rule, peersKey, ctx.doc), ctx.doc)) {
        if (pairOf(peer, 'namespaceSelector') || selected(getMap(peer, 'podSelector', ctx.doc))) continue;
        const labels =
          stringRecord(getMap(getMap(peer, 'podSelector', ctx.doc), 'matchLabels', ctx.doc)) ?? {};
        ctx.report({
          message: `NetworkPolicy "${objectName(ctx)}" allows traffic ${direction} pods ${describeSelector(labels) || 'matching its expressions'}, but no pod template in ${ctx.index.scope} scope matches: the rule allows nothing${caveat.note}.`,
          at: pairOf(peer, 'podSelector'),
          ...severity,
        });
      }
    }
  }
}

function checkServiceMonitor(ctx: RuleContext, spec: YAMLMap): void {
  const selectorMap = getMap(spec, 'selector', ctx.doc);
  const selector = selectorData(selectorMap, ctx.doc);
  if (
    !selector ||
    isEmptySelector(selector) ||
    anyTemplated(ctx, getMap(selectorMap, 'matchLabels', ctx.doc))
  )
    return;
  const services = watchedServices(ctx, spec);
  if (services.length === 0 || services.some((s) => selects(selector, s.serviceLabels ?? {}))) return;
  ctx.report({
    message: `ServiceMonitor "${objectName(ctx)}" selects no Service${Object.keys(selector.matchLabels).length > 0 ? ` labelled ${describeSelector(selector.matchLabels)}` : ''} in ${ctx.index.scope} scope: Prometheus scrapes nothing.`,
    at: pairOf(spec, 'selector'),
  });
}

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
    what: "No NetworkPolicy of the namespace in scope selects the workload's pods.",
    why: "Without a policy every pod in the cluster can connect to these pods: one compromised pod reaches every database and admin UI. The seeds' phase 3 added network policies only when external database access forced it. (Pods on the host network are reported too: most network plugins do not apply policies to them, and the `host-network` rule asks to remove it.)",
    fix: 'Add a default-deny ingress policy, then allow the clients that need the pods. The scaffold appends a NetworkPolicy selecting the pod template labels with `policyTypes: [Ingress]` and no ingress rules: all ingress is denied. Egress is deliberately left open — a default-deny egress policy also blocks DNS and breaks every connection — and a comment in the appended document points to the runbook\'s egress snippet `k8s-netpol-db-egress` (step "Configure network policies": PostgreSQL 5432, MySQL 3306, HTTPS 443 and cluster DNS 53) for restricting it later.',
    anchors:
      'kube-linter `non-isolated-pod`; Polaris `missingNetworkPolicy` (warning); kube-score `pod-networkpolicy`; Kubescape C-0260; Checkov CKV2_K8S_6; Popeye POP-1204/1205 (live).',
  },
  check(ctx) {
    const pod = podSpecOf(ctx.object);
    if (!pod) return;
    const labelsMap = getMap(pod.podMeta, 'labels', ctx.doc);
    const labels = templateLabels(ctx);
    if (!labels || Object.keys(labels).length === 0 || anyTemplated(ctx, labelsMap)) return;
    const covered = objectsInScope(ctx.index, 'NetworkPolicy', ctx.object.identity.namespace).some((o) =>
      selects(o.selector ?? { matchLabels: {}, matchExpressions: [] }, labels),
    );
    if (covered) return;
    ctx.report({
      message: `No NetworkPolicy in ${ctx.index.scope} scope selects ${ctx.object.identity.kind ?? 'workload'} "${objectName(ctx)}"'s pods: any pod in the cluster can connect to them.`,
      at: pairOf(ctx.object.node, 'kind'),
      fixTitle: 'Append a default-deny ingress NetworkPolicy',
    });
  },
  fix: {
    class: 'scaffold',
    title: 'Append a default-deny ingress NetworkPolicy',
    apply(ctx) {
      const labels = templateLabels(ctx);
      if (!labels || Object.keys(labels).length === 0) return undefined;
      const { namespace } = ctx.object.identity;
      const name = objectName(ctx);
      const eol = ctx.editor.style.eol;
      return [
        ctx.editor.appendDocument(
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: `${name}-deny-ingress`, ...(namespace ? { namespace } : {}) },
            spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'] },
          },
          [
            `Default-deny ingress for ${name}: add ingress rules for the clients that must reach it.`,
            'Egress stays open (denying it also blocks DNS). To restrict it, use the runbook snippet',
            'k8s-netpol-db-egress ("Configure network policies"): PostgreSQL 5432, MySQL 3306, HTTPS 443, DNS 53.',
          ].join(`${eol}# `),
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
