/**
 * One-line next steps, taken from the runbooks our users follow (../shared/seeds): what the
 * operator did first for each failure there.
 */
const BY_REASON: readonly [RegExp, string][] = [
  [
    /ImagePullBackOff|ErrImagePull|InvalidImageName|ErrImageNeverPull|RegistryUnavailable/,
    "Check that the image name and tag exist and the pull secret is valid; Describe shows the registry's answer.",
  ],
  [
    /OOMKilled/,
    'The container ran out of memory: raise its memory limit (and request) or find the leak in the previous logs.',
  ],
  [
    /CrashLoopBackOff|^Init:Error|Error$/,
    "Read the previous container's logs; check its config, secrets and dependencies (database, Kafka, Zookeeper FQDN).",
  ],
  [
    /CreateContainerConfigError/,
    'A referenced Secret or ConfigMap (or one of its keys) is missing: create it or fix the reference.',
  ],
  [
    /CreateContainerError|RunContainerError|ContainerCannotRun/,
    'The runtime could not start the container: check the command, volume mounts and securityContext in Describe.',
  ],
  [
    /Unschedulable|FailedScheduling/,
    'Check requests against node capacity and the namespace ResourceQuota; scale down non-essential workloads.',
  ],
  [/Evicted/, 'The node ran short of resources: set requests and limits, then delete the evicted pod.'],
  [/Terminating/, 'Check its finalizers, then force-delete it (grace period 0).'],
  [
    /BackoffLimitExceeded|DeadlineExceeded|Failed/,
    "Read the job's logs, fix the cause, then delete the failed Jobs to clean up.",
  ],
  [
    /NotReady|Unknown/,
    "The readiness probe is failing: check the probe path and port and the app's dependencies.",
  ],
  [
    /Restarting/,
    'It keeps restarting: read the previous logs and check liveness probe timings and memory limits.',
  ],
  [
    /NoPods|Unavailable/,
    'No pods are running for it: check the ReplicaSet events, quotas and the rollout status.',
  ],
  [/LastRunFailed/, 'The last run failed: read its logs; suspend the CronJob while you fix it.'],
  [/OutOfSync/, 'Hard-refresh and sync the Argo CD application (argocd app sync).'],
  [/Degraded|Missing/, 'Argo CD sees unhealthy resources: fix the failing pods it owns, then sync.'],
  [/Pressure/, 'The node is under pressure: free resources or cordon and drain it.'],
  [/NodeNotReady/, 'The node is not ready: check the kubelet and its network (control plane → node 10250).'],
  [
    /QuotaNearLimit/,
    'The namespace is near its ResourceQuota: raise the quota or lower requests before new pods are rejected.',
  ],
  [
    /Pending|ContainerCreating/,
    'Waiting to start: Describe shows the last event (volumes, image pulls, scheduling).',
  ],
];

export function suggestionFor(reason: string, lastTerminationReason?: string): string {
  if (lastTerminationReason === 'OOMKilled') return BY_REASON[1]?.[1] ?? '';
  for (const [pattern, text] of BY_REASON) if (pattern.test(reason)) return text;
  return 'Describe it and read its events for the cause.';
}
