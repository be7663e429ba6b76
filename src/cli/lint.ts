import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { collectFiles, type Skipped } from '../adapters/fs/files';
import { kustomizePatches } from '../adapters/fs/kustomize-patches';
import { projectConfigFor, projectExcludes, withProjectConfig } from './project-config';
import { DEFAULT_MAX_FILE_KB } from '../core/analysis/size-limit';
import { rulesById } from '../core/rules/registry';
import type { IndexedObject } from '../core/rules/scope';
import type { Severity } from '../core/rules/types';
import {
  lintFiles,
  type FileProblem,
  type LintConfig,
  type LintResult,
  type LocatedFinding,
} from './analyse';
import { one, parseArgs, UsageError } from './args';
import { crdEntries } from './crds';
import { JsonReport, SarifReport, TextReport, type Report } from './format';
import { SyncWriter } from './output';
import { mayRender, RENDER_VALUE_OPTIONS } from './render-root';
import { inputV8Flags } from './v8-flags';

export const LINT_USAGE = `usage: shipshape lint [paths…] [--format text|json|sarif] [--include ID[,ID…]] [--exclude ID[,ID…]]
                      [--fail-on error|warning|info] [--kubernetes-version 1.N] [--threads N]
                      [--max-file-size KB] [--crds DIR|FILE…] [--context NAME [--kubeconfig FILE]]
                      [--verbose]
       shipshape lint <chart dir|kustomization dir|Argo CD Application file> [--values FILE…]
                      [--set K=V…] [--set-string K=V…] [--namespace NS] [--release NAME]
                      [--helm PATH] [--kustomize PATH] [--render-timeout SECONDS]

Analyses Kubernetes manifests. Directories are searched for *.yaml and *.yml, leaving out
runbooks (*.runbook.yaml) and node_modules, dist and out folders: stderr says how many paths were
left out, --verbose lists them. Files over --max-file-size (default ${DEFAULT_MAX_FILE_KB} KB, like the
editor's shipshape.analysis.maxFileSizeKB) and anything that is not a regular file are reported,
not read. Cross-resource rules (PDB coverage, dangling Services…) see every file given. A
directory holding Chart.yaml or a kustomization is rendered with helm template / kustomize build
and each finding is reported on the template, values, base or patch line that produced it. A
file of Argo CD Applications renders each source the way Argo CD would (releaseName, valueFiles,
parameters, values/valuesObject, destination namespace, kustomize options; the options given
here come after the Application's); its path is looked up from the file's folder upwards. Exit
code: 0 clean, 1 when a finding reaches --fail-on (default: error) or a file cannot be parsed,
2 on usage errors and when a rule failed (RULE_FAILED: a Shipshape bug, please report it).

Custom resources are validated (schema-invalid) against the openAPIV3Schema of their
CustomResourceDefinition, found among the linted files or in the files and folders given with
--crds (read for their CRDs only, not linted), or served by the cluster of --context (read once
per run; a cluster that cannot be read is an error, exit 1); a custom resource with no CRD
anywhere is listed once per kind and file, as info.`;

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
    values: [
      'format',
      'include',
      'exclude',
      'fail-on',
      'kubernetes-version',
      'threads',
      'max-file-size',
      'crds',
      'context',
      'kubeconfig',
      ...RENDER_VALUE_OPTIONS,
    ],
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
  const paths = args.positional.length > 0 ? args.positional : ['.'];
  const project = projectConfigFor(paths[0] ?? '.', args.flags.has('verbose'), err);
  const config = withProjectConfig(lintConfig(args), project?.config);
  // The render code (and the modules it needs) loads only when a path may be a chart or overlay.
  const render = paths.some(mayRender) ? await import('./render-lint') : undefined;
  const renderRootOf = (p: string) => render?.renderRootOf(p);
  const roots = paths.flatMap((p) => renderRootOf(p) ?? []);
  const collected = collectFiles(paths.filter((p) => !renderRootOf(p)));
  const { missing, skipped } = collected;
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  reportSkipped(skipped, args.flags.has('verbose'), err);
  const patches = kustomizePatches(collected.files);
  const excluded = project ? projectExcludes(project) : () => false;
  const files = collected.files.filter((f) => !patches.has(f) && !excluded(f));
  reportPatches(patches, args.flags.has('verbose'), err);
  const total = files.reduce((n, f) => n + (statSize(f) ?? 0), 0);
  for (const flag of inputV8Flags(total, process.execArgv, process.env['NODE_OPTIONS']))
    setFlagsFromString(flag);
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
  const extra = [...crdEntries(args.values.get('crds') ?? [], err), ...(await clusterCrds(args, err))];
  const plain = await lintFiles(files, config, total, report, { threads, maxBytes: maxKB * 1024, extra });
  const rendered = render && roots.length > 0 ? await render.lintRendered(roots, args, config) : undefined;
  if (rendered) feed(report, rendered);
  report.end(rendered ? { files: plain.files + rendered.files, bytes: plain.bytes + rendered.bytes } : plain);
  return lintExitCode(report);
}

/** With --context (or --kubeconfig): the cluster's CRDs, from the commands bundle (the Kubernetes client). */
async function clusterCrds(
  args: ReturnType<typeof parseArgs>,
  err: (s: string) => void,
): Promise<IndexedObject[]> {
  const context = one(args, 'context');
  const kubeconfig = one(args, 'kubeconfig');
  if (context === undefined && kubeconfig === undefined) return [];
  const { clusterCrdEntries } = await import('./commands');
  const read = await clusterCrdEntries(context, kubeconfig);
  err(`shipshape lint: ${read.entries.length} custom resource schema(s) from context ${read.context}\n`);
  return read.entries;
}

/** Rendered results reach the report file by file, like plain files' (the text report groups by file). */
function feed(report: Report, result: LintResult): void {
  const byFile = new Map<string, { findings: LocatedFinding[]; problems: FileProblem[] }>();
  const entry = (file: string) => {
    let e = byFile.get(file);
    if (!e) byFile.set(file, (e = { findings: [], problems: [] }));
    return e;
  };
  for (const f of result.findings) entry(f.file).findings.push(f);
  for (const p of result.problems) entry(p.file).problems.push(p);
  for (const [file, e] of byFile) {
    if (e.findings.length > 0) report.findings(e.findings);
    report.endFile(file, e.problems);
  }
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

/** Kustomize patches are fragments: their findings come from rendering their kustomization. */
function reportPatches(
  patches: ReadonlyMap<string, string>,
  verbose: boolean,
  err: (s: string) => void,
): void {
  if (patches.size === 0) return;
  if (verbose)
    for (const [patch, kustomization] of patches)
      err(
        `shipshape lint: ${patch} is a Kustomize patch (listed in ${kustomization}): not linted as a whole object\n`,
      );
  else
    err(
      `shipshape lint: ${patches.size} Kustomize patch file(s) not linted as whole objects (lint their kustomization's folder to see them in the render); --verbose lists them\n`,
    );
}

function statSize(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.size;
}
