import type { Node, Pod } from '../k8s/types';
import { matches, specOf, type SelectorRequirement } from './spec';
import type { DiagnoseInput, VolumeInfo } from './types';

type Plain = Record<string, unknown>;
const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const requirements = (v: unknown): SelectorRequirement[] =>
  Array.isArray(v)
    ? v
        .filter(isObject)
        .filter((r) => typeof r['key'] === 'string' && typeof r['operator'] === 'string')
        .map((r) => ({
          key: r['key'] as string,
          operator: r['operator'] as string,
          ...(Array.isArray(r['values'])
            ? { values: (r['values'] as unknown[]).filter((x): x is string => typeof x === 'string') }
            : {}),
        }))
    : [];

/** A PersistentVolume reduced to where it can be used: its node affinity and zone labels. */
export function volumeInfo(pv: unknown): VolumeInfo | undefined {
  if (!isObject(pv) || !isObject(pv['metadata'])) return undefined;
  const name = str(pv['metadata']['name']);
  if (!name) return undefined;
  const labels = isObject(pv['metadata']['labels']) ? pv['metadata']['labels'] : {};
  const zones = Object.fromEntries(
    Object.entries(labels).filter(
      (e): e is [string, string] => ZONE_LABELS.includes(e[0]) && typeof e[1] === 'string',
    ),
  );
  const spec = isObject(pv['spec']) ? pv['spec'] : {};
  const required = isObject(spec['nodeAffinity']) ? spec['nodeAffinity']['required'] : undefined;
  const rawTerms = isObject(required) ? required['nodeSelectorTerms'] : undefined;
  const terms = Array.isArray(rawTerms)
    ? rawTerms.filter(isObject).map((t) => ({
        matchExpressions: requirements(t['matchExpressions']),
        matchFields: requirements(t['matchFields']),
      }))
    : undefined;
  return {
    name,
    ...(Object.keys(zones).length ? { zoneLabels: zones } : {}),
    ...(terms ? { nodeAffinity: terms } : {}),
  };
}

/** The labels the scheduler's VolumeZone plugin compares between a PersistentVolume and a node. */
const ZONE_LABELS = [
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
];

const describeTerms = (terms: NonNullable<VolumeInfo['nodeAffinity']>) =>
  terms
    .map((t) =>
      [...t.matchExpressions, ...t.matchFields]
        .map((r) => `${r.key} ${r.operator}${r.values?.length ? ` [${r.values.join(', ')}]` : ''}`)
        .join(' and '),
    )
    .join(' or ');

/**
 * For each claim of the pod bound to a known PersistentVolume, why the volume cannot be used on
 * `node`, in the scheduler's words: VolumeBinding's "volume node affinity conflict" (since
 * Kubernetes 1.28 "didn't match PersistentVolume's node affinity": the PV's required nodeAffinity), VolumeZone's "no available volume zone" (its zone/region labels; a
 * label may list zones joined by "__"). Unknown claims or volumes are not judged.
 */
export function volumeFailures(pod: Pod, node: Node, input: DiagnoseInput): string[] {
  const ns = pod.metadata?.namespace ?? '';
  const labels = node.metadata?.labels ?? {};
  const fields: Record<string, string> = { 'metadata.name': node.metadata?.name ?? '' };
  const out: string[] = [];
  for (const v of specOf(pod).volumes ?? []) {
    const claimName = (v['persistentVolumeClaim'] as { claimName?: string } | undefined)?.claimName;
    if (!claimName) continue;
    const claim = input.inventory.claims?.find((c) => c.namespace === ns && c.name === claimName);
    if (!claim?.volumeName || claim.phase !== 'Bound') continue;
    const pv = input.inventory.volumes?.find((p) => p.name === claim.volumeName);
    if (!pv) continue;
    const terms = pv.nodeAffinity;
    if (
      terms &&
      terms.length > 0 &&
      !terms.some(
        (t) =>
          t.matchExpressions.every((r) => matches(r, labels)) &&
          t.matchFields.every((r) => matches(r, fields)),
      )
    ) {
      const keys = [...new Set(terms.flatMap((t) => t.matchExpressions.map((r) => r.key)))];
      const has = keys.map((k) => (labels[k] === undefined ? `no ${k}` : `${k}=${labels[k]}`)).join(', ');
      out.push(
        `volume node affinity conflict: the node doesn't match PersistentVolume ${pv.name}'s node affinity (claim ${claimName}: needs ${describeTerms(terms)}; node has ${has || 'no such labels'})`,
      );
      continue;
    }
    // As VolumeZone: a node without any zone or region label is not held to the volume's zone.
    if (!ZONE_LABELS.some((k) => labels[k] !== undefined)) continue;
    for (const [key, value] of Object.entries(pv.zoneLabels ?? {})) {
      // A volume's beta label is matched by the node's GA one, as the scheduler does.
      const have =
        labels[key] ?? labels[key.replace('failure-domain.beta.kubernetes.io/', 'topology.kubernetes.io/')];
      if (have !== undefined && value.split('__').includes(have)) continue;
      out.push(
        `no available volume zone (PersistentVolume ${pv.name} of claim ${claimName} is in ${key}=${value}; node has ${have === undefined ? `no ${key}` : `${key}=${have}`})`,
      );
      break;
    }
  }
  return out;
}
