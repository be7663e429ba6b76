import type { KubeObject } from '../../core/k8s/types';
import { resourcePath, type ResourceType } from './informer';
import type { KubeRest } from './rest';

/** API coordinates of the kinds the explorer acts on. */
export const KINDS: Readonly<Record<string, ResourceType>> = {
  Pod: { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  StatefulSet: {
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
  },
  DaemonSet: { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  ReplicaSet: { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  Job: { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true },
  CronJob: { group: 'batch', version: 'v1', plural: 'cronjobs', kind: 'CronJob', namespaced: true },
  Service: { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  Node: { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false },
  Namespace: { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  Application: {
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'applications',
    kind: 'Application',
    namespaced: true,
  },
  PodDisruptionBudget: {
    group: 'policy',
    version: 'v1',
    plural: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    namespaced: true,
  },
  ResourceQuota: {
    group: '',
    version: 'v1',
    plural: 'resourcequotas',
    kind: 'ResourceQuota',
    namespaced: true,
  },
};

export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

function typeOf(kind: string): ResourceType {
  const type = KINDS[kind];
  if (!type) throw new Error(`Shipshape cannot act on ${kind} objects`);
  return type;
}

export const pathOf = (ref: ObjectRef, sub = '') =>
  resourcePath(typeOf(ref.kind), ref.namespace, ref.name) + sub;
const describeRef = (ref: ObjectRef) =>
  `${ref.kind.toLowerCase()} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

/** A write: method, path, body and what it does. Every write runs twice: dry run, then for real. */
export interface Write {
  readonly method: 'DELETE' | 'PATCH' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly what: string;
  /** A delete whose object is already gone has done its job (a finalizer removal can do that). */
  readonly okIfGone?: boolean;
  /** The object as the user confirmed it: the server refuses the write if it is another one now. */
  readonly expected?: Expected;
}

/**
 * The identity of the object the user saw: its uid, and its resourceVersion where the action
 * read one and depends on what it read. A StatefulSet recreates `db-0` under the same name
 * within seconds; without the uid a delete confirmed for the old pod removes the new one.
 */
export interface Expected {
  /** "pod", "job": how the message names the object. */
  readonly noun: string;
  readonly uid: string;
  readonly resourceVersion?: string;
}

/** DeleteOptions.preconditions: checked by the API server atomically with the delete. */
const preconditions = (expected: Expected | undefined) =>
  expected
    ? {
        preconditions: {
          uid: expected.uid,
          ...(expected.resourceVersion ? { resourceVersion: expected.resourceVersion } : {}),
        },
      }
    : {};

export async function run(rest: KubeRest, write: Write, dryRun: boolean): Promise<unknown> {
  // A DELETE's body is its DeleteOptions, and when there is one the API server reads only that,
  // ignoring the query string: without dryRun in the body the "dry run" deletes for real.
  const body =
    dryRun && write.method === 'DELETE' && isObject(write.body)
      ? { ...write.body, dryRun: ['All'] }
      : write.body;
  return rest.request(write.method, write.path, {
    ...(body !== undefined ? { body } : {}),
    ...(write.contentType ? { contentType: write.contentType } : {}),
    query: dryRun ? { dryRun: 'All' } : {},
    what: write.what,
  });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const MERGE = 'application/merge-patch+json';

export const writes = {
  deletePod(ref: ObjectRef, force: boolean, expected?: Expected): Write {
    return {
      method: 'DELETE',
      path: pathOf(ref),
      body: {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        ...(force ? { gracePeriodSeconds: 0 } : {}),
        propagationPolicy: 'Background',
        ...preconditions(expected),
      },
      what: `${force ? 'force-delete' : 'delete'} ${describeRef(ref)}`,
      okIfGone: true,
      ...(expected ? { expected } : {}),
    };
  },
  /** Stuck Terminating pods with finalizers never go, even with grace 0: the finalizers must go. */
  removeFinalizers(ref: ObjectRef, expected?: Expected): Write {
    return {
      method: 'PATCH',
      path: pathOf(ref),
      // uid and resourceVersion in a merge patch are preconditions: a mismatch is a 409.
      body: {
        metadata: {
          finalizers: null,
          ...(expected ? { uid: expected.uid } : {}),
          ...(expected?.resourceVersion ? { resourceVersion: expected.resourceVersion } : {}),
        },
      },
      contentType: MERGE,
      what: `remove the finalizers of ${describeRef(ref)}`,
      ...(expected ? { expected } : {}),
    };
  },
  deleteObject(ref: ObjectRef, expected?: Expected): Write {
    return {
      method: 'DELETE',
      path: pathOf(ref),
      body: {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: 'Background',
        ...preconditions(expected),
      },
      okIfGone: true,
      what: `delete ${describeRef(ref)}`,
      ...(expected ? { expected } : {}),
    };
  },
  scale(ref: ObjectRef, replicas: number): Write {
    return {
      method: 'PATCH',
      path: pathOf(ref, '/scale'),
      body: { spec: { replicas } },
      contentType: MERGE,
      what: `scale ${describeRef(ref)} to ${replicas}`,
    };
  },
  rolloutRestart(ref: ObjectRef, now: Date): Write {
    return {
      method: 'PATCH',
      path: pathOf(ref),
      body: {
        spec: {
          template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } },
        },
      },
      contentType: MERGE,
      what: `restart the rollout of ${describeRef(ref)}`,
    };
  },
  suspendCronJob(ref: ObjectRef, suspend: boolean): Write {
    return {
      method: 'PATCH',
      path: pathOf(ref),
      body: { spec: { suspend } },
      contentType: MERGE,
      what: `${suspend ? 'suspend' : 'resume'} ${describeRef(ref)}`,
    };
  },
  /** `kubectl create job --from=cronjob/x`: the Job the CronJob would create, owned by it. */
  triggerCronJob(
    cronJob: KubeObject & { spec?: { jobTemplate?: { metadata?: unknown; spec?: unknown } } },
    suffix: string,
  ): Write {
    const meta = cronJob.metadata ?? {};
    const name = `${(meta.name ?? 'cronjob').slice(0, 52 - suffix.length)}-manual-${suffix}`;
    return {
      method: 'POST',
      path: resourcePath(typeOf('Job'), meta.namespace),
      body: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name,
          namespace: meta.namespace,
          annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
          ownerReferences: meta.uid
            ? [{ apiVersion: 'batch/v1', kind: 'CronJob', name: meta.name, uid: meta.uid, controller: true }]
            : [],
        },
        spec: cronJob.spec?.jobTemplate?.spec ?? {},
      },
      what: `create job ${name} from cronjob ${meta.namespace ?? ''}/${meta.name ?? ''}`,
    };
  },
  argoHardRefresh(ref: ObjectRef): Write {
    return {
      method: 'PATCH',
      path: pathOf(ref),
      body: { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'hard' } } },
      contentType: MERGE,
      what: `hard-refresh Argo CD application ${ref.name}`,
    };
  },
};

/** The full live object, without managedFields (noise nobody reads in an editor). */
export async function getObject(rest: KubeRest, ref: ObjectRef): Promise<Record<string, unknown>> {
  const object = await rest.request<Record<string, unknown>>('GET', pathOf(ref), {
    what: `read ${describeRef(ref)}`,
  });
  const meta = object['metadata'] as Record<string, unknown> | undefined;
  if (meta) delete meta['managedFields'];
  return object;
}

export async function eventsFor(rest: KubeRest, ref: ObjectRef): Promise<KubeObject[]> {
  const selector = [`involvedObject.name=${ref.name}`, `involvedObject.kind=${ref.kind}`].join(',');
  const path = ref.namespace
    ? `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/events`
    : '/api/v1/events';
  const list = await rest.request<{ items?: KubeObject[] }>('GET', path, {
    query: { fieldSelector: selector },
    what: `list events of ${describeRef(ref)}`,
  });
  return list.items ?? [];
}

export interface LogOptions {
  readonly container?: string;
  readonly previous?: boolean;
  readonly follow?: boolean;
  readonly tailLines?: number;
  /** RFC 3339; the API server keeps whole seconds, so lines of that second come again. */
  readonly sinceTime?: string;
}

export function streamLogs(
  rest: KubeRest,
  ref: ObjectRef,
  options: LogOptions,
  onText: (text: string) => void,
  signal: AbortSignal,
): Promise<void> {
  return rest.stream(
    pathOf({ ...ref, kind: 'Pod' }, '/log'),
    {
      container: options.container,
      previous: options.previous || undefined,
      follow: options.follow || undefined,
      tailLines: options.tailLines,
      sinceTime: options.sinceTime,
      timestamps: true,
    },
    onText,
    signal,
    `read the ${options.previous ? 'previous ' : ''}logs of pod ${ref.namespace ?? ''}/${ref.name}`,
  );
}
