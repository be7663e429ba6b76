import { applyInspected, applyOrder, type SyncContext } from '../../adapters/k8s/sync';
import { describeConflicts } from '../../core/sync/conflicts';
import { managedRefusal } from '../../core/k8s/management';
import {
  applicable,
  planLine,
  refusedAsManaged,
  type ApplyResult,
  type Inspection,
} from '../../core/sync/inspection';
import type { ApplyTarget } from '../../core/sync/targets';
import { inspectAll, type CancelToken } from './target';

/**
 * Apply to Cluster without the editor: dry runs, the confirmations and the writes, with the
 * prompts passed in. The command gives it VS Code's dialogs; the cluster tests give it answers
 * and drive exactly this code against a real API server.
 */
export interface ApplyPrompts {
  /** Runs the dry runs under a progress the user can cancel (the token says when). */
  checking(run: (token: CancelToken) => Promise<Inspection[]>): Promise<Inspection[]>;
  /** A protected context's name, as typed (undefined: cancelled). */
  typeContextName(contextName: string): Promise<string | undefined>;
  /** A modal: true when the user pressed `button`. */
  confirm(message: string, detail: string, button: string): Promise<boolean>;
}

export interface ApplyRequest {
  readonly ctx: SyncContext;
  readonly contextName: string;
  /** Whether `shipshape.protectedContexts` protects the context (see `contextIsProtected`). */
  readonly protected: boolean;
  readonly fileName: string;
  readonly targets: readonly ApplyTarget[];
}

export type ApplyOutcome =
  /** The user cancelled the dry runs: nothing was written. */
  | { readonly status: 'cancelled' }
  /** The user said no (or typed another name): nothing was written. */
  | { readonly status: 'declined' }
  /** Nothing to send; `inspections` say why (all unchanged, or refused by the dry run). */
  | { readonly status: 'nothing'; readonly inspections: readonly Inspection[] }
  | { readonly status: 'applied'; readonly results: readonly ApplyResult[] };

const MAX_LISTED = 15;

function listed(lines: readonly string[]): string[] {
  const shown = lines.slice(0, MAX_LISTED);
  return lines.length > shown.length ? [...shown, `…and ${lines.length - shown.length} more`] : shown;
}

/**
 * Apply after a dry run the user has seen: a modal names every object, its outcome and the
 * context; conflicting fields are taken over only after a second, explicit confirmation, and
 * only if the object is still the one the dry run saw.
 */
export async function applyFile(request: ApplyRequest, prompts: ApplyPrompts): Promise<ApplyOutcome> {
  const { ctx, contextName, fileName } = request;
  let cancelled = false;
  const inspections = await prompts.checking(async (token) => {
    const found = await inspectAll(ctx, request.targets, token);
    cancelled = token.isCancellationRequested;
    return found;
  });
  // A cancelled check leaves some objects unchecked: applying the others is not what was asked.
  if (cancelled) return { status: 'cancelled' };
  // A Helm release's or Argo CD app's object is theirs to change: an apply would be reverted.
  const managed = inspections.filter(refusedAsManaged);
  const sendable = inspections.filter((i) => applicable(i) && i.state !== 'same' && !refusedAsManaged(i));
  const refused = inspections.filter((i) => !applicable(i));
  if (sendable.length === 0) return { status: 'nothing', inspections };
  if (request.protected && (await prompts.typeContextName(contextName)) !== contextName)
    return { status: 'declined' };

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
  if (!(await prompts.confirm(`Apply ${sendable.length} object(s) from ${fileName}?`, detail, button)))
    return { status: 'declined' };

  const results: ApplyResult[] = [];
  for (const i of applyOrder(plain)) results.push(await applyInspected(ctx, i, false));
  if (conflicted.length > 0) {
    const force = await prompts.confirm(
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
          ? await applyInspected(ctx, i, true)
          : { label: i.label, outcome: 'skipped', message: 'conflict not forced' },
      );
  }
  for (const i of inspections.filter((x) => x.state === 'same'))
    results.push({ label: i.label, outcome: 'unchanged' });
  for (const i of managed)
    if (i.managedBy)
      results.push({ label: i.label, outcome: 'skipped', message: managedRefusal(i.managedBy) });
  for (const i of refused)
    results.push({ label: i.label, outcome: 'failed', message: `${i.state}: ${i.message ?? ''}` });
  return { status: 'applied', results };
}
