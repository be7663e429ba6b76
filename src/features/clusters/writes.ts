import * as vscode from 'vscode';
import { run, type Write } from '../../adapters/k8s/actions';
import { KubeError } from '../../adapters/k8s/errors';
import type { Logger } from '../../core/log';
import type { Source } from './sources';

export interface WritePlan {
  /** Modal title: what will happen, in one line. */
  readonly title: string;
  /** The objects affected, one per line in the dialog. */
  readonly objects: readonly string[];
  readonly confirm: string;
  readonly writes: readonly Write[];
  /** What to say when it is done. */
  readonly done: string;
}

/**
 * The one path every cluster write takes: a modal naming the objects, a server-side dry run of
 * every request, then the real requests; the API server's own message on any failure. The tree
 * needs no manual refresh: the watches deliver exactly what changed.
 */
export async function confirmAndWrite(source: Source, plan: WritePlan, log: Logger): Promise<boolean> {
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
  const shown = plan.objects.slice(0, 15);
  const detail = [
    ...shown.map((o) => `• ${o}`),
    ...(plan.objects.length > shown.length ? [`…and ${plan.objects.length - shown.length} more`] : []),
    '',
    `Cluster: ${source.label}`,
    'A server-side dry run checks every request before anything changes.',
  ].join('\n');
  const choice = await vscode.window.showWarningMessage(plan.title, { modal: true, detail }, plan.confirm);
  if (choice !== plan.confirm) return false;
  const rest = source.connection.rest;
  try {
    for (const write of plan.writes) await run(rest, write, true);
  } catch (error) {
    const message = error instanceof KubeError ? (error.apiMessage ?? error.message) : String(error);
    log.warn(`dry run refused: ${message}`);
    void vscode.window.showErrorMessage(
      `Shipshape: the dry run failed, nothing was changed. The API server said: ${message}`,
    );
    return false;
  }
  for (const write of plan.writes) {
    try {
      await run(rest, write, false);
      log.info(`${write.what}: done`);
    } catch (error) {
      const message = error instanceof KubeError ? (error.apiMessage ?? error.message) : String(error);
      log.error(`${write.what}: ${message}`);
      void vscode.window.showErrorMessage(
        `Shipshape: could not ${write.what}. The API server said: ${message}`,
      );
      return false;
    }
  }
  void vscode.window.showInformationMessage(`Shipshape: ${plan.done}`);
  return true;
}
