/**
 * The subset of Kubernetes object shapes the core reads. These are our own structural types
 * (not @kubernetes/client-node's classes) so the core stays pure and accepts plain JSON from the
 * API, a `kubectl get -o json` snapshot or a parsed manifest alike. Every field is optional:
 * real objects are often partial, and code must say what it does when something is missing.
 */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  /** Shipshape's own, set by the slim projection: a digest of every annotation (it keeps only a few). */
  annotationsDigest?: string;
}

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ContainerStateWaiting {
  reason?: string;
  message?: string;
}
export interface ContainerStateTerminated {
  reason?: string;
  message?: string;
  exitCode?: number;
  signal?: number;
  startedAt?: string;
  finishedAt?: string;
}
export interface ContainerState {
  waiting?: ContainerStateWaiting;
  running?: { startedAt?: string };
  terminated?: ContainerStateTerminated;
}
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  image?: string;
  imageID?: string;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  ports?: { name?: string; containerPort?: number; protocol?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  startupProbe?: unknown;
  securityContext?: Record<string, unknown>;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  nodeName?: string;
  serviceAccountName?: string;
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  imagePullSecrets?: { name: string }[];
  volumes?: Record<string, unknown>[];
}

export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    startTime?: string;
  };
}

export interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

/** Deployment, StatefulSet, ReplicaSet, DaemonSet: the fields health rolls up. */
export interface Workload extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplate;
    paused?: boolean;
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    observedGeneration?: number;
    conditions?: Condition[];
  };
}

export interface Job extends KubeObject {
  spec?: {
    completions?: number;
    parallelism?: number;
    backoffLimit?: number;
    suspend?: boolean;
    template?: PodTemplate;
  };
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: Condition[];
  };
}

export interface CronJob extends KubeObject {
  spec?: {
    schedule?: string;
    suspend?: boolean;
    concurrencyPolicy?: string;
    jobTemplate?: { spec?: Job['spec'] };
  };
  status?: { lastScheduleTime?: string; lastSuccessfulTime?: string; active?: { name: string }[] };
}

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[] };
  status?: {
    conditions?: Condition[];
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
  };
}

export interface Namespace extends KubeObject {
  status?: { phase?: string };
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: LabelSelector };
  status?: {
    currentHealthy?: number;
    desiredHealthy?: number;
    expectedPods?: number;
    disruptionsAllowed?: number;
  };
}

export interface ResourceQuota extends KubeObject {
  spec?: { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

export interface NetworkPolicy extends KubeObject {
  spec?: { podSelector?: LabelSelector; policyTypes?: string[] };
}

export interface Service extends KubeObject {
  spec?: {
    type?: string;
    selector?: Record<string, string>;
    externalName?: string;
    ports?: { name?: string; port?: number; targetPort?: number | string }[];
  };
}

export interface KubeEvent extends KubeObject {
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
}

/** Argo CD `Application` (argoproj.io/v1alpha1): the status fields the explorer shows. */
export interface ArgoApplication extends KubeObject {
  spec?: {
    project?: string;
    source?: { repoURL?: string; path?: string; targetRevision?: string };
    destination?: { namespace?: string; server?: string };
  };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string };
  };
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob';

/**
 * Everything the core knows about one cluster at one moment: what the explorer's informers
 * hold, what a snapshot file contains, what the runbook checks read. Plain arrays of objects.
 */
export interface ClusterState {
  readonly namespaces: readonly Namespace[];
  readonly pods: readonly Pod[];
  readonly deployments: readonly Workload[];
  readonly statefulSets: readonly Workload[];
  readonly daemonSets: readonly Workload[];
  readonly replicaSets: readonly Workload[];
  readonly jobs: readonly Job[];
  readonly cronJobs: readonly CronJob[];
  readonly nodes: readonly Node[];
  readonly services: readonly Service[];
  readonly pdbs: readonly PodDisruptionBudget[];
  readonly resourceQuotas: readonly ResourceQuota[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly events: readonly KubeEvent[];
  readonly applications: readonly ArgoApplication[];
}

export function emptyClusterState(): ClusterState {
  return {
    namespaces: [],
    pods: [],
    deployments: [],
    statefulSets: [],
    daemonSets: [],
    replicaSets: [],
    jobs: [],
    cronJobs: [],
    nodes: [],
    services: [],
    pdbs: [],
    resourceQuotas: [],
    networkPolicies: [],
    events: [],
    applications: [],
  };
}
