/**
 * The runbook model: what `*.runbook.yaml` files parse into and what the checks report. A
 * runbook is phases → tasks → checklist items; an item with a `check` is ticked by Shipshape
 * from the cluster state, one without is ticked by the operator.
 */
import type { ClusterState } from '../k8s/types';
import type { ExecFacts } from './catalog/exec';
import type { CheckOfDefinition } from './definition';
import type { CHECK_DEFINITIONS } from './registry';

export type Priority = 'critical' | 'high' | 'medium' | 'low';
export const PRIORITIES: readonly Priority[] = ['critical', 'high', 'medium', 'low'];

/** The workload kinds a `workloadReady` or `pdbCovers` check can name. */
export type CheckWorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';
export const CHECK_WORKLOAD_KINDS: readonly CheckWorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** Labels that must all be present with these values (a `matchLabels` selector). */
export type Labels = Readonly<Record<string, string>>;

/**
 * A parsed check: the union of the check types the registry's definitions declare (one per kind,
 * in catalog/). In YAML the check kind is the single key of the `check` map (`{ healthAtLeast:
 * 95 }`); here it is a `kind` field so that code can switch on it.
 */
export type Check = CheckOfDefinition<(typeof CHECK_DEFINITIONS)[number]>;

export type CheckKind = Check['kind'];

export interface ChecklistItem {
  readonly id: string;
  readonly title: string;
  readonly check?: Check;
  /**
   * The item had a `check` the parser could not read. It is NOT manual (the operator must not
   * tick away a broken check): evaluation reports it unknown with this message.
   */
  readonly invalidCheck?: string;
}

export interface Task {
  readonly id: string;
  readonly title: string;
  readonly priority?: Priority;
  readonly description?: string;
  /** Investigation steps; commands are written in backticks. */
  readonly steps: readonly string[];
  /** Fix strategy. */
  readonly fix: readonly string[];
  /** Snippet IDs (the snippet's prefix, e.g. `k8s-pdb-min`). */
  readonly snippets: readonly string[];
  readonly items: readonly ChecklistItem[];
}

export interface Phase {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly tasks: readonly Task[];
}

export interface Runbook {
  readonly title: string;
  readonly description?: string;
  /** The runbook lets its `exec` checks run commands in pods (still only with the user's consent). */
  readonly allowExec?: boolean;
  readonly phases: readonly Phase[];
}

export interface RunbookDiagnostic {
  readonly message: string;
  /** [start, end) offsets in the runbook text. */
  readonly start: number;
  readonly end: number;
  readonly severity: 'error' | 'warning' | 'info';
}

/** An object the evidence names, so the UI can reveal it in the Clusters tree. */
export interface ObjectRef {
  readonly kind: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

export type ItemStatus = 'pass' | 'fail' | 'unknown';

export interface ItemResult {
  readonly status: ItemStatus;
  /** One plain sentence with counts and names. */
  readonly evidence: string;
  readonly refs: readonly ObjectRef[];
  /** Ticked by the operator, not by a check. */
  readonly manual: boolean;
}

export interface Progress {
  readonly total: number;
  /** Checks that pass plus ticked manual items. */
  readonly passed: number;
  readonly failed: number;
  /** Checks that could not be decided (data missing, invalid check). */
  readonly unknown: number;
  /** Manual items not ticked yet. */
  readonly open: number;
}

export interface PhaseProgress extends Progress {
  readonly id: string;
}

export interface RunbookEvaluation {
  readonly items: ReadonlyMap<string, ItemResult>;
  readonly phases: readonly PhaseProgress[];
  readonly overall: Progress;
}

export interface EvaluateOptions {
  /** Parts of the state that could not be read (no CRD, RBAC denied): checks needing them are unknown. */
  readonly missing?: ReadonlySet<keyof ClusterState>;
  /** IDs of manual items the operator ticked (persisted per workspace by the extension). */
  readonly ticked?: ReadonlySet<string>;
  /** Results of the exec checks (see catalog/exec.ts), or why they did not run. */
  readonly exec?: ExecFacts;
}
