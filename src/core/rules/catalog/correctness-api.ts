import { isPair, isScalar, type YAMLMap } from 'yaml';
import { Commented } from '../../edit/emit';
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
import { podSpecOf } from '../../manifest/objects';
import { objectName } from '../helpers';
import type { Rule, RuleContext } from '../types';

interface ApiChange {
  readonly kinds: readonly string[];
  readonly from: string;
  readonly to?: string;
  /** Minor version that removed it; undefined = deprecated, still served. */
  readonly removed?: number;
  readonly deprecated: number;
  /** The new version is a pure rename for these kinds (same schema for what manifests use). */
  readonly rename?: boolean;
}

const WORKLOADS = ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'];
/** Removed and deprecated group-versions (Kubernetes deprecation guide), newest first. */
const API_CHANGES: readonly ApiChange[] = [
  {
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    from: 'flowcontrol.apiserver.k8s.io/v1beta3',
    to: 'flowcontrol.apiserver.k8s.io/v1',
    deprecated: 29,
    removed: 32,
    rename: true,
  },
  {
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    from: 'flowcontrol.apiserver.k8s.io/v1beta2',
    to: 'flowcontrol.apiserver.k8s.io/v1',
    deprecated: 26,
    removed: 29,
  },
  {
    kinds: ['CSIStorageCapacity'],
    from: 'storage.k8s.io/v1beta1',
    to: 'storage.k8s.io/v1',
    deprecated: 24,
    removed: 27,
    rename: true,
  },
  {
    kinds: ['HorizontalPodAutoscaler'],
    from: 'autoscaling/v2beta2',
    to: 'autoscaling/v2',
    deprecated: 23,
    removed: 26,
    rename: true,
  },
  {
    kinds: ['HorizontalPodAutoscaler'],
    from: 'autoscaling/v2beta1',
    to: 'autoscaling/v2',
    deprecated: 22,
    removed: 25,
  },
  { kinds: ['CronJob'], from: 'batch/v1beta1', to: 'batch/v1', deprecated: 21, removed: 25, rename: true },
  {
    kinds: ['PodDisruptionBudget'],
    from: 'policy/v1beta1',
    to: 'policy/v1',
    deprecated: 21,
    removed: 25,
    rename: true,
  },
  { kinds: ['PodSecurityPolicy'], from: 'policy/v1beta1', deprecated: 21, removed: 25 },
  {
    kinds: ['EndpointSlice'],
    from: 'discovery.k8s.io/v1beta1',
    to: 'discovery.k8s.io/v1',
    deprecated: 21,
    removed: 25,
  },
  { kinds: ['Event'], from: 'events.k8s.io/v1beta1', to: 'events.k8s.io/v1', deprecated: 19, removed: 25 },
  {
    kinds: ['RuntimeClass'],
    from: 'node.k8s.io/v1beta1',
    to: 'node.k8s.io/v1',
    deprecated: 20,
    removed: 25,
    rename: true,
  },
  {
    kinds: ['Ingress'],
    from: 'networking.k8s.io/v1beta1',
    to: 'networking.k8s.io/v1',
    deprecated: 19,
    removed: 22,
  },
  { kinds: ['Ingress'], from: 'extensions/v1beta1', to: 'networking.k8s.io/v1', deprecated: 14, removed: 22 },
  {
    kinds: ['IngressClass'],
    from: 'networking.k8s.io/v1beta1',
    to: 'networking.k8s.io/v1',
    deprecated: 19,
    removed: 22,
    rename: true,
  },
  {
    kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
    from: 'rbac.authorization.k8s.io/v1beta1',
    to: 'rbac.authorization.k8s.io/v1',
    deprecated: 17,
    removed: 22,
    rename: true,
  },
  {
    kinds: ['CustomResourceDefinition'],
    from: 'apiextensions.k8s.io/v1beta1',
    to: 'apiextensions.k8s.io/v1',
    deprecated: 16,
    removed: 22,
  },
  {
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    from: 'admissionregistration.k8s.io/v1beta1',
    to: 'admissionregistration.k8s.io/v1',
    deprecated: 16,
    removed: 22,
  },
  {
    kinds: ['PriorityClass'],
    from: 'scheduling.k8s.io/v1beta1',
    to: 'scheduling.k8s.io/v1',
    deprecated: 14,
    removed: 22,
    rename: true,
  },
  {
    kinds: ['StorageClass', 'VolumeAttachment', 'CSIDriver', 'CSINode'],
    from: 'storage.k8s.io/v1beta1',
    to: 'storage.k8s.io/v1',
    deprecated: 19,
    removed: 22,
    rename: true,
  },
  {
    kinds: ['CertificateSigningRequest'],
    from: 'certificates.k8s.io/v1beta1',
    to: 'certificates.k8s.io/v1',
    deprecated: 19,
    removed: 22,
  },
  {
    kinds: ['Lease'],
    from: 'coordination.k8s.io/v1beta1',
    to: 'coordination.k8s.io/v1',
    deprecated: 19,
    removed: 22,
    rename: true,
  },
  { kinds: WORKLOADS, from: 'extensions/v1beta1', to: 'apps/v1', deprecated: 9, removed: 16 },
  { kinds: WORKLOADS, from: 'apps/v1beta1', to: 'apps/v1', deprecated: 9, removed: 16 },
  { kinds: WORKLOADS, from: 'apps/v1beta2', to: 'apps/v1', deprecated: 9, removed: 16 },
  {
    kinds: ['NetworkPolicy'],
    from: 'extensions/v1beta1',
    to: 'networking.k8s.io/v1',
    deprecated: 9,
    removed: 16,
    rename: true,
  },
  {
    kinds: ['PodSecurityPolicy'],
    from: 'extensions/v1beta1',
    to: 'policy/v1beta1',
    deprecated: 10,
    removed: 16,
  },
];

const minor = (version: string) => Number(version.split('.')[1] ?? '0');

export const deprecatedApiVersion: Rule = {
  id: 'deprecated-api-version',
  number: 57,
  category: 'correctness',
  title: 'Deprecated or removed apiVersion',
  severity: 'error',
  fixClass: 'auto',
  docs: {
    what: "The object's `apiVersion` is removed in (error) or deprecated for (warning) the target Kubernetes version (`shipshape.analysis.kubernetesVersion`, default 1.36).",
    why: 'A removed API makes `kubectl apply` fail ("no matches for kind") — typically discovered during a cluster upgrade, with charts that worked for years.',
    fix: 'Move to the replacement group-version. The fix renames it where the schema is unchanged for manifests (CronJob batch/v1, PDB policy/v1, HPA autoscaling/v2 from v2beta2, RBAC, PriorityClass…). `extensions/v1beta1` and `apps/v1beta*` workloads also need `spec.selector`: the fix adds it from the template labels.',
    anchors:
      'kube-linter `no-extensions-v1beta`★; kube-score `stable-version`; Datree `K8S_DEPRECATED_APIVERSION_*`, `K8S_REMOVED_APIVERSION_*`; Popeye POP-403.',
  },
  check(ctx) {
    const { apiVersion, kind } = ctx.object.identity;
    if (!apiVersion || !kind) return;
    const change = API_CHANGES.find((c) => c.from === apiVersion && c.kinds.includes(kind));
    if (!change) return;
    const target = minor(ctx.options.kubernetesVersion);
    const removed = change.removed !== undefined && target >= change.removed;
    if (!removed && target < change.deprecated) return;
    const selectorMissing =
      WORKLOADS.includes(kind) && !getMapPath(ctx.object.node, ['spec', 'selector'], ctx.doc);
    ctx.report({
      message: `${kind} ${apiVersion} ${removed ? `was removed in Kubernetes 1.${change.removed ?? ''}` : `is deprecated since 1.${change.deprecated}`}${change.to ? `: use ${change.to}` : ''}.`,
      at: pairOf(ctx.object.node, 'apiVersion'),
      severity: removed ? 'error' : 'warning',
      fixable: Boolean(change.to) && (change.rename === true || WORKLOADS.includes(kind)),
      ...(change.to
        ? { fixTitle: `Use ${change.to}${selectorMissing ? ' (and add spec.selector)' : ''}` }
        : {}),
      data: { to: change.to ?? '', selector: selectorMissing },
    });
  },
  fix: {
    class: 'auto',
    title: 'Use the current apiVersion',
    apply(ctx) {
      const to = ctx.finding.data?.['to'];
      const pair = pairOf(ctx.object.node, 'apiVersion');
      if (typeof to !== 'string' || !to || !pair?.value) return undefined;
      const edits = [ctx.editor.replaceScalar(pair.value, to)];
      if (ctx.finding.data?.['selector'] === true) {
        const labels = stringRecord(getMap(podSpecOf(ctx.object)?.podMeta, 'labels', ctx.doc));
        const spec = getMap(ctx.object.node, 'spec', ctx.doc);
        if (!labels || !spec) return undefined;
        edits.push(...ctx.editor.setIn(spec, ['selector', 'matchLabels'], labels));
      }
      return edits;
    },
  },
};

export const defaultNamespace: Rule = {
  id: 'default-namespace',
  number: 59,
  category: 'correctness',
  title: 'Object in the default namespace',
  severity: 'off',
  fixClass: 'none',
  docs: {
    what: 'The object sets `metadata.namespace: default` (opt-in).',
    why: 'The default namespace has no quotas, policies or owners: things put there are forgotten.',
    fix: 'Put it in the namespace of its team or platform.',
    anchors: 'kube-linter `use-namespace`; Checkov CKV_K8S_21; Kubescape C-0061, C-0212; Datree #15.',
  },
  check(ctx) {
    const pair = pairOf(getMap(ctx.object.node, 'metadata', ctx.doc), 'namespace');
    if (scalar(pair?.value ?? undefined) === 'default')
      ctx.report({
        message: `${ctx.object.identity.kind ?? ''} "${objectName(ctx)}" lives in the default namespace.`,
        at: pair,
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
    why: "It is reachable from outside the cluster (every node's address, or a cloud load balancer), around the Ingress and its TLS and auth.",
    fix: 'Prefer ClusterIP behind an Ingress; keep LoadBalancer for what really needs L4 exposure.',
    anchors:
      'kube-linter `exposed-services`; kube-score `service-type`; Datree #7; Popeye POP-1103, POP-1104.',
  },
  check(ctx) {
    const pair = pairOf(getMap(ctx.object.node, 'spec', ctx.doc), 'type');
    const type = scalar(pair?.value ?? undefined);
    if (type === 'NodePort' || type === 'LoadBalancer')
      ctx.report({
        message: `Service "${objectName(ctx)}" is a ${type}: reachable from outside the cluster.`,
        at: pair,
      });
  },
};

export const ingressTls: Rule = {
  id: 'ingress-tls',
  number: 61,
  category: 'correctness',
  title: 'Ingress without TLS',
  severity: 'info',
  fixClass: 'scaffold',
  kinds: new Set(['Ingress']),
  docs: {
    what: 'An Ingress has no `tls` section, or uses a wildcard host.',
    why: 'Traffic (logins to Grafana, Superset, DolphinScheduler) crosses the network in clear text.',
    fix: 'Add `tls` with a certificate Secret (cert-manager can issue it). The scaffold inserts `tls` for the rule hosts with a TODO Secret name.',
    anchors: 'Polaris `tlsSettingsMissing` (warning); Datree #6.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!spec) return;
    for (const { node } of mapItems(getSeq(spec, 'rules', ctx.doc), ctx.doc)) {
      const host = pairOf(node, 'host');
      if (
        typeof scalar(host?.value ?? undefined) === 'string' &&
        String(scalar(host?.value ?? undefined)).startsWith('*')
      ) {
        ctx.report({
          message: `Ingress "${objectName(ctx)}" uses the wildcard host ${String(scalar(host?.value ?? undefined))}.`,
          at: host,
          fixable: false,
        });
      }
    }
    if (!pairOf(spec, 'tls'))
      ctx.report({
        message: `Ingress "${objectName(ctx)}" serves plain HTTP (no tls section).`,
        at: pairOf(ctx.object.node, 'kind'),
      });
  },
  fix: {
    class: 'scaffold',
    title: 'Add a tls section (TODO)',
    apply(ctx) {
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      if (!spec) return undefined;
      const hosts = mapItems(getSeq(spec, 'rules', ctx.doc), ctx.doc).flatMap(({ node }) => {
        const host = str(node, 'host', ctx.doc);
        return host ? [host] : [];
      });
      return ctx.editor.setIn(
        spec,
        ['tls'],
        [
          {
            hosts,
            secretName: new Commented(
              `${objectName(ctx)}-tls`,
              'TODO: a TLS Secret (cert-manager can issue it)',
            ),
          },
        ],
      );
    },
  },
};

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function labelProblem(key: string, value: unknown): string | undefined {
  const [prefix, name] = key.includes('/')
    ? [key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1)]
    : [undefined, key];
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
    return `label key prefix "${prefix}" is not a DNS subdomain`;
  if (!name || name.length > 63 || !LABEL_NAME.test(name))
    return `label key "${key}" is not a valid name (≤ 63 alphanumerics, '-', '_', '.')`;
  // YAML true/1 are not strings: the API server refuses to decode them into a label map.
  if (typeof value !== 'string') return `label "${key}" must be a string (quote it: "${String(value)}")`;
  const text = String(value);
  if (text.length > 63 || !LABEL_VALUE.test(text))
    return `label "${key}" value "${text}" is invalid (≤ 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric)`;
  return undefined;
}

export const labelValuesInvalid: Rule = {
  id: 'label-values-invalid',
  number: 62,
  category: 'correctness',
  title: 'Invalid label',
  severity: 'error',
  fixClass: 'none',
  docs: {
    what: 'A label key or value (object or pod template) breaks Kubernetes label syntax.',
    why: 'The API server rejects the object; a value like `v1.0 beta` or one longer than 63 characters fails the whole apply.',
    fix: 'Keep values ≤ 63 characters of letters, digits, `-`, `_`, `.`, starting and ending alphanumeric (empty is allowed); quote numbers and booleans.',
    anchors: 'kube-score `label-values`; Datree #9.',
  },
  check(ctx) {
    const maps: YAMLMap[] = [];
    const own = getMapPath(ctx.object.node, ['metadata', 'labels'], ctx.doc);
    if (own) maps.push(own);
    const template = getMap(podSpecOf(ctx.object)?.podMeta, 'labels', ctx.doc);
    if (template) maps.push(template);
    for (const map of maps) {
      for (const item of map.items) {
        if (
          !isPair(item) ||
          !isScalar(item.key) ||
          ctx.isTemplated(item.value as never) ||
          ctx.isTemplated(item.key)
        )
          continue;
        const value = isScalar(item.value) ? item.value.value : item.value;
        const problem = labelProblem(String(item.key.value), value);
        if (problem)
          ctx.report({ message: `${problem[0]?.toUpperCase() ?? ''}${problem.slice(1)}.`, at: item });
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
    what: 'A bare Pod manifest, not managed by a Deployment, StatefulSet, Job…',
    why: 'Nothing recreates it when its node fails or it is evicted; it is also skipped by rollouts.',
    fix: 'Wrap it in a Deployment (long-running) or a Job (run-to-completion).',
    anchors: 'Polaris custom check `nakedPod`; Kubescape C-0073; Datree #25; Popeye POP-208 (live).',
  },
  check(ctx: RuleContext) {
    ctx.report({
      message: `Pod "${objectName(ctx)}" has no controller: nothing recreates it if its node fails.`,
      at: pairOf(ctx.object.node, 'kind'),
    });
  },
};

export const apiRules: readonly Rule[] = [
  deprecatedApiVersion,
  defaultNamespace,
  serviceTypeExposed,
  ingressTls,
  labelValuesInvalid,
  nakedPod,
];
