import type { WorkloadKind } from '../k8s/types';

/** Pod tallies for the platform or one namespace. A pod counts in `total` and in one class bucket. */
export interface PodCounts {
  total: number;
  healthy: number;
  /** Phase Running, crash-looping pods included: the figure kubectl-based reports quote. */
  running: number;
  succeeded: number;
  /** Crash looping, image, config, failed, evicted. */
  failing: number;
  /** Unschedulable, pending, starting. */
  pending: number;
  /** Terminating, stuck or not. */
  terminating: number;
  notReady: number;
}

export interface NamespaceHealth {
  readonly name: string;
  readonly counts: PodCounts;
  /** healthy / (total − succeeded) × 100; null when no pod is counted. */
  readonly healthPercent: number | null;
  readonly problems: number;
  readonly worstSeverity: number;
}

export interface WorkloadHealth {
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly namespace: string;
  readonly ready: number;
  readonly desired: number;
  readonly healthy: boolean;
  /** Why it is not healthy: its worst pod's reason, or NoPods, Unavailable, FailedCreate… */
  readonly reason?: string;
  /** Pod names (in the workload's namespace); a Deployment's across all its ReplicaSets. */
  readonly pods: readonly string[];
  readonly suspended?: boolean;
}

export type ProblemKind = 'pod' | 'workload' | 'job' | 'node' | 'application' | 'quota';

/** The top-level owner: a Deployment rather than its ReplicaSet; `{kind:'Pod'}` for a naked pod. */
export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
}

export interface Problem {
  /** 4 = most urgent (see PodHealth.severity); problems are ranked by it. */
  readonly severity: number;
  /** '' for cluster-scoped objects (nodes). */
  readonly namespace: string;
  readonly pod?: string;
  readonly reason: string;
  readonly container?: string;
  readonly restarts?: number;
  readonly owner: OwnerRef;
  readonly message?: string;
  /** A pod's last container termination (OOMKilled → the manifest fix raises that container's limit). */
  readonly lastTermination?: { readonly container: string; readonly reason?: string };
  /** One line, from the platform runbooks: what to do first. */
  readonly suggestion: string;
  readonly kind: ProblemKind;
}

export interface NodeHealth {
  readonly name: string;
  /** Ready condition True. A node that never reported one is not ready. */
  readonly ready: boolean;
  /** MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable: those that are True. */
  readonly pressures: readonly string[];
  /** Cordoned. Not a problem by itself: operators cordon on purpose. */
  readonly unschedulable: boolean;
}

/** An Argo CD Application's verdicts; 'Unknown' when the status says nothing. */
export interface ApplicationHealth {
  readonly name: string;
  readonly namespace: string;
  readonly sync: string;
  readonly health: string;
}

export interface PlatformHealth {
  readonly pods: PodCounts;
  /** healthy / (total − succeeded) × 100; null when no pod is counted. */
  readonly healthPercent: number | null;
  /** running / total × 100: the figure kubectl-based status reports quote, kept for comparison. */
  readonly runningPercent: number | null;
  /** Worst severity first, then most problems, then name. */
  readonly namespaces: readonly NamespaceHealth[];
  /** By namespace, then kind, then name. */
  readonly workloads: readonly WorkloadHealth[];
  /** Severity first, then namespace, then pod (or owner) name. */
  readonly problems: readonly Problem[];
  readonly nodes: readonly NodeHealth[];
  readonly applications: readonly ApplicationHealth[];
}
