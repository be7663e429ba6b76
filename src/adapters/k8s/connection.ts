import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../core/log';
import { emptyClusterState, type ClusterState } from '../../core/k8s/types';
import { KubeError } from './errors';
import type { EventArchive } from '../../core/diagnose/event-archive';
import { EventArchiveWatch } from './event-archive';
import { Informer, type InformerStats, type InformerStatus } from './informer';
import { WATCHED, type WatchedResource } from './resources';
import { KubeRest } from './rest';

export type ConnectionState = 'connecting' | 'ready' | 'stale' | 'failed';

export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** The error that best explains a stale or failed connection. */
  readonly error?: KubeError;
  /** When the data was last known good (for "stale since …"). */
  readonly since?: number;
  /** Namespaces we may not read, with the API server's answer. */
  readonly forbiddenNamespaces: ReadonlyMap<string, KubeError>;
  /** Resources we may not list anywhere (e.g. nodes for a namespace-scoped user). */
  readonly unavailable: ReadonlyMap<string, KubeError>;
  /** True when RBAC forced per-namespace watching. */
  readonly namespaceScoped: boolean;
}

export interface ConnectionOptions {
  /** Namespaces to watch when the user cannot list across the cluster (settings + context default). */
  readonly pinnedNamespaces?: readonly string[];
  readonly pageSize?: number;
  readonly debounceMs?: number;
  /** Overrides the exec credential plugin timeout (tests). */
  readonly credentialTimeoutMs?: number;
  /** Keep every event past the API server's TTL (the extension; a one-shot CLI read has no use). */
  readonly archiveEvents?: boolean;
  /**
   * The archive an earlier connection to the same cluster kept: a reconnect (sign-in, kubeconfig
   * reload, Disconnect then Connect) continues it instead of forgetting what the API server has
   * since deleted — the events an incident review needs most.
   */
  readonly eventArchive?: EventArchive;
}

type AnyInformer = Informer<unknown>;
type StateKey = keyof ClusterState;

/**
 * One live cluster: informers for every watched resource, cluster-wide when RBAC allows, else
 * per namespace. The extension reads `state()` (cheap, cached until the next change) and is told
 * about changes through one debounced listener, so a burst of watch events is one tree refresh.
 */
export class ClusterConnection {
  readonly rest: KubeRest;
  /** Every event seen while connected, kept past the API server's TTL (Diagnose, snapshots). */
  readonly eventArchive: EventArchiveWatch | undefined;
  private readonly informers = new Map<
    string,
    { resource: WatchedResource; namespace?: string; informer: AnyInformer }
  >();
  private readonly listeners = new Set<() => void>();
  private cached: ClusterState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly forbidden = new Map<string, KubeError>();
  private readonly unavailable = new Map<string, KubeError>();
  /** Optional resources whose API is not installed (no Argo CD CRD). */
  private readonly absent = new Set<StateKey>();
  private namespaceScoped = false;
  private readonly fellBack = new Set<WatchedResource>();
  private readonly pinned: Set<string>;
  serverVersion: string | undefined;

  constructor(
    kc: KubeConfig,
    readonly context: string,
    private readonly log: Logger,
    private readonly options: ConnectionOptions = {},
  ) {
    this.rest = new KubeRest(
      kc,
      log,
      options.credentialTimeoutMs ? { credentialTimeoutMs: options.credentialTimeoutMs } : {},
    );
    this.pinned = new Set(options.pinnedNamespaces ?? []);
    this.eventArchive = options.archiveEvents
      ? new EventArchiveWatch(this.rest, log, options.eventArchive ? { archive: options.eventArchive } : {})
      : undefined;
    // Namespace-scoped users: the archive watches where the explorer does.
    if (this.eventArchive)
      this.onDidChange(() => this.eventArchive?.followNamespaces(this.watchedNamespaces()));
  }

  start(): void {
    for (const resource of WATCHED) this.watch(resource);
    this.eventArchive?.start();
    void this.rest
      .request<{ gitVersion?: string }>('GET', '/version', {
        what: 'read the server version',
        timeoutMs: 5000,
      })
      .then((v) => {
        this.serverVersion = v.gitVersion;
        this.changed();
      })
      .catch(() => undefined);
  }

  private watch(resource: WatchedResource, namespace?: string): void {
    const key = `${resource.key}@${namespace ?? '*'}`;
    if (this.informers.has(key) || this.stopped) return;
    const informer = new Informer(
      this.rest,
      resource.type,
      {
        project: resource.project,
        ...(namespace ? { namespace } : {}),
        ...(resource.fieldSelector ? { fieldSelector: resource.fieldSelector } : {}),
        ...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}),
      },
      this.log,
    );
    this.informers.set(key, { resource, informer, ...(namespace ? { namespace } : {}) });
    informer.onChange(() => this.onInformerChange(resource, namespace, informer));
    informer.start();
  }

  private onInformerChange(
    resource: WatchedResource,
    namespace: string | undefined,
    informer: AnyInformer,
  ): void {
    const status = informer.status;
    if (status.state === 'failed') {
      const error = status.error;
      if (error.kind === 'notFound' && resource.optional) {
        // The CRD is not installed: nothing to show, nothing to complain about.
        this.absent.add(resource.key);
      } else if (error.kind === 'forbidden' && !namespace && resource.type.namespaced) {
        this.fallBackToNamespaces(resource);
      } else if (error.kind === 'forbidden' && namespace) {
        this.forbidden.set(namespace, error);
      } else {
        this.unavailable.set(resource.key, error);
      }
    } else if (status.state === 'ready') {
      this.absent.delete(resource.key);
      if (namespace) this.forbidden.delete(namespace);
    }
    // New namespaces appear and deleted ones go: per-namespace watchers follow them.
    if (resource.key === 'namespaces' && this.fellBack.size > 0) {
      for (const r of this.fellBack) this.fallBackToNamespaces(r);
      if (status.state === 'ready') this.pruneNamespaces();
    }
    this.changed();
  }

  /** Cluster-wide listing was refused: watch the namespaces we know of, one by one. */
  private fallBackToNamespaces(resource: WatchedResource): void {
    this.namespaceScoped = true;
    this.fellBack.add(resource);
    for (const ns of this.knownNamespaces()) this.watch(resource, ns);
  }

  /**
   * Stops the watchers of namespaces that are gone (neither listed nor pinned): each holds a
   * dozen watches, and a deleted namespace's would otherwise run, and show its last pods, forever.
   * Only called while the namespace list is live, so a dropped namespace watch prunes nothing.
   */
  private pruneNamespaces(): void {
    const known = new Set(this.knownNamespaces());
    for (const [key, { namespace, informer }] of this.informers) {
      if (namespace === undefined || known.has(namespace)) continue;
      informer.stop();
      this.informers.delete(key);
      this.forbidden.delete(namespace);
    }
  }

  private knownNamespaces(): string[] {
    const names = new Set(this.pinned);
    const nsInformer = this.informers.get('namespaces@*')?.informer;
    if (nsInformer?.status.state === 'ready') {
      for (const ns of nsInformer.items.values()) {
        const name = (ns as { metadata?: { name?: string } }).metadata?.name;
        if (name) names.add(name);
      }
    }
    return [...names];
  }

  private changed(): void {
    this.cached = undefined;
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const listener of this.listeners) listener();
    }, this.options.debounceMs ?? 50);
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Everything currently known, as the pure core's ClusterState. */
  state(): ClusterState {
    if (this.cached) return this.cached;
    const state = emptyClusterState() as { -readonly [K in keyof ClusterState]: unknown[] };
    for (const { resource, informer } of this.informers.values()) {
      const list = state[resource.key];
      for (const item of informer.items.values()) list.push(item);
    }
    // Users who cannot list namespaces still see the ones they pinned or could read into.
    if (this.namespaceScoped || this.informers.get('namespaces@*')?.informer.status.state === 'failed') {
      const have = new Set(
        (state.namespaces as { metadata?: { name?: string } }[]).map((n) => n.metadata?.name),
      );
      for (const name of this.knownNamespaces()) {
        if (!have.has(name)) state.namespaces.push({ kind: 'Namespace', metadata: { name } });
      }
    }
    this.cached = state as unknown as ClusterState;
    return this.cached;
  }

  status(): ConnectionStatus {
    const statuses: InformerStatus[] = [];
    for (const { resource, informer } of this.informers.values()) {
      if (resource.optional && informer.status.state === 'failed') continue;
      statuses.push(informer.status);
    }
    const pods = [...this.informers.values()]
      .filter((i) => i.resource.key === 'pods')
      .map((i) => i.informer.status);
    const base = {
      forbiddenNamespaces: this.forbidden,
      unavailable: this.unavailable,
      namespaceScoped: this.namespaceScoped,
    };
    type Failed = Extract<InformerStatus, { state: 'failed' }>;
    // Every request carries the same credentials: one 401 means none of the data is live, even
    // while other watches opened before the credentials expired still stream.
    const rejected = statuses.find(
      (s): s is Failed => s.state === 'failed' && s.error.kind === 'unauthorized',
    );
    if (rejected) return { ...base, state: 'failed', error: rejected.error };
    const stale = statuses.find((s): s is Extract<InformerStatus, { state: 'stale' }> => s.state === 'stale');
    const failedPods = pods.length > 0 && pods.every((s) => s.state === 'failed');
    if (failedPods) {
      const error = (pods.find((s) => s.state === 'failed') as Failed).error;
      return { ...base, state: 'failed', error };
    }
    if (stale) return { ...base, state: 'stale', error: stale.error, since: stale.since };
    if (statuses.some((s) => s.state === 'loading') && !pods.some((s) => s.state === 'ready'))
      return { ...base, state: 'connecting' };
    return { ...base, state: 'ready' };
  }

  /**
   * True while any informer has not finished its first LIST. The tree ignores optional ones (it
   * shows what it has); a one-shot read (the CLI) counts them too, or an Argo CD Application list
   * that answers a moment later reads as "not found". A missing CRD fails them at once.
   */
  loading(includeOptional = false): boolean {
    for (const { resource, informer } of this.informers.values()) {
      if (informer.status.state === 'loading' && (includeOptional || !resource.optional)) return true;
    }
    return false;
  }

  /** Request counters, for the benchmark's "no re-LIST on steady state". */
  stats(): InformerStats {
    const total: InformerStats = { lists: 0, listPages: 0, watches: 0, events: 0, relists: 0 };
    for (const { informer } of this.informers.values()) {
      total.lists += informer.stats.lists;
      total.listPages += informer.stats.listPages;
      total.watches += informer.stats.watches;
      total.events += informer.stats.events;
      total.relists += informer.stats.relists;
    }
    return total;
  }

  /** Parts of the state that are empty because they cannot be read, not because nothing exists. */
  missing(): Set<StateKey> {
    return new Set([...this.absent, ...(this.unavailable.keys() as Iterable<StateKey>)]);
  }

  refresh(): void {
    this.forbidden.clear();
    this.unavailable.clear();
    for (const { informer } of this.informers.values()) informer.refresh();
  }

  /** The namespaces watched one by one (the per-namespace fallback), for the log and tests. */
  watchedNamespaces(): string[] {
    const names = new Set<string>();
    for (const { namespace } of this.informers.values()) if (namespace !== undefined) names.add(namespace);
    return [...names].sort();
  }

  /** Re-watches a namespace the user pinned after connecting. */
  pinNamespace(namespace: string): void {
    this.pinned.add(namespace);
    for (const resource of this.fellBack) this.watch(resource, namespace);
    this.changed();
  }

  /**
   * Stops every watch and lets go of the data: whoever still holds this object (a tree item, a
   * subscription) must not keep a whole cluster's state alive after a reconnect.
   */
  dispose(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.eventArchive?.stop();
    for (const { informer } of this.informers.values()) informer.stop();
    this.informers.clear();
    this.listeners.clear();
    this.cached = undefined;
    this.rest.dispose();
  }
}

export { KubeError };
