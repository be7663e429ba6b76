import type { ClusterState, KubeObject, LabelSelector, OwnerReference, Pod } from '../k8s/types';
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
/** What follows `<deployment>` in a ReplicaSet's name: `-` and a pod-template-hash (no dash). */
const HASH_SUFFIX = /^-[a-z0-9]+$/;

/**
 * Ownership chains through the state's ReplicaSets and Jobs, built once (O(objects)) so each
 * pod's lookup is O(1). When a user may list pods but not ReplicaSets or Jobs, the chain is
 * inferred from the controllers' naming rules: a Deployment names its ReplicaSets
 * `<deployment>-<pod-template-hash>` and labels their pods with that hash; a CronJob names its
 * Jobs `<cronjob>-<scheduled minute>`, which we only trust when that CronJob is known.
 * Without the hash label (a `kubectl get pods,deployments` dump holds no ReplicaSets, and some
 * exporters drop labels) a known Deployment claims the pod when the ReplicaSet is named
 * `<deployment>-<hash>` and its selector matches the pod, else when it is the only Deployment in
 * the namespace whose selector does: a Deployment whose pods are in view is never "NoPods".
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
  const deployments = new Map<string, { name: string; selector: LabelSelector | undefined }[]>();
  for (const d of state.deployments) {
    const ns = d.metadata?.namespace ?? '';
    const list = deployments.get(ns) ?? [];
    if (list.length === 0) deployments.set(ns, list);
    list.push({ name: d.metadata?.name ?? '', selector: d.spec?.selector });
  }
  // Pods of one ReplicaSet share its template's labels: one verdict per ReplicaSet, so 20,000
  // pods without their ReplicaSets cost one scan of the namespace's Deployments per ReplicaSet.
  const claims = new Map<string, string | undefined>();
  const claimedBy = (ns: string, rs: string, pod: Pod): string | undefined => {
    const key = nsKey(ns, rs);
    if (!claims.has(key)) claims.set(key, claimant(ns, rs, pod));
    return claims.get(key);
  };
  const claimant = (ns: string, rs: string, pod: Pod): string | undefined => {
    const candidates = deployments.get(ns) ?? [];
    const labels = pod.metadata?.labels;
    // A selector is required by apps/v1; a builder's or hand-made Deployment without one only
    // has the name to go by.
    const accepts = (d: { selector: LabelSelector | undefined }) =>
      d.selector === undefined || selectorSelects(d.selector, labels);
    const named = candidates.find((d) => HASH_SUFFIX.test(rs.slice(d.name.length)) && rs.startsWith(d.name));
    if (named && accepts(named)) return named.name;
    const selecting = candidates.filter((d) => d.selector !== undefined && accepts(d));
    return selecting.length === 1 ? selecting[0]?.name : undefined;
  };

  const deploymentOf = (ns: string, rs: string, pod?: Pod): string | undefined => {
    const key = nsKey(ns, rs);
    if (replicaSets.has(key)) return replicaSets.get(key);
    const hash = pod?.metadata?.labels?.['pod-template-hash'];
    if (hash && rs.endsWith(`-${hash}`)) return rs.slice(0, -hash.length - 1);
    return pod ? claimedBy(ns, rs, pod) : undefined;
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

/** Does a label selector select these labels? (`{}` selects everything, as the API says.) */
export function selectorSelects(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (have[k] !== v) return false;
  return (selector.matchExpressions ?? []).every((e) => {
    const value = have[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}
