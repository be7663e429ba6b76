import type { Document, YAMLMap } from 'yaml';
import { getMap, num, stringRecord } from '../manifest/nodes';
import type { ObjectIdentity } from '../manifest/objects';
import type { IndexedObject, SelectorData } from './scope';

/**
 * Custom resources whose operator creates pods with known labels (prometheus-operator's
 * StatefulSets: `app.kubernetes.io/name: prometheus`, `prometheus: <name>`… plus
 * `spec.podMetadata.labels`). Without them every NetworkPolicy and Service of kube-prometheus
 * aimed at Prometheus or Alertmanager read as dangling.
 */
const OPERATED: ReadonlyMap<
  string,
  { readonly name: string; readonly label: string; readonly prefix: string }
> = new Map([
  ['Prometheus', { name: 'prometheus', label: 'prometheus', prefix: 'prometheus' }],
  ['PrometheusAgent', { name: 'prometheus-agent', label: 'prometheus', prefix: 'prom-agent' }],
  ['Alertmanager', { name: 'alertmanager', label: 'alertmanager', prefix: 'alertmanager' }],
  ['ThanosRuler', { name: 'thanos-ruler', label: 'thanos-ruler', prefix: 'thanos-ruler' }],
]);

export function operatorPods(
  identity: ObjectIdentity,
  spec: YAMLMap | undefined,
  doc: Document.Parsed,
): Partial<IndexedObject> | undefined {
  const known = OPERATED.get(identity.kind ?? '');
  const name = identity.name;
  if (!known || name === undefined || !identity.apiVersion?.startsWith('monitoring.coreos.com/'))
    return undefined;
  const replicas = num(spec, 'replicas', doc);
  return {
    podLabels: {
      'app.kubernetes.io/name': known.name,
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      [known.label]: name,
      ...(known.label === 'prometheus' ? { 'operator.prometheus.io/name': name } : {}),
      ...stringRecord(getMap(getMap(spec, 'podMetadata', doc), 'labels', doc)),
    },
    managedBy: 'prometheus-operator',
    statefulSetName: `${known.prefix}-${name}`,
    ...(replicas !== undefined ? { replicas } : {}),
  };
}

/** Labels the controllers put on pods themselves: never in a manifest's pod template. */
export const CONTROLLER_LABELS: ReadonlySet<string> = new Set([
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'controller-revision-hash',
  'pod-template-hash',
  'controller-uid',
  'job-name',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
]);

/** Could the controller of `o`'s pods give them `key` = `value` (undefined: any value)? */
function controllerLabelFits(o: IndexedObject, key: string, value: string | undefined): boolean {
  const kind = o.identity.kind ?? '';
  const sts = o.statefulSetName;
  switch (key) {
    case 'statefulset.kubernetes.io/pod-name':
      return sts !== undefined && (value === undefined || new RegExp(`^${escape(sts)}-\\d+$`).test(value));
    case 'apps.kubernetes.io/pod-index':
      return sts !== undefined && (value === undefined || /^\d+$/.test(value));
    case 'controller-revision-hash':
      return sts !== undefined || kind === 'DaemonSet';
    case 'pod-template-hash':
      return kind === 'Deployment' || kind === 'ReplicaSet';
    case 'job-name':
    case 'batch.kubernetes.io/job-name':
      return (
        (kind === 'Job' && (value === undefined || value === o.identity.name)) ||
        (kind === 'CronJob' && (value === undefined || value.startsWith(`${o.identity.name ?? ''}-`)))
      );
    default:
      return kind === 'Job' || kind === 'CronJob';
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The labels an indexed object's pods carry as far as `selector` can tell: the pod template's,
 * plus each label the selector asks for that the controller adds itself
 * (`statefulset.kubernetes.io/pod-name: web-0`, `pod-template-hash`, `job-name`…) when that
 * controller would add it with that value.
 */
export function podLabelsFor(selector: SelectorData, o: IndexedObject): Readonly<Record<string, string>> {
  const labels = o.podLabels ?? {};
  let added: Record<string, string> | undefined;
  const consider = (key: string, values: readonly (string | undefined)[]) => {
    if (key in labels || !CONTROLLER_LABELS.has(key) || added?.[key] !== undefined) return;
    const i = values.findIndex((v) => controllerLabelFits(o, key, v));
    if (i >= 0) (added ??= {})[key] = values[i] ?? '';
  };
  for (const [k, v] of Object.entries(selector.matchLabels)) consider(k, [v]);
  for (const e of selector.matchExpressions)
    if (e.operator === 'In') consider(e.key, e.values);
    else if (e.operator === 'Exists') consider(e.key, [undefined]);
  return added ? { ...labels, ...added } : labels;
}
