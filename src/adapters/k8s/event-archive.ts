import { DEFAULT_ARCHIVE_LIMITS, EventArchive, type ArchiveLimits } from '../../core/diagnose/event-archive';
import type { KubeEvent } from '../../core/k8s/types';
import type { Logger } from '../../core/log';
import { Informer } from './informer';
import type { KubeRest } from './rest';

const EVENTS = { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true } as const;

const liveKey = (e: KubeEvent) => `${e.metadata?.namespace ?? ''}/${e.metadata?.name ?? ''}`;

/**
 * Watches every core/v1 Event of a cluster (Normal ones too: "Scheduled", "Pulled", "Killing"
 * are the timeline's backbone) and keeps each one in an EventArchive after the API server's TTL
 * deletes it. The informer itself holds only a marker per live event — the archive is the one
 * copy — so the watch costs one stream and a few megabytes at most.
 */
export class EventArchiveWatch {
  readonly archive: EventArchive;
  private readonly informer: Informer<true>;
  /** When listing events across the cluster is forbidden: one watch per namespace we may read. */
  private readonly perNamespace = new Map<string, Informer<true>>();
  private readonly make: (namespace?: string) => Informer<true>;
  private namespaces: readonly string[] = [];

  constructor(
    rest: KubeRest,
    log: Logger,
    options: { limits?: ArchiveLimits; now?: () => number; archive?: EventArchive } = {},
  ) {
    const archive = options.archive ?? new EventArchive(options.limits ?? DEFAULT_ARCHIVE_LIMITS);
    this.archive = archive;
    const now = options.now ?? Date.now;
    this.make = (namespace) =>
      new Informer<true>(
        rest,
        EVENTS,
        {
          ...(namespace ? { namespace } : {}),
          // Called for every listed item and every ADDED/MODIFIED watch event: the archive's feed.
          project: (raw) => {
            archive.record(raw, now());
            return true;
          },
        },
        log,
      );
    this.informer = this.make();
    // Refused after the connection last told us its namespaces: fall back to those at once.
    this.informer.onChange(() => this.followNamespaces(this.namespaces));
  }

  start(): void {
    this.informer.start();
  }

  stop(): void {
    this.informer.stop();
    for (const informer of this.perNamespace.values()) informer.stop();
    this.perNamespace.clear();
  }

  /**
   * Follows the namespaces the connection watches one by one (RBAC refused the cluster-wide
   * list): the same fallback as the explorer's, for a user who may read events in some
   * namespaces only. A no-op while the cluster-wide watch works.
   */
  followNamespaces(namespaces: readonly string[]): void {
    this.namespaces = namespaces;
    const status = this.informer.status;
    if (status.state !== 'failed' || status.error.kind !== 'forbidden') return;
    const wanted = new Set(namespaces);
    for (const ns of wanted) {
      if (this.perNamespace.has(ns)) continue;
      const informer = this.make(ns);
      this.perNamespace.set(ns, informer);
      informer.start();
    }
    for (const [ns, informer] of this.perNamespace)
      if (!wanted.has(ns)) {
        informer.stop();
        this.perNamespace.delete(ns);
      }
  }

  /** True once the first LIST is in: before that every archived event would look expired. */
  get ready(): boolean {
    return known(this.informer) || [...this.perNamespace.values()].some(known);
  }

  /**
   * Every kept event; those the API server has deleted carry KEPT_SINCE_ANNOTATION. Where the
   * watch is not up (yet, or any more), none is called expired: not knowing is not the same as gone.
   */
  events(): KubeEvent[] {
    return this.archive.events((e) => {
      const informer = this.perNamespace.get(e.metadata?.namespace ?? '') ?? this.informer;
      return !known(informer) || informer.items.has(liveKey(e));
    });
  }
}

const known = (informer: Informer<true>) =>
  informer.status.state !== 'loading' && informer.status.state !== 'failed';
