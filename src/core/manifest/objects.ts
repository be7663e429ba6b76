import type { YAMLMap } from 'yaml';
import type { ManifestDocument, ManifestFile } from '../yaml/parse';
import { getMap, getMapPath, getSeq, mapItems, str } from './nodes';

export interface ObjectIdentity {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** One Kubernetes object in a file: a document's root map, or an item of a `kind: List`. */
export interface ManifestObject {
  readonly file: ManifestFile;
  readonly document: ManifestDocument;
  readonly node: YAMLMap;
  readonly identity: ObjectIdentity;
  /** Index inside `items` when the object came from a `kind: List`. */
  readonly listIndex?: number;
}

export function identityOf(node: YAMLMap, document: ManifestDocument): ObjectIdentity {
  const doc = document.doc;
  const meta = getMap(node, 'metadata', doc);
  const identity: { -readonly [K in keyof ObjectIdentity]: ObjectIdentity[K] } = {};
  const apiVersion = str(node, 'apiVersion', doc);
  const kind = str(node, 'kind', doc);
  const name = str(meta, 'name', doc);
  const namespace = str(meta, 'namespace', doc);
  if (apiVersion !== undefined) identity.apiVersion = apiVersion;
  if (kind !== undefined) identity.kind = kind;
  if (name !== undefined) identity.name = name;
  if (namespace !== undefined) identity.namespace = namespace;
  return identity;
}

export function objectsOf(file: ManifestFile): ManifestObject[] {
  return file.documents.flatMap((document) => objectsOfDocument(file, document));
}

/** The objects of one document: its root, or each item of a `kind: List` (or `PodList`…). */
export function objectsOfDocument(file: ManifestFile, document: ManifestDocument): ManifestObject[] {
  const root = document.root;
  if (!root) return [];
  const identity = identityOf(root, document);
  if (identity.kind === 'List' || (identity.kind?.endsWith('List') && getSeq(root, 'items', document.doc))) {
    return mapItems(getSeq(root, 'items', document.doc), document.doc).map(({ node, index }) => ({
      file,
      document,
      node,
      identity: identityOf(node, document),
      listIndex: index,
    }));
  }
  return [{ file, document, node: root, identity }];
}

export const POD_CARRIERS = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
]);

export interface PodSpecRef {
  /** The PodSpec map. */
  readonly spec: YAMLMap;
  /** Keys from the object root to the PodSpec, e.g. ['spec', 'template', 'spec']. */
  readonly path: readonly string[];
  /** The pod template's metadata (or the Pod's own metadata). */
  readonly podMeta: YAMLMap | undefined;
}

const SPEC_PATHS: Record<string, readonly string[]> = {
  Pod: ['spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
const DEFAULT_SPEC_PATH = ['spec', 'template', 'spec'];

export function podSpecPath(kind: string): readonly string[] {
  return SPEC_PATHS[kind] ?? DEFAULT_SPEC_PATH;
}

// Every pod rule asks for the same pod spec and containers: computed once per parsed object
// (parsed trees are never mutated; fixes re-parse).
const specMemo = new WeakMap<ManifestObject, PodSpecRef | null>();
const containerMemo = new WeakMap<PodSpecRef, Map<string, ContainerRef[]>>();

export function podSpecOf(object: ManifestObject): PodSpecRef | undefined {
  let ref = specMemo.get(object);
  if (ref === undefined) specMemo.set(object, (ref = findPodSpec(object) ?? null));
  return ref ?? undefined;
}

function findPodSpec(object: ManifestObject): PodSpecRef | undefined {
  const kind = object.identity.kind;
  if (!kind || !POD_CARRIERS.has(kind)) return undefined;
  const path = podSpecPath(kind);
  const spec = getMapPath(object.node, path, object.document.doc);
  if (!spec) return undefined;
  const podMeta = getMapPath(object.node, [...path.slice(0, -1), 'metadata'], object.document.doc);
  return { spec, path, podMeta };
}

export type ContainerGroup = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerRef {
  readonly node: YAMLMap;
  readonly name: string;
  readonly group: ContainerGroup;
  readonly index: number;
}

export function containersOf(
  ref: PodSpecRef,
  object: ManifestObject,
  groups: readonly ContainerGroup[] = ['containers', 'initContainers', 'ephemeralContainers'],
): ContainerRef[] {
  let byGroups = containerMemo.get(ref);
  if (!byGroups) containerMemo.set(ref, (byGroups = new Map<string, ContainerRef[]>()));
  const key = groups.join();
  let found = byGroups.get(key);
  // Callers get their own array: some sort or filter it.
  if (!found) byGroups.set(key, (found = findContainers(ref, object, groups)));
  return [...found];
}

function findContainers(
  ref: PodSpecRef,
  object: ManifestObject,
  groups: readonly ContainerGroup[],
): ContainerRef[] {
  const doc = object.document.doc;
  return groups.flatMap((group) =>
    mapItems(getSeq(ref.spec, group, doc), doc).map(({ node, index }) => ({
      node,
      index,
      group,
      name: str(node, 'name', doc) ?? `${group}[${index}]`,
    })),
  );
}

export function displayName(identity: ObjectIdentity): string {
  return `${identity.kind ?? 'object'}/${identity.name ?? '(unnamed)'}`;
}
