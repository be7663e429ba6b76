/**
 * Reads metrics.k8s.io (what `kubectl top` reads), served by metrics-server through the API
 * server's aggregation layer. A cluster without it answers 404 (no such API group) or 503 (the
 * APIService is registered but its server is down or not ready yet): that is a fact about the
 * cluster, returned as `unavailable` with one sentence to show, never thrown as an error.
 */
import type { NodeMetrics, PodMetrics } from '../../core/usage/model';
import { KubeError } from './errors';
import type { KubeRest } from './rest';

const GROUP = '/apis/metrics.k8s.io/v1beta1';

export const NEEDS_METRICS_SERVER = 'usage needs metrics-server';

export type MetricsRead<T> =
  | { readonly available: true; readonly items: readonly T[] }
  | { readonly available: false; readonly reason: string };

function unavailable(error: unknown): string | undefined {
  if (!(error instanceof KubeError)) return undefined;
  if (error.status === 404) return `${NEEDS_METRICS_SERVER} (metrics.k8s.io is not served by this cluster)`;
  if (error.status === 503)
    return `${NEEDS_METRICS_SERVER} (metrics.k8s.io is registered but not answering: ${error.apiMessage ?? 'service unavailable'})`;
  return undefined;
}

async function list<T>(
  rest: KubeRest,
  path: string,
  what: string,
  signal?: AbortSignal,
): Promise<MetricsRead<T>> {
  try {
    const body = await rest.request<{ items?: T[] }>('GET', GROUP + path, {
      what,
      ...(signal ? { signal } : {}),
    });
    return { available: true, items: body?.items ?? [] };
  } catch (error) {
    const reason = unavailable(error);
    if (reason) return { available: false, reason };
    throw error;
  }
}

/** Pod usage in one namespace, or across the cluster without one. */
export function readPodMetrics(
  rest: KubeRest,
  namespace?: string,
  signal?: AbortSignal,
): Promise<MetricsRead<PodMetrics>> {
  const path = namespace ? `/namespaces/${encodeURIComponent(namespace)}/pods` : '/pods';
  return list(rest, path, `read pod usage${namespace ? ` in ${namespace}` : ''}`, signal);
}

export function readNodeMetrics(rest: KubeRest, signal?: AbortSignal): Promise<MetricsRead<NodeMetrics>> {
  return list(rest, '/nodes', 'read node usage', signal);
}
