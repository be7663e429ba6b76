/**
 * The simulator's view of one kind: paginated LIST, then WATCH from the list's resourceVersion;
 * a watch the server ends resumes where it stopped, 410 Gone lists again, any other failure
 * retries after a second. Written apart from the product's Informer on purpose (scenarios/client.ts).
 */
import { hasStatus, type ApiClient, type Json, type WatchEvent } from './client';

const keyOf = (o: Json) => {
  const meta = (o['metadata'] ?? {}) as { namespace?: string; name?: string };
  return `${meta.namespace ?? ''}/${meta.name ?? ''}`;
};

export class Cache<T> {
  /** By `namespace/name`. */
  readonly items = new Map<string, T>();
  /** The first LIST is in: `items` is the whole collection. */
  synced = false;
  private resourceVersion: string | undefined;
  private readonly abort = new AbortController();
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly client: ApiClient,
    private readonly path: string,
    private readonly project: (object: Json) => T,
  ) {}

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.abort.abort();
    this.listeners.length = 0;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private async loop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        await this.client.watch(
          this.path,
          { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 },
          (event) => this.apply(event),
          this.abort.signal,
        );
      } catch (error) {
        if (hasStatus(error, 410)) this.resourceVersion = undefined;
        else await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async list(): Promise<void> {
    const fresh = new Map<string, T>();
    let next: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await this.client.request<{
        metadata?: { resourceVersion?: string; continue?: string };
        items?: Json[];
      }>('GET', this.path, { query: { limit: 1000, continue: next }, what: `list ${this.path}` });
      for (const item of page.items ?? []) fresh.set(keyOf(item), this.project(item));
      next = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion;
    } while (next);
    this.items.clear();
    for (const [key, value] of fresh) this.items.set(key, value);
    this.resourceVersion = resourceVersion;
    this.synced = true;
    this.changed();
  }

  private apply(event: WatchEvent): void {
    const rv = (event.object['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    if (event.type === 'DELETED') this.items.delete(keyOf(event.object));
    else this.items.set(keyOf(event.object), this.project(event.object));
    this.changed();
  }
}
