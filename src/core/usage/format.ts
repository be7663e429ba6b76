/**
 * Usage in the words `kubectl top` and the tree use: CPU in millicores (`120m`) or cores
 * (`2.5`), memory in binary units (`412Mi`, `1.2Gi`), and the share of the limit.
 */
import { NEAR_LIMIT, ofLimit, type Amount, type NodeUsage, type PodUsage } from './model';

export function formatCpu(cores: number): string {
  if (cores >= 10) return `${Math.round(cores)}`;
  if (cores >= 1) return `${Number(cores.toFixed(2))}`;
  return `${Math.round(cores * 1000)}m`;
}

const UNITS = ['Ki', 'Mi', 'Gi', 'Ti'] as const;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)}`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit < 2 ? Math.round(value) : Number(value.toFixed(1))}${UNITS[unit] ?? ''}`;
}

export function formatShare(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** `412Mi / 512Mi limit · 80 %`, `120m / 500m limit · 24 %`, or `412Mi (no limit)`. */
export function amountLine(a: Amount, format: (n: number) => string): string {
  const share = ofLimit(a);
  if (a.limit === undefined || share === undefined) return `${format(a.used)} (no limit)`;
  return `${format(a.used)} / ${format(a.limit)} limit · ${formatShare(share)}`;
}

/** The short form for a tree row: `mem 412Mi 80 % · cpu 120m`. */
export function usageDescription(u: PodUsage): string {
  const share = ofLimit(u.memory);
  const mem = `mem ${formatBytes(u.memory.used)}${share !== undefined ? ` ${formatShare(share)}` : ''}`;
  return `${mem} · cpu ${formatCpu(u.cpu.used)}`;
}

/** Containers over NEAR_LIMIT of their memory limit, the worst first. */
export function nearMemoryLimit(u: PodUsage): { container: string; share: number }[] {
  return u.containers
    .map((c) => ({ container: c.name, share: ofLimit(c.memory) ?? 0 }))
    .filter((c) => c.share >= NEAR_LIMIT)
    .sort((a, b) => b.share - a.share);
}

export function nodeDescription(u: NodeUsage): string {
  const part = (used: number, alloc: number | undefined, format: (n: number) => string) =>
    alloc ? `${format(used)} (${formatShare(used / alloc)})` : format(used);
  return `cpu ${part(u.cpu.used, u.cpu.allocatable, formatCpu)} · mem ${part(u.memory.used, u.memory.allocatable, formatBytes)}`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line chart of samples, scaled to their own range (the tooltip says the range). */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  return values
    .map(
      (v) => BARS[span === 0 ? 3 : Math.min(BARS.length - 1, Math.floor(((v - min) / span) * BARS.length))],
    )
    .join('');
}
