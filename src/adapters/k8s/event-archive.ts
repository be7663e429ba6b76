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

  constructor(rest: KubeRest, log: Logger, options: { limits?: ArchiveLimits; now?: () => number } = {}) {
    this.archive = new EventArchive(options.limits ?? DEFAULT_ARCHIVE_LIMITS);
    const now = options.now ?? Date.now;
    this.informer = new Informer<true>(
      rest,
      EVENTS,
      {
        // Called for every listed item and every ADDED/MODIFIED watch event: the archive's feed.
        project: (raw) => {
          this.archive.record(raw, now());
          return true;
        },
      },
      log,
    );
  }

  start(): void {
    this.informer.start();
  }

  stop(): void {
    this.informer.stop();
  }

  /** True once the first LIST is in: before that every archived event would look expired. */
  get ready(): boolean {
    return this.informer.status.state !== 'loading' && this.informer.status.state !== 'failed';
  }

  /**
   * Every kept event; those the API server has deleted carry KEPT_SINCE_ANNOTATION. Until the
   * watch is up, none is called expired: not knowing is not the same as gone.
   */
  events(): KubeEvent[] {
    const ready = this.ready;
    return this.archive.events((e) => !ready || this.informer.items.has(liveKey(e)));
  }
}
