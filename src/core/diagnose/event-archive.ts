import type { KubeEvent } from '../k8s/types';

/**
 * Set on an event the API server no longer has (its --event-ttl deleted it): the ISO time
 * Shipshape first saw it. Written into snapshots, so an offline diagnosis still tells the reader
 * that this line came from Shipshape's memory, not from the cluster.
 */
export const KEPT_SINCE_ANNOTATION = 'shipshape.io/kept-since';

export interface ArchiveLimits {
  /** Events kept per involved object: a crash-looping pod writes the same few reasons forever. */
  readonly perObject: number;
  /** Events kept in all: a few hundred bytes each, so memory stays a few megabytes. */
  readonly total: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { perObject: 50, total: 10_000 };

const MESSAGE_CHARS = 1024;

interface Kept {
  event: KubeEvent;
  /** ms epoch when Shipshape first saw this event. */
  readonly seen: number;
  readonly object: string;
  /** Which update this copy is (see EventArchive.order). */
  readonly gen: number;
}

/** An event's identity: its uid, else namespace/name (both are unique while the event lives). */
export function eventKey(e: KubeEvent): string {
  return e.metadata?.uid ?? `${e.metadata?.namespace ?? ''}/${e.metadata?.name ?? ''}`;
}

const objectKey = (e: KubeEvent): string => {
  const io = e.involvedObject;
  return io?.uid ?? `${io?.kind ?? ''}/${io?.namespace ?? ''}/${io?.name ?? ''}`;
};

const later = (a: string | undefined, b: string | undefined) => ((a ?? '') >= (b ?? '') ? a : b);
const earlier = (a: string | undefined, b: string | undefined) =>
  a === undefined ? b : b === undefined ? a : a <= b ? a : b;

/** What the timeline reads, nothing more: the archive holds thousands of these. */
export function compactEvent(e: KubeEvent): KubeEvent {
  const m = e.metadata ?? {};
  const metadata: NonNullable<KubeEvent['metadata']> = {};
  if (m.name !== undefined) metadata.name = m.name;
  if (m.namespace !== undefined) metadata.namespace = m.namespace;
  if (m.uid !== undefined) metadata.uid = m.uid;
  if (m.resourceVersion !== undefined) metadata.resourceVersion = m.resourceVersion;
  if (m.creationTimestamp !== undefined) metadata.creationTimestamp = m.creationTimestamp;
  const out: KubeEvent = { kind: 'Event', apiVersion: 'v1', metadata };
  const io = e.involvedObject;
  if (io) {
    const involved: NonNullable<KubeEvent['involvedObject']> = {};
    if (io.kind !== undefined) involved.kind = io.kind;
    if (io.name !== undefined) involved.name = io.name;
    if (io.namespace !== undefined) involved.namespace = io.namespace;
    if (io.uid !== undefined) involved.uid = io.uid;
    out.involvedObject = involved;
  }
  if (e.type !== undefined) out.type = e.type;
  if (e.reason !== undefined) out.reason = e.reason;
  if (e.message !== undefined) out.message = e.message.slice(0, MESSAGE_CHARS);
  if (e.count !== undefined) out.count = e.count;
  if (e.firstTimestamp) out.firstTimestamp = e.firstTimestamp;
  if (e.lastTimestamp) out.lastTimestamp = e.lastTimestamp;
  if (e.eventTime) out.eventTime = e.eventTime;
  return out;
}

/**
 * The events seen while connected, kept after the API server deletes them (its one-hour TTL), so
 * Diagnose can show what happened before. Bounded: the oldest-updated event of an object goes
 * when it has more than `perObject`, the oldest-updated of all when there are more than `total`.
 * An event updated again (the recorder bumps `count` rather than writing a new one) replaces its
 * earlier copy, keeping the first `firstTimestamp` and the higher count.
 */
export class EventArchive {
  private readonly byKey = new Map<string, Kept>();
  /** Per involved object, its events' keys in update order (small: at most perObject). */
  private readonly byObject = new Map<string, Set<string>>();
  /**
   * Every update in order, oldest first, as (key, generation); an entry whose generation is no
   * longer the event's is stale and skipped. A queue rather than the Map's own order: taking the
   * first key of a Map that has seen many deletions walks over their holes each time.
   */
  private order: { key: string; gen: number }[] = [];
  private head = 0;
  private gen = 0;

  constructor(private readonly limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) {}

  get size(): number {
    return this.byKey.size;
  }

  record(event: KubeEvent, seenAt: number): void {
    const key = eventKey(event);
    const had = this.byKey.get(key);
    const rv = event.metadata?.resourceVersion;
    if (had && rv && had.event.metadata?.resourceVersion === rv) return;
    const fresh = compactEvent(event);
    const merged = had ? mergeCopies(had.event, fresh) : fresh;
    if (had) this.remove(key);
    const object = objectKey(merged);
    const gen = ++this.gen;
    this.byKey.set(key, { event: merged, seen: had?.seen ?? seenAt, object, gen });
    this.order.push({ key, gen });
    let keys = this.byObject.get(object);
    if (!keys) this.byObject.set(object, (keys = new Set<string>()));
    keys.add(key);
    if (keys.size > this.limits.perObject) {
      const oldest = keys.values().next().value;
      if (oldest !== undefined) this.remove(oldest);
    }
    while (this.byKey.size > this.limits.total && this.head < this.order.length) {
      const { key: k, gen: g } = this.order[this.head++] as { key: string; gen: number };
      if (this.byKey.get(k)?.gen === g) this.remove(k);
    }
    // Stale entries (updates, per-object evictions) are dropped once they outnumber the live ones.
    if (this.order.length - this.head > 2 * this.byKey.size + 1024) {
      this.order = this.order.slice(this.head).filter((o) => this.byKey.get(o.key)?.gen === o.gen);
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  private remove(key: string): void {
    const kept = this.byKey.get(key);
    if (!kept) return;
    this.byKey.delete(key);
    const keys = this.byObject.get(kept.object);
    keys?.delete(key);
    if (keys?.size === 0) this.byObject.delete(kept.object);
  }

  /**
   * Every kept event. Those `isLive` says the API server no longer has carry KEPT_SINCE_ANNOTATION
   * with the time Shipshape first saw them.
   */
  events(isLive: (event: KubeEvent) => boolean): KubeEvent[] {
    return [...this.byKey.values()].map(({ event, seen }) =>
      isLive(event)
        ? event
        : {
            ...event,
            metadata: {
              ...event.metadata,
              annotations: { [KEPT_SINCE_ANNOTATION]: new Date(seen).toISOString() },
            },
          },
    );
  }
}

function mergeCopies(old: KubeEvent, fresh: KubeEvent): KubeEvent {
  const newer =
    (fresh.count ?? 0) > (old.count ?? 0) ||
    ((fresh.count ?? 0) === (old.count ?? 0) &&
      later(fresh.lastTimestamp ?? fresh.eventTime, old.lastTimestamp ?? old.eventTime) ===
        (fresh.lastTimestamp ?? fresh.eventTime))
      ? fresh
      : old;
  const first = earlier(old.firstTimestamp, fresh.firstTimestamp);
  return { ...newer, ...(first ? { firstTimestamp: first } : {}) };
}

/**
 * The API server's events and the archive's, one copy each: a live event wins over its archived
 * copy unless the copy has seen more repeats (the live list can lag the watch). Archived events
 * the live list does not have are added as the archive holds them (annotated when expired).
 */
export function mergeEvents(live: readonly KubeEvent[], archived: readonly KubeEvent[]): KubeEvent[] {
  const out = new Map<string, KubeEvent>();
  for (const e of live) out.set(eventKey(e), e);
  for (const e of archived) {
    const key = eventKey(e);
    const have = out.get(key);
    if (!have) out.set(key, e);
    else if ((e.count ?? 0) > (have.count ?? 0)) out.set(key, { ...have, count: e.count ?? 0 });
  }
  return [...out.values()];
}

/** The ISO time Shipshape first saw an event the API server has since deleted; undefined if live. */
export const keptSince = (e: KubeEvent): string | undefined =>
  e.metadata?.annotations?.[KEPT_SINCE_ANNOTATION];
