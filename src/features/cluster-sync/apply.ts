import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { applyInspected, applyOrder } from '../../adapters/k8s/sync';
import type { Logger } from '../../core/log';
import { describeConflicts } from '../../core/sync/conflicts';
import {
  applicable,
  planLine,
  summariseResults,
  type ApplyResult,
  type Inspection,
} from '../../core/sync/inspection';
import { isProtectedContext } from '../../core/sync/protected';
import type { SyncTarget } from './target';

const MAX_LISTED = 15;

function listed(lines: readonly string[]): string[] {
  const shown = lines.slice(0, MAX_LISTED);
  return lines.length > shown.length ? [...shown, `…and ${lines.length - shown.length} more`] : shown;
}

async function confirm(message: string, detail: string, button: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, button)) === button;
}

/** Protected contexts (production) need their name typed, not just a click. */
async function typedContextName(contextName: string): Promise<boolean> {
  const typed = await vscode.window.showInputBox({
    title: `Apply to ${contextName}`,
    prompt: `${contextName} is a protected context (shipshape.protectedContexts). Type its name to continue.`,
    placeHolder: contextName,
    ignoreFocusOut: true,
    validateInput: (value) =>
      value === contextName || value === '' ? undefined : `Type "${contextName}" exactly`,
  });
  return typed === contextName;
}

/**
 * Apply after a dry run the user has seen: a modal names every object, its outcome and the
 * context; conflicting fields are taken over only after a second, explicit confirmation.
 * Returns the results (empty when the user declined anything).
 */
export async function confirmAndApply(
  target: SyncTarget,
  inspections: readonly Inspection[],
  fileName: string,
  log: Logger,
): Promise<ApplyResult[]> {
  const { contextName } = target;
  const sendable = inspections.filter((i) => applicable(i) && i.state !== 'same');
  const refused = inspections.filter((i) => !applicable(i));
  if (sendable.length === 0) {
    const why = refused.length
      ? ` ${refused.length} object(s) could not be checked: ${refused.map(planLine).join('; ')}`
      : '';
    void vscode.window.showInformationMessage(
      `Shipshape: ${fileName} is already in sync with ${contextName}.${why}`,
    );
    return [];
  }
  const patterns = vscode.workspace.getConfiguration('shipshape').get<string[]>('protectedContexts', []);
  if (isProtectedContext(contextName, patterns) && !(await typedContextName(contextName))) return [];

  const conflicted = sendable.filter((i) => i.state === 'conflict');
  const detail = [
    ...listed(inspections.map(planLine)),
    '',
    `Context: ${contextName}`,
    'The server-side dry run passed for every object listed as created or configured.',
    ...(conflicted.length
      ? ['Objects with conflicts are skipped unless you force them in the next step.']
      : []),
  ].join('\n');
  const plain = sendable.filter((i) => i.state !== 'conflict');
  const button = `Apply to ${contextName}`;
  if (!(await confirm(`Apply ${sendable.length} object(s) from ${fileName}?`, detail, button))) return [];

  const results: ApplyResult[] = [];
  for (const i of applyOrder(plain)) results.push(await applyInspected(target.ctx, i, false));
  if (conflicted.length > 0) {
    const force = await confirm(
      `Take over fields other managers own?`,
      [
        ...listed(conflicted.map((i) => `${i.label}: ${describeConflicts(i.conflicts ?? [])}`)),
        '',
        'Forcing makes Shipshape the owner of these fields; the other tools (Helm, Argo CD, kubectl) may set them back on their next sync.',
      ].join('\n'),
      'Force apply',
    );
    for (const i of conflicted)
      results.push(
        force
          ? await applyInspected(target.ctx, i, true)
          : { label: i.label, outcome: 'skipped', message: 'conflict not forced' },
      );
  }
  for (const i of inspections.filter((x) => x.state === 'same'))
    results.push({ label: i.label, outcome: 'unchanged' });
  for (const i of refused)
    results.push({ label: i.label, outcome: 'failed', message: `${i.state}: ${i.message ?? ''}` });
  report(results, contextName, log);
  return results;
}

function report(results: readonly ApplyResult[], contextName: string, log: Logger): void {
  for (const r of results) {
    const line = `apply to ${contextName}: ${r.label} ${r.outcome}${r.message ? ` — ${r.message}` : ''}`;
    if (r.outcome === 'failed') log.warn(line);
    else log.info(line);
  }
  const summary = `Shipshape: applied to ${contextName} — ${summariseResults(results)}.`;
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
