import { managedRefusal, type Management } from '../k8s/management';
import type { ObjectComparison } from './compare';
import type { FieldConflict } from './conflicts';
import { targetLabel, type ApplyTarget } from './targets';

/**
 * Where a manifest object stands against a cluster. `conflict`: the dry run was refused because
 * other field managers own fields it changes (the comparison is what a forced apply would do).
 * `forbidden`, `invalid` and `error` carry the API server's message.
 */
export type SyncState = 'same' | 'differs' | 'missing' | 'conflict' | 'forbidden' | 'invalid' | 'error';

export interface Inspection {
  readonly target: ApplyTarget;
  readonly label: string;
  /** The namespace the object really lands in (the context's default when the manifest has none). */
  readonly namespace?: string;
  readonly state: SyncState;
  readonly comparison?: ObjectComparison;
  readonly conflicts?: readonly FieldConflict[];
  readonly message?: string;
  /** The live object's resourceVersion when it was read (what watch events are compared with). */
  readonly resourceVersion?: string;
  /** The live object's change mark when it was read (generation, labels, annotations: see change-mark.ts). */
  readonly mark?: string;
  /**
   * Who deploys the object (the live object's labels and annotations, else the manifest's):
   * Apply leaves it to them, since Helm or Argo CD would put their version back.
   */
  readonly managedBy?: Management;
}

export const labelOf = (target: ApplyTarget) => targetLabel(target.identity);

/** Whether the apply has something to send (a dry run passed, with or without conflicts). */
export const applicable = (i: Inspection): boolean =>
  i.state === 'differs' || i.state === 'missing' || i.state === 'conflict' || i.state === 'same';

/** What an apply of this object does, in kubectl's words. */
export function verbOf(i: Inspection): 'created' | 'configured' | 'unchanged' | undefined {
  if (i.state === 'missing') return 'created';
  if (i.state === 'differs' || i.state === 'conflict') return 'configured';
  if (i.state === 'same') return 'unchanged';
  return undefined;
}

/** Whether Apply must leave the object to its Helm release or Argo CD app (it would change it). */
export const refusedAsManaged = (i: Inspection): boolean =>
  i.managedBy !== undefined && applicable(i) && i.state !== 'same';

/** One line per object for a confirmation: "Deployment data-platform/redis — configured". */
export function planLine(i: Inspection): string {
  if (refusedAsManaged(i) && i.managedBy) return `${i.label} — not applied: ${managedRefusal(i.managedBy)}`;
  switch (i.state) {
    case 'same':
      return `${i.label} — unchanged`;
    case 'differs':
      return `${i.label} — configured`;
    case 'missing':
      return `${i.label} — created`;
    case 'conflict':
      return `${i.label} — conflicts with ${[...new Set(i.conflicts?.map((c) => c.manager))].join(', ')}`;
    default:
      return `${i.label} — ${i.state}: ${i.message ?? ''}`;
  }
}

export interface ApplyResult {
  readonly label: string;
  readonly outcome: 'created' | 'configured' | 'unchanged' | 'failed' | 'skipped';
  readonly message?: string;
}

/** "1 created, 2 configured, 1 unchanged, 1 failed" (kinds that did not happen are left out). */
export function summariseResults(results: readonly ApplyResult[]): string {
  const order = ['created', 'configured', 'unchanged', 'failed', 'skipped'] as const;
  const counts = order
    .map((o) => [o, results.filter((r) => r.outcome === o).length] as const)
    .filter(([, n]) => n > 0);
  return counts.map(([o, n]) => `${n} ${o}`).join(', ') || 'nothing to apply';
}
