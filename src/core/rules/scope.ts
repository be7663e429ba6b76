import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import { get, getMap, getSeq, mapItems, num, scalar, str, stringRecord } from '../manifest/nodes';
import {
  containersOf,
  objectsOf,
  podSpecOf,
  type ManifestObject,
  type ObjectIdentity,
} from '../manifest/objects';
import type { ManifestFile } from '../yaml/parse';
import type { Scope } from './types';

/** A label selector as plain data (matchExpressions kept for completeness of matching). */
export interface SelectorData {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly { key: string; operator: string; values: readonly string[] }[];
}

/**
 * What cross-resource rules need to know about one object, as plain JSON-able data: built once
 * per document, cached by the editor per document text, and shipped between CLI worker threads.
 */
export interface IndexedObject {
  readonly identity: ObjectIdentity;
  /** File path or URI the object came from (for messages like "PDB in pdbs.yaml"). */
  readonly file: string;
  /** Labels of the pods this object creates (pod template labels, or a Pod's own labels). */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Workload/PDB/NetworkPolicy selector; a Service's `spec.selector` as matchLabels. */
  readonly selector?: SelectorData;
  readonly replicas?: number;
  readonly serviceAccountName?: string;
  /** Container ports of the pod template: names and numbers. */
  readonly containerPorts?: readonly { name?: string; port?: number }[];
  /** Service ports' targetPort values. */
  readonly targetPorts?: readonly (string | number)[];
  /** HPA scaleTargetRef and minReplicas. */
  readonly scaleTarget?: { kind: string; name: string };
  readonly minReplicas?: number;
  /** Ingress backend service names. */
  readonly backendServices?: readonly string[];
  /** A Service's own metadata labels (what ServiceMonitors select). */
  readonly serviceLabels?: Readonly<Record<string, string>>;
  /** Service `clusterIP: None`. */
  readonly headless?: boolean;
  /** StatefulSet `spec.serviceName`. */
  readonly serviceName?: string;
  /** RoleBinding/ClusterRoleBinding roleRef. */
  readonly roleRef?: { kind: string; name: string };
}

export interface ScopeIndex {
  readonly scope: Scope;
  readonly objects: readonly IndexedObject[];
}

export function emptyIndex(scope: Scope = 'file'): ScopeIndex {
  return { scope, objects: [] };
}

function selectorData(map: YAMLMap | undefined, doc: Document.Parsed): SelectorData | undefined {
  if (!map) return undefined;
  const expressions = mapItems(getSeq(map, 'matchExpressions', doc), doc).map(({ node }) => ({
    key: str(node, 'key', doc) ?? '',
    operator: str(node, 'operator', doc) ?? '',
    values: (getSeq(node, 'values', doc)?.items ?? []).flatMap((v) => {
      const value = scalar(v as Node);
      return value === undefined || value === null ? [] : [String(value)];
    }),
  }));
  return { matchLabels: stringRecord(getMap(map, 'matchLabels', doc)) ?? {}, matchExpressions: expressions };
}

/** Extracts the index entries of every object in a parsed file. */
export function indexFile(file: ManifestFile, path: string): IndexedObject[] {
  return indexObjects(objectsOf(file), path);
}

export function indexObjects(objects: readonly ManifestObject[], path: string): IndexedObject[] {
  return objects.map((object) => {
    const doc = object.document.doc;
    const node = object.node;
    const kind = object.identity.kind ?? '';
    const entry: { -readonly [K in keyof IndexedObject]: IndexedObject[K] } = {
      identity: object.identity,
      file: path,
    };
    const podSpec = podSpecOf(object);
    if (podSpec) {
      const labels = stringRecord(getMap(podSpec.podMeta, 'labels', doc));
      if (labels) entry.podLabels = labels;
      const sa = str(podSpec.spec, 'serviceAccountName', doc) ?? str(podSpec.spec, 'serviceAccount', doc);
      if (sa !== undefined) entry.serviceAccountName = sa;
      entry.containerPorts = containersOf(podSpec, object, ['containers']).flatMap((c) =>
        mapItems(getSeq(c.node, 'ports', doc), doc).map(({ node: port }) => {
          const p: { name?: string; port?: number } = {};
          const name = str(port, 'name', doc);
          const number = num(port, 'containerPort', doc);
          if (name !== undefined) p.name = name;
          if (number !== undefined) p.port = number;
          return p;
        }),
      );
    }
    const spec = getMap(node, 'spec', doc);
    if (kind === 'Service') {
      const selector = stringRecord(getMap(spec, 'selector', doc));
      if (selector) entry.selector = { matchLabels: selector, matchExpressions: [] };
      entry.targetPorts = mapItems(getSeq(spec, 'ports', doc), doc).flatMap(({ node: port }) => {
        const target = get(port, 'targetPort', doc) ?? get(port, 'port', doc);
        return isScalar(target) && (typeof target.value === 'string' || typeof target.value === 'number')
          ? [target.value]
          : [];
      });
      entry.headless = str(spec, 'clusterIP', doc) === 'None';
      const labels = stringRecord(getMap(getMap(node, 'metadata', doc), 'labels', doc));
      if (labels) entry.serviceLabels = labels;
    } else if (kind === 'NetworkPolicy') {
      const selector = selectorData(getMap(spec, 'podSelector', doc), doc);
      if (selector) entry.selector = selector;
    } else if (kind === 'HorizontalPodAutoscaler') {
      const target = getMap(spec, 'scaleTargetRef', doc);
      if (target)
        entry.scaleTarget = { kind: str(target, 'kind', doc) ?? '', name: str(target, 'name', doc) ?? '' };
      const min = num(spec, 'minReplicas', doc);
      if (min !== undefined) entry.minReplicas = min;
    } else if (kind === 'Ingress') {
      const names = new Set<string>();
      const collect = (n: unknown): void => {
        if (isMap(n)) {
          const service = getMap(n, 'service', doc);
          const name = str(service, 'name', doc) ?? str(n, 'serviceName', doc);
          if (name !== undefined) names.add(name);
          for (const item of n.items) collect(item.value);
        } else if (isSeq(n)) for (const item of n.items) collect(item);
      };
      collect(spec);
      entry.backendServices = [...names];
    } else if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      const ref = getMap(node, 'roleRef', doc);
      if (ref) entry.roleRef = { kind: str(ref, 'kind', doc) ?? '', name: str(ref, 'name', doc) ?? '' };
    } else {
      const selector = selectorData(getMap(spec, 'selector', doc), doc);
      if (selector) entry.selector = selector;
      const replicas = num(spec, 'replicas', doc);
      if (replicas !== undefined) entry.replicas = replicas;
      const serviceName = str(spec, 'serviceName', doc);
      if (kind === 'StatefulSet' && serviceName !== undefined) entry.serviceName = serviceName;
    }
    return entry;
  });
}

/** Does a selector select a label set? (empty selector selects everything, like the API.) */
export function selects(
  selector: SelectorData | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels)) if (have[k] !== v) return false;
  for (const e of selector.matchExpressions) {
    const value = have[e.key];
    switch (e.operator) {
      case 'In':
        if (value === undefined || !e.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (value !== undefined && e.values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Namespaces match when equal, treating a missing namespace as "the same as the other one"
 * (manifests often omit it and get it from `kubectl -n` or kustomize). */
export function sameNamespace(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return a.namespace === undefined || b.namespace === undefined || a.namespace === b.namespace;
}
