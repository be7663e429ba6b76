import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { evaluate } from '../core/runbook/evaluate';
import { parseRunbook } from '../core/runbook/parse';
import type { ItemResult, Runbook, RunbookEvaluation } from '../core/runbook/types';
import { InputError, one, parseArgs, UsageError } from './args';
import { loadState } from './health';
import { cliExecFacts } from './runbook-exec';

export const RUNBOOK_USAGE = `usage: shipshape runbook [FILE] [--kubeconfig FILE] [--context NAME] [--snapshot FILE|DIR]
                        [--format text|json] [--all] [--fail-on-unknown] [--allow-exec]

Evaluates a runbook's checks (default: the built-in stabilisation runbook) against a cluster or a
snapshot, as the Runbook view does. Text output lists what fails or cannot be decided, phase by
phase (--all: every item). Items without a check are ticked by hand in VS Code and never fail here.
Exit code 0 when no check fails; 1 when one does (or cannot be decided, with --fail-on-unknown);
2 on usage errors or an invalid runbook; 3 when the cluster cannot be read.
Exec checks (commands run in pods) run only with --allow-exec and the runbook's own
"allowExec: true", against a cluster (never a snapshot); each has 10 s, and only its exit code and
first stderr line are kept.`;

/** The built-in runbook sits next to the bundle (dist/ → runbooks/) or the sources (src/cli/). */
function builtInPath(): string {
  const candidates = [join(__dirname, '..', 'runbooks'), join(__dirname, '..', '..', 'runbooks')].map((d) =>
    join(d, 'stabilisation.runbook.yaml'),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('the built-in runbook is missing from this installation');
  return found;
}

const GLYPH: Record<string, string> = { pass: '✓', fail: '✕', unknown: '?', open: '○', done: '✓' };

function statusOf(result: ItemResult): 'pass' | 'fail' | 'unknown' | 'open' | 'done' {
  if (result.manual) return result.status === 'pass' ? 'done' : 'open';
  return result.status;
}

export function runbookJson(
  runbook: Runbook,
  evaluation: RunbookEvaluation,
  source: string,
  file: string,
): unknown {
  return {
    runbook: { title: runbook.title, file },
    source,
    overall: evaluation.overall,
    phases: runbook.phases.map((phase) => ({
      id: phase.id,
      title: phase.title,
      ...evaluation.phases.find((p) => p.id === phase.id),
      tasks: phase.tasks.map((task) => ({
        id: task.id,
        title: task.title,
        ...(task.priority ? { priority: task.priority } : {}),
        items: task.items.map((item) => {
          const r = evaluation.items.get(item.id);
          return {
            id: item.id,
            title: item.title,
            status: r ? statusOf(r) : 'unknown',
            ...(r?.evidence ? { evidence: r.evidence } : {}),
            refs: r?.refs ?? [],
          };
        }),
      })),
    })),
  };
}

export function runbookText(
  runbook: Runbook,
  evaluation: RunbookEvaluation,
  source: string,
  file: string,
  all: boolean,
): string {
  const o = evaluation.overall;
  const lines = [
    `Shipshape runbook — ${runbook.title} (${file}) against ${source}`,
    `  ${o.passed}/${o.total} done · ${o.failed} failing · ${o.unknown} cannot tell · ${o.open} to tick by hand`,
  ];
  for (const phase of runbook.phases) {
    const p = evaluation.phases.find((x) => x.id === phase.id);
    lines.push('', `${phase.title}  ${p?.passed ?? 0}/${p?.total ?? 0}`);
    for (const task of phase.tasks) {
      const rows = task.items
        .map((item) => ({ item, result: evaluation.items.get(item.id) }))
        .filter(({ result }) => all || (result && !result.manual && result.status !== 'pass'));
      if (rows.length === 0) continue;
      lines.push(`  ${task.title}${task.priority ? ` [${task.priority}]` : ''}`);
      for (const { item, result } of rows) {
        const status = result ? statusOf(result) : 'unknown';
        lines.push(`    ${GLYPH[status] ?? '?'} ${item.title}`);
        if (result?.evidence && status !== 'done' && status !== 'open')
          lines.push(`        ${result.evidence}`);
      }
    }
  }
  return lines.join('\n');
}

export async function runbook(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, {
    values: ['kubeconfig', 'context', 'snapshot', 'format'],
    flags: ['help', 'all', 'fail-on-unknown', 'allow-exec'],
  });
  if (args.flags.has('help')) {
    out(`${RUNBOOK_USAGE}\n`);
    return 0;
  }
  const format = one(args, 'format', ['text', 'json']) ?? 'text';
  if (args.positional.length > 1) throw new UsageError('give at most one runbook file');
  if (one(args, 'snapshot') && (one(args, 'context') || one(args, 'kubeconfig')))
    throw new UsageError('--snapshot reads a file: it cannot be combined with --kubeconfig or --context');
  const file = args.positional[0] ? resolve(args.positional[0]) : builtInPath();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = parseRunbook(text);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) {
    const line = text.slice(0, d.start).split('\n').length;
    process.stderr.write(`${file}:${line}: ${d.message}\n`);
  }
  if (!parsed.runbook) throw new InputError(`${file} is not a runbook (a mapping with "title" and "phases")`);
  if (errors.length > 0) throw new InputError(`${file} has ${errors.length} error(s); fix them first`);
  let loaded: Awaited<ReturnType<typeof loadState>>;
  try {
    loaded = await loadState(args);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(`shipshape runbook: ${error instanceof Error ? error.message : String(error)}\n`);
    return 3;
  }
  const exec = await cliExecFacts(parsed.runbook, args, loaded.state);
  const evaluation = evaluate(parsed.runbook, loaded.state, loaded.now, {
    missing: loaded.missing,
    ...(exec ? { exec } : {}),
  });
  const label = args.positional[0] ?? 'built-in';
  out(
    format === 'json'
      ? `${JSON.stringify(runbookJson(parsed.runbook, evaluation, loaded.source, label), null, 2)}\n`
      : `${runbookText(parsed.runbook, evaluation, loaded.source, label, args.flags.has('all'))}\n`,
  );
  const { failed, unknown } = evaluation.overall;
  return failed > 0 || (args.flags.has('fail-on-unknown') && unknown > 0) ? 1 : 0;
}
