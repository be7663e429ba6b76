import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { KubeError } from '../src/adapters/k8s/errors';
import { KubeRest } from '../src/adapters/k8s/rest';
import { parseQuantity } from '../src/core/health/quantity';
import { silentLogger, type Logger } from '../src/core/log';
import { repoRoot } from '../scripts/harness/paths';
import { PLATFORM_CRDS } from './crds';
import { HEALTHY, REASON, podStates, suffix, type PodSpec, type Scenario, type WorkloadSpec } from './model';
import { podStatus } from './status';

type Json = Record<string, unknown>;
const scenarioDir = join(repoRoot, 'scenarios', 'seeds');

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

export class Writer {
  writes = 0;
  constructor(
    readonly rest: KubeRest,
    private readonly pool: Pool,
  ) {}

  async create(object: Json): Promise<Json> {
    const meta = (object['metadata'] ?? {}) as { namespace?: string; name?: string };
    this.writes++;
    return this.pool.run(() =>
      this.rest.request<Json>('POST', collectionPath(String(object['kind']), meta.namespace), {
        body: object,
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

const uid = (object: Json) => String((object['metadata'] as { uid?: string }).uid);
const owner = (kind: string, apiVersion: string, object: Json) => ({
  apiVersion,
  kind,
  name: String((object['metadata'] as { name?: string }).name),
  uid: uid(object),
  controller: true,
  blockOwnerDeletion: true,
});

export function podTemplate(w: WorkloadSpec, labels: Record<string, string>): Json {
  return {
    // The simulated failure belongs to this image: a fixed image (a remediation) runs healthy.
    metadata: {
      labels,
      ...(w.simulate
        ? { annotations: { 'shipshape.dev/simulate': w.simulate, 'shipshape.dev/simulate-image': w.image } }
        : {}),
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: w.image,
          ...(w.port ? { ports: [{ name: 'http', containerPort: w.port }] } : {}),
          resources: {
            requests: { cpu: w.cpu ?? '100m', memory: w.memory ?? '256Mi' },
            limits: { cpu: w.cpu ?? '1', memory: '1Gi' },
          },
        },
      ],
    },
  };
}

export interface LoadContext {
  readonly writer: Writer;
  readonly nodes: readonly string[];
  readonly now: number;
  /** Failing pods get Warning events like the kubelet's. */
  readonly events: boolean;
}

/** Creates one pod (spec + status as a kubelet would have it). */
export async function createPod(
  ctx: LoadContext,
  ns: string,
  name: string,
  labels: Record<string, string>,
  template: Json,
  ownerRef: Json | undefined,
  spec: PodSpec,
  index: number,
  annotations?: Record<string, string>,
): Promise<void> {
  const tspec = template['spec'] as { containers: { image: string }[] };
  const scheduled = spec.state !== 'unschedulable';
  const node = spec.node ?? ctx.nodes[index % ctx.nodes.length];
  const pod = await ctx.writer.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels,
      ...(annotations ? { annotations } : {}),
      ...(ownerRef ? { ownerReferences: [ownerRef] } : {}),
      ...(spec.state === 'terminating' ? { finalizers: ['shipshape.dev/stuck-volume-detach'] } : {}),
    },
    spec: {
      ...(template['spec'] as Json),
      ...(scheduled && node ? { nodeName: node } : {}),
      ...(spec.state === 'failed' || spec.state === 'completed' ? { restartPolicy: 'Never' } : {}),
    },
  });
  const image = tspec.containers[0]?.image ?? 'unknown';
  await ctx.writer.status('Pod', ns, name, podStatus(spec.state, image, ctx.now, spec.restarts ?? 0));
  if (spec.state === 'terminating') await ctx.writer.remove('Pod', ns, name, { gracePeriodSeconds: 0 });
  if (ctx.events && !HEALTHY.has(spec.state) && spec.state !== 'completed')
    await podEvent(ctx, ns, name, uid(pod), spec, image);
}

async function podEvent(
  ctx: LoadContext,
  ns: string,
  pod: string,
  podUid: string,
  spec: PodSpec,
  image: string,
): Promise<void> {
  const at = new Date(ctx.now - 60_000).toISOString();
  const [reason, message, component] =
    spec.state === 'unschedulable'
      ? [
          'FailedScheduling',
          '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
          'default-scheduler',
        ]
      : spec.state === 'imagepull' || spec.state === 'errimagepull'
        ? [
            'Failed',
            `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`,
            'kubelet',
          ]
        : spec.state === 'notready'
          ? ['Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 'kubelet']
          : spec.state === 'terminating'
            ? [
                'FailedKillPod',
                'error killing pod: failed to "KillPodSandbox": rpc error: context deadline exceeded',
                'kubelet',
              ]
            : [
                'BackOff',
                `Back-off restarting failed container app in pod ${pod}_${ns}(${podUid})`,
                'kubelet',
              ];
  await ctx.writer.create({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod}.${suffix(pod + reason, 8)}`, namespace: ns },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: ns, uid: podUid },
    reason,
    message,
    type: 'Warning',
    count: Math.max(1, spec.restarts ?? 1),
    firstTimestamp: new Date(ctx.now - 3 * 3600_000).toISOString(),
    lastTimestamp: at,
    source: { component },
  });
}

const ready = (specs: readonly PodSpec[]) => specs.filter((p) => HEALTHY.has(p.state)).length;

async function loadWorkload(ctx: LoadContext, ns: string, w: WorkloadSpec): Promise<void> {
  const labels: Record<string, string> = { app: w.name, ...w.labels };
  const template = podTemplate(w, labels);
  const specs = podStates(w);
  const write = ctx.writer;
  if (w.kind === 'Deployment') {
    const replicas = w.replicas ?? specs.length;
    const d = await write.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w.name, namespace: ns, labels },
      spec: { replicas, selector: { matchLabels: labels }, template },
    });
    const rsFor = async (hash: string, rsReplicas: number, pods: readonly PodSpec[]) => {
      const rsLabels = { ...labels, 'pod-template-hash': hash };
      const rsName = `${w.name}-${hash}`;
      const rsTemplate = { ...template, metadata: { ...(template['metadata'] as Json), labels: rsLabels } };
      const rs = await write.create({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace: ns,
          labels: rsLabels,
          ownerReferences: [owner('Deployment', 'apps/v1', d)],
          annotations: { 'deployment.kubernetes.io/revision': hash === w.hash || !w.previous ? '2' : '1' },
        },
        spec: { replicas: rsReplicas, selector: { matchLabels: rsLabels }, template: rsTemplate },
      });
      await Promise.all(
        pods.map((p, i) =>
          createPod(
            ctx,
            ns,
            p.name ?? `${rsName}-${suffix(`${rsName}/${i}`, 5)}`,
            rsLabels,
            rsTemplate,
            owner('ReplicaSet', 'apps/v1', rs),
            p,
            i,
          ),
        ),
      );
      const live = pods.filter((p) => p.state !== 'terminating').length;
      await write.status('ReplicaSet', ns, rsName, {
        replicas: live,
        readyReplicas: ready(pods),
        availableReplicas: ready(pods),
        fullyLabeledReplicas: live,
        observedGeneration: 1,
      });
    };
    await rsFor(w.hash ?? suffix(`${ns}/${w.name}`, 10), replicas, specs);
    if (w.previous)
      await rsFor(
        w.previous.hash ?? suffix(`${ns}/${w.name}/old`, 10),
        0,
        w.previous.pods.map((p) => (typeof p === 'string' ? { state: p } : p)),
      );
    await write.status('Deployment', ns, w.name, {
      replicas: specs.length,
      readyReplicas: ready(specs),
      availableReplicas: ready(specs),
      updatedReplicas: specs.length,
      unavailableReplicas: specs.length - ready(specs),
      observedGeneration: 1,
    });
  } else if (w.kind === 'StatefulSet') {
    const replicas = w.replicas ?? specs.length;
    const s = await write.create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: w.name, namespace: ns, labels },
      spec: { replicas, serviceName: w.name, selector: { matchLabels: labels }, template },
    });
    const revision = `${w.name}-${suffix(w.name, 10)}`;
    await Promise.all(
      specs.map((p, i) =>
        createPod(
          ctx,
          ns,
          `${w.name}-${i}`,
          {
            ...labels,
            'controller-revision-hash': revision,
            'statefulset.kubernetes.io/pod-name': `${w.name}-${i}`,
          },
          template,
          owner('StatefulSet', 'apps/v1', s),
          p,
          i,
        ),
      ),
    );
    await write.status('StatefulSet', ns, w.name, {
      replicas: specs.length,
      readyReplicas: ready(specs),
      availableReplicas: ready(specs),
      currentReplicas: specs.length,
      updatedReplicas: specs.length,
      observedGeneration: 1,
      currentRevision: revision,
      updateRevision: revision,
    });
  } else if (w.kind === 'DaemonSet') {
    const ds = await write.create({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: w.name, namespace: ns, labels },
      spec: { selector: { matchLabels: labels }, template },
    });
    await Promise.all(
      ctx.nodes.map((node, i) =>
        createPod(
          ctx,
          ns,
          `${w.name}-${suffix(`${w.name}/${node}`, 5)}`,
          labels,
          template,
          owner('DaemonSet', 'apps/v1', ds),
          { state: 'running', node },
          i,
        ),
      ),
    );
    const n = ctx.nodes.length;
    await write.status('DaemonSet', ns, w.name, {
      desiredNumberScheduled: n,
      currentNumberScheduled: n,
      numberReady: n,
      numberAvailable: n,
      updatedNumberScheduled: n,
      numberMisscheduled: 0,
      observedGeneration: 1,
    });
  } else if (w.kind === 'Job') {
    await createJob(ctx, ns, w.name, w, specs, undefined);
  } else if (w.kind === 'CronJob') {
    const jobTemplate = {
      spec: {
        backoffLimit: 2,
        template: { ...template, spec: { ...(template['spec'] as Json), restartPolicy: 'OnFailure' } },
      },
    };
    const cron = await write.create({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: w.name, namespace: ns, labels },
      spec: { schedule: w.schedule ?? '0 * * * *', suspend: w.suspend ?? false, jobTemplate },
    });
    const jobs = w.jobs ?? [];
    for (const [i, job] of jobs.entries()) {
      const at = ctx.now - (jobs.length - i) * 86_400_000;
      await createJob(
        ctx,
        ns,
        `${w.name}-${Math.floor(at / 60_000)}`,
        w,
        [{ state: job.state === 'failed' ? 'failed' : job.state }],
        owner('CronJob', 'batch/v1', cron),
        at,
      );
    }
    const last = jobs[jobs.length - 1];
    if (last) {
      const lastAt = new Date(ctx.now - 86_400_000).toISOString();
      await write.status('CronJob', ns, w.name, {
        lastScheduleTime: lastAt,
        ...(last.state === 'completed' ? { lastSuccessfulTime: lastAt } : {}),
      });
    }
  }
}

async function createJob(
  ctx: LoadContext,
  ns: string,
  name: string,
  w: WorkloadSpec,
  specs: readonly PodSpec[],
  ownerRef: Json | undefined,
  at = ctx.now - 2 * 3600_000,
): Promise<void> {
  const template = podTemplate(w, { app: w.name });
  const job = await ctx.writer.create({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: ns,
      labels: { app: w.name },
      ...(ownerRef ? { ownerReferences: [ownerRef] } : {}),
    },
    spec: {
      backoffLimit: 0,
      template: { ...template, spec: { ...(template['spec'] as Json), restartPolicy: 'Never' } },
    },
  });
  // The API server generated the selector (controller-uid): pods must carry its labels.
  const jobLabels = ((job['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template
    .metadata.labels ?? {});
  await Promise.all(
    specs.map((p, i) =>
      createPod(
        ctx,
        ns,
        `${name}-${suffix(`${name}/${i}`, 5)}`,
        jobLabels,
        template,
        owner('Job', 'batch/v1', job),
        p,
        i,
      ),
    ),
  );
  const start = new Date(at).toISOString();
  const end = new Date(at + 60_000).toISOString();
  const failed = specs.filter((p) => p.state === 'failed').length;
  const succeeded = specs.filter((p) => p.state === 'completed').length;
  const active = specs.length - failed - succeeded;
  const conditions =
    failed > 0
      ? [
          {
            type: 'FailureTarget',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            lastProbeTime: end,
            lastTransitionTime: end,
          },
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            lastProbeTime: end,
            lastTransitionTime: end,
          },
        ]
      : active === 0
        ? [
            {
              type: 'SuccessCriteriaMet',
              status: 'True',
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
              lastProbeTime: end,
              lastTransitionTime: end,
            },
            {
              type: 'Complete',
              status: 'True',
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
              lastProbeTime: end,
              lastTransitionTime: end,
            },
          ]
        : [];
  await ctx.writer.status('Job', ns, name, {
    startTime: start,
    ...(active > 0 ? { active } : {}),
    ...(failed > 0 ? { failed } : {}),
    ...(succeeded > 0 ? { succeeded, completionTime: end } : {}),
    ...(conditions.length > 0 ? { conditions } : {}),
    ready: 0,
    terminating: 0,
    uncountedTerminatedPods: {},
  });
}

async function quotaStatus(ctx: LoadContext, quota: Json): Promise<void> {
  const meta = quota['metadata'] as { name: string; namespace: string };
  const hard = ((quota['spec'] as { hard?: Record<string, string> }).hard ?? {});
  // Charge what the namespace's pods request, as the quota controller would.
  const pods = await ctx.writer.rest.request<{
    items: {
      spec?: {
        containers?: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
      };
      status?: { phase?: string };
    }[];
  }>('GET', `/api/v1/namespaces/${meta.namespace}/pods`, { what: 'list pods for quota usage' });
  const sum = (section: 'requests' | 'limits', resource: string, parse: (v: string) => number) =>
    pods.items
      .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
      .reduce(
        (n, p) =>
          n +
          (p.spec?.containers ?? []).reduce(
            (m, c) => m + parse(c.resources?.[section]?.[resource] ?? '0'),
            0,
          ),
        0,
      );
  const cpu = (v: string) => parseQuantity(v) || 0;
  const mem = (v: string) => (parseQuantity(v) || 0) / 2 ** 20;
  const used: Record<string, string> = {};
  for (const key of Object.keys(hard)) {
    if (key === 'requests.cpu') used[key] = `${Math.round(sum('requests', 'cpu', cpu) * 1000)}m`;
    else if (key === 'limits.cpu') used[key] = `${Math.round(sum('limits', 'cpu', cpu) * 1000)}m`;
    else if (key === 'requests.memory') used[key] = `${Math.round(sum('requests', 'memory', mem))}Mi`;
    else if (key === 'limits.memory') used[key] = `${Math.round(sum('limits', 'memory', mem))}Mi`;
    else if (key === 'pods') used[key] = String(pods.items.length);
    else used[key] = '0';
  }
  await ctx.writer.status('ResourceQuota', meta.namespace, meta.name, { hard, used });
}

/** Applies a whole scenario to an empty cluster through the API, with bounded concurrency. */
export async function applyScenario(
  rest: KubeRest,
  scenario: Scenario,
  extra: { gitops?: GitOps; concurrency?: number; now?: number } = {},
): Promise<{ writes: number; ms: number }> {
  const started = Date.now();
  const writer = new Writer(rest, new Pool(extra.concurrency ?? 16));
  const ctx: LoadContext = {
    writer,
    nodes: scenario.nodes.map((n) => n.name),
    now: extra.now ?? Date.now(),
    events: true,
  };
  await Promise.all(PLATFORM_CRDS.map((crd) => writer.create(crd as Json)));
  await waitForCrds(
    rest,
    PLATFORM_CRDS.map((c) => c.metadata.name),
  );
  await Promise.all(
    scenario.nodes.map(async (n) => {
      await writer.create({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux' } },
      });
      const capacity = { cpu: n.cpu, memory: n.memory, pods: '110' };
      const conditions = ['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({
        type,
        status: n.conditions?.[type] ?? 'False',
        reason: `KubeletHasSufficient${type.replace('Pressure', '')}`,
        lastHeartbeatTime: new Date(ctx.now).toISOString(),
        lastTransitionTime: new Date(ctx.now - 86_400_000).toISOString(),
      }));
      conditions.push({
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        lastHeartbeatTime: new Date(ctx.now).toISOString(),
        lastTransitionTime: new Date(ctx.now - 86_400_000).toISOString(),
      });
      await writer.status('Node', undefined, n.name, {
        capacity,
        allocatable: capacity,
        conditions,
        nodeInfo: {
          kubeletVersion: 'v1.36.3',
          osImage: 'Ubuntu 24.04.1 LTS',
          containerRuntimeVersion: 'containerd://1.7.22',
          architecture: 'amd64',
          operatingSystem: 'linux',
          kernelVersion: '6.8.0-45-generic',
          kubeProxyVersion: 'v1.36.3',
          machineID: '',
          systemUUID: '',
          bootID: '',
        },
      });
    }),
  );
  const namespaces = [...new Set([...scenario.namespaces.map((n) => n.name), 'argocd', 'velero', 'kyverno'])];
  // kube-system and default exist already in every cluster.
  await Promise.all(
    namespaces.map((name) =>
      writer.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).catch((error: unknown) => {
        if (!(error instanceof KubeError && error.kind === 'conflict')) throw error;
        return {};
      }),
    ),
  );
  const quotas: Json[] = [];
  await Promise.all(
    scenario.namespaces.map(async (ns) => {
      for (const w of ns.workloads ?? []) await loadWorkload(ctx, ns.name, w);
      for (const w of ns.workloads ?? []) {
        if (w.port && (w.kind === 'Deployment' || w.kind === 'StatefulSet')) {
          await writer.create({
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: w.name, namespace: ns.name },
            spec: {
              selector: { app: w.name, ...w.labels },
              ports: [{ name: 'http', port: w.port, targetPort: 'http' }],
              ...(w.kind === 'StatefulSet' ? { clusterIP: 'None' } : {}),
            },
          });
        }
      }
      for (const object of ns.objects ?? []) {
        if (object['kind'] === 'ResourceQuota') quotas.push(object);
        else await writer.create(object);
      }
    }),
  );
  // Quotas last: admission rejects pods in a namespace whose quota has no status yet.
  for (const quota of quotas) {
    await writer.create(quota);
    await quotaStatus(ctx, quota);
  }
  for (const object of scenario.objects ?? []) await writer.create(object);
  if (extra.gitops) await applyGitOps(writer, extra.gitops);
  return { writes: writer.writes, ms: Date.now() - started };
}

async function waitForCrds(rest: KubeRest, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const name of names) {
    for (;;) {
      const crd = await rest.request<{ status?: { conditions?: { type: string; status: string }[] } }>(
        'GET',
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
        { what: 'read CRD' },
      );
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not established`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // Discovery for new groups takes a moment to serve the resources.
  for (const path of [
    '/apis/argoproj.io/v1alpha1',
    '/apis/kyverno.io/v2',
    '/apis/velero.io/v1',
    '/apis/kafka.strimzi.io/v1beta2',
  ]) {
    for (;;) {
      try {
        await rest.request('GET', path, { what: 'discovery' });
        break;
      } catch (error) {
        if (!(error instanceof KubeError) || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

export interface GitOps {
  readonly applications: readonly { name: string; sync: string; health: string; path: string }[];
  readonly policyExceptions: readonly string[];
  readonly veleroSchedules: readonly { name: string; schedule: string; namespaces: string[]; ttl: string }[];
}

async function applyGitOps(writer: Writer, gitops: GitOps): Promise<void> {
  await Promise.all(
    gitops.applications.map(async (a) => {
      await writer.create({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: a.name, namespace: 'argocd' },
        spec: {
          project: 'default',
          source: {
            repoURL: 'https://github.com/254carbon/platform.git',
            path: a.path,
            targetRevision: 'main',
          },
          destination: { server: 'https://kubernetes.default.svc', namespace: a.name },
          syncPolicy: { automated: { selfHeal: true } },
        },
      });
      await writer.status('Application', 'argocd', a.name, {
        sync: { status: a.sync, revision: '528bb60' },
        health: {
          status: a.health,
          ...(a.health === 'Degraded' ? { message: 'Deployment has pods in CrashLoopBackOff' } : {}),
        },
      });
    }),
  );
  await Promise.all(
    gitops.policyExceptions.map((name) =>
      writer.create({
        apiVersion: 'kyverno.io/v2',
        kind: 'PolicyException',
        metadata: { name: `${name}-exception`, namespace: 'kyverno' },
        spec: {
          exceptions: [{ policyName: 'require-run-as-nonroot', ruleNames: ['run-as-non-root'] }],
          match: {
            any: [{ resources: { kinds: ['Pod'], namespaces: ['data-platform'], names: [`${name}*`] } }],
          },
        },
      }),
    ),
  );
  await Promise.all(
    gitops.veleroSchedules.map((s) =>
      writer.create({
        apiVersion: 'velero.io/v1',
        kind: 'Schedule',
        metadata: { name: s.name, namespace: 'velero' },
        spec: {
          schedule: s.schedule,
          template: { includedNamespaces: s.namespaces, ttl: s.ttl, storageLocation: 'minio' },
        },
      }),
    ),
  );
}

export function seedsScenario(): { scenario: Scenario; gitops: GitOps } {
  const scenario = parse(readFileSync(join(scenarioDir, 'platform.yaml'), 'utf8')) as Scenario;
  const gitops = parse(readFileSync(join(scenarioDir, 'gitops.yaml'), 'utf8')) as GitOps;
  return { scenario, gitops };
}

/** Counts a scenario's pods the way `expected` states them (used by tests against both). */
export function countScenario(scenario: Scenario): {
  pods: number;
  failing: number;
  completed: number;
  reasons: Record<string, number>;
} {
  let pods = 0;
  let failing = 0;
  let completed = 0;
  const reasons: Record<string, number> = {};
  const add = (state: PodSpec['state']) => {
    pods++;
    if (state === 'completed') completed++;
    else if (!HEALTHY.has(state)) {
      failing++;
      reasons[REASON[state]] = (reasons[REASON[state]] ?? 0) + 1;
    }
  };
  for (const ns of scenario.namespaces) {
    for (const w of ns.workloads ?? []) {
      if (w.kind === 'CronJob') for (const j of w.jobs ?? []) add(j.state === 'failed' ? 'failed' : j.state);
      else if (w.kind === 'DaemonSet') for (const _ of scenario.nodes) add('running');
      else for (const p of podStates(w)) add(p.state);
      for (const p of w.previous?.pods ?? []) add(typeof p === 'string' ? p : p.state);
    }
  }
  return { pods, failing, completed, reasons };
}

export async function loadScenario(
  kubeconfig: string,
  name: 'seeds' | 'large',
  options: { log?: Logger; concurrency?: number } = {},
): Promise<{ writes: number; ms: number }> {
  const rest = restFor(kubeconfig, options.log);
  try {
    if (name === 'large') {
      const { largeScenario } = await import('./large');
      return await applyScenario(rest, largeScenario(), { concurrency: options.concurrency ?? 32 });
    }
    const { scenario, gitops } = seedsScenario();
    return await applyScenario(rest, scenario, {
      gitops,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
  } finally {
    rest.dispose();
  }
}
