import type { PlatformHealth } from '../../core/health/summary';
import { summarise } from '../../core/health/summary';
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
    const health = summarise(state, source.kind === 'snapshot' ? latestTimestamp(state, now) : now);
    this.cache.set(state, { health, at: now });
    return health;
  }
}

import { classifyPod, type PodHealth } from '../../core/health/pod';
import type { Pod } from '../../core/k8s/types';

const podMemo = new WeakMap<Pod, { health: PodHealth; at: number }>();

/** A pod's classification, memoised per object (objects are replaced on every watch update). */
export function podHealth(pod: Pod, now = Date.now()): PodHealth {
  const cached = podMemo.get(pod);
  if (cached && now - cached.at < 30_000) return cached.health;
  const health = classifyPod(pod, now);
  podMemo.set(pod, { health, at: now });
  return health;
}
