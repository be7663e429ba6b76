import type { TextEdit } from '../../edit/text-edit';
import { getMap, getMapPath, pairOf, stringRecord } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { hasSchema, validateObject } from '../../schema/validate';
import type { Rule, RuleContext } from '../types';

interface ApiChange {
  readonly kinds: readonly string[];
  readonly from: string;
  /** The replacement group-version; absent when the API is gone (PodSecurityPolicy). */
  readonly to?: string;
  /** Minor version of Kubernetes 1.x that stopped serving it. */
  readonly removed: number;
  readonly deprecated: number;
  /**
   * The fix may just change `apiVersion`: the replacement has the same fields and defaults for
   * what manifests write. Checked again per document against the target schema before a fix is
   * offered; everything else (Ingress v1beta1 backends, HPA v2beta1 metrics, CRD v1beta1…) is
   * reported with the replacement named, and migrated by hand.
   */
  readonly rename?: boolean;
}

const WORKLOADS = ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'];

/** Removed group-versions (Kubernetes deprecated API migration guide), newest first. */
const API_CHANGES: readonly ApiChange[] = [
  {
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    from: 'flowcontrol.apiserver.k8s.io/v1beta3',
    to: 'flowcontrol.apiserver.k8s.io/v1',
    deprecated: 29,
    removed: 32,
    rename: true,
  },
  // v1beta1/v1beta2 → v1 renamed assuredConcurrencyShares to nominalConcurrencyShares.
  {
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    from: 'flowcontrol.apiserver.k8s.io/v1beta2',
    to: 'flowcontrol.apiserver.k8s.io/v1',
    deprecated: 26,
    removed: 29,
  },
  {
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    from: 'flowcontrol.apiserver.k8s.io/v1beta1',
    to: 'flowcontrol.apiserver.k8s.io/v1',
    deprecated: 23,
    removed: 26,
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
  // v2beta1 metrics use targetAverageUtilization/targetAverageValue: a real migration.
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
  // v1 moved backends to service.{name,port} and made pathType required.
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
  // v1 requires structural schemas and flips preserveUnknownFields: never a rename.
  {
    kinds: ['CustomResourceDefinition'],
    from: 'apiextensions.k8s.io/v1beta1',
    to: 'apiextensions.k8s.io/v1',
    deprecated: 16,
    removed: 22,
  },
  // v1 changes the defaults of failurePolicy, matchPolicy, timeoutSeconds and sideEffects.
  {
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    from: 'admissionregistration.k8s.io/v1beta1',
    to: 'admissionregistration.k8s.io/v1',
    deprecated: 16,
    removed: 22,
  },
  {
    kinds: ['APIService'],
    from: 'apiregistration.k8s.io/v1beta1',
    to: 'apiregistration.k8s.io/v1',
    deprecated: 19,
    removed: 22,
    rename: true,
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
  // apps/v1 requires spec.selector (older versions defaulted it to the template labels).
  { kinds: WORKLOADS, from: 'extensions/v1beta1', to: 'apps/v1', deprecated: 9, removed: 16, rename: true },
  { kinds: WORKLOADS, from: 'apps/v1beta1', to: 'apps/v1', deprecated: 9, removed: 16, rename: true },
  { kinds: WORKLOADS, from: 'apps/v1beta2', to: 'apps/v1', deprecated: 9, removed: 16, rename: true },
  {
    kinds: ['NetworkPolicy'],
    from: 'extensions/v1beta1',
    to: 'networking.k8s.io/v1',
    deprecated: 9,
    removed: 16,
    rename: true,
  },
  { kinds: ['PodSecurityPolicy'], from: 'extensions/v1beta1', deprecated: 10, removed: 16 },
];

const CHANGES = new Map<string, ApiChange>();
for (const change of API_CHANGES)
  for (const kind of change.kinds) CHANGES.set(`${change.from}/${kind}`, change);

/** `1.36`, `v1.29.3` → 36, 29. */
const minor = (version: string) => Number(/^v?\d+\.(\d+)/.exec(version.trim())?.[1] ?? '0');

/**
 * Why the fix cannot just change apiVersion (undefined when it can): the document must validate
 * against the replacement's schema — apart from the selector the fix adds — and the old
 * version's defaults must not differ in a way the document relies on.
 */
function notARename(
  ctx: RuleContext,
  change: ApiChange,
  kind: string,
  addsSelector: boolean,
): string | undefined {
  if (!change.to || !change.rename) return 'the replacement has a different schema';
  if (!hasSchema(change.to, kind)) return undefined;
  // extensions/v1beta1 DaemonSets and apps/v1beta1 StatefulSets defaulted to OnDelete updates.
  if (
    ((kind === 'DaemonSet' && change.from === 'extensions/v1beta1') ||
      (kind === 'StatefulSet' && change.from === 'apps/v1beta1')) &&
    !getMapPath(ctx.object.node, ['spec', 'updateStrategy'], ctx.doc)
  )
    return `${change.to} changes the default updateStrategy from OnDelete to RollingUpdate`;
  const issue = validateObject(ctx.object.node, change.to, kind, ctx.doc, {
    isTemplated: (node) => ctx.isTemplated(node),
  }).find(
    (i) => !(addsSelector && i.code === 'missing-required' && i.path === 'spec' && i.field === 'selector'),
  );
  return issue ? `under ${change.to}, ${issue.message}` : undefined;
}

export const deprecatedApiVersion: Rule = {
  id: 'deprecated-api-version',
  number: 57,
  category: 'correctness',
  title: 'Deprecated or removed apiVersion',
  severity: 'error',
  fixClass: 'auto',
  docs: {
    what: "The object's `apiVersion` is no longer served by the target Kubernetes version (error) or is deprecated there (warning). The target is the `kubernetesVersion` option (`shipshape.analysis.kubernetesVersion`, default 1.36).",
    why: 'A removed API makes `kubectl apply` fail with "no matches for kind" — usually found during a cluster upgrade, in charts that worked for years (`extensions/v1beta1` Deployments and Ingresses stopped working in 1.16 and 1.22, `batch/v1beta1` CronJobs and `policy/v1beta1` PDBs in 1.25).',
    fix: "Move to the replacement group-version. The fix only changes `apiVersion` where that is a pure rename for the fields the document uses — CronJob `batch/v1`, PDB `policy/v1`, HPA `autoscaling/v2` from `v2beta2`, RBAC, PriorityClass, StorageClass, Lease, RuntimeClass, IngressClass, APIService, FlowSchema from `v1beta3` — and only when the document then validates against the replacement's schema. `extensions/v1beta1` and `apps/v1beta*` workloads also need `spec.selector` in `apps/v1`: the fix adds it from the pod template labels, which is exactly what the old versions defaulted it to (DaemonSets from `extensions/v1beta1` and StatefulSets from `apps/v1beta1` without an `updateStrategy` are left to you: their default changed from OnDelete to RollingUpdate). Ingress `v1beta1`, HPA `v2beta1`, CRD and webhook `v1beta1` need a real migration and are reported with their replacement only.",
    anchors:
      'kube-linter `no-extensions-v1beta`★; kube-score `stable-version`; Datree `K8S_DEPRECATED_APIVERSION_*`, `K8S_REMOVED_APIVERSION_*` (#18, 19, 90–94, 106–111); Popeye POP-403.',
  },
  check(ctx) {
    const { apiVersion, kind } = ctx.object.identity;
    if (!apiVersion || !kind) return;
    const change = CHANGES.get(`${apiVersion}/${kind}`);
    if (!change) return;
    const target = minor(ctx.options.kubernetesVersion);
    const removed = target >= change.removed;
    if (!removed && target < change.deprecated) return;
    const addsSelector =
      WORKLOADS.includes(kind) && !getMapPath(ctx.object.node, ['spec', 'selector'], ctx.doc);
    const labels = stringRecord(getMap(podSpecOf(ctx.object)?.podMeta, 'labels', ctx.doc));
    const blocker =
      addsSelector && (!labels || Object.keys(labels).length === 0)
        ? 'the pod template has no labels to build spec.selector from'
        : notARename(ctx, change, kind, addsSelector);
    const status = removed
      ? `is not served since Kubernetes 1.${change.removed}`
      : `is deprecated since 1.${change.deprecated} and removed in 1.${change.removed}`;
    const replacement = change.to ? `use ${change.to}` : 'the API has no replacement';
    ctx.report({
      message: `${kind} "${ctx.object.identity.name ?? '?'}" uses ${apiVersion}, which ${status}: ${replacement}${change.to && blocker ? ` (by hand: ${blocker})` : ''}.`,
      at: pairOf(ctx.object.node, 'apiVersion'),
      severity: removed ? 'error' : 'warning',
      fixable: change.to !== undefined && blocker === undefined,
      ...(change.to
        ? {
            fixTitle: addsSelector
              ? `Use ${change.to} and add spec.selector from the template labels`
              : `Use ${change.to}`,
          }
        : {}),
      data: { to: change.to ?? '', selector: addsSelector },
    });
  },
  fix: {
    class: 'auto',
    title: 'Use the current apiVersion',
    apply(ctx) {
      const to = ctx.finding.data?.['to'];
      const pair = pairOf(ctx.object.node, 'apiVersion');
      if (typeof to !== 'string' || !to || !pair?.value) return undefined;
      // Replace the text inside quotes when it is quoted: the file keeps its quoting style.
      const range = pair.value.range;
      if (!range) return undefined;
      const quote = ctx.file.text[range[0]];
      const quoted = (quote === '"' || quote === "'") && ctx.file.text[range[1] - 1] === quote;
      const edits: TextEdit[] = [
        quoted
          ? { start: range[0] + 1, end: range[1] - 1, text: to }
          : ctx.editor.replaceScalar(pair.value, to),
      ];
      if (ctx.finding.data?.['selector'] === true) {
        const labels = stringRecord(getMap(podSpecOf(ctx.object)?.podMeta, 'labels', ctx.doc));
        const spec = getMap(ctx.object.node, 'spec', ctx.doc);
        if (!labels || Object.keys(labels).length === 0 || !spec) return undefined;
        edits.push(...ctx.editor.setIn(spec, ['selector', 'matchLabels'], labels));
      }
      return edits;
    },
  },
};
