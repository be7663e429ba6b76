import type { Job } from '../../core/k8s/types';
import { writes, type Expected, type ObjectRef } from './actions';
import type { WritePlan } from './plan';

/**
 * The explorer's actions as write plans: what the confirmation names and which requests run.
 * Kept apart from the commands (which import `vscode`) so the cluster tests drive exactly these
 * plans through `executePlan` against a real API server.
 */

/** "Deployment shop/web", as the confirmation lists objects. */
export const refLabel = (ref: ObjectRef) =>
  `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

/** Failed as `kubectl get jobs` would say: a Failed condition, or failed pods and nothing else. */
export function isFailedJob(job: Job): boolean {
  return (
    (job.status?.conditions ?? []).some((c) => c.type === 'Failed' && c.status === 'True') ||
    ((job.status?.failed ?? 0) > 0 && !(job.status?.succeeded ?? 0) && !(job.status?.active ?? 0))
  );
}

type CronJobObject = Parameters<typeof writes.triggerCronJob>[0];

/** What the command saw of the object (from the watched model), for the write's preconditions. */
export interface Seen {
  readonly uid?: string | undefined;
  readonly resourceVersion?: string | undefined;
}

const expect = (noun: string, seen: Seen | undefined, withVersion: boolean): Expected | undefined =>
  seen?.uid
    ? {
        noun,
        uid: seen.uid,
        ...(withVersion && seen.resourceVersion ? { resourceVersion: seen.resourceVersion } : {}),
      }
    : undefined;

export const plans = {
  restartRollout(ref: ObjectRef, now: Date): WritePlan {
    return {
      title: `Restart the rollout of ${ref.name}?`,
      objects: [refLabel(ref)],
      confirm: 'Restart',
      writes: [writes.rolloutRestart(ref, now)],
      done: `restarting ${refLabel(ref)}.`,
    };
  },

  scale(ref: ObjectRef, current: number | undefined, replicas: number): WritePlan {
    return {
      title: `Scale ${ref.name} from ${current ?? '?'} to ${replicas} replica${replicas === 1 ? '' : 's'}?`,
      objects: [refLabel(ref)],
      confirm: replicas === 0 ? 'Scale to 0' : 'Scale',
      writes: [writes.scale(ref, replicas)],
      done: `scaled ${refLabel(ref)} to ${replicas}.`,
    };
  },

  /**
   * `seen`: the pod confirmed. Only its uid is a precondition: the kubelet rewrites a running
   * pod's status every few seconds, and what matters is that it is the same pod.
   */
  deletePod(ref: ObjectRef, seen?: Seen): WritePlan {
    return {
      title: `Delete pod ${ref.name}?`,
      objects: [refLabel(ref)],
      confirm: 'Delete',
      writes: [writes.deletePod(ref, false, expect('pod', seen, false))],
      done: `deleted ${refLabel(ref)}; its controller will replace it.`,
    };
  },

  /**
   * `finalizers`: the pod's, as last seen; a stuck Terminating pod only goes once they are gone.
   * The finalizer removal also requires the resourceVersion they were read at (the user
   * confirmed removing exactly those); the delete after it only the uid, as the removal itself
   * changes the resourceVersion.
   */
  forceDeletePod(ref: ObjectRef, finalizers: readonly string[], seen?: Seen): WritePlan {
    return {
      title: `Force-delete pod ${ref.name} (grace period 0${finalizers.length ? ', finalizers removed' : ''})?`,
      objects: [refLabel(ref), ...(finalizers.length ? [`finalizers: ${finalizers.join(', ')}`] : [])],
      confirm: 'Force delete',
      writes: [
        ...(finalizers.length ? [writes.removeFinalizers(ref, expect('pod', seen, true))] : []),
        writes.deletePod(ref, true, expect('pod', seen, false)),
      ],
      done: `force-deleted ${refLabel(ref)}.`,
    };
  },

  /** Undefined when no Job of `namespace` among `jobs` has failed: there is nothing to confirm. */
  deleteFailedJobs(namespace: string | undefined, jobs: readonly Job[]): WritePlan | undefined {
    const failed = jobs.filter((j) => j.metadata?.namespace === namespace && isFailedJob(j));
    const refs: ObjectRef[] = failed.map((j) => ({
      kind: 'Job',
      ...(namespace ? { namespace } : {}),
      name: j.metadata?.name ?? '',
    }));
    if (refs.length === 0) return undefined;
    return {
      title: `Delete ${refs.length} failed Job${refs.length === 1 ? '' : 's'} in ${namespace ?? '?'} (and their pods)?`,
      objects: refs.map(refLabel),
      confirm: 'Delete',
      // A Job recreated under the same name (a Helm hook, a re-run) is not the failed one.
      writes: refs.map((r, i) => writes.deleteObject(r, expect('job', failed[i]?.metadata, false))),
      done: `deleted ${refs.length} failed Job(s) in ${namespace ?? '?'}.`,
    };
  },

  suspendCronJob(ref: ObjectRef, suspend: boolean): WritePlan {
    return {
      title: `${suspend ? 'Suspend' : 'Resume'} CronJob ${ref.name}?`,
      objects: [refLabel(ref)],
      confirm: suspend ? 'Suspend' : 'Resume',
      writes: [writes.suspendCronJob(ref, suspend)],
      done: `${suspend ? 'suspended' : 'resumed'} ${refLabel(ref)}.`,
    };
  },

  /** `cronJob`: the live object (its job template and uid); `suffix` makes the Job's name unique. */
  triggerCronJob(ref: ObjectRef, cronJob: CronJobObject, suffix: string): WritePlan {
    const write = writes.triggerCronJob(cronJob, suffix);
    return {
      title: `Run CronJob ${ref.name} now?`,
      objects: [refLabel(ref), `creates ${write.what.split(' ')[2] ?? 'a Job'}`],
      confirm: 'Run now',
      writes: [write],
      done: `started a Job from ${refLabel(ref)}.`,
    };
  },

  argoHardRefresh(ref: ObjectRef): WritePlan {
    return {
      title: `Hard-refresh Argo CD application ${ref.name}?`,
      objects: [refLabel(ref)],
      confirm: 'Hard refresh',
      writes: [writes.argoHardRefresh(ref)],
      done: `asked Argo CD to hard-refresh ${ref.name}.`,
    };
  },
};
