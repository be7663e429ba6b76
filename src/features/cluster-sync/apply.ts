import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { Logger } from '../../core/log';
import { planLine, refusedAsManaged, summariseResults, type ApplyResult } from '../../core/sync/inspection';
import type { ApplyTarget } from '../../core/sync/targets';
import { typedContextName } from '../../services/clusters/protection';
import { applyFile, type ApplyPrompts } from './apply-flow';
import type { SyncTarget } from './target';

/** VS Code's dialogs for `applyFile`. */
function dialogs(target: SyncTarget, fileName: string): ApplyPrompts {
  return {
    checking: (run) =>
      Promise.resolve(
        vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Shipshape: checking ${fileName} (dry run on ${target.contextName})…`,
            cancellable: true,
          },
          (_progress, token) => run(token),
        ),
      ),
    typeContextName: (name) => typedContextName(name, 'Apply'),
    confirm: async (message, detail, button) =>
      (await vscode.window.showWarningMessage(message, { modal: true, detail }, button)) === button,
  };
}

/**
 * Apply to Cluster with the editor's dialogs. Returns the results (empty when the user
 * cancelled or declined anything, or there was nothing to send).
 */
export async function confirmAndApply(
  target: SyncTarget,
  targets: readonly ApplyTarget[],
  fileName: string,
  isProtected: boolean,
  log: Logger,
): Promise<readonly ApplyResult[]> {
  const { contextName } = target;
  const outcome = await applyFile(
    { ctx: target.ctx, contextName, protected: isProtected, fileName, targets },
    dialogs(target, fileName),
  );
  switch (outcome.status) {
    case 'cancelled':
      void vscode.window.showInformationMessage('Shipshape: apply cancelled; nothing was written.');
      return [];
    case 'declined':
      return [];
    case 'nothing': {
      const managed = outcome.inspections.filter(refusedAsManaged);
      const refused = outcome.inspections.filter((i) => i.state !== 'same' && !refusedAsManaged(i));
      const why = refused.length
        ? ` ${refused.length} object(s) could not be checked: ${refused.map(planLine).join('; ')}`
        : '';
      if (managed.length > 0) {
        const message = `Shipshape: nothing applied to ${contextName}: ${managed.map(planLine).join('; ')}.${why}`;
        log.warn(message);
        void vscode.window.showWarningMessage(message);
        return [];
      }
      void vscode.window.showInformationMessage(
        `Shipshape: ${fileName} is already in sync with ${contextName}.${why}`,
      );
      return [];
    }
    case 'applied':
      report(outcome.results, contextName, log);
      return outcome.results;
  }
}

function report(results: readonly ApplyResult[], contextName: string, log: Logger): void {
  for (const r of results) {
    const line = `apply to ${contextName}: ${r.label} ${r.outcome}${r.message ? ` — ${r.message}` : ''}`;
    if (r.outcome === 'failed') log.warn(line);
    else log.info(line);
  }
  const left = results.filter((r) => r.outcome === 'skipped' && r.message?.startsWith('managed by'));
  const summary = `Shipshape: applied to ${contextName} — ${summariseResults(results)}.${left
    .map((r) => ` ${r.label} not applied: ${r.message ?? ''}.`)
    .join('')}`;
  const failed = results.filter((r) => r.outcome === 'failed');
  const show = (choice: string | undefined) =>
    choice ? vscode.commands.executeCommand(Commands.showLog) : undefined;
  if (failed.length > 0)
    void vscode.window
      .showErrorMessage(
        `${summary} ${failed.map((r) => `${r.label}: ${r.message ?? ''}`).join('; ')}`,
        'Show log',
      )
      .then(show);
  else void vscode.window.showInformationMessage(summary, 'Show log').then(show);
}
