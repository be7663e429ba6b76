import type { Problem } from '../../core/health/summary';
import type { Source } from './sources';

/**
 * A row of the Problems view, and so the argument every command in its menus receives (Diagnose,
 * Open Manifest in Workspace, Raise Memory Limit…, the clusters feature's own actions).
 */
export interface ProblemNode {
  readonly source: Source;
  readonly problem: Problem;
}
