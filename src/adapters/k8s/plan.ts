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

/**
 * The context a plan writes to. A protected one (`shipshape.protectedContexts`) needs its name
 * typed after the confirmation: `typeName` asks and returns what was typed (undefined: cancelled).
 */
export interface ContextGuard {
  readonly context: string;
  readonly protected: boolean;
  readonly typeName: (context: string) => Promise<string | undefined>;
}

export type PlanOutcome =
  | { readonly status: 'declined' }
  | { readonly status: 'dry-run-failed'; readonly message: string }
  | { readonly status: 'failed'; readonly message: string; readonly what: string }
  /** The object confirmed is not the one the server has (replaced or changed): its write was refused. */
  | { readonly status: 'stale'; readonly message: string }
  | { readonly status: 'done' };

const message = (error: unknown) =>
  error instanceof KubeError ? (error.apiMessage ?? error.message) : String(error);

/**
 * A 409 on a write that carries the object's uid (and resourceVersion): the object the user
 * confirmed is not the one the server has now. Said plainly, instead of "Precondition failed:
 * UID in precondition: 6f…" or "the object has been modified". The server's 409 does not always
 * say which precondition failed, so the object is read again to tell "replaced" from "changed".
 */
async function preconditionMessage(
  rest: KubeRest,
  error: unknown,
  write: Write,
  earlier: number,
): Promise<string | undefined> {
  if (!write.expected || !(error instanceof KubeError) || error.kind !== 'conflict') return undefined;
  const { noun, uid } = write.expected;
  let now: string | undefined;
  try {
    now = (
      await rest.request<{ metadata?: { uid?: string } }>('GET', write.path, {
        what: `read the ${noun} again`,
      })
    ).metadata?.uid;
  } catch {
    // Gone, or unreadable: either way it is not the object that was confirmed.
  }
  const what = now === uid ? `the ${noun} changed since it was read` : `the ${noun} was replaced`;
  return earlier === 0
    ? `${what}; nothing was deleted`
    : `${what}; it was not deleted (${earlier} earlier request${earlier === 1 ? '' : 's'} went through)`;
}

/**
 * Every cluster write goes through here: the user confirms (naming the objects), a protected
 * context's name is typed, a server-side dry run of every request must pass, then the requests
 * run for real. Any failure carries the API server's own message. Declining changes nothing.
 */
export async function executePlan(
  rest: KubeRest,
  plan: WritePlan,
  confirm: (plan: WritePlan) => Promise<boolean>,
  guard: ContextGuard,
): Promise<PlanOutcome> {
  if (!(await confirm(plan))) return { status: 'declined' };
  if (guard.protected && (await guard.typeName(guard.context)) !== guard.context)
    return { status: 'declined' };
  for (const write of plan.writes) {
    try {
      await run(rest, write, true);
    } catch (error) {
      const stale = await preconditionMessage(rest, error, write, 0);
      return stale
        ? { status: 'stale', message: stale }
        : { status: 'dry-run-failed', message: message(error) };
    }
  }
  for (const [index, write] of plan.writes.entries()) {
    try {
      await run(rest, write, false);
    } catch (error) {
      if (write.okIfGone && error instanceof KubeError && error.kind === 'notFound') continue;
      const stale = await preconditionMessage(rest, error, write, index);
      return stale
        ? { status: 'stale', message: stale }
        : { status: 'failed', message: message(error), what: write.what };
    }
  }
  return { status: 'done' };
}
