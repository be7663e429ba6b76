import type { Logger } from '../../core/log';
import { KubeError } from './errors';
import type { KubeRest, WatchEvent } from './rest';

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export function resourcePath(type: ResourceType, namespace?: string, name?: string): string {
  const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const ns = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${type.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export type InformerStatus =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly since: number }
  /** The data is the last good copy; we keep retrying by ourselves. */
  | { readonly state: 'stale'; readonly since: number; readonly error: KubeError; readonly retryAt: number }
  /** Retrying will not help until something changes (credentials, RBAC, a missing CRD): retried on refresh. */
  | { readonly state: 'failed'; readonly error: KubeError };

export interface InformerStats {
  lists: number;
  listPages: number;
  watches: number;
  events: number;
  relists: number;
}

export interface InformerOptions<T> {
  readonly namespace?: string;
  readonly pageSize?: number;
  readonly fieldSelector?: string;
  /** Keep only what the UI needs: 20,000 full pods would not fit the memory budget. */
  readonly project: (object: Record<string, unknown>) => T;
  /** Server-side watch timeout; the watch is re-opened from the last resourceVersion (no re-list). */
  readonly watchSeconds?: number;
}

export type ChangeListener = () => void;

/** client-go's reflector backoff: 800 ms doubling to 30 s, jittered so informers spread out. */
const BACKOFF_BASE_MS = 800;
const BACKOFF_CAP_MS = 30_000;
/** A watch open this long was a real one: the next failure starts the backoff over. */
const HEALTHY_WATCH_MS = 10_000;

/** The wait before attempt `failures + 1`: exponential, capped, ±25 % jitter. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const exponential = BACKOFF_BASE_MS * 2 ** Math.min(Math.max(failures - 1, 0), 16);
  return Math.min(BACKOFF_CAP_MS, exponential) * (0.75 + random() * 0.5);
}

const heldLongEnough = (opened: number | undefined): boolean =>
  opened !== undefined && Date.now() - opened >= HEALTHY_WATCH_MS;

const keyOf = (o: Record<string, unknown>) => {
  const meta = (o['metadata'] ?? {}) as { namespace?: string; name?: string };
  return `${meta.namespace ?? ''}/${meta.name ?? ''}`;
};

/**
 * Paginated LIST, then WATCH from the list's resourceVersion with bookmarks; on a dropped watch
 * it reconnects with exponential backoff from where it stopped, and only on 410 Gone does it
 * list again (diffing against what it had, so the tree never shows duplicates). The backoff
 * grows across LIST and WATCH failures alike and resets only once a watch has held for a while,
 * so a recovering API server sees each informer a handful of times, not once a second.
 */
export class Informer<T> {
  readonly items = new Map<string, T>();
  status: InformerStatus = { state: 'loading' };
  readonly stats: InformerStats = { lists: 0, listPages: 0, watches: 0, events: 0, relists: 0 };
  private resourceVersion: string | undefined;
  private abort = new AbortController();
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly listeners = new Set<ChangeListener>();
  private lastReady = 0;

  constructor(
    private readonly rest: KubeRest,
    readonly type: ResourceType,
    private readonly options: InformerOptions<T>,
    private readonly log: Logger,
  ) {}

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private setStatus(status: InformerStatus): void {
    this.status = status;
    this.changed();
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.loop();
  }

  /** Forces a fresh LIST now (user pressed Refresh, or RBAC may have changed). */
  refresh(): void {
    this.resourceVersion = undefined;
    if (this.status.state === 'failed') this.setStatus({ state: 'loading' });
    this.abort.abort();
    this.wake?.();
    if (!this.running) this.start();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    this.listeners.clear();
  }

  private async loop(): Promise<void> {
    // Consecutive attempts that did not end in a watch that held: the backoff exponent.
    let failures = 0;
    while (!this.stopped) {
      this.abort = new AbortController();
      let opened: number | undefined;
      let delay = 0;
      try {
        if (this.resourceVersion === undefined) await this.list();
        this.stats.watches++;
        const timeoutSeconds = (this.options.watchSeconds ?? 300) + Math.floor(Math.random() * 60);
        await this.rest.watch(
          resourcePath(this.type, this.options.namespace),
          {
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds,
            fieldSelector: this.options.fieldSelector,
          },
          (event) => this.apply(event),
          this.abort.signal,
          () => {
            opened = Date.now();
            this.markReady();
          },
        );
        // The server's timeout ended it: resume at once. A watch ended as soon as it began (a
        // proxy or an overloaded server closing every stream) is a failure, or this loop spins.
        if (heldLongEnough(opened)) failures = 0;
        else if (!this.abort.signal.aborted) delay = backoffDelay(++failures);
      } catch (error) {
        if (this.stopped) break;
        const e = error instanceof KubeError ? error : new KubeError('other', String(error));
        // Refresh (after the user signed in again, say) landed during this attempt: its answer
        // predates the change, so ask again rather than stop on an outdated 401 or 403.
        if (e.kind === 'aborted' || this.abort.signal.aborted) continue;
        const held = heldLongEnough(opened);
        if (held) failures = 0;
        const retryAfter = (e.retryAfterSeconds ?? 0) * 1000;
        // A restarted server with new storage answers old resourceVersions with "too large".
        if (
          e.kind === 'gone' ||
          /too large resource version|resource version.*(expired|too old)/i.test(e.apiMessage ?? e.message)
        ) {
          this.resourceVersion = undefined;
          this.stats.relists++;
          // After a watch that held, 410 is routine (etcd compacted past it): list again now, or
          // when the server asks. 410 after 410 gets the same backoff as any other failure.
          delay = held ? retryAfter : Math.max(retryAfter, backoffDelay(++failures));
          this.log.debug(
            `${this.type.plural}${this.options.namespace ? ` in ${this.options.namespace}` : ''}: 410 Gone, listing again in ${Math.round(delay)} ms`,
          );
        } else if (e.needsAction) {
          this.setStatus({ state: 'failed', error: e });
          this.running = false;
          return;
        } else {
          delay = Math.max(retryAfter, backoffDelay(++failures));
          this.log.debug(`${this.type.plural}: ${e.message} — retrying in ${Math.round(delay)} ms`);
          this.setStatus({ state: 'stale', since: this.lastReady, error: e, retryAt: Date.now() + delay });
        }
      }
      // Stay on the same resourceVersion (unless 410): the next watch resumes where this one stopped.
      if (delay > 0) await this.sleep(delay);
    }
    this.running = false;
  }

  /** Waits `ms`, cut short by refresh() and stop(). */
  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async list(): Promise<void> {
    this.stats.lists++;
    const fresh = new Map<string, T>();
    let resourceVersion: string | undefined;
    const fetchPage = (continueToken: string | undefined): Promise<string> => {
      this.stats.listPages++;
      return this.rest.raw('GET', resourcePath(this.type, this.options.namespace), {
        query: {
          limit: this.options.pageSize ?? 500,
          continue: continueToken,
          fieldSelector: this.options.fieldSelector,
        },
        timeoutMs: 60_000,
        signal: this.abort.signal,
        what: `list ${this.type.plural}${this.options.namespace ? ` in namespace ${this.options.namespace}` : ''}`,
      });
    };
    let pending: Promise<string> | undefined = fetchPage(undefined);
    while (pending) {
      const text = await pending;
      // The continue token leads the List's JSON: ask for the next page before parsing this one,
      // so the API server serialises page n+1 while we parse page n (20,000 pods: 40 pages).
      const peeked = peekContinue(text);
      const prefetch = peeked ? fetchPage(peeked) : undefined;
      prefetch?.catch(() => undefined); // Awaited below; a failure must not go unhandled meanwhile.
      const page = (text ? JSON.parse(text) : {}) as {
        metadata?: { resourceVersion?: string; continue?: string };
        items?: Record<string, unknown>[];
      };
      for (const item of page.items ?? []) fresh.set(keyOf(item), this.options.project(item));
      const continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion;
      pending = continueToken === peeked ? prefetch : continueToken ? fetchPage(continueToken) : undefined;
    }
    this.items.clear();
    for (const [k, v] of fresh) this.items.set(k, v);
    this.resourceVersion = resourceVersion;
    this.lastReady = Date.now();
    this.setStatus({ state: 'ready', since: this.lastReady });
  }

  private apply(event: WatchEvent): void {
    this.stats.events++;
    const rv = (event.object['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    if (event.type === 'DELETED') this.items.delete(keyOf(event.object));
    else this.items.set(keyOf(event.object), this.options.project(event.object));
    this.changed();
  }

  private markReady(): void {
    if (this.status.state === 'ready') return;
    this.lastReady = Date.now();
    this.setStatus({ state: 'ready', since: this.lastReady });
  }
}

/**
 * The `metadata.continue` of a List response, read from its first bytes without parsing the
 * items; undefined when absent or not where the API server puts it (then the parse decides).
 */
export function peekContinue(text: string): string | undefined {
  const head = text.slice(0, 4096);
  const items = head.indexOf('"items"');
  const match = /"metadata":\{[^{}]*?"continue":"([A-Za-z0-9+/=_-]+)"/.exec(
    items >= 0 ? head.slice(0, items) : head,
  );
  return match?.[1];
}
