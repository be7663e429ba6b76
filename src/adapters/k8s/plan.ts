import { run, type Write } from './actions';
import { KubeError } from './errors';
import type { KubeRest } from './rest';

export interface WritePlan {
  /** One line: what will happen. */
  readonly title: string;
  /** The objects affected, named for the confirmation. */
  readonly objects: readonly string[];
  /** The confirm button's label ("Scale to 0", "Force delete"). */
  readonly confirm: string;
  readonly writes: readonly Write[];
  /** What to say when it is done. */
  readonly done: string;
}

export type PlanOutcome =
  | { readonly status: 'declined' }
  | { readonly status: 'dry-run-failed'; readonly message: string }
  | { readonly status: 'failed'; readonly message: string; readonly what: string }
  | { readonly status: 'done' };

const message = (error: unknown) =>
  error instanceof KubeError ? (error.apiMessage ?? error.message) : String(error);

/**
 * Every cluster write goes through here: the user confirms (naming the objects), a server-side
 * dry run of every request must pass, then the requests run for real. Any failure carries the
 * API server's own message. Declining changes nothing.
 */
export async function executePlan(
  rest: KubeRest,
  plan: WritePlan,
  confirm: (plan: WritePlan) => Promise<boolean>,
): Promise<PlanOutcome> {
  if (!(await confirm(plan))) return { status: 'declined' };
  try {
    for (const write of plan.writes) await run(rest, write, true);
  } catch (error) {
    return { status: 'dry-run-failed', message: message(error) };
  }
  for (const write of plan.writes) {
    try {
      await run(rest, write, false);
    } catch (error) {
      if (write.okIfGone && error instanceof KubeError && error.kind === 'notFound') continue;
      return { status: 'failed', message: message(error), what: write.what };
    }
  }
  return { status: 'done' };
}
