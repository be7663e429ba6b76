import type { PlatformHealth } from '../../core/health/summary';
import { summariseMemoised } from '../../core/health/memo';
import { latestTimestamp } from '../../core/health/time';
import type { ClusterState } from '../../core/k8s/types';
import type { ClusterSources, Source } from './sources';

/**
 * Health per source, recomputed only when the source's state object changes (the connection
 * hands out a new one after each debounced batch of watch events) or every 30 s so ages and
 * "stuck Terminating" verdicts move with the clock.
 */
export class HealthModel {
  private readonly cache = new WeakMap<ClusterState, { health: PlatformHealth; at: number; clock: number }>();

  constructor(private readonly sources: ClusterSources) {}

  health(source: Source, now = Date.now()): PlatformHealth | undefined {
    const state = this.sources.clusterState(source);
    if (!state) return undefined;
    const cached = this.cache.get(state);
    if (cached && (source.kind === 'snapshot' || now - cached.at < 30_000)) return cached.health;
    const clock = source.kind === 'snapshot' ? latestTimestamp(state, now) : now;
    const health = summariseMemoised(state, clock);
    this.cache.set(state, { health, at: now, clock });
    return health;
  }

  /**
   * The time a source's pods are judged at: now for a live cluster, the moment a snapshot was
   * taken (its latest timestamp) for a snapshot — so the tree and the Problems view agree on
   * "stuck Terminating" and ages in a post-mortem.
   */
  clock(source: Source, now = Date.now()): number {
    if (source.kind !== 'snapshot') return now;
    const state = this.sources.clusterState(source);
    if (!state) return now;
    this.health(source, now);
    return this.cache.get(state)?.clock ?? now;
  }
}
