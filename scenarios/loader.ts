/**
 * Loads a scenario into a running API server: CRDs, nodes, namespaces, the workloads expanded
 * into controller-owned pods with kubelet-like statuses (scenarios/workloads.ts), Services,
 * PDBs and other raw objects, quotas (last, with their usage), and the GitOps objects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../scripts/harness/paths';
import { Pool, Writer, clientFor, type Json } from './api';
import { ApiError, hasStatus, type ApiClient } from './client';
import { PLATFORM_CRDS } from './crds';
import { applyGitOps, type GitOps } from './gitops';
import { largeScenario } from './large';
import { HEALTHY, REASON, podStates, type PodSpec, type Scenario } from './model';
import type { LoadContext } from './pods';
import { loadWorkload } from './workloads';

// The simulator, tests and scripts import these from here.
export { Pool, Writer, clientFor, pathOf, type Json } from './api';
export { ApiClient, ApiError, hasStatus } from './client';
export type { GitOps } from './gitops';
export { createPod, owner, podTemplate, type LoadContext } from './pods';
export { podStatus } from './status';
export { createJob } from './workloads';

/** What a load did: objects created, API writes in all (creates, statuses, deletes), duration. */
export interface LoadResult {
  readonly objects: number;
  readonly writes: number;
  readonly ms: number;
}

const scenarioDir = join(repoRoot, 'scenarios', 'seeds');

export async function quotaStatus(ctx: LoadContext, quota: Json): Promise<void> {
  const meta = quota['metadata'] as { name: string; namespace: string };
  const hard = (quota['spec'] as { hard?: Record<string, string> }).hard ?? {};
  // Charge what the namespace's pods request, as the quota controller would.
  const pods = await ctx.writer.client.request<{
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
  const cpu = (v: string) => quantity(v);
  const mem = (v: string) => quantity(v) / 2 ** 20;
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

/**
 * A resource quantity as a number ("250m" → 0.25, "1Gi" → 2^30): the scenarios' own few lines, not
 * the product's parser, so a quota's usage is worked out independently of what the product reads.
 */
export function quantity(text: string): number {
  const match = /^(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(text.trim());
  if (!match) throw new Error(`scenario: not a resource quantity: ${text}`);
  const decimal = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E'].indexOf(match[2] ?? '');
  const binary = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'].indexOf(match[2] ?? '');
  return Number(match[1]) * (decimal >= 0 ? 1000 ** (decimal - 3) : 1024 ** binary);
}

/**
 * Applies a whole scenario to an empty cluster through the API, with bounded concurrency: through
 * `target`'s own scenario client when it is a kubeconfig path.
 */
export async function applyScenario(
  target: string | ApiClient,
  scenario: Scenario,
  extra: { gitops?: GitOps; concurrency?: number; now?: number } = {},
): Promise<LoadResult> {
  if (typeof target === 'string') {
    const client = clientFor(target);
    try {
      return await applyScenario(client, scenario, extra);
    } finally {
      client.dispose();
    }
  }
  const client = target;
  const started = Date.now();
  const writer = new Writer(client, new Pool(extra.concurrency ?? 16));
  const ctx: LoadContext = {
    writer,
    nodes: scenario.nodes.map((n) => n.name),
    now: extra.now ?? Date.now(),
    events: true,
  };
  await Promise.all(PLATFORM_CRDS.map((crd) => writer.create(crd as Json)));
  await waitForCrds(
    client,
    PLATFORM_CRDS.map((c) => c.metadata.name),
  );
  await Promise.all(scenario.nodes.map((n) => createNode(writer, n, ctx.now)));
  const namespaces = [...new Set([...scenario.namespaces.map((n) => n.name), 'argocd', 'velero', 'kyverno'])];
  // kube-system and default exist already in every cluster.
  await Promise.all(
    namespaces.map((name) =>
      writer.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).catch((error: unknown) => {
        if (!hasStatus(error, 409)) throw error;
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
  return { objects: writer.objects, writes: writer.writes, ms: Date.now() - started };
}

/** A Ready node with capacity, as its kubelet would report it. */
async function createNode(writer: Writer, n: Scenario['nodes'][number], now: number): Promise<void> {
  const node = await writer.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux' } },
  });
  const capacity = { cpu: n.cpu, memory: n.memory, pods: '110' };
  const conditions = ['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({
    type,
    status: n.conditions?.[type] ?? 'False',
    reason: `KubeletHasSufficient${type.replace('Pressure', '')}`,
    lastHeartbeatTime: new Date(now).toISOString(),
    lastTransitionTime: new Date(now - 86_400_000).toISOString(),
  }));
  conditions.push({
    type: 'Ready',
    status: 'True',
    reason: 'KubeletReady',
    lastHeartbeatTime: new Date(now).toISOString(),
    lastTransitionTime: new Date(now - 86_400_000).toISOString(),
  });
  await writer.replaceStatus(node, {
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
  // Admission taints every new node not-ready; the node lifecycle controller (absent from the test
  // control plane) lifts it once the kubelet reports Ready. Left on, every pod would be unschedulable.
  writer.writes++;
  await writer.client.request('PATCH', `/api/v1/nodes/${n.name}`, {
    body: { spec: { taints: null } },
    contentType: 'application/merge-patch+json',
    what: `untaint node ${n.name}`,
  });
}

async function waitForCrds(client: ApiClient, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const name of names) {
    for (;;) {
      const crd = await client.request<{ status?: { conditions?: { type: string; status: string }[] } }>(
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
        await client.request('GET', path, { what: 'discovery' });
        break;
      } catch (error) {
        if (!(error instanceof ApiError) || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
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
  options: { concurrency?: number } = {},
): Promise<LoadResult> {
  if (name === 'large')
    return applyScenario(kubeconfig, largeScenario(), { concurrency: options.concurrency ?? 32 });
  const { scenario, gitops } = seedsScenario();
  return applyScenario(kubeconfig, scenario, {
    gitops,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}
