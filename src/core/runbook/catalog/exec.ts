/**
 * The `exec` check: a command run in a pod ticks from its exit code (`curl -sf …/health`). The
 * core never runs anything: evaluation reads results an adapter supplied (keyed by `execKey`),
 * and says why there is none — exec checks run only where the runbook opts in and the user
 * consented (trusted workspace, unprotected context, `--allow-exec`).
 */
import type { Node } from 'yaml';
import type { ClusterState, Pod } from '../../k8s/types';
import { redact } from '../../log';
import type { CheckDefinition } from '../definition';
import { hasLabels, live, selectorText, type Facts } from '../facts';
import type { Reader } from '../read';
import type { Check, Labels, Runbook } from '../types';
import { paramsSchema, params, readName, readNamespace, ref } from './params';

export interface ExecCheck {
  readonly kind: 'exec';
  readonly namespace: string;
  readonly target: { readonly pod: string } | { readonly selector: Labels };
  readonly container?: string;
  /** argv, never parsed by a shell on our side: `[sh, -c, '…']` when a shell is wanted. */
  readonly command: readonly string[];
  readonly expectExit: number;
}

/** What an adapter keeps of one run: never the output, only the exit code and a stderr line. */
export interface ExecCheckResult {
  /** The pod it ran in; absent when no pod could be chosen. */
  readonly pod?: string;
  readonly exitCode?: number;
  /** The first line of stderr, redacted. */
  readonly stderr?: string;
  /** Why it did not run to an exit code (no ready pod, timeout, refused). */
  readonly error?: string;
}

export interface ExecFacts {
  readonly results: ReadonlyMap<string, ExecCheckResult>;
  /** Why exec checks did not run at all; set by whoever decided not to run them. */
  readonly off?: string;
}

export const EXEC_OFF = {
  optIn: 'Exec checks are off: the runbook does not opt in (`allowExec: true`).',
  restricted:
    'Exec checks are off: they never run in a restricted workspace (trust the workspace to run them).',
  protectedContext: (context: string) =>
    `Exec checks are off: context "${context}" is not trusted for commands (it is in shipshape.protectedContexts).`,
  cli: 'Exec checks are off: pass --allow-exec to run the runbook’s commands in pods.',
  snapshot: 'Exec checks are off: a snapshot has no pods to run commands in.',
  notRun: 'Exec checks have not run against this cluster yet.',
  running: 'Running the exec checks…',
} as const;

/** Where a runbook is evaluated, as far as running its commands in pods is concerned. */
export interface ExecSetting {
  readonly trusted: boolean;
  readonly snapshot: boolean;
  /** The context's name when `shipshape.protectedContexts` protects it. */
  readonly protectedContext?: string;
}

/**
 * Whether the editor may run a runbook's exec checks here: `{}`, or `{ off }` saying why not (undefined: the
 * runbook has none, or does not opt in — evaluation says that itself). The CLI asks for
 * `--allow-exec` instead of trust.
 */
export function execGate(runbook: Runbook, where: ExecSetting): { off?: string } | undefined {
  if (!runbook.allowExec || execChecksOf(runbook).length === 0) return undefined;
  if (!where.trusted) return { off: EXEC_OFF.restricted };
  if (where.snapshot) return { off: EXEC_OFF.snapshot };
  if (where.protectedContext !== undefined) return { off: EXEC_OFF.protectedContext(where.protectedContext) };
  return {};
}

/** The stable key an adapter files a check's result under: same check, same key. */
export function execKey(check: ExecCheck): string {
  const target =
    'pod' in check.target
      ? { pod: check.target.pod }
      : { selector: Object.entries(check.target.selector).sort(([a], [b]) => a.localeCompare(b)) };
  return JSON.stringify([check.namespace, target, check.container ?? '', check.command]);
}

/** Every exec check of a runbook, inside `allPass` too. */
export function execChecksOf(runbook: Runbook): ExecCheck[] {
  const walk = (check: Check | undefined): ExecCheck[] =>
    check === undefined
      ? []
      : check.kind === 'exec'
        ? [check]
        : check.kind === 'allPass'
          ? check.checks.flatMap(walk)
          : [];
  return runbook.phases.flatMap((p) => p.tasks.flatMap((t) => t.items.flatMap((i) => walk(i.check))));
}

const isReady = (pod: Pod): boolean =>
  live(pod) &&
  pod.status?.phase === 'Running' &&
  (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** The pod a check runs in (by name, or the first ready one by name order), or why there is none. */
export function execPod(check: ExecCheck, state: ClusterState): { pod: string } | { error: string } {
  const inNs = state.pods.filter((p) => p.metadata?.namespace === check.namespace);
  if ('pod' in check.target) {
    const name = check.target.pod;
    return inNs.some((p) => p.metadata?.name === name)
      ? { pod: name }
      : { error: `pod ${check.namespace}/${name} not found` };
  }
  const selector = check.target.selector;
  const ready = inNs
    .filter((p) => hasLabels(p.metadata?.labels, selector) && isReady(p))
    .map((p) => p.metadata?.name ?? '')
    .sort();
  return ready[0] !== undefined
    ? { pod: ready[0] }
    : { error: `no ready pod matches ${selectorText(selector)} in ${check.namespace}` };
}

/** The command as evidence shows it: secrets in it (tokens, URLs with passwords) redacted. */
export const commandText = (command: readonly string[]): string =>
  redact(command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' '));

function parseExec(node: Node | null, r: Reader): ExecCheck | undefined {
  const kind = 'exec';
  const p = params(
    node,
    r,
    kind,
    ['namespace', 'pod', 'selector', 'container', 'command', 'expectExit'],
    ['namespace', 'command'],
  );
  if (!p) return undefined;
  if (p.has('pod') === p.has('selector')) {
    r.report(node, 'exec needs exactly one of "pod" (a pod name) or "selector" (pod labels).');
    return undefined;
  }
  const namespace = readNamespace(p.get('namespace'), r);
  const pod = p.has('pod') ? readName(p.get('pod'), r, 'pod name') : undefined;
  const selector = p.has('selector') ? r.labels(p.get('selector'), 'selector') : undefined;
  const container = p.has('container') ? readName(p.get('container'), r, 'container name') : undefined;
  const command = r.strings(p.get('command'), 'command', false);
  if (command !== undefined && command.length === 0) r.report(p.get('command'), 'command is empty.');
  const expectExit = p.has('expectExit') ? r.number(p.get('expectExit'), 'expectExit', 0, 255, true) : 0;
  if (!namespace || (pod === undefined && selector === undefined) || !command?.length) return undefined;
  if (p.has('container') && container === undefined) return undefined;
  if (expectExit === undefined) return undefined;
  return {
    kind,
    namespace,
    target: pod !== undefined ? { pod } : { selector: selector ?? {} },
    ...(container !== undefined ? { container } : {}),
    command,
    expectExit,
  };
}

export const exec: CheckDefinition<ExecCheck> = {
  kind: 'exec',
  describe:
    'A command run in a pod (by name, or the first ready pod matching `selector`) exits with `expectExit` (default 0). Runs only when the runbook says `allowExec: true`, in a trusted workspace, on a context that is not protected. Example: `{ exec: { namespace: data-platform, selector: { app: datahub-gms }, command: [curl, -sf, "http://localhost:8080/actuator/health"] } }`.',
  schema: {
    ...paramsSchema(['namespace', 'command'], {
      namespace: ref('namespace'),
      pod: ref('name'),
      selector: ref('labels'),
      container: ref('name'),
      command: {
        type: 'array',
        minItems: 1,
        items: { type: 'string' },
        description: 'The argv, not a shell line: write `[sh, -c, "…"]` for a shell.',
      },
      expectExit: { type: 'integer', minimum: 0, maximum: 255, default: 0 },
    }),
    oneOf: [{ required: ['pod'] }, { required: ['selector'] }],
  },
  parse: parseExec,
  // Results come from the adapter, which reads the pods itself.
  needs: () => [],
  evaluate(check, facts: Facts) {
    const result = facts.exec.results.get(execKey(check));
    if (!result) return { status: 'unknown', evidence: facts.exec.off ?? EXEC_OFF.notRun, refs: [] };
    const cmd = `\`${commandText(check.command)}\``;
    const pod = result.pod;
    const refs = pod !== undefined ? [{ kind: 'Pod', namespace: check.namespace, name: pod }] : [];
    const where = pod !== undefined ? `${check.namespace}/${pod}` : check.namespace;
    const inContainer = check.container !== undefined ? ` (container ${check.container})` : '';
    if (result.exitCode === undefined)
      return {
        status: 'unknown',
        evidence: `Could not run ${cmd} in ${where}${inContainer}: ${result.error ?? 'no exit code'}.`,
        refs,
      };
    const ran = `${cmd} exited ${result.exitCode} in ${where}${inContainer}`;
    if (result.exitCode === check.expectExit) return { status: 'pass', evidence: `${ran}.`, refs };
    const stderr = result.stderr ? `: ${result.stderr}` : '';
    return { status: 'fail', evidence: `${ran}, expected ${check.expectExit}${stderr}.`, refs };
  },
};
