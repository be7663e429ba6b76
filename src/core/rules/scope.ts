import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import {
  bool,
  get,
  getMap,
  getSeq,
  mapItems,
  num,
  scalar,
  str,
  stringRecord,
  strings,
} from '../manifest/nodes';
import {
  containersOf,
  objectsOfDocument,
  podSpecOf,
  type ManifestObject,
  type ObjectIdentity,
} from '../manifest/objects';
import { crdSchemas, crdSchemasOfSpec, isCrd, type CrdSchema } from '../schema/crd';
import type { ManifestFile } from '../yaml/parse';
import { lightIdentity } from './light';
import { operatorPods } from './pod-owners';
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
  /** Service ports' own `name` and `port` (what Ingress backends name). */
  readonly servicePorts?: readonly { name?: string; port?: number }[];
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
  /** Role/ClusterRole `rules[]` (RBAC rules judge bindings by the role they reference). */
  readonly rbacRules?: readonly RbacRuleData[];
  /** ServiceAccount `automountServiceAccountToken`. */
  readonly automountServiceAccountToken?: boolean;
  /** Pods made by an operator from this custom resource (its containers and ports are unknown). */
  readonly managedBy?: string;
  /** The StatefulSet whose pods these are (a StatefulSet's own name, or the one an operator makes):
   * what `statefulset.kubernetes.io/pod-name` values start with. */
  readonly statefulSetName?: string;
  /** A CustomResourceDefinition's served schemas (what `schema-invalid` checks custom resources by). */
  readonly crdSchemas?: readonly CrdSchema[];
}

/** One entry of a Role/ClusterRole `rules[]`, as plain data. */
export interface RbacRuleData {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceURLs: readonly string[];
  /** The rule is limited to named objects (`resourceNames`). */
  readonly named: boolean;
}

export interface ScopeIndex {
  readonly scope: Scope;
  readonly objects: readonly IndexedObject[];
}

export function emptyIndex(scope: Scope = 'file'): ScopeIndex {
  return { scope, objects: [] };
}

export function selectorData(map: YAMLMap | undefined, doc: Document.Parsed): SelectorData | undefined {
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

export function rbacRuleData(rule: YAMLMap, doc: Document.Parsed): RbacRuleData {
  const list = (key: string) => strings(getSeq(rule, key, doc)).map((s) => s.value);
  return {
    apiGroups: list('apiGroups'),
    resources: list('resources'),
    verbs: list('verbs'),
    nonResourceURLs: list('nonResourceURLs'),
    named: (getSeq(rule, 'resourceNames', doc)?.items.length ?? 0) > 0,
  };
}

/** Extracts the index entries of every object in a parsed file. */
export function indexFile(file: ManifestFile, path: string): IndexedObject[] {
  const out: IndexedObject[] = [];
  for (const document of file.documents) {
    // A CRD the light scanner read: its entry from the plain value, its nodes never built.
    const identity = document.light ? lightIdentity(document.light) : undefined;
    if (document.light && identity && isCrd(identity.apiVersion, identity.kind)) {
      out.push({ identity, file: path, crdSchemas: crdSchemasOfSpec(document.light['spec']) });
      continue;
    }
    for (const entry of indexObjects(objectsOfDocument(file, document), path)) out.push(entry);
  }
  return out;
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
    const operated = operatorPods(object.identity, spec, doc);
    if (operated) Object.assign(entry, operated);
    if (kind === 'StatefulSet' && object.identity.name !== undefined)
      entry.statefulSetName = object.identity.name;
    if (kind === 'Service') {
      const selector = stringRecord(getMap(spec, 'selector', doc));
      if (selector) entry.selector = { matchLabels: selector, matchExpressions: [] };
      entry.targetPorts = mapItems(getSeq(spec, 'ports', doc), doc).flatMap(({ node: port }) => {
        const target = get(port, 'targetPort', doc) ?? get(port, 'port', doc);
        return isScalar(target) && (typeof target.value === 'string' || typeof target.value === 'number')
          ? [target.value]
          : [];
      });
      entry.servicePorts = mapItems(getSeq(spec, 'ports', doc), doc).map(({ node: port }) => {
        const p: { name?: string; port?: number } = {};
        const name = str(port, 'name', doc);
        const number = num(port, 'port', doc);
        if (name !== undefined) p.name = name;
        if (number !== undefined) p.port = number;
        return p;
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
    } else if (kind === 'Role' || kind === 'ClusterRole') {
      entry.rbacRules = mapItems(getSeq(node, 'rules', doc), doc).map(({ node: rule }) =>
        rbacRuleData(rule, doc),
      );
    } else if (isCrd(object.identity.apiVersion, kind)) {
      entry.crdSchemas = crdSchemas(node, doc);
    } else if (kind === 'ServiceAccount') {
      const automount = bool(node, 'automountServiceAccountToken', doc);
      if (automount !== undefined) entry.automountServiceAccountToken = automount;
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

/** `objectsInScope` key for every object that creates pods (`podLabels` set), whatever its kind. */
export const POD_TEMPLATES = '#pod-templates';

interface Bucket {
  readonly all: IndexedObject[];
  readonly byNamespace: Map<string | undefined, IndexedObject[]>;
}

const buckets = new WeakMap<readonly IndexedObject[], Map<string, Bucket>>();

/**
 * The index's objects of one kind (or POD_TEMPLATES) that `sameNamespace` matches with
 * `namespace`, from buckets built once per index array. Cross-resource rules run once per object:
 * a linear scan each time is quadratic on a 5,000-object workspace.
 */
export function objectsInScope(
  index: ScopeIndex,
  kind: string,
  namespace: string | undefined,
): readonly IndexedObject[] {
  let byKind = buckets.get(index.objects);
  if (!byKind) {
    const built = new Map<string, Bucket>();
    const add = (key: string, o: IndexedObject) => {
      let bucket = built.get(key);
      if (!bucket) built.set(key, (bucket = { all: [], byNamespace: new Map() }));
      bucket.all.push(o);
      const list = bucket.byNamespace.get(o.identity.namespace);
      if (list) list.push(o);
      else bucket.byNamespace.set(o.identity.namespace, [o]);
    };
    for (const o of index.objects) {
      add(o.identity.kind ?? '', o);
      if (o.podLabels) add(POD_TEMPLATES, o);
    }
    buckets.set(index.objects, built);
    byKind = built;
  }
  const bucket = byKind.get(kind);
  if (!bucket) return [];
  if (namespace === undefined) return bucket.all;
  const own = bucket.byNamespace.get(namespace) ?? [];
  const unset = bucket.byNamespace.get(undefined) ?? [];
  return unset.length === 0 ? own : own.length === 0 ? unset : [...own, ...unset];
}

/** Namespaces match when equal, treating a missing namespace as "the same as the other one"
 * (manifests often omit it and get it from `kubectl -n` or kustomize). */
export function sameNamespace(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return a.namespace === undefined || b.namespace === undefined || a.namespace === b.namespace;
}

const byLabel = new WeakMap<readonly IndexedObject[], Map<string, IndexedObject[]>>();

/**
 * Does any pod template in scope of `namespace` carry every label of `matchLabels`? Looked up
 * through the pod templates indexed by label pair (built once per index array), starting from the
 * selector's rarest pair: a Service costs the few templates sharing its labels, not every
 * template of its namespace.
 */
/** Pod templates by label pair (`key\0value`), built once per index array. */
function labelIndex(index: ScopeIndex): Map<string, IndexedObject[]> {
  let labelled = byLabel.get(index.objects);
  if (!labelled) {
    labelled = new Map();
    for (const o of index.objects)
      for (const [k, v] of Object.entries(o.podLabels ?? {})) {
        const key = `${k}\u0000${v}`;
        const list = labelled.get(key);
        if (list) list.push(o);
        else labelled.set(key, [o]);
      }
    byLabel.set(index.objects, labelled);
  }
  return labelled;
}

const positions = new WeakMap<readonly IndexedObject[], Map<IndexedObject, number>>();

/**
 * The pod templates in scope of `namespace` carrying the rarest pair of `matchLabels` among the
 * keys `lookup` allows: a superset of the templates the selector picks, in objectsInScope's order
 * (its own namespace's first, in index order), found without scanning the namespace. Undefined
 * when no key may be looked up (every one a label controllers add): scan then.
 */
export function podTemplatesCarrying(
  index: ScopeIndex,
  namespace: string | undefined,
  matchLabels: Readonly<Record<string, string>>,
  lookup: (key: string) => boolean,
): readonly IndexedObject[] | undefined {
  const labelled = labelIndex(index);
  let rarest: IndexedObject[] | undefined;
  for (const [k, v] of Object.entries(matchLabels)) {
    if (!lookup(k)) continue;
    const list = labelled.get(`${k}\u0000${v}`) ?? [];
    if (!rarest || list.length < rarest.length) rarest = list;
  }
  if (!rarest) return undefined;
  let at = positions.get(index.objects);
  if (!at) positions.set(index.objects, (at = new Map(index.objects.map((o, i) => [o, i]))));
  const order = at;
  const group = (o: IndexedObject) => (namespace !== undefined && o.identity.namespace === undefined ? 1 : 0);
  return rarest
    .filter(
      (o) =>
        namespace === undefined || o.identity.namespace === undefined || o.identity.namespace === namespace,
    )
    .sort((a, b) => group(a) - group(b) || (order.get(a) ?? 0) - (order.get(b) ?? 0));
}

export function anyPodTemplateSelected(
  index: ScopeIndex,
  namespace: string | undefined,
  matchLabels: Readonly<Record<string, string>>,
): boolean {
  const labelled = labelIndex(index);
  const pairs = Object.entries(matchLabels);
  // An empty selector selects every template in scope.
  if (pairs.length === 0) return objectsInScope(index, POD_TEMPLATES, namespace).length > 0;
  let rarest: IndexedObject[] | undefined;
  for (const [k, v] of pairs) {
    const list = labelled.get(`${k}\u0000${v}`);
    if (!list) return false;
    if (!rarest || list.length < rarest.length) rarest = list;
  }
  const wanted = { matchLabels, matchExpressions: [] };
  return (rarest ?? []).some(
    (o) =>
      (namespace === undefined || o.identity.namespace === undefined || o.identity.namespace === namespace) &&
      selects(wanted, o.podLabels),
  );
}
