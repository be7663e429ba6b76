import type { ClusterState, Pod, Workload, WorkloadKind } from '../../core/k8s/types';
import type { ForwardTarget } from '../../core/pods/forward-target';
import type { HealthModel } from '../clusters/health-model';
import { podsOfService, serviceOf } from '../../core/pods/service-pods';
import type { ClusterSources, Source } from '../clusters/sources';

const WORKLOAD_LISTS: Record<WorkloadKind, keyof ClusterState> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulSets',
  DaemonSet: 'daemonSets',
  ReplicaSet: 'replicaSets',
  Job: 'jobs',
  CronJob: 'cronJobs',
};

export function workloadOf(
  state: ClusterState,
  kind: string,
  namespace: string,
  name: string,
): Workload | undefined {
  const list = WORKLOAD_LISTS[kind as WorkloadKind] as keyof ClusterState | undefined;
  if (!list) return undefined;
  return (state[list] as readonly Workload[]).find(
    (w) => w.metadata?.namespace === namespace && w.metadata.name === name,
  );
}

/**
 * The pods behind a Service (its selector) or a workload (the pods the Clusters tree shows under
 * it: owner references through ReplicaSets and Jobs), from the watch cache. Undefined when the
 * Service or workload itself is gone.
 */
export function podsBehind(
  sources: ClusterSources,
  model: HealthModel,
  source: Source,
  target: Pick<ForwardTarget, 'kind' | 'namespace' | 'name'>,
): readonly Pod[] | undefined {
  const state = sources.clusterState(source);
  if (!state) return undefined;
  if (target.kind === 'Service') {
    const service = serviceOf(state, target.namespace, target.name);
    return service && podsOfService(state, service);
  }
  const workload = model
    .health(source)
    ?.workloads.find(
      (w) => w.kind === target.kind && w.namespace === target.namespace && w.name === target.name,
    );
  if (!workload) return undefined;
  const names = new Set(workload.pods);
  return state.pods.filter(
    (p) => p.metadata?.namespace === target.namespace && names.has(p.metadata.name ?? ''),
  );
}
