/**
 * One-line next steps for each kind of problem, taken from the runbooks and status reports of the
 * data platform our users run (DolphinScheduler, Trino, Kafka, Superset, DataHub, Argo CD…):
 * what the operators there did first. Plain text, at most 140 characters each.
 */

/** Whatever carries a reason: a Problem, a PodHealth, or the parts of one. */
export interface SuggestionInput {
  readonly reason: string;
  /** The API's message: tells "Insufficient cpu" from "untolerated taint", a secret from a key. */
  readonly message?: string;
  /** How the container ended last time: an OOM kill behind a crash loop changes the advice. */
  readonly lastTermination?: { readonly reason?: string };
  /** A pod's class: tells a stuck Terminating pod from one still in its grace period. */
  readonly class?: string;
  /** A Problem's kind: an Application's "Unknown" is not a pod's. */
  readonly kind?: string;
  /** The top-level owner: a failed pod of a Job is cleaned up with its Job. */
  readonly owner?: { readonly kind: string };
}

export const SUGGESTIONS = {
  image:
    "Check the image name and tag exist and the pull secret is valid (kubectl describe pod shows the registry's answer)",
  imageNeverPull:
    'The image is not on this node and imagePullPolicy is Never: load it on every node or push it to a registry',
  oom: "Out of memory: raise the container's memory limit (and request), or find the leak in the previous container's logs",
  crash:
    "Read the previous container's logs; check config, secrets and dependencies (database, Kafka, Zookeeper FQDN)",
  initCrash:
    'An init container keeps failing: read its logs; it usually waits for a dependency (Elasticsearch, Kafka, database)',
  configMissing:
    'A referenced Secret or ConfigMap (or a key in it) is missing: create it or fix the reference, then the pod starts',
  runtime:
    'The runtime could not start the container: check its command, volume mounts and securityContext (runAsUser)',
  capacity:
    'Check requests against node capacity and the namespace ResourceQuota; scale down non-essential workloads',
  placement:
    "No node fits its nodeSelector, affinity or tolerations: compare them with the nodes' labels and taints",
  volume:
    'Its PersistentVolumeClaim is not bound: check the PVC, its StorageClass and free PersistentVolumes',
  pending:
    'Waiting to start: kubectl describe pod shows the last event (volume mounts, PVC binding, image pulls)',
  evicted:
    'The node ran short of resources and evicted it: set requests and limits, then delete the evicted pod',
  stuck: 'Force delete (grace period 0) after checking finalizers and that its node is still reachable',
  terminating: 'Shutting down; if it outlives its grace period, check finalizers, then force delete it',
  jobFailed: "Read the job's logs, fix the cause, then delete failed Jobs to clean up",
  notReady:
    "The readiness probe fails: check its path, port and initialDelaySeconds, and the app's dependencies",
  restarting:
    'It keeps restarting: read the previous logs; check liveness probe timings and the memory limit',
  noPods:
    'No pods are running for it: check the ReplicaSet events (ResourceQuota, admission policy) and rollout status',
  failedCreate:
    'The controller cannot create pods: read the message (ResourceQuota exceeded, Kyverno policy) and fix the cause',
  rolloutStalled:
    'The rollout stalled: check kubectl rollout status and the new pods; roll back if it does not recover',
  cronFailed: 'The last run failed: read its logs; suspend the CronJob while you fix it',
  outOfSync: 'Hard refresh and sync the Argo CD application',
  syncFailed:
    'The last sync failed: read the operation message (often invalid YAML in a chart), fix it in Git, sync',
  degraded: 'Argo CD sees unhealthy resources: fix the failing pods it manages, then sync',
  missing: 'Resources are missing from the cluster: sync the Argo CD application',
  appUnknown:
    "Argo CD cannot assess it: hard refresh, then check the repo server and the application's source path",
  nodeNotReady:
    'Check the kubelet and its network (control plane to node port 10250); cordon and drain it if it stays NotReady',
  memoryPressure:
    'The node is short of memory: set memory limits, scale down non-essential workloads (kubectl top nodes)',
  diskPressure: 'The node is short of disk: prune unused images and old logs, or move PVC data off the node',
  pidPressure: 'The node is running out of process IDs: find the pod leaking processes (kubectl top pods)',
  networkUnavailable: "The node's network is not set up: check the CNI pods on it and their logs",
  quota:
    'The namespace is near its ResourceQuota: raise the quota or lower requests before new pods are rejected',
  fallback: 'Describe it (kubectl describe) and read its events for the cause',
} as const;

const BY_REASON: Readonly<Record<string, string>> = {
  ImagePullBackOff: SUGGESTIONS.image,
  ErrImagePull: SUGGESTIONS.image,
  InvalidImageName: SUGGESTIONS.image,
  ImageInspectError: SUGGESTIONS.image,
  RegistryUnavailable: SUGGESTIONS.image,
  ErrImageNeverPull: SUGGESTIONS.imageNeverPull,
  OOMKilled: SUGGESTIONS.oom,
  CrashLoopBackOff: SUGGESTIONS.crash,
  Error: SUGGESTIONS.crash,
  CreateContainerConfigError: SUGGESTIONS.configMissing,
  CreateContainerError: SUGGESTIONS.runtime,
  RunContainerError: SUGGESTIONS.runtime,
  ContainerCannotRun: SUGGESTIONS.runtime,
  PreStartHookError: SUGGESTIONS.runtime,
  PostStartHookError: SUGGESTIONS.runtime,
  Pending: SUGGESTIONS.pending,
  ContainerCreating: SUGGESTIONS.pending,
  PodInitializing: SUGGESTIONS.pending,
  SchedulingGated: SUGGESTIONS.pending,
  Evicted: SUGGESTIONS.evicted,
  Preempting: SUGGESTIONS.evicted,
  NodeShutdown: SUGGESTIONS.evicted,
  Shutdown: SUGGESTIONS.evicted,
  Terminated: SUGGESTIONS.evicted,
  Failed: SUGGESTIONS.jobFailed,
  BackoffLimitExceeded: SUGGESTIONS.jobFailed,
  DeadlineExceeded: SUGGESTIONS.jobFailed,
  PodFailurePolicy: SUGGESTIONS.jobFailed,
  NotReady: SUGGESTIONS.notReady,
  Completed: SUGGESTIONS.notReady,
  Unknown: SUGGESTIONS.nodeNotReady,
  Restarting: SUGGESTIONS.restarting,
  NoPods: SUGGESTIONS.noPods,
  Unavailable: SUGGESTIONS.noPods,
  FailedCreate: SUGGESTIONS.failedCreate,
  ProgressDeadlineExceeded: SUGGESTIONS.rolloutStalled,
  LastRunFailed: SUGGESTIONS.cronFailed,
  OutOfSync: SUGGESTIONS.outOfSync,
  SyncFailed: SUGGESTIONS.syncFailed,
  Degraded: SUGGESTIONS.degraded,
  Missing: SUGGESTIONS.missing,
  NodeNotReady: SUGGESTIONS.nodeNotReady,
  MemoryPressure: SUGGESTIONS.memoryPressure,
  DiskPressure: SUGGESTIONS.diskPressure,
  PIDPressure: SUGGESTIONS.pidPressure,
  NetworkUnavailable: SUGGESTIONS.networkUnavailable,
  QuotaNearLimit: SUGGESTIONS.quota,
};

/** The scheduler's message says which of capacity, placement or storage is in the way. */
function unschedulable(message: string | undefined): string {
  const m = message ?? '';
  if (/Insufficient|Too many pods|exceeded quota/i.test(m)) return SUGGESTIONS.capacity;
  if (/PersistentVolumeClaim|volume node affinity/i.test(m)) return SUGGESTIONS.volume;
  if (/taint|affinity|selector|didn't match/i.test(m)) return SUGGESTIONS.placement;
  return SUGGESTIONS.capacity;
}

/** The next step for a problem, a pod's health, or a bare reason. */
export function suggestionFor(input: SuggestionInput | string): string {
  const {
    reason,
    message,
    lastTermination,
    class: cls,
    kind,
    owner,
  } = typeof input === 'string' ? { reason: input } : input;
  if (kind === 'application' && reason === 'Unknown') return SUGGESTIONS.appUnknown;
  if (cls === 'failed' && (owner?.kind === 'Job' || owner?.kind === 'CronJob')) return SUGGESTIONS.jobFailed;
  // An OOM kill explains the crash loop (or the flapping) better than the loop itself.
  if (lastTermination?.reason === 'OOMKilled' && /CrashLoopBackOff|Restarting|OOMKilled|Error/.test(reason))
    return SUGGESTIONS.oom;
  if (reason === 'Unschedulable') return unschedulable(message);
  if (reason === 'Terminating')
    return cls === 'stuckTerminating' ? SUGGESTIONS.stuck : SUGGESTIONS.terminating;
  if (reason.startsWith('Init:')) {
    const inner = reason.slice(5);
    if (/^(CrashLoopBackOff|Error|ExitCode|Signal)/.test(inner)) return SUGGESTIONS.initCrash;
    return BY_REASON[inner] ?? SUGGESTIONS.pending;
  }
  return BY_REASON[reason] ?? SUGGESTIONS.fallback;
}
