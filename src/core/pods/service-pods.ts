import { selectorSelects } from '../health/ownership';
import type { ClusterState, Pod, Service } from '../k8s/types';
import { serviceSelector } from './forward-target';

/**
 * A Service and the pods behind it, from the watch cache: the Clusters view's Service rows, Port
 * Forward… and a forward that follows its pods all look them up the same way.
 */

export function serviceOf(state: ClusterState, namespace: string, name: string): Service | undefined {
  return state.services.find((s) => s.metadata?.namespace === namespace && s.metadata.name === name);
}

/** The pods a Service selects (none when it has no selector: its endpoints are managed by hand). */
export function podsOfService(state: ClusterState, service: Service): Pod[] {
  const selector = serviceSelector(service);
  const namespace = service.metadata?.namespace;
  if (!selector) return [];
  return state.pods.filter(
    (p) => p.metadata?.namespace === namespace && selectorSelects(selector, p.metadata?.labels),
  );
}
