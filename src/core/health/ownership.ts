import type { ClusterState, KubeObject, OwnerReference, Pod } from '../k8s/types';
import type { OwnerRef } from './types';

/** Map key for a namespaced name ('/' cannot occur in either part). */
export const nsKey = (namespace: string | undefined, name: string | undefined): string =>
  `${namespace ?? ''}/${name ?? ''}`;

/** The key a PodHealth cache is read with: the uid, else namespace/name. */
export const podKey = (pod: Pod): string =>
  pod.metadata?.uid ?? nsKey(pod.metadata?.namespace, pod.metadata?.name);

/** The managing controller; the first owner when none is marked (hand-written manifests). */
export function controllerOf(object: KubeObject): OwnerReference | undefined {
  const refs = object.metadata?.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  return refs.find((r) => r.controller) ?? refs[0];
}

export interface Ownership {
  /** The top-level owner: Deployment (not ReplicaSet), CronJob (not Job), or the pod itself. */
  owner(pod: Pod): OwnerRef;
  /** The Job that runs this pod, if any. */
  jobOf(pod: Pod): string | undefined;
  /** The Deployment a ReplicaSet in the state belongs to. */
  deploymentOf(namespace: string, replicaSet: string): string | undefined;
  /** The CronJob a Job in the state belongs to. */
  cronJobOf(namespace: string, job: string): string | undefined;
}

const CRON_JOB_NAME = /^(.+)-\d+$/;

/**
 * Ownership chains through the state's ReplicaSets and Jobs, built once (O(objects)) so each
 * pod's lookup is O(1). When a user may list pods but not ReplicaSets or Jobs, the chain is
 * inferred from the controllers' naming rules: a Deployment names its ReplicaSets
 * `<deployment>-<pod-template-hash>` and labels their pods with that hash; a CronJob names its
 * Jobs `<cronjob>-<scheduled minute>`, which we only trust when that CronJob is known.
 */
export function ownership(state: ClusterState): Ownership {
  const replicaSets = new Map<string, string | undefined>();
  for (const rs of state.replicaSets) {
    const ref = controllerOf(rs);
    replicaSets.set(
      nsKey(rs.metadata?.namespace, rs.metadata?.name),
      ref?.kind === 'Deployment' ? ref.name : undefined,
    );
  }
  const jobs = new Map<string, string | undefined>();
  for (const job of state.jobs) {
    const ref = controllerOf(job);
    jobs.set(
      nsKey(job.metadata?.namespace, job.metadata?.name),
      ref?.kind === 'CronJob' ? ref.name : undefined,
    );
  }
  const cronJobs = new Set(state.cronJobs.map((c) => nsKey(c.metadata?.namespace, c.metadata?.name)));

  const deploymentOf = (ns: string, rs: string, pod?: Pod): string | undefined => {
    const key = nsKey(ns, rs);
    if (replicaSets.has(key)) return replicaSets.get(key);
    const hash = pod?.metadata?.labels?.['pod-template-hash'];
    return hash && rs.endsWith(`-${hash}`) ? rs.slice(0, -hash.length - 1) : undefined;
  };
  const cronJobOf = (ns: string, job: string): string | undefined => {
    const key = nsKey(ns, job);
    if (jobs.has(key)) return jobs.get(key);
    const prefix = CRON_JOB_NAME.exec(job)?.[1];
    return prefix !== undefined && cronJobs.has(nsKey(ns, prefix)) ? prefix : undefined;
  };
  return {
    owner(pod) {
      const ref = controllerOf(pod);
      const ns = pod.metadata?.namespace ?? '';
      if (!ref) return { kind: 'Pod', name: pod.metadata?.name ?? '' };
      if (ref.kind === 'ReplicaSet') {
        const deployment = deploymentOf(ns, ref.name, pod);
        return deployment !== undefined
          ? { kind: 'Deployment', name: deployment }
          : { kind: ref.kind, name: ref.name };
      }
      if (ref.kind === 'Job') {
        const cron = cronJobOf(ns, ref.name);
        return cron !== undefined ? { kind: 'CronJob', name: cron } : { kind: ref.kind, name: ref.name };
      }
      return { kind: ref.kind, name: ref.name };
    },
    jobOf(pod) {
      const ref = controllerOf(pod);
      return ref?.kind === 'Job' ? ref.name : undefined;
    },
    deploymentOf: (ns, rs) => deploymentOf(ns, rs),
    cronJobOf,
  };
}
