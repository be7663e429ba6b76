import { isPair, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { Commented } from '../../edit/emit';
import { getMap, getMapPath, getSeq, mapItems, pairOf, scalar } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { hasSchema, isAmbiguousBoolean, valueKind } from '../../schema/validate';
import { objectName } from '../helpers';
import type { Rule, RuleContext } from '../types';

export const defaultNamespace: Rule = {
  id: 'default-namespace',
  number: 59,
  category: 'correctness',
  title: 'Object in the default namespace',
  severity: 'off',
  fixClass: 'none',
  docs: {
    what: 'The object sets `metadata.namespace: default` (opt-in rule). Objects without a namespace are not reported: they get one from `kubectl -n`, kustomize or Helm.',
    why: 'The default namespace has no quotas, network policies or owner: what lands there is forgotten, and shares its blast radius with everything else put there by mistake.',
    fix: 'Put the object in the namespace of its team or platform (the seeds use data-platform, kafka, monitoring…).',
    anchors: 'kube-linter `use-namespace`; Checkov CKV_K8S_21; Kubescape C-0061, C-0212; Datree #15.',
  },
  check(ctx) {
    const pair = pairOf(getMap(ctx.object.node, 'metadata', ctx.doc), 'namespace');
    if (scalar(pair?.value ?? undefined) !== 'default' || ctx.isTemplated(pair?.value)) return;
    ctx.report({
      message: `${ctx.object.identity.kind ?? 'Object'} "${objectName(ctx)}" lives in the default namespace, outside any team's quotas and policies.`,
      at: pair?.value,
    });
  },
};

export const serviceTypeExposed: Rule = {
  id: 'service-type-exposed',
  number: 60,
  category: 'correctness',
  title: 'Service exposed outside the cluster',
  severity: 'info',
  fixClass: 'none',
  kinds: new Set(['Service']),
  docs: {
    what: 'A Service has type NodePort or LoadBalancer.',
    why: "It is reachable from outside the cluster — on every node's address, or through a cloud load balancer — around the Ingress and its TLS, authentication and rate limits (a NodePort MinIO console or Kafka listener is a classic data leak).",
    fix: 'Prefer ClusterIP behind an Ingress for HTTP; keep LoadBalancer for what needs L4 exposure, restricted with `loadBalancerSourceRanges` or an internal load balancer annotation, and suppress the finding there.',
    anchors:
      'kube-linter `exposed-services`; kube-score `service-type`; Datree #7; Popeye POP-1103, POP-1104.',
  },
  check(ctx) {
    const pair = pairOf(getMap(ctx.object.node, 'spec', ctx.doc), 'type');
    const type = scalar(pair?.value ?? undefined);
    if ((type !== 'NodePort' && type !== 'LoadBalancer') || ctx.isTemplated(pair?.value)) return;
    ctx.report({
      message: `Service "${objectName(ctx)}" is a ${type}: reachable from outside the cluster ${type === 'NodePort' ? "on every node's address" : 'through a cloud load balancer'}, bypassing the Ingress.`,
      at: pair?.value,
    });
  },
};

/** Does a TLS host (possibly `*.example.com`) cover a rule host? */
function covers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.')) return false;
  const suffix = tlsHost.slice(1);
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
}

export const ingressTls: Rule = {
  id: 'ingress-tls',
  number: 61,
  category: 'correctness',
  title: 'Ingress without TLS',
  severity: 'info',
  fixClass: 'scaffold',
  kinds: new Set(['Ingress']),
  docs: {
    what: 'An Ingress has no `tls` section, serves a host its `tls` section does not cover, or routes a wildcard host.',
    why: 'Logins to Grafana, Superset, ArgoCD or DolphinScheduler cross the network in clear text; a wildcard host routes every name under the domain to one backend, including names nobody meant to publish.',
    fix: 'Add `tls` with a certificate Secret for every host (cert-manager can issue it). The scaffold inserts `tls: [{hosts: [<the rule hosts>], secretName: <ingress name>-tls}]` with a TODO comment: point it at an existing TLS Secret.',
    anchors: 'Polaris `tlsSettingsMissing` (warning); Datree #6.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!spec) return;
    const tlsPair = pairOf(spec, 'tls');
    const tlsHosts = mapItems(getSeq(spec, 'tls', ctx.doc), ctx.doc).flatMap(({ node }) =>
      (getSeq(node, 'hosts', ctx.doc)?.items ?? []).flatMap((h) => {
        const v = scalar(h as Node);
        return typeof v === 'string' ? [v] : [];
      }),
    );
    const name = objectName(ctx);
    for (const { node } of mapItems(getSeq(spec, 'rules', ctx.doc), ctx.doc)) {
      const hostPair = pairOf(node, 'host');
      const host = scalar(hostPair?.value ?? undefined);
      if (typeof host !== 'string' || ctx.isTemplated(hostPair?.value)) continue;
      if (host.startsWith('*')) {
        ctx.report({
          message: `Ingress "${name}" routes the wildcard host ${host}: every name under the domain reaches this backend.`,
          at: hostPair?.value,
          fixable: false,
        });
      } else if (tlsPair && !tlsHosts.some((t) => covers(t, host))) {
        ctx.report({
          message: `Ingress "${name}" serves ${host} over plain HTTP: no tls entry covers it.`,
          at: hostPair?.value,
          fixable: false,
        });
      }
    }
    if (!tlsPair)
      ctx.report({
        message: `Ingress "${name}" serves plain HTTP (no tls section): logins and data cross the network in clear text.`,
        at: pairOf(ctx.object.node, 'kind'),
        fixTitle: 'Add a tls section (TODO: Secret name)',
      });
  },
  fix: {
    class: 'scaffold',
    title: 'Add a tls section (TODO: Secret name)',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      if (!spec || pairOf(spec, 'tls')) return undefined;
      const hosts: string[] = [];
      for (const { node } of mapItems(getSeq(spec, 'rules', ctx.doc), ctx.doc)) {
        const host = scalar(pairOf(node, 'host')?.value ?? undefined);
        if (typeof host === 'string' && host !== '' && !hosts.includes(host)) hosts.push(host);
      }
      const secretName = new Commented(`${objectName(ctx)}-tls`, 'TODO: an existing TLS Secret');
      return ctx.editor.setIn(spec, ['tls'], [hosts.length > 0 ? { hosts, secretName } : { secretName }]);
    },
  },
};

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why a label key is invalid (IsQualifiedName), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return "it has more than one '/'";
  const [prefix, name] = parts.length === 2 ? [parts[0] ?? '', parts[1] ?? ''] : [undefined, key];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return `the prefix "${prefix}" is not a lowercase DNS subdomain`;
  if (name.length === 0)
    return prefix === undefined ? 'the key is empty' : 'the name after the prefix is empty';
  if (name.length > 63) return `the name is longer than 63 characters (${name.length})`;
  if (!LABEL_NAME.test(name))
    return "the name must use letters, digits, '-', '_' and '.', starting and ending alphanumeric";
  return undefined;
}

/** Why a label value is invalid (IsValidLabelValue), or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `the value is longer than 63 characters (${value.length})`;
  if (!LABEL_VALUE.test(value))
    return `the value "${value}" must use letters, digits, '-', '_' and '.', starting and ending alphanumeric`;
  return undefined;
}

/** Label maps of an object: its own, its pod template's, and its selectors'. */
function labelMaps(ctx: RuleContext): YAMLMap[] {
  const node = ctx.object.node;
  const { apiVersion, kind } = ctx.object.identity;
  const maps = [
    getMapPath(node, ['metadata', 'labels'], ctx.doc),
    getMap(podSpecOf(ctx.object)?.podMeta, 'labels', ctx.doc),
    getMapPath(node, ['spec', 'jobTemplate', 'metadata', 'labels'], ctx.doc),
  ];
  // Selectors of built-in kinds only: a custom resource's spec.selector may mean anything.
  if (apiVersion && kind && hasSchema(apiVersion, kind)) {
    maps.push(
      kind === 'Service'
        ? getMapPath(node, ['spec', 'selector'], ctx.doc)
        : getMapPath(node, ['spec', 'selector', 'matchLabels'], ctx.doc),
      getMapPath(node, ['spec', 'podSelector', 'matchLabels'], ctx.doc),
    );
  }
  return maps.filter((m): m is YAMLMap => m !== undefined);
}

export const labelValuesInvalid: Rule = {
  id: 'label-values-invalid',
  number: 62,
  category: 'correctness',
  title: 'Invalid label',
  severity: 'error',
  fixClass: 'none',
  docs: {
    what: "A label key or value breaks Kubernetes label syntax — in the object's labels, its pod template's, or its selectors.",
    why: 'The API server rejects the whole object: a value like `1.0 beta`, `team:data` or a 64-character build ID, or a key like `Team/owner` (the prefix is a lowercase DNS subdomain), fails the apply.',
    fix: 'Values: at most 63 characters of letters, digits, `-`, `_` and `.`, starting and ending alphanumeric (empty is allowed). Keys: an optional lowercase DNS-subdomain prefix and `/`, then a name with the same rules as a value (not empty). Quote values that YAML reads as numbers or booleans (`"1.0"`, `"true"`); for built-in kinds `schema-invalid` reports those, here they are reported for custom resources.',
    anchors: 'kube-score `label-values`; Datree #9.',
  },
  check(ctx) {
    const { apiVersion, kind } = ctx.object.identity;
    // Type errors (unquoted numbers and booleans) are schema-invalid's for built-in kinds.
    const typesChecked = apiVersion !== undefined && kind !== undefined && hasSchema(apiVersion, kind);
    const seen = new Set<Pair>();
    const subject = `${kind ?? 'Object'} "${objectName(ctx)}"`;
    for (const map of labelMaps(ctx)) {
      for (const item of map.items) {
        if (!isPair(item) || !isScalar(item.key) || seen.has(item)) continue;
        seen.add(item);
        const keyNode = item.key;
        const valueNode = item.value as Node | null;
        if (ctx.isTemplated(keyNode)) continue;
        const key = String(keyNode.value);
        const keyProblem = labelKeyProblem(key);
        if (keyProblem) {
          ctx.report({
            message: `${subject} label key "${key}": ${keyProblem}; the API server rejects it.`,
            at: keyNode,
          });
          continue;
        }
        if (!valueNode || ctx.isTemplated(valueNode)) continue;
        const kindOf = valueKind(valueNode);
        if (kindOf !== 'string' || isAmbiguousBoolean(valueNode)) {
          if (!typesChecked && kindOf !== 'null')
            ctx.report({
              message: `${subject} label "${key}": the value is not a string: quote ${isScalar(valueNode) ? `"${String(valueNode.value)}"` : 'it'}, or the API server cannot decode the object.`,
              at: valueNode,
            });
          continue;
        }
        const problem = labelValueProblem(String((valueNode as { value: unknown }).value));
        if (problem)
          ctx.report({
            message: `${subject} label "${key}": ${problem}; the API server rejects it.`,
            at: valueNode,
          });
      }
    }
  },
};

export const nakedPod: Rule = {
  id: 'naked-pod',
  number: 63,
  category: 'correctness',
  title: 'Pod without a controller',
  severity: 'info',
  fixClass: 'none',
  kinds: new Set(['Pod']),
  docs: {
    what: 'A bare Pod manifest, not managed by a Deployment, StatefulSet, Job or other controller (Pods with `ownerReferences`, e.g. exported from a cluster, and static mirror pods are skipped).',
    why: 'Nothing recreates it when its node fails, is drained or evicts it; rollouts, PDBs and HPAs do not apply to it.',
    fix: 'Wrap it in a Deployment (long-running) or a Job (run to completion): the pod spec moves under `spec.template.spec` unchanged.',
    anchors: 'Polaris custom check `nakedPod`; Kubescape C-0073; Datree #25; Popeye POP-208 (live).',
  },
  check(ctx) {
    const metadata = getMap(ctx.object.node, 'metadata', ctx.doc);
    if ((getSeq(metadata, 'ownerReferences', ctx.doc)?.items.length ?? 0) > 0) return;
    if (pairOf(getMap(metadata, 'annotations', ctx.doc), 'kubernetes.io/config.mirror')) return;
    ctx.report({
      message: `Pod "${objectName(ctx)}" has no controller: nothing recreates it when its node fails or it is evicted.`,
      at: pairOf(ctx.object.node, 'kind'),
    });
  },
};

export const objectRules: readonly Rule[] = [
  defaultNamespace,
  serviceTypeExposed,
  ingressTls,
  labelValuesInvalid,
  nakedPod,
];
