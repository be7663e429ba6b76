/**
 * The loader's and simulator's writes: a bounded pool, and the path of every kind a scenario holds.
 * Requests go through the scenarios' own client (scenarios/client.ts), never the product's.
 */
import { ApiClient, hasStatus, type Json } from './client';

export type { Json } from './client';

export function clientFor(kubeconfig: string, context?: string): ApiClient {
  return new ApiClient(kubeconfig, context);
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

/**
 * Where each kind lives: API group/version prefix, plural, namespaced. The scenarios' own table,
 * not the product's kind registry, for the reason scenarios/client.ts gives.
 */
const KINDS: Record<string, readonly [prefix: string, plural: string, namespaced: boolean]> = {
  Namespace: ['/api/v1', 'namespaces', false],
  Node: ['/api/v1', 'nodes', false],
  Pod: ['/api/v1', 'pods', true],
  Service: ['/api/v1', 'services', true],
  ConfigMap: ['/api/v1', 'configmaps', true],
  Secret: ['/api/v1', 'secrets', true],
  Event: ['/api/v1', 'events', true],
  ResourceQuota: ['/api/v1', 'resourcequotas', true],
  Deployment: ['/apis/apps/v1', 'deployments', true],
  ReplicaSet: ['/apis/apps/v1', 'replicasets', true],
  StatefulSet: ['/apis/apps/v1', 'statefulsets', true],
  DaemonSet: ['/apis/apps/v1', 'daemonsets', true],
  Job: ['/apis/batch/v1', 'jobs', true],
  CronJob: ['/apis/batch/v1', 'cronjobs', true],
  PodDisruptionBudget: ['/apis/policy/v1', 'poddisruptionbudgets', true],
  NetworkPolicy: ['/apis/networking.k8s.io/v1', 'networkpolicies', true],
  CustomResourceDefinition: ['/apis/apiextensions.k8s.io/v1', 'customresourcedefinitions', false],
  Application: ['/apis/argoproj.io/v1alpha1', 'applications', true],
  PolicyException: ['/apis/kyverno.io/v2', 'policyexceptions', true],
  Schedule: ['/apis/velero.io/v1', 'schedules', true],
  Kafka: ['/apis/kafka.strimzi.io/v1beta2', 'kafkas', true],
};

/**
 * The collection of `kind` (in `namespace`, or across all namespaces without one), or the object
 * `name` in it.
 */
export function pathOf(kind: string, namespace?: string, name?: string): string {
  const entry = KINDS[kind];
  if (!entry) throw new Error(`scenario: no API path for kind ${kind}`);
  const [prefix, plural, namespaced] = entry;
  const ns = namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${prefix}${ns}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

const metaOf = (object: Json) => (object['metadata'] ?? {}) as { namespace?: string; name?: string };

/** Every write of a load goes through here: bounded, counted (objects created, writes in all). */
export class Writer {
  writes = 0;
  objects = 0;
  constructor(
    readonly client: ApiClient,
    private readonly pool: Pool,
  ) {}

  async create(object: Json): Promise<Json> {
    const meta = metaOf(object);
    this.writes++;
    this.objects++;
    return this.pool.run(() =>
      this.client.request<Json>('POST', pathOf(String(object['kind']), meta.namespace), {
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
      this.client.request('PATCH', `${pathOf(kind, namespace, name)}/status`, {
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
        this.client.request('PUT', `${pathOf(kind, meta.namespace, meta.name ?? '')}/status`, {
          body: { ...created, status: merged },
          what: `write ${kind} ${meta.namespace ?? ''}/${meta.name ?? ''} status`,
          timeoutMs: 60_000,
        }),
      );
    } catch (error) {
      if (!hasStatus(error, 409)) throw error;
      this.writes--;
      await this.status(kind, meta.namespace, meta.name ?? '', merged);
    }
  }

  async remove(kind: string, namespace: string | undefined, name: string, body: Json = {}): Promise<void> {
    this.writes++;
    await this.pool.run(() =>
      this.client.request('DELETE', pathOf(kind, namespace, name), {
        body,
        what: `delete ${kind} ${name}`,
      }),
    );
  }
}
