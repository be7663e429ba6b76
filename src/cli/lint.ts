import { statSync } from 'node:fs';
import { collectFiles, type Skipped } from '../adapters/fs/files';
import { DEFAULT_MAX_FILE_KB } from '../core/analysis/size-limit';
import { rulesById } from '../core/rules/registry';
import type { Severity } from '../core/rules/types';
import { lintFiles, type LintConfig } from './analyse';
import { one, parseArgs, UsageError } from './args';
import { JsonReport, SarifReport, TextReport, type Report } from './format';
import { SyncWriter } from './output';

export const LINT_USAGE = `usage: shipshape lint [paths…] [--format text|json|sarif] [--include ID[,ID…]] [--exclude ID[,ID…]]
                      [--fail-on error|warning|info] [--kubernetes-version 1.N] [--threads N]
                      [--max-file-size KB] [--verbose]

Analyses Kubernetes manifests. Directories are searched for *.yaml and *.yml, leaving out
runbooks (*.runbook.yaml) and node_modules, dist and out folders: stderr says how many paths were
left out, --verbose lists them. Files over --max-file-size (default ${DEFAULT_MAX_FILE_KB} KB, like the
editor's shipshape.analysis.maxFileSizeKB) and anything that is not a regular file are reported,
not read. Cross-resource rules (PDB coverage, dangling Services…) see every file given. Exit
code: 0 clean, 1 when a finding reaches --fail-on (default: error) or a file cannot be parsed,
2 on usage errors and when a rule failed (RULE_FAILED: a Shipshape bug, please report it).`;

export function checkRuleIds(ids: readonly string[] | undefined, option: string): void {
  const unknown = (ids ?? []).filter((id) => !rulesById.has(id));
  if (unknown.length > 0)
    throw new UsageError(`--${option}: unknown rule ID(s): ${unknown.join(', ')} (see docs/rules.md)`);
}

export function lintConfig(args: ReturnType<typeof parseArgs>): LintConfig {
  const include = args.values.get('include');
  const exclude = args.values.get('exclude');
  checkRuleIds(include, 'include');
  checkRuleIds(exclude, 'exclude');
  const version = one(args, 'kubernetes-version');
  if (version !== undefined && !/^1\.\d+$/.test(version))
    throw new UsageError('--kubernetes-version must look like 1.30');
  return {
    ...(include ? { include } : {}),
    ...(exclude ? { exclude } : {}),
    ...(version ? { options: { kubernetesVersion: version } } : {}),
  };
}

export async function lint(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
  version: string,
): Promise<number> {
  const args = parseArgs(argv, {
    values: ['format', 'include', 'exclude', 'fail-on', 'kubernetes-version', 'threads', 'max-file-size'],
    flags: ['help', 'no-color', 'verbose'],
  });
  if (args.flags.has('help')) {
    out(`${LINT_USAGE}\n`);
    return 0;
  }
  const format = one(args, 'format', ['text', 'json', 'sarif']) ?? 'text';
  const failOn = (one(args, 'fail-on', ['error', 'warning', 'info']) ?? 'error') as Severity;
  const threads = positiveInteger(args, 'threads');
  const maxKB = positiveInteger(args, 'max-file-size') ?? DEFAULT_MAX_FILE_KB;
  const config = lintConfig(args);
  const { files, missing, skipped } = collectFiles(args.positional.length > 0 ? args.positional : ['.']);
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  reportSkipped(skipped, args.flags.has('verbose'), err);
  const total = files.reduce((n, f) => n + (statSize(f) ?? 0), 0);
  const writer = new SyncWriter(1);
  const report =
    format === 'json'
      ? new JsonReport(writer, failOn)
      : format === 'sarif'
        ? new SarifReport(writer, failOn, version)
        : new TextReport(
            writer,
            failOn,
            process.stdout.isTTY && !args.flags.has('no-color') && !process.env['NO_COLOR'],
          );
  const totals = await lintFiles(files, config, total, report, { threads, maxBytes: maxKB * 1024 });
  report.end(totals);
  return lintExitCode(report);
}

/** A rule that crashed is Shipshape's fault, not the manifest's: exit 2, never a pass. */
export function lintExitCode(report: Pick<Report, 'failing' | 'ruleFailed'>): number {
  if (report.ruleFailed) return 2;
  return report.failing ? 1 : 0;
}

function positiveInteger(args: ReturnType<typeof parseArgs>, name: string): number | undefined {
  const text = one(args, name);
  const value = text === undefined ? undefined : Number(text);
  if (value !== undefined && !(Number.isInteger(value) && value > 0))
    throw new UsageError(`--${name} must be a positive integer`);
  return value;
}

/** What the path policy left out: a count on stderr, the list with --verbose. */
function reportSkipped(skipped: readonly Skipped[], verbose: boolean, err: (s: string) => void): void {
  if (skipped.length === 0) return;
  if (verbose) for (const s of skipped) err(`shipshape lint: skipped ${s.path} (${s.why})\n`);
  else
    err(
      `shipshape lint: skipped ${skipped.length} path(s) (runbooks, dependency and build folders); --verbose lists them\n`,
    );
}

function statSize(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.size;
}
