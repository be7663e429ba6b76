/**
 * CPU and memory usage for the Clusters view, read from metrics.k8s.io (metrics-server) every
 * 30 s while a context is connected. A cluster without metrics-server is told once in the log and
 * once in the Nodes row, never as an error. A few recent memory samples per pod are kept for the
 * tooltip's sparkline (numbers only, dropped with the pod).
 */
import * as vscode from 'vscode';
import type { ClusterConnection } from '../../adapters/k8s/connection';
import { readNodeMetrics, readPodMetrics } from '../../adapters/k8s/metrics';
import { parseQuantity } from '../../core/health/quantity';
import type { Logger } from '../../core/log';
import type { NodeMetrics, PodMetrics } from '../../core/usage/model';
import type { ClusterSources, Source } from '../../services/clusters/sources';

const POLL_MS = 30_000;
/** An hour at most of 30 s samples would be 120; the tooltip only needs the recent trend. */
const SAMPLES = 20;

interface SourceUsage {
  readonly connection: ClusterConnection;
  pods: ReadonlyMap<string, PodMetrics>;
  nodes: ReadonlyMap<string, NodeMetrics>;
  readonly samples: Map<string, number[]>;
  unavailable?: string;
  busy: boolean;
}

const podKey = (namespace: string, name: string) => `${namespace}/${name}`;

export class ClusterUsage implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly bySource = new Map<string, SourceUsage>();
  private readonly timer: NodeJS.Timeout;
  private readonly abort = new AbortController();

  constructor(
    private readonly sources: ClusterSources,
    private readonly log: Logger,
    pollMs = POLL_MS,
  ) {
    this.timer = setInterval(() => this.pollAll(), pollMs);
  }

  /** Called on every source change: a connection that just became ready is read at once. */
  sourcesChanged(): void {
    for (const source of this.sources.list()) {
      const connection = source.connection;
      const known = this.bySource.get(source.id);
      if (!connection) {
        this.bySource.delete(source.id);
        continue;
      }
      if (known?.connection === connection) continue;
      if (connection.status().state !== 'ready') continue;
      const entry: SourceUsage = {
        connection,
        pods: new Map(),
        nodes: new Map(),
        samples: new Map(),
        busy: false,
      };
      this.bySource.set(source.id, entry);
      void this.poll(source, entry);
    }
  }

  pod(
    source: Source,
    namespace: string,
    name: string,
  ): { metrics: PodMetrics; samples: readonly number[] } | undefined {
    const entry = this.bySource.get(source.id);
    const metrics = entry?.pods.get(podKey(namespace, name));
    return metrics && entry
      ? { metrics, samples: entry.samples.get(podKey(namespace, name)) ?? [] }
      : undefined;
  }

  node(source: Source, name: string): NodeMetrics | undefined {
    return this.bySource.get(source.id)?.nodes.get(name);
  }

  pods(source: Source, namespace?: string): readonly PodMetrics[] {
    const all = [...(this.bySource.get(source.id)?.pods.values() ?? [])];
    return namespace === undefined ? all : all.filter((p) => p.metadata?.namespace === namespace);
  }

  /** Why there is no usage for this source ("usage needs metrics-server …"), if that is the case. */
  unavailable(source: Source): string | undefined {
    return this.bySource.get(source.id)?.unavailable;
  }

  private pollAll(): void {
    for (const source of this.sources.list()) {
      const entry = this.bySource.get(source.id);
      if (entry && entry.connection === source.connection) void this.poll(source, entry);
    }
    this.sourcesChanged();
  }

  private async poll(source: Source, entry: SourceUsage): Promise<void> {
    if (entry.busy || entry.connection.status().state !== 'ready') return;
    entry.busy = true;
    try {
      const rest = entry.connection.rest;
      const [pods, nodes] = await Promise.all([
        readPodMetrics(rest, undefined, this.abort.signal),
        readNodeMetrics(rest, this.abort.signal),
      ]);
      if (!pods.available) {
        if (entry.unavailable === undefined) this.log.info(`${source.label}: ${pods.reason}`);
        entry.unavailable = pods.reason;
        entry.pods = new Map();
        entry.nodes = new Map();
      } else {
        if (entry.unavailable !== undefined) this.log.info(`${source.label}: metrics.k8s.io answers again`);
        delete entry.unavailable;
        const next = new Map<string, PodMetrics>();
        for (const p of pods.items) next.set(podKey(p.metadata?.namespace ?? '', p.metadata?.name ?? ''), p);
        for (const key of entry.samples.keys()) if (!next.has(key)) entry.samples.delete(key);
        for (const [key, p] of next) {
          const bytes = (p.containers ?? []).reduce(
            (a, c) => a + (parseQuantity(c.usage?.['memory']) || 0),
            0,
          );
          const list = entry.samples.get(key) ?? [];
          list.push(bytes);
          if (list.length > SAMPLES) list.shift();
          entry.samples.set(key, list);
        }
        entry.pods = next;
        entry.nodes = new Map(
          (nodes.available ? nodes.items : []).map((n) => [n.metadata?.name ?? '', n] as const),
        );
      }
      this.emitter.fire();
    } catch (error) {
      // Usage is a garnish on the tree: a failed read waits for the next poll, in the log only.
      if (!this.abort.signal.aborted)
        this.log.debug(
          `${source.label}: usage not read: ${error instanceof Error ? error.message : String(error)}`,
        );
    } finally {
      entry.busy = false;
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.abort.abort();
    this.emitter.dispose();
    this.bySource.clear();
  }
}
