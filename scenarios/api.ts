/**
 * The loader's and simulator's way into the API server: a REST client per kubeconfig, a bounded
 * pool of writes, and the collection path of every kind a scenario holds.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeError } from '../src/adapters/k8s/errors';
import { KubeRest } from '../src/adapters/k8s/rest';
import { silentLogger, type Logger } from '../src/core/log';

export type Json = Record<string, unknown>;

export function restFor(kubeconfig: string, log: Logger = silentLogger): KubeRest {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return new KubeRest(kc, log);
}

/** A bounded pool: the API server handles many writes at once, not unbounded ones. */
export class Pool {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

const PATHS: Record<string, (ns?: string) => string> = {
  Namespace: () => '/api/v1/namespaces',
  Node: () => '/api/v1/nodes',
  Pod: (ns) => `/api/v1/namespaces/${ns ?? ''}/pods`,
  Service: (ns) => `/api/v1/namespaces/${ns ?? ''}/services`,
  ConfigMap: (ns) => `/api/v1/namespaces/${ns ?? ''}/configmaps`,
  Secret: (ns) => `/api/v1/namespaces/${ns ?? ''}/secrets`,
  Event: (ns) => `/api/v1/namespaces/${ns ?? ''}/events`,
  ResourceQuota: (ns) => `/api/v1/namespaces/${ns ?? ''}/resourcequotas`,
  Deployment: (ns) => `/apis/apps/v1/namespaces/${ns ?? ''}/deployments`,
  ReplicaSet: (ns) => `/apis/apps/v1/namespaces/${ns ?? ''}/replicasets`,
  StatefulSet: (ns) => `/apis/apps/v1/namespaces/${ns ?? ''}/statefulsets`,
  DaemonSet: (ns) => `/apis/apps/v1/namespaces/${ns ?? ''}/daemonsets`,
  Job: (ns) => `/apis/batch/v1/namespaces/${ns ?? ''}/jobs`,
  CronJob: (ns) => `/apis/batch/v1/namespaces/${ns ?? ''}/cronjobs`,
  PodDisruptionBudget: (ns) => `/apis/policy/v1/namespaces/${ns ?? ''}/poddisruptionbudgets`,
  NetworkPolicy: (ns) => `/apis/networking.k8s.io/v1/namespaces/${ns ?? ''}/networkpolicies`,
  CustomResourceDefinition: () => '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  Application: (ns) => `/apis/argoproj.io/v1alpha1/namespaces/${ns ?? ''}/applications`,
  PolicyException: (ns) => `/apis/kyverno.io/v2/namespaces/${ns ?? ''}/policyexceptions`,
  Schedule: (ns) => `/apis/velero.io/v1/namespaces/${ns ?? ''}/schedules`,
  Kafka: (ns) => `/apis/kafka.strimzi.io/v1beta2/namespaces/${ns ?? ''}/kafkas`,
};

export function collectionPath(kind: string, namespace?: string): string {
  const path = PATHS[kind];
  if (!path) throw new Error(`scenario: no API path for kind ${kind}`);
  return path(namespace);
}

const metaOf = (object: Json) => (object['metadata'] ?? {}) as { namespace?: string; name?: string };

/** Every write of a load goes through here: bounded, counted (objects created, writes in all). */
export class Writer {
  writes = 0;
  objects = 0;
  constructor(
    readonly rest: KubeRest,
    private readonly pool: Pool,
  ) {}

  async create(object: Json): Promise<Json> {
    const meta = metaOf(object);
    this.writes++;
    this.objects++;
    return this.pool.run(() =>
      this.rest.request<Json>('POST', collectionPath(String(object['kind']), meta.namespace), {
        body: object,
        // The platform was installed with Helm: its objects' fields belong to "helm", as in a
        // real cluster (what Shipshape's apply shows as the owner of conflicting fields).
        query: { fieldManager: 'helm' },
        what: `create ${String(object['kind'])} ${meta.namespace ?? ''}/${meta.name ?? ''}`,
        timeoutMs: 60_000,
      }),
    );
  }

  async status(kind: string, namespace: string | undefined, name: string, status: Json): Promise<void> {
    this.writes++;
    await this.pool.run(() =>
      this.rest.request('PATCH', `${collectionPath(kind, namespace)}/${name}/status`, {
        body: { status },
        contentType: 'application/merge-patch+json',
        what: `write ${kind} ${namespace ?? ''}/${name} status`,
        timeoutMs: 60_000,
      }),
    );
  }

  /**
   * Writes the status of an object this load just created by replacing it (PUT …/status with the
   * created object's resourceVersion): about a quarter cheaper for the API server than a merge
   * patch, which is what bounds the large scenario's load time. Falls back to a patch if
   * something else changed the object in between.
   */
  async replaceStatus(created: Json, status: Json): Promise<void> {
    const kind = String(created['kind']);
    const meta = metaOf(created);
    const merged = { ...((created['status'] ?? {}) as Json), ...status };
    this.writes++;
    try {
      await this.pool.run(() =>
        this.rest.request('PUT', `${collectionPath(kind, meta.namespace)}/${meta.name ?? ''}/status`, {
          body: { ...created, status: merged },
          what: `write ${kind} ${meta.namespace ?? ''}/${meta.name ?? ''} status`,
          timeoutMs: 60_000,
        }),
      );
    } catch (error) {
      if (!(error instanceof KubeError && error.kind === 'conflict')) throw error;
      this.writes--;
      await this.status(kind, meta.namespace, meta.name ?? '', merged);
    }
  }

  async remove(kind: string, namespace: string | undefined, name: string, body: Json = {}): Promise<void> {
    this.writes++;
    await this.pool.run(() =>
      this.rest.request('DELETE', `${collectionPath(kind, namespace)}/${name}`, {
        body,
        what: `delete ${kind} ${name}`,
      }),
    );
  }
}
