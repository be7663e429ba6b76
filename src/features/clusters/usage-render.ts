/** Usage on tree rows: a short description, and per-container lines with a sparkline in the tooltip. */
import type * as vscode from 'vscode';
import type { ClusterState, Pod } from '../../core/k8s/types';
import {
  amountLine,
  formatBytes,
  formatCpu,
  nearMemoryLimit,
  nodeDescription,
  sparkline,
  usageDescription,
} from '../../core/usage/format';
import { nodeUsage, podUsage, type NodeMetrics, type PodMetrics } from '../../core/usage/model';

export interface PodUsageLines {
  readonly description: string;
  readonly containers: readonly string[];
  readonly warning?: string;
}

export function podUsageLines(metrics: PodMetrics, pod: Pod): PodUsageLines {
  const u = podUsage(metrics, pod);
  const near = nearMemoryLimit(u)[0];
  return {
    description: usageDescription(u),
    containers: u.containers.map(
      (c) => `${c.name}: memory ${amountLine(c.memory, formatBytes)}; CPU ${amountLine(c.cpu, formatCpu)}`,
    ),
    ...(near
      ? {
          warning: `${near.container} is at ${Math.round(near.share * 100)} % of its memory limit: the next spike is an OOMKill.`,
        }
      : {}),
  };
}

/** Appends the usage section to a pod's Markdown tooltip (built by podTooltip). */
export function podUsageTooltip(
  tooltip: string | vscode.MarkdownString | undefined,
  lines: PodUsageLines,
  samples: readonly number[],
): void {
  if (!tooltip || typeof tooltip === 'string') return;
  tooltip.appendMarkdown('\n\n**Usage** (metrics-server)\n\n');
  for (const line of lines.containers) {
    tooltip.appendMarkdown('- ');
    tooltip.appendText(line);
    tooltip.appendMarkdown('\n');
  }
  if (lines.warning) {
    tooltip.appendMarkdown('\n$(warning) ');
    tooltip.appendText(lines.warning);
  }
  if (samples.length > 1) {
    tooltip.appendMarkdown('\n\nMemory, last samples: ');
    tooltip.appendText(
      `${sparkline(samples)} ${formatBytes(Math.min(...samples))}–${formatBytes(Math.max(...samples))}`,
    );
  }
}

export function nodeUsageLine(metrics: NodeMetrics, state: ClusterState): string {
  const name = metrics.metadata?.name;
  return nodeDescription(
    nodeUsage(
      metrics,
      state.nodes.find((n) => n.metadata?.name === name),
      state.pods,
    ),
  );
}
