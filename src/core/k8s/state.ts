import { kindInfo } from './kinds';
import { emptyClusterState, type ClusterState, type KubeObject } from './types';

type Plain = KubeObject & Record<string, unknown>;

const isObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * events.k8s.io/v1 renamed the fields of core v1 Events; consumers read one shape (KubeEvent),
 * so the v1 names are filled in from the new ones. The originals stay.
 */
function normaliseEvent(event: Plain): Plain {
  if (typeof event.apiVersion !== 'string' || !event.apiVersion.startsWith('events.k8s.io/')) return event;
  const series = isObject(event['series']) ? event['series'] : {};
  const pick = (...values: unknown[]) => values.find((v) => v !== undefined && v !== null);
  const fields: Record<string, unknown> = {
    involvedObject: pick(event['involvedObject'], event['regarding']),
    message: pick(event['message'], event['note']),
    count: pick(event['count'], series['count'], event['deprecatedCount']),
    firstTimestamp: pick(event['firstTimestamp'], event['deprecatedFirstTimestamp'], event['eventTime']),
    lastTimestamp: pick(
      event['lastTimestamp'],
      series['lastObservedTime'],
      event['deprecatedLastTimestamp'],
      event['eventTime'],
    ),
  };
  const out: Plain = { ...event };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * Groups plain objects (a `kubectl get -A -o json` List, a YAML dump, API responses) into a
 * ClusterState. `List` and `*List` objects are expanded, nested ones too; items of a typed list
 * (`PodList`, as the API returns them) may omit `kind` and `apiVersion`, which are inferred.
 * Unknown kinds, `Application`s that are not Argo CD's, and garbage are skipped quietly: a
 * snapshot holding CRDs or a stray string must still open.
 */
export function stateFromObjects(objects: readonly unknown[]): ClusterState {
  const state = emptyClusterState() as { -readonly [K in keyof ClusterState]: unknown[] };
  const add = (value: unknown, inferredKind?: string, inferredApiVersion?: string): void => {
    if (Array.isArray(value)) {
      for (const v of value as unknown[]) add(v, inferredKind, inferredApiVersion);
      return;
    }
    if (!isObject(value)) return;
    const kind = typeof value.kind === 'string' && value.kind ? value.kind : inferredKind;
    if (!kind) return;
    if (kind.endsWith('List') && Array.isArray(value['items'])) {
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      const itemApiVersion =
        kind !== 'List' && typeof value.apiVersion === 'string' ? value.apiVersion : undefined;
      for (const item of value['items'] as unknown[]) add(item, itemKind, itemApiVersion);
      return;
    }
    const list = kindInfo(kind)?.list;
    if (!list) return;
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : inferredApiVersion;
    // Other groups have Applications too (app.k8s.io); an unstated group is given the benefit.
    if (kind === 'Application' && apiVersion !== undefined && !apiVersion.startsWith('argoproj.io/')) return;
    let object: Plain =
      value.kind === kind && value.apiVersion === apiVersion
        ? value
        : { ...value, kind, ...(apiVersion !== undefined ? { apiVersion } : {}) };
    if (kind === 'Event') object = normaliseEvent(object);
    state[list].push(object);
  };
  for (const o of objects) add(o);
  return state as unknown as ClusterState;
}

/**
 * Namespace names known to the state, sorted: Namespace objects plus every namespace a
 * namespaced object lives in — users who may not list namespaces still see where their
 * objects are.
 */
export function namespacesOf(state: ClusterState): string[] {
  const names = new Set<string>();
  for (const n of state.namespaces) if (n.metadata?.name) names.add(n.metadata.name);
  for (const key of Object.keys(state) as (keyof ClusterState)[]) {
    const objects: unknown = state[key];
    if (key === 'namespaces' || key === 'nodes' || !Array.isArray(objects)) continue;
    for (const o of objects as readonly KubeObject[]) {
      const ns = o.metadata?.namespace;
      if (typeof ns === 'string' && ns) names.add(ns);
    }
  }
  return [...names].sort();
}
