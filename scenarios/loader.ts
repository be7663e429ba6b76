/**
 * Loads a scenario into a running API server: CRDs, nodes, namespaces, the workloads expanded
 * into controller-owned pods with kubelet-like statuses (scenarios/workloads.ts), Services,
 * PDBs and other raw objects, quotas (last, with their usage), and the GitOps objects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KubeError } from '../src/adapters/k8s/errors';
import type { KubeRest } from '../src/adapters/k8s/rest';
import { parseQuantity } from '../src/core/health/quantity';
import type { Logger } from '../src/core/log';
import { repoRoot } from '../scripts/harness/paths';
import { Pool, Writer, restFor, type Json } from './api';
import { PLATFORM_CRDS } from './crds';
import { applyGitOps, type GitOps } from './gitops';
import { largeScenario } from './large';
import { HEALTHY, REASON, podStates, type PodSpec, type Scenario } from './model';
import type { LoadContext } from './pods';
import { loadWorkload } from './workloads';

// The simulator, tests and scripts import these from here.
export { Pool, Writer, collectionPath, restFor, type Json } from './api';
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
): Promise<LoadResult> {
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
  await Promise.all(scenario.nodes.map((n) => createNode(writer, n, ctx.now)));
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
  await writer.rest.request('PATCH', `/api/v1/nodes/${n.name}`, {
    body: { spec: { taints: null } },
    contentType: 'application/merge-patch+json',
    what: `untaint node ${n.name}`,
  });
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
): Promise<LoadResult> {
  const rest = restFor(kubeconfig, options.log);
  try {
    if (name === 'large')
      return await applyScenario(rest, largeScenario(), { concurrency: options.concurrency ?? 32 });
    const { scenario, gitops } = seedsScenario();
    return await applyScenario(rest, scenario, {
      gitops,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
  } finally {
    rest.dispose();
  }
}
