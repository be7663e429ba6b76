/**
 * CPU and memory usage as metrics.k8s.io reports it (what `kubectl top` reads), joined with the
 * pods' requests and limits so each number comes with its share of the limit.
 */
import { parseQuantity } from '../health/quantity';
import type { Node, Pod } from '../k8s/types';

/** One item of metrics.k8s.io/v1beta1 PodMetricsList. */
export interface PodMetrics {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly timestamp?: string;
  readonly window?: string;
  readonly containers?: readonly {
    readonly name: string;
    readonly usage?: Readonly<Record<string, string>>;
  }[];
}

/** One item of metrics.k8s.io/v1beta1 NodeMetricsList. */
export interface NodeMetrics {
  readonly metadata?: { readonly name?: string };
  readonly timestamp?: string;
  readonly usage?: Readonly<Record<string, string>>;
}

export interface Amount {
  /** Cores for CPU, bytes for memory. */
  readonly used: number;
  readonly request?: number;
  readonly limit?: number;
}

export interface ContainerUsage {
  readonly name: string;
  readonly cpu: Amount;
  readonly memory: Amount;
}

export interface PodUsage {
  readonly namespace: string;
  readonly name: string;
  readonly node?: string;
  readonly containers: readonly ContainerUsage[];
  readonly cpu: Amount;
  readonly memory: Amount;
  readonly timestamp?: string;
}

export interface NodeUsage {
  readonly name: string;
  readonly cpu: Amount & { readonly allocatable?: number };
  readonly memory: Amount & { readonly allocatable?: number };
  readonly timestamp?: string;
}

const finite = (n: number): number | undefined => (Number.isFinite(n) ? n : undefined);

function sum(values: readonly (number | undefined)[]): number | undefined {
  // A pod's limit is the sum of its containers' only when every container has one.
  if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
  return values.reduce<number>((a, b) => a + (b ?? 0), 0);
}

function total(containers: readonly ContainerUsage[], pick: (c: ContainerUsage) => Amount): Amount {
  const amounts = containers.map(pick);
  const request = sum(amounts.map((a) => a.request));
  const limit = sum(amounts.map((a) => a.limit));
  return {
    used: amounts.reduce((a, b) => a + b.used, 0),
    ...(request !== undefined ? { request } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
}

function amount(used: string | undefined, request?: string, limit?: string): Amount {
  const r = finite(parseQuantity(request));
  const l = finite(parseQuantity(limit));
  return {
    used: finite(parseQuantity(used)) ?? 0,
    ...(r !== undefined ? { request: r } : {}),
    ...(l !== undefined ? { limit: l } : {}),
  };
}

/** A pod's usage with each container's requests and limits (from the pod, when we have it). */
export function podUsage(metrics: PodMetrics, pod: Pod | undefined): PodUsage {
  const specs = pod?.spec?.containers ?? [];
  const containers = (metrics.containers ?? []).map((c): ContainerUsage => {
    const resources = specs.find((s) => s.name === c.name)?.resources;
    return {
      name: c.name,
      cpu: amount(c.usage?.['cpu'], resources?.requests?.['cpu'], resources?.limits?.['cpu']),
      memory: amount(c.usage?.['memory'], resources?.requests?.['memory'], resources?.limits?.['memory']),
    };
  });
  const node = pod?.spec?.nodeName;
  return {
    namespace: metrics.metadata?.namespace ?? '',
    name: metrics.metadata?.name ?? '',
    ...(node ? { node } : {}),
    containers,
    cpu: total(containers, (c) => c.cpu),
    memory: total(containers, (c) => c.memory),
    ...(metrics.timestamp ? { timestamp: metrics.timestamp } : {}),
  };
}

/** A node's usage with its allocatable capacity and what its pods request. */
export function nodeUsage(metrics: NodeMetrics, node: Node | undefined, pods: readonly Pod[]): NodeUsage {
  const name = metrics.metadata?.name ?? '';
  const allocatable = node?.status?.allocatable ?? node?.status?.capacity;
  const requested = (resource: string) =>
    pods
      .filter(
        (p) => p.spec?.nodeName === name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
      )
      .flatMap((p) => p.spec?.containers ?? [])
      .reduce((a, c) => a + (finite(parseQuantity(c.resources?.requests?.[resource])) ?? 0), 0);
  const cpuAlloc = finite(parseQuantity(allocatable?.['cpu']));
  const memAlloc = finite(parseQuantity(allocatable?.['memory']));
  return {
    name,
    cpu: {
      used: finite(parseQuantity(metrics.usage?.['cpu'])) ?? 0,
      request: requested('cpu'),
      ...(cpuAlloc !== undefined ? { allocatable: cpuAlloc } : {}),
    },
    memory: {
      used: finite(parseQuantity(metrics.usage?.['memory'])) ?? 0,
      request: requested('memory'),
      ...(memAlloc !== undefined ? { allocatable: memAlloc } : {}),
    },
    ...(metrics.timestamp ? { timestamp: metrics.timestamp } : {}),
  };
}

/** Used as a share of the limit (0–1+), when there is a limit. */
export function ofLimit(a: Amount): number | undefined {
  return a.limit && a.limit > 0 ? a.used / a.limit : undefined;
}

/** Memory above this share of its limit is an OOM kill waiting to happen. */
export const NEAR_LIMIT = 0.9;
