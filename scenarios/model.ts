/**
 * The scenario format: a platform described the way an operator would list it (namespaces,
 * workloads, how many pods are in which state), expanded into the objects a real cluster would
 * hold — Deployments with ReplicaSets and Pods (ownerReferences and pod-template-hash set),
 * StatefulSets, DaemonSets, Jobs and CronJobs — plus raw objects (Services, PDBs, quotas, CRs).
 */
import { createHash } from 'node:crypto';

/** What a simulated pod is doing. */
export type PodState =
  | 'running'
  | 'crashloop'
  | 'oomkilled'
  | 'imagepull'
  | 'errimagepull'
  | 'unschedulable'
  | 'notready'
  | 'configerror'
  | 'initcrash'
  | 'failed'
  | 'completed'
  | 'terminating';

export interface PodSpec {
  readonly state: PodState;
  readonly name?: string;
  readonly restarts?: number;
  readonly node?: string;
}

export interface WorkloadSpec {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';
  readonly name: string;
  readonly image: string;
  readonly replicas?: number;
  /** Pod states in order; shorthand `{ running: 6 }` expands to six running pods. */
  readonly pods?: readonly (PodSpec | PodState)[] | Readonly<Partial<Record<PodState, number>>>;
  readonly labels?: Readonly<Record<string, string>>;
  /** Fixed ReplicaSet hash (the seeds name some pods: redis-67b547c596-gwd9s). */
  readonly hash?: string;
  /** The simulator recreates pods in this state (a crash loop survives a restart). */
  readonly simulate?: PodState;
  readonly schedule?: string;
  readonly suspend?: boolean;
  /** Pods of an older ReplicaSet (replicas 0) still around — e.g. stuck Terminating after a rollout. */
  readonly previous?: { readonly hash?: string; readonly pods: readonly (PodSpec | PodState)[] };
  /** Jobs of a CronJob, oldest first. */
  readonly jobs?: readonly { readonly state: 'completed' | 'failed' | 'imagepull' }[];
  readonly port?: number;
  /** The container's name (default `app`): the demo workspace's manifest for it uses the same. */
  readonly container?: string;
  readonly cpu?: string;
  readonly memory?: string;
  /** The container's env, as the chart renders it (Secret references, in-cluster addresses). */
  readonly env?: readonly Record<string, unknown>[];
  readonly command?: readonly string[];
  /**
   * How the crashing container last ended, as the kubelet records it: with
   * terminationMessagePolicy FallbackToLogsOnError the message is the tail of its log.
   */
  readonly lastExit?: { readonly exitCode: number; readonly reason?: string; readonly message?: string };
  /**
   * Installed by a Helm release (and synced by an Argo CD app): the workload carries the chart's
   * labels, Helm's release annotations and Argo CD's tracking id, as a real install leaves them.
   */
  readonly helm?: { readonly release: string; readonly chart: string; readonly app?: string };
}

export interface NamespaceSpec {
  readonly name: string;
  readonly workloads?: readonly WorkloadSpec[];
  readonly objects?: readonly Record<string, unknown>[];
}

/** Objects (`namespace/name`) that exist before the runbook runs, and those it must create. */
export interface Presence {
  readonly present: readonly string[];
  readonly missing: readonly string[];
}

export interface Expected {
  readonly pods: number;
  readonly failing: number;
  readonly completed: number;
  readonly reasons: Readonly<Record<string, number>>;
  readonly pdbs?: Presence;
  readonly quotas?: Presence;
}

export interface Scenario {
  readonly name: string;
  readonly nodes: readonly {
    name: string;
    cpu: string;
    memory: string;
    conditions?: Record<string, string>;
  }[];
  readonly namespaces: readonly NamespaceSpec[];
  /** Cluster-scoped or cross-namespace objects: CRDs, Argo CD applications… */
  readonly objects?: readonly Record<string, unknown>[];
  readonly expected?: Expected;
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** Deterministic "random-looking" suffixes, like the controllers' (same alphabet). */
export function suffix(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE[(digest[i] ?? 0) % SAFE.length];
  return out;
}

export function podStates(w: WorkloadSpec): PodSpec[] {
  const pods = w.pods;
  if (!pods) return Array.from({ length: w.replicas ?? 1 }, () => ({ state: 'running' as const }));
  if (Array.isArray(pods))
    return (pods as readonly (PodSpec | PodState)[]).map((p) => (typeof p === 'string' ? { state: p } : p));
  return Object.entries(pods as Record<PodState, number>).flatMap(([state, n]) =>
    Array.from({ length: n }, () => ({ state: state as PodState })),
  );
}

/** The reason a state shows in `kubectl get pods` — what the scenario's expected block counts. */
export const REASON: Record<PodState, string> = {
  running: 'Running',
  crashloop: 'CrashLoopBackOff',
  oomkilled: 'CrashLoopBackOff',
  imagepull: 'ImagePullBackOff',
  errimagepull: 'ErrImagePull',
  unschedulable: 'Unschedulable',
  notready: 'NotReady',
  configerror: 'CreateContainerConfigError',
  initcrash: 'Init:CrashLoopBackOff',
  failed: 'Error',
  completed: 'Completed',
  terminating: 'Terminating',
};

export const HEALTHY: ReadonlySet<PodState> = new Set(['running']);
