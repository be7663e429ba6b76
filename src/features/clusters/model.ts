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
  private readonly cache = new WeakMap<ClusterState, { health: PlatformHealth; at: number }>();

  constructor(private readonly sources: ClusterSources) {}

  health(source: Source, now = Date.now()): PlatformHealth | undefined {
    const state = this.sources.clusterState(source);
    if (!state) return undefined;
    const cached = this.cache.get(state);
    if (cached && (source.kind === 'snapshot' || now - cached.at < 30_000)) return cached.health;
    const health = summariseMemoised(state, source.kind === 'snapshot' ? latestTimestamp(state, now) : now);
    this.cache.set(state, { health, at: now });
    return health;
  }
}

export { podHealth } from '../../core/health/memo';
