import * as vscode from 'vscode';
import { executePlan, type WritePlan } from '../../adapters/k8s/plan';
import type { Logger } from '../../core/log';
import { guardFor } from '../../services/clusters/protection';
import type { ClusterSources, Source } from '../../services/clusters/sources';

export type { WritePlan };

async function confirmModal(source: Source, plan: WritePlan): Promise<boolean> {
  const shown = plan.objects.slice(0, 15);
  const detail = [
    ...shown.map((o) => `• ${o}`),
    ...(plan.objects.length > shown.length ? [`…and ${plan.objects.length - shown.length} more`] : []),
    '',
    `Cluster: ${source.label}`,
    'A server-side dry run checks every request before anything changes.',
  ].join('\n');
  return (
    (await vscode.window.showWarningMessage(plan.title, { modal: true, detail }, plan.confirm)) ===
    plan.confirm
  );
}

/**
 * The UI side of a write: refused for snapshots and untrusted workspaces; otherwise a modal
 * naming the objects, the context's name typed when it is protected, then `executePlan` (dry
 * run first). No manual refresh is needed: the
 * watches deliver exactly what changed.
 */
export async function confirmAndWrite(
  sources: ClusterSources,
  source: Source,
  plan: WritePlan,
  log: Logger,
): Promise<boolean> {
  if (source.readonly || !source.connection) {
    void vscode.window.showWarningMessage(
      source.kind === 'snapshot'
        ? 'Shipshape: snapshots are read-only.'
        : !vscode.workspace.isTrusted
          ? 'Shipshape: cluster changes are disabled in an untrusted workspace. Trust the workspace to enable them.'
          : 'Shipshape: connect to the cluster first.',
    );
    return false;
  }
  const outcome = await executePlan(
    source.connection.rest,
    plan,
    (p) => confirmModal(source, p),
    guardFor(sources, source, plan.confirm),
  );
  switch (outcome.status) {
    case 'declined':
      return false;
    case 'dry-run-failed':
      log.warn(`dry run refused: ${outcome.message}`);
      void vscode.window.showErrorMessage(
        `Shipshape: the dry run failed, nothing was changed. The API server said: ${outcome.message}`,
      );
      return false;
    case 'failed':
      log.error(`${outcome.what}: ${outcome.message}`);
      void vscode.window.showErrorMessage(
        `Shipshape: could not ${outcome.what}. The API server said: ${outcome.message}`,
      );
      return false;
    case 'stale':
      log.warn(`${plan.title} — refused: ${outcome.message}`);
      void vscode.window.showWarningMessage(
        `Shipshape: ${outcome.message}. Look at it again in the Clusters view before retrying.`,
      );
      return false;
    case 'done':
      log.info(`${plan.title} — done`);
      void vscode.window.showInformationMessage(`Shipshape: ${plan.done}`);
      return true;
  }
}
