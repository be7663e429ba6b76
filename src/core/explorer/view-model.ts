import { podHealth } from '../health/memo';
import type { PodHealth } from '../health/pod';
import type { PlatformHealth, WorkloadHealth } from '../health/types';
import type { ClusterState, Pod, Service, WorkloadKind } from '../k8s/types';
import { GROUP_ORDER, type ExplorerNode, type NodeOf, type SourceKey } from './nodes';
import type { ObjectRef } from './ref';

/** What the explorer reads of each cluster; the editor answers from its live sources. */
export interface ExplorerSources<S extends SourceKey> {
  list(): readonly S[];
  state(source: S): ClusterState | undefined;
  health(source: S): PlatformHealth | undefined;
  /** When the source's pods are judged: now, or the moment a snapshot was taken. */
  clock(source: S): number;
  /** A status row (connecting, stale, failed, blocked) leads the cluster's children. */
  hasStatusRow(source: S): boolean;
  /** Namespaces the user may not list: always shown (locked), whatever the filter. */
  forbiddenNamespaces(source: S): Iterable<string>;
  /** Keys of the cluster's active port-forwards. */
  forwardKeys(source: S): readonly string[];
  /** The cluster's Services in a namespace, in display order. */
  services(state: ClusterState, namespace: string): readonly Service[];
}

/** Per-health lookups, built once per health object (i.e. once per batch of cluster changes). */
export interface ExplorerIndex {
  readonly pods: ReadonlyMap<string, Pod>;
  /** Each pod classified once, at the source's clock when the index was built. */
  readonly podHealth: ReadonlyMap<string, PodHealth>;
  readonly workloads: ReadonlyMap<string, readonly WorkloadHealth[]>;
  /** Pods no workload owns ("Pods without controller"), per namespace. */
  readonly unowned: ReadonlyMap<string, readonly Pod[]>;
  readonly suggestions: ReadonlyMap<string, string>;
}

const key = (ns: string, name: string) => `${ns}/${name}`;
const podKeyOf = (pod: Pod) => key(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');

function buildIndex(state: ClusterState, health: PlatformHealth, now: number): ExplorerIndex {
  const pods = new Map<string, Pod>();
  const healthOf = new Map<string, PodHealth>();
  for (const pod of state.pods) {
    pods.set(podKeyOf(pod), pod);
    healthOf.set(podKeyOf(pod), podHealth(pod, now));
  }
  const workloads = new Map<string, WorkloadHealth[]>();
  const owned = new Set<string>();
  for (const w of health.workloads) {
    workloads.set(w.namespace, [...(workloads.get(w.namespace) ?? []), w]);
    for (const pod of w.pods) owned.add(key(w.namespace, pod));
  }
  const unowned = new Map<string, Pod[]>();
  for (const [k, pod] of pods) {
    if (owned.has(k)) continue;
    const ns = pod.metadata?.namespace ?? '';
    unowned.set(ns, [...(unowned.get(ns) ?? []), pod]);
  }
  const suggestions = new Map<string, string>();
  for (const p of health.problems) if (p.pod) suggestions.set(key(p.namespace, p.pod), p.suggestion);
  return { pods, podHealth: healthOf, workloads, unowned, suggestions };
}

/** Most severe first, then by name: the order pods are listed in under a workload or a group. */
export function severityOrder(index: ExplorerIndex): (a: Pod, b: Pod) => number {
  const severity = (p: Pod) => index.podHealth.get(podKeyOf(p))?.severity ?? 0;
  return (a, b) =>
    severity(b) - severity(a) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** Failing workloads first, then by name. */
const workloadOrder = (a: WorkloadHealth, b: WorkloadHealth) =>
  Number(a.healthy) - Number(b.healthy) || a.name.localeCompare(b.name);

/** What one cluster's rows are computed from: its state, health and index at one moment. */
interface Scope<S extends SourceKey> {
  readonly source: S;
  readonly state: ClusterState;
  readonly health: PlatformHealth;
  readonly index: ExplorerIndex;
}

/**
 * The Clusters view without VS Code: which rows each row has, what "only problems" hides, and
 * in which order. The tree turns these nodes into TreeItems; nothing here connects or renders.
 */
export class ExplorerModel<S extends SourceKey> {
  onlyProblems = false;
  private readonly indexes = new WeakMap<PlatformHealth, ExplorerIndex>();

  constructor(private readonly sources: ExplorerSources<S>) {}

  /** Lookups for a source's current health (undefined until it has state). */
  index(source: S): ExplorerIndex | undefined {
    return this.scope(source)?.index;
  }

  private scope(source: S): Scope<S> | undefined {
    const health = this.sources.health(source);
    const state = this.sources.state(source);
    if (!health || !state) return undefined;
    let index = this.indexes.get(health);
    if (!index) {
      index = buildIndex(state, health, this.sources.clock(source));
      this.indexes.set(health, index);
    }
    return { source, state, health, index };
  }

  private keep(healthy: boolean): boolean {
    return !this.onlyProblems || !healthy;
  }

  children(node?: ExplorerNode<S>): ExplorerNode<S>[] {
    if (!node) return this.sources.list().map((source) => ({ type: 'source', source }));
    const source = node.source;
    if (node.type === 'forwards')
      return this.sources.forwardKeys(source).map((key) => ({ type: 'forward', source, key }));
    if (node.type === 'source') return this.sourceChildren(source);
    const scope = this.scope(source);
    if (!scope) return [];
    switch (node.type) {
      case 'namespace':
        return this.namespaceChildren(scope, node.name);
      case 'services':
        return this.sources.services(scope.state, node.namespace).map((s) => ({
          type: 'service',
          source,
          namespace: node.namespace,
          name: s.metadata?.name ?? '',
        }));
      case 'group':
        return this.groupChildren(scope, node);
      case 'workload':
        return this.workloadChildren(scope, node);
      case 'nodes':
        return scope.health.nodes.map((n) => ({ type: 'node', source, name: n.name }));
      case 'applications':
        return scope.state.applications.map((a) => ({
          type: 'application',
          source,
          namespace: a.metadata?.namespace ?? '',
          name: a.metadata?.name ?? '',
        }));
      default:
        return [];
    }
  }

  /** Status, forwards, namespaces (problems first), then nodes and Argo CD applications. */
  private sourceChildren(source: S): ExplorerNode<S>[] {
    const out: ExplorerNode<S>[] = [];
    if (this.sources.hasStatusRow(source)) out.push({ type: 'message', source, key: 'status' });
    // Forwards listen until stopped, whatever the connection does meanwhile: always listed.
    if (this.sources.forwardKeys(source).length > 0) out.push({ type: 'forwards', source });
    const health = this.sources.health(source);
    const state = this.sources.state(source);
    if (!health || !state) return out;
    const forbidden = new Set(this.sources.forbiddenNamespaces(source));
    for (const ns of health.namespaces)
      if (this.keep(ns.problems === 0) || forbidden.has(ns.name))
        out.push({ type: 'namespace', source, name: ns.name });
    for (const name of forbidden)
      if (!health.namespaces.some((n) => n.name === name)) out.push({ type: 'namespace', source, name });
    const nodesInTrouble = health.nodes.some((n) => !n.ready || n.pressures.length > 0);
    if (state.nodes.length > 0 && this.keep(!nodesInTrouble)) out.push({ type: 'nodes', source });
    if (state.applications.length > 0) out.push({ type: 'applications', source });
    return out;
  }

  private namespaceChildren({ source, state, index }: Scope<S>, namespace: string): ExplorerNode<S>[] {
    const kinds = new Set<WorkloadKind | 'Pod'>(
      (index.workloads.get(namespace) ?? []).filter((w) => this.keep(w.healthy)).map((w) => w.kind),
    );
    if (this.unownedPods(index, namespace).length > 0) kinds.add('Pod');
    const groups: ExplorerNode<S>[] = GROUP_ORDER.filter((k) => kinds.has(k)).map((kind) => ({
      type: 'group',
      source,
      namespace,
      kind,
    }));
    // Services have no health of their own: not a problem to filter for.
    if (!this.onlyProblems && this.sources.services(state, namespace).length > 0)
      groups.push({ type: 'services', source, namespace });
    return groups;
  }

  private unownedPods(index: ExplorerIndex, namespace: string): Pod[] {
    return (index.unowned.get(namespace) ?? []).filter((p) => this.keep(this.healthy(index, p)));
  }

  private healthy(index: ExplorerIndex, pod: Pod): boolean {
    return index.podHealth.get(podKeyOf(pod))?.healthy ?? true;
  }

  private groupChildren({ source, index }: Scope<S>, node: NodeOf<'group', S>): ExplorerNode<S>[] {
    if (node.kind === 'Pod')
      return this.unownedPods(index, node.namespace)
        .sort(severityOrder(index))
        .map((p) => ({ type: 'pod', source, namespace: node.namespace, name: p.metadata?.name ?? '' }));
    return (index.workloads.get(node.namespace) ?? [])
      .filter((w) => w.kind === node.kind && this.keep(w.healthy))
      .sort(workloadOrder)
      .map((w) => ({ type: 'workload', source, namespace: w.namespace, kind: w.kind, name: w.name }));
  }

  private workloadChildren({ source, index }: Scope<S>, node: NodeOf<'workload', S>): ExplorerNode<S>[] {
    const w = (index.workloads.get(node.namespace) ?? []).find(
      (x) => x.kind === node.kind && x.name === node.name,
    );
    const owner = { kind: node.kind, name: node.name };
    return (w?.pods ?? [])
      .map((name) => index.pods.get(key(node.namespace, name)))
      .filter((p): p is Pod => p !== undefined && this.keep(this.healthy(index, p)))
      .sort(severityOrder(index))
      .map((p) => ({ type: 'pod', source, namespace: node.namespace, name: p.metadata?.name ?? '', owner }));
  }

  /**
   * The row that shows an object, for "reveal" links from the Problems view and the runbook.
   * Objects the tree has no row for (quotas, PDBs, policies) reveal their namespace.
   */
  nodeFor(source: S, ref: ObjectRef): ExplorerNode<S> | undefined {
    const namespace = ref.namespace ?? '';
    switch (ref.kind) {
      case 'Node':
        return { type: 'node', source, name: ref.name };
      case 'Namespace':
        return { type: 'namespace', source, name: ref.name };
      case 'Application':
        return { type: 'application', source, namespace, name: ref.name };
      case 'Service':
        return { type: 'service', source, namespace, name: ref.name };
      case 'Pod': {
        const owner = this.index(source)
          ?.workloads.get(namespace)
          ?.find((w) => w.pods.includes(ref.name));
        const pod = { type: 'pod', source, namespace, name: ref.name } as const;
        return owner ? { ...pod, owner: { kind: owner.kind, name: owner.name } } : pod;
      }
      default:
        if ((GROUP_ORDER as readonly string[]).includes(ref.kind) && ref.kind !== 'Pod')
          return { type: 'workload', source, namespace, kind: ref.kind as WorkloadKind, name: ref.name };
        return namespace ? { type: 'namespace', source, name: namespace } : undefined;
    }
  }
}
