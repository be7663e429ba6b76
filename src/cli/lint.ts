import { statSync } from 'node:fs';
import { collectFiles } from '../adapters/fs/files';
import { rulesById } from '../core/rules/registry';
import type { Severity } from '../core/rules/types';
import { lintFiles, type LintConfig } from './analyse';
import { one, parseArgs, UsageError } from './args';
import { jsonReport, sarifReport, textReport } from './format';
import { lintRendered, RENDER_VALUE_OPTIONS, renderRootOf } from './render-lint';

export const LINT_USAGE = `usage: shipshape lint [paths…] [--format text|json|sarif] [--include ID[,ID…]] [--exclude ID[,ID…]]
                      [--fail-on error|warning|info] [--kubernetes-version 1.N] [--threads N]
       shipshape lint <chart dir|kustomization dir> [--values FILE…] [--set K=V…] [--namespace NS]
                      [--release NAME] [--helm PATH] [--kustomize PATH] [--render-timeout SECONDS]

Analyses Kubernetes manifests (directories are searched for *.yaml and *.yml). Cross-resource
rules (PDB coverage, dangling Services…) see every file given. A directory holding Chart.yaml or a
kustomization is rendered with helm template / kustomize build and each finding is reported on the
template, values, base or patch line that produced it. Exit code: 0 clean, 1 when a
finding reaches --fail-on (default: error) or a file cannot be parsed, 2 on usage errors.`;

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

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
  version: string,
): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'format',
      'include',
      'exclude',
      'fail-on',
      'kubernetes-version',
      'threads',
      ...RENDER_VALUE_OPTIONS,
    ],
    flags: ['help', 'no-color'],
  });
  if (args.flags.has('help')) {
    out(`${LINT_USAGE}\n`);
    return 0;
  }
  const format = one(args, 'format', ['text', 'json', 'sarif']) ?? 'text';
  const failOn = (one(args, 'fail-on', ['error', 'warning', 'info']) ?? 'error') as Severity;
  const threadsArg = one(args, 'threads');
  const threads = threadsArg === undefined ? undefined : Number(threadsArg);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0))
    throw new UsageError('--threads must be a positive integer');
  const config = lintConfig(args);
  const paths = args.positional.length > 0 ? args.positional : ['.'];
  const roots = paths.flatMap((p) => renderRootOf(p) ?? []);
  const { files, missing } = collectFiles(paths.filter((p) => !renderRootOf(p)));
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  const total = files.reduce((n, f) => n + (statSize(f) ?? 0), 0);
  const plain = await lintFiles(files, config, total, threads);
  const rendered = roots.length > 0 ? await lintRendered(roots, args, config) : undefined;
  const result = rendered
    ? {
        files: plain.files + rendered.files,
        bytes: plain.bytes + rendered.bytes,
        findings: [...plain.findings, ...rendered.findings],
        problems: [...plain.problems, ...rendered.problems],
      }
    : plain;
  if (format === 'json') out(`${jsonReport(result)}\n`);
  else if (format === 'sarif') out(`${sarifReport(result, version)}\n`);
  else
    out(
      `${textReport(result, process.stdout.isTTY && !args.flags.has('no-color') && !process.env['NO_COLOR'])}\n`,
    );
  const failing =
    result.findings.some((f) => RANK[f.severity] >= RANK[failOn]) ||
    result.problems.some((p) => p.severity === 'error');
  return failing ? 1 : 0;
}

function statSize(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.size;
}
