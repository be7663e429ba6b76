import type { ClusterState, Pod } from '../k8s/types';
import { classifyPod, type PodHealth } from './pod';
import { summarise, type PlatformHealth } from './summary';

/** How long a classification stands: ages ("stuck Terminating", "3m ago") move with the clock. */
const FRESH_MS = 30_000;

const memo = new WeakMap<Pod, { health: PodHealth; at: number }>();

/**
 * A pod's classification, memoised per object: informers replace a pod's object on every watch
 * update, so after one event only that pod is classified again (a fifth of a 20,000-pod summary).
 */
export function podHealth(pod: Pod, now = Date.now()): PodHealth {
  const cached = memo.get(pod);
  if (cached && Math.abs(now - cached.at) < FRESH_MS) return cached.health;
  const health = classifyPod(pod, now);
  memo.set(pod, { health, at: now });
  return health;
}

/** The explorer's summary: unchanged pods keep their classification between watch batches. */
export function summariseMemoised(state: ClusterState, now: number): PlatformHealth {
  return summarise(state, now, { classify: (pod) => podHealth(pod, now) });
}
