/**
 * `kubectl top` as rows: pods (or containers) sorted by memory or CPU, and nodes, as a text table
 * or plain data for JSON. Shared by `shipshape top` and the editor's Top view.
 */
import { formatBytes, formatCpu, formatShare } from './format';
import { ofLimit, type Amount, type NodeUsage, type PodUsage } from './model';

export type SortBy = 'memory' | 'cpu';

export interface TopRow {
  readonly namespace: string;
  readonly pod: string;
  /** Set when rows are per container. */
  readonly container?: string;
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly cpuLimitCores?: number;
  readonly memoryLimitBytes?: number;
  /** Memory used as a share of its limit (0–1+), when limited. */
  readonly memoryOfLimit?: number;
  readonly cpuOfLimit?: number;
}

function row(namespace: string, pod: string, cpu: Amount, memory: Amount, container?: string): TopRow {
  const m = ofLimit(memory);
  const c = ofLimit(cpu);
  return {
    namespace,
    pod,
    ...(container !== undefined ? { container } : {}),
    cpuCores: cpu.used,
    memoryBytes: memory.used,
    ...(cpu.limit !== undefined ? { cpuLimitCores: cpu.limit } : {}),
    ...(memory.limit !== undefined ? { memoryLimitBytes: memory.limit } : {}),
    ...(m !== undefined ? { memoryOfLimit: m } : {}),
    ...(c !== undefined ? { cpuOfLimit: c } : {}),
  };
}

export function topRows(
  pods: readonly PodUsage[],
  options: { containers?: boolean; sortBy?: SortBy } = {},
): TopRow[] {
  const rows = options.containers
    ? pods.flatMap((p) => p.containers.map((c) => row(p.namespace, p.name, c.cpu, c.memory, c.name)))
    : pods.map((p) => row(p.namespace, p.name, p.cpu, p.memory));
  const key = options.sortBy === 'cpu' ? (r: TopRow) => r.cpuCores : (r: TopRow) => r.memoryBytes;
  return rows.sort(
    (a, b) =>
      key(b) - key(a) ||
      a.namespace.localeCompare(b.namespace) ||
      a.pod.localeCompare(b.pod) ||
      (a.container ?? '').localeCompare(b.container ?? ''),
  );
}

export interface TopNodeRow {
  readonly node: string;
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly cpuOfAllocatable?: number;
  readonly memoryOfAllocatable?: number;
}

export function topNodeRows(nodes: readonly NodeUsage[]): TopNodeRow[] {
  return nodes
    .map((n) => ({
      node: n.name,
      cpuCores: n.cpu.used,
      memoryBytes: n.memory.used,
      ...(n.cpu.allocatable ? { cpuOfAllocatable: n.cpu.used / n.cpu.allocatable } : {}),
      ...(n.memory.allocatable ? { memoryOfAllocatable: n.memory.used / n.memory.allocatable } : {}),
    }))
    .sort((a, b) => b.memoryBytes - a.memoryBytes || a.node.localeCompare(b.node));
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

const share = (s: number | undefined) => (s === undefined ? '-' : formatShare(s).replace(' ', ''));

/** The `kubectl top pods` table with the limit columns `kubectl top` lacks. */
export function podsTable(rows: readonly TopRow[]): string {
  const containers = rows.some((r) => r.container !== undefined);
  return table(
    [
      'NAMESPACE',
      'POD',
      ...(containers ? ['CONTAINER'] : []),
      'CPU',
      'CPU LIMIT',
      'MEMORY',
      'MEMORY LIMIT',
      'OF LIMIT',
    ],
    rows.map((r) => [
      r.namespace,
      r.pod,
      ...(containers ? [r.container ?? ''] : []),
      formatCpu(r.cpuCores),
      r.cpuLimitCores === undefined ? '-' : formatCpu(r.cpuLimitCores),
      formatBytes(r.memoryBytes),
      r.memoryLimitBytes === undefined ? '-' : formatBytes(r.memoryLimitBytes),
      share(r.memoryOfLimit),
    ]),
  );
}

export function nodesTable(rows: readonly TopNodeRow[]): string {
  return table(
    ['NODE', 'CPU', 'CPU%', 'MEMORY', 'MEMORY%'],
    rows.map((r) => [
      r.node,
      formatCpu(r.cpuCores),
      share(r.cpuOfAllocatable),
      formatBytes(r.memoryBytes),
      share(r.memoryOfAllocatable),
    ]),
  );
}
