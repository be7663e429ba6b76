import type { ContainerStatus } from '../k8s/types';
import { WAITING_CLASS } from './containers';

/** What is going on with a pod, in the operator's terms (one class per pod). */
export type PodClass =
  | 'healthy'
  | 'succeeded'
  | 'crashloop'
  | 'image'
  | 'config'
  | 'failed'
  | 'evicted'
  | 'unschedulable'
  | 'pending'
  | 'starting'
  | 'notReady'
  | 'terminating'
  | 'stuckTerminating'
  | 'restarting';

/** 4 = most urgent, 0 = nothing to do. */
export type Severity = 0 | 1 | 2 | 3 | 4;

export const SEVERITY: Readonly<Record<PodClass, Severity>> = {
  crashloop: 4,
  image: 4,
  config: 4,
  failed: 4,
  evicted: 4,
  stuckTerminating: 4,
  unschedulable: 3,
  notReady: 2,
  pending: 2,
  terminating: 1,
  starting: 1,
  restarting: 1,
  healthy: 0,
  succeeded: 0,
};

export interface Candidate {
  readonly cls: PodClass;
  readonly reason: string;
  readonly status: ContainerStatus;
  readonly message?: string;
}

/** The worst thing an app container (or started sidecar) reports; undefined when all run. */
export function worstContainer(statuses: readonly ContainerStatus[], restartPolicy: string | undefined) {
  let worst: Candidate | undefined;
  for (const s of statuses) {
    let c: Candidate | undefined;
    const waiting = s.state?.waiting;
    const done = s.state?.terminated;
    if (waiting?.reason) {
      c = {
        cls: WAITING_CLASS[waiting.reason] ?? 'notReady',
        reason: waiting.reason,
        status: s,
        ...(waiting.message ? { message: waiting.message } : {}),
      };
    } else if (done && done.exitCode !== 0) {
      // Caught between a crash and the back-off: with restarts coming this is a crash loop.
      c = {
        cls: restartPolicy === 'Never' ? 'failed' : 'crashloop',
        reason: done.reason ?? 'Error',
        status: s,
        ...(done.message ? { message: done.message } : {}),
      };
    } else if (done && !s.ready) {
      c = { cls: 'notReady', reason: done.reason ?? 'Completed', status: s };
    }
    if (c && (!worst || SEVERITY[c.cls] > SEVERITY[worst.cls])) worst = c;
  }
  return worst;
}
