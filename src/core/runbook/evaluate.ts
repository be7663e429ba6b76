/**
 * Runbook × ClusterState → item results and progress. Pure and deterministic for a given `now`:
 * the webview re-evaluates after every debounced batch of watch events.
 */
import type { ClusterState } from '../k8s/types';
import { EXEC_OFF } from './catalog/exec';
import type { Outcome } from './definition';
import { Facts } from './facts';
import { checkDefinition } from './registry';
import type {
  Check,
  ChecklistItem,
  EvaluateOptions,
  ItemResult,
  PhaseProgress,
  Progress,
  Runbook,
  RunbookEvaluation,
} from './types';

/** The parts of the state a check reads: any of them missing makes its answer unknown. */
export function needs(check: Check): (keyof ClusterState)[] {
  return checkDefinition(check.kind).needs(check, needs);
}

/** Evaluates one check. Never throws: a crash in a check is an unknown, not a broken panel. */
export function evaluateCheck(check: Check, facts: Facts): Outcome {
  const definition = checkDefinition(check.kind);
  const evaluatePart = (part: Check) => evaluateCheck(part, facts);
  if (definition.composite) return definition.evaluate(check, facts, evaluatePart);
  const unreadable = facts.unreadable(definition.needs(check, needs));
  if (unreadable !== undefined) return { status: 'unknown', evidence: unreadable, refs: [] };
  try {
    return definition.evaluate(check, facts, evaluatePart);
  } catch (e) {
    return { status: 'unknown', evidence: `The check failed to run: ${(e as Error).message}`, refs: [] };
  }
}

function evaluateItem(item: ChecklistItem, facts: Facts, ticked: ReadonlySet<string>): ItemResult {
  if (item.invalidCheck !== undefined)
    return {
      status: 'unknown',
      evidence: `The check in the runbook is invalid: ${item.invalidCheck}`,
      refs: [],
      manual: false,
    };
  if (!item.check)
    return ticked.has(item.id)
      ? { status: 'pass', evidence: 'Ticked by hand.', refs: [], manual: true }
      : { status: 'unknown', evidence: 'Manual item: tick it once done.', refs: [], manual: true };
  return { ...evaluateCheck(item.check, facts), manual: false };
}

const emptyProgress = () => ({ total: 0, passed: 0, failed: 0, unknown: 0, open: 0 });

function tally(progress: { -readonly [K in keyof Progress]: number }, result: ItemResult): void {
  progress.total++;
  if (result.status === 'pass') progress.passed++;
  else if (result.manual) progress.open++;
  else if (result.status === 'fail') progress.failed++;
  else progress.unknown++;
}

export function evaluate(
  runbook: Runbook,
  state: ClusterState,
  now: number,
  options: EvaluateOptions = {},
): RunbookEvaluation {
  // The runbook's own consent comes first: results supplied without it are not read.
  const exec = runbook.allowExec
    ? (options.exec ?? { results: new Map(), off: EXEC_OFF.notRun })
    : { results: new Map(), off: EXEC_OFF.optIn };
  const facts = new Facts(state, now, options.missing ?? new Set(), exec);
  const ticked = options.ticked ?? new Set<string>();
  const items = new Map<string, ItemResult>();
  const overall = emptyProgress();
  const phases: PhaseProgress[] = runbook.phases.map((phase) => {
    const progress = emptyProgress();
    for (const task of phase.tasks)
      for (const item of task.items) {
        const result = evaluateItem(item, facts, ticked);
        items.set(item.id, result);
        tally(progress, result);
        tally(overall, result);
      }
    return { id: phase.id, ...progress };
  });
  return { items, phases, overall };
}
