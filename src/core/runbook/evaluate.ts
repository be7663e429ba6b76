/**
 * Runbook × ClusterState → item results and progress. Pure and deterministic for a given `now`:
 * the webview re-evaluates after every debounced batch of watch events.
 */
import type { ClusterState } from '../k8s/types';
import { cronJobSucceeded, noFailedJobs } from './eval-jobs';
import {
  argoApp,
  networkPolicySelects,
  pdbCovers,
  quotaInNamespaces,
  quotaUsageBelow,
  serviceExternalName,
} from './eval-objects';
import {
  healthAtLeast,
  noPendingWithoutReason,
  noPodsWithReason,
  noStuckTerminating,
  podsReady,
  WORKLOAD_LISTS,
  workloadReady,
  type Outcome,
} from './eval-pods';
import { Facts } from './facts';
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

export type { Outcome } from './eval-pods';

/** The parts of the state a check reads: any of them missing makes its answer unknown. */
export function needs(check: Check): (keyof ClusterState)[] {
  switch (check.kind) {
    case 'healthAtLeast':
    case 'noPodsWithReason':
    case 'noPendingWithoutReason':
    case 'podsReady':
    case 'noStuckTerminating':
      return ['pods'];
    case 'workloadReady':
      return [WORKLOAD_LISTS[check.workload]];
    case 'pdbCovers':
      // A selector target falls back to the selector's own labels when pods are unreadable.
      return check.target.by === 'workload'
        ? ['pdbs', WORKLOAD_LISTS[check.target.workload]]
        : check.target.by === 'multiReplica'
          ? ['pdbs', 'deployments', 'statefulSets']
          : ['pdbs'];
    case 'quotaInNamespaces':
    case 'quotaUsageBelow':
      return ['resourceQuotas'];
    case 'networkPolicySelects':
      return ['networkPolicies', 'pods'];
    case 'cronJobSucceeded':
      return ['cronJobs'];
    case 'argoApp':
      return ['applications'];
    case 'noFailedJobs':
      return ['jobs'];
    case 'serviceExternalName':
      return ['services'];
    case 'allPass':
      return [...new Set(check.checks.flatMap(needs))];
  }
}

/** Evaluates one check. Never throws: a crash in a check is an unknown, not a broken panel. */
export function evaluateCheck(check: Check, facts: Facts): Outcome {
  if (check.kind === 'allPass') return allPass(check.checks, facts);
  const unreadable = facts.unreadable(needs(check));
  if (unreadable !== undefined) return { status: 'unknown', evidence: unreadable, refs: [] };
  try {
    switch (check.kind) {
      case 'healthAtLeast':
        return healthAtLeast(check, facts);
      case 'noPodsWithReason':
        return noPodsWithReason(check, facts);
      case 'noPendingWithoutReason':
        return noPendingWithoutReason(check, facts);
      case 'workloadReady':
        return workloadReady(check, facts);
      case 'podsReady':
        return podsReady(check, facts);
      case 'noStuckTerminating':
        return noStuckTerminating(check, facts);
      case 'pdbCovers':
        return pdbCovers(check, facts);
      case 'quotaInNamespaces':
        return quotaInNamespaces(check, facts);
      case 'quotaUsageBelow':
        return quotaUsageBelow(check, facts);
      case 'networkPolicySelects':
        return networkPolicySelects(check, facts);
      case 'cronJobSucceeded':
        return cronJobSucceeded(check, facts);
      case 'argoApp':
        return argoApp(check, facts);
      case 'noFailedJobs':
        return noFailedJobs(check, facts);
      case 'serviceExternalName':
        return serviceExternalName(check, facts);
    }
  } catch (e) {
    return { status: 'unknown', evidence: `The check failed to run: ${(e as Error).message}`, refs: [] };
  }
}

/** Fails if any part fails, else unknown if any part is unknown: never a pass on missing data. */
function allPass(checks: readonly Check[], facts: Facts): Outcome {
  const parts = checks.map((c) => evaluateCheck(c, facts));
  const status = parts.some((p) => p.status === 'fail')
    ? 'fail'
    : parts.some((p) => p.status === 'unknown')
      ? 'unknown'
      : 'pass';
  const seen = new Set<string>();
  const refs = parts
    .flatMap((p) => p.refs)
    .filter((r) => {
      const key = `${r.kind}/${r.namespace}/${r.name}`;
      return !seen.has(key) && (seen.add(key), true);
    });
  return { status, evidence: parts.map((p) => p.evidence).join(' '), refs };
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
  const facts = new Facts(state, now, options.missing ?? new Set());
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
