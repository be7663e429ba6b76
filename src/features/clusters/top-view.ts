/**
 * Show Top Pods on a namespace: `kubectl top pods --containers` for it, busiest memory first,
 * with the limits and the share in use, from the usage the Clusters view already holds (no extra
 * request), in a new editor tab.
 */
import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { podUsage } from '../../core/usage/model';
import { podsTable, topRows } from '../../core/usage/top';
import type { ClusterNode } from '../../services/clusters/nodes';
import type { ClusterSources, Source } from '../../services/clusters/sources';
import type { ClusterUsage } from './usage';

export function topText(
  usage: ClusterUsage,
  sources: ClusterSources,
  source: Source,
  namespace: string,
): string {
  const title = `Top pods in ${namespace} (${source.label}), by memory — metrics.k8s.io via metrics-server`;
  const missing = usage.unavailable(source);
  if (missing) return `${title}\n\n${missing}.\n`;
  const state = sources.clusterState(source);
  const rows = topRows(
    usage.pods(source, namespace).map((m) =>
      podUsage(
        m,
        state?.pods.find((p) => p.metadata?.namespace === namespace && p.metadata.name === m.metadata?.name),
      ),
    ),
    { containers: true },
  );
  if (rows.length === 0)
    return `${title}\n\nNo usage for ${namespace} yet: metrics-server reports a minute or so after pods start, and this view reads it every 30 s.\n`;
  return `${title}\n\n${podsTable(rows)}`;
}

export function registerTopView(usage: ClusterUsage, sources: ClusterSources): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.showTop, async (node?: ClusterNode) => {
    if (node?.type !== 'namespace') return;
    const doc = await vscode.workspace.openTextDocument({
      content: topText(usage, sources, node.source, node.name),
      language: 'plaintext',
    });
    await vscode.window.showTextDocument(doc, { preview: true });
  });
}
