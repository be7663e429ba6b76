import { relative } from 'node:path';
import { collectFiles, readManifest } from '../adapters/fs/files';
import { KubeError } from '../adapters/k8s/errors';
import { forContext, kubeconfigPaths, loadKubeconfig } from '../adapters/k8s/kubeconfig';
import { KubeRest } from '../adapters/k8s/rest';
import { Discovery, inspect, type SyncContext } from '../adapters/k8s/sync';
import { silentLogger } from '../core/log';
import { unifiedDiff } from '../core/sync/compare';
import { describeConflicts } from '../core/sync/conflicts';
import type { Inspection } from '../core/sync/inspection';
import { applyTargets } from '../core/sync/targets';
import { parseManifestFile } from '../core/yaml/parse';
import { one, parseArgs, UsageError } from './args';
import { RENDER_VALUE_OPTIONS, renderRootOf } from './render-lint';
import { renderSources } from './render-source';
import { withLiveApps } from './live-apps';

export const DIFF_USAGE = `usage: shipshape diff [paths…] [--kubeconfig FILE] [--context NAME]

Asks the cluster what applying the manifests would change — a server-side apply dry run
(dryRun=All, field manager "shipshape"), nothing is written — and prints a unified diff per
object, live against planned, without status and server bookkeeping. Objects that do not exist
yet diff against /dev/null. A chart or Kustomize directory, or a file of Argo CD Applications, is
rendered first (helm template / kustomize build; --values, --set, --set-string, --namespace,
--release, --helm, --kustomize as for lint); a loose Helm template file is refused. With
--context, a chart or overlay folder that an Argo CD Application of that cluster points at (its
path) is rendered the way that Application says (value files, parameters, values, release,
destination namespace); --values and --set still come last.
Exit code 0 when nothing would change; 1 when something would; 2 on usage errors; 3 when an
object cannot be checked (forbidden, invalid, unknown kind, unreachable cluster).`;

const display = (file: string) => relative(process.cwd(), file) || file;

export async function diff(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const args = parseArgs(argv, {
    values: ['kubeconfig', 'context', ...RENDER_VALUE_OPTIONS],
    flags: ['help'],
  });
  if (args.flags.has('help')) {
    out(`${DIFF_USAGE}\n`);
    return 0;
  }
  const paths = args.positional.length > 0 ? args.positional : ['.'];
  const { files, missing } = collectFiles(paths.filter((p) => !renderRootOf(p)));
  if (missing.length > 0) throw new UsageError(`no such file or directory: ${missing.join(', ')}`);
  const roots = paths.flatMap((p) => renderRootOf(p) ?? []);

  let ctx: SyncContext;
  let contextName: string;
  try {
    const source = loadKubeconfig(kubeconfigPaths(one(args, 'kubeconfig')));
    contextName = one(args, 'context') ?? source.kc.getCurrentContext();
    const context = source.kc.getContextObject(contextName);
    if (!context) throw new UsageError(`no context "${contextName}" in ${source.paths.join(', ')}`);
    const rest = new KubeRest(forContext(source, contextName), silentLogger);
    ctx = { rest, discovery: new Discovery(rest), defaultNamespace: context.namespace ?? 'default' };
  } catch (error) {
    if (error instanceof KubeError) {
      err(`shipshape diff: ${error.message}\n`);
      return 3;
    }
    throw error;
  }

  let rendered: Awaited<ReturnType<typeof renderSources>>;
  try {
    // Asked for a context by name: the Argo CD Applications it serves say how to render a chart.
    const how = one(args, 'context') ? await withLiveApps(roots, ctx.rest, contextName, err) : roots;
    rendered = await renderSources(how, args);
  } catch (error) {
    ctx.rest.dispose();
    throw error;
  }
  for (const e of rendered.errors) err(`${e}\n`);
  const inputs = [
    ...files.map((f) => ({ name: display(f), read: () => readManifest(f), namespace: undefined })),
    ...rendered.sources.map((r) => ({
      name: r.name,
      read: () => ({ text: r.text }),
      namespace: r.namespace,
    })),
  ];

  let changed = 0;
  let failed = rendered.errors.length;
  let same = 0;
  try {
    for (const input of inputs) {
      const read = input.read();
      if ('error' in read) {
        err(`${input.name}: ${read.error}\n`);
        failed++;
        continue;
      }
      const set = applyTargets(parseManifestFile(read.text));
      if ('refused' in set) {
        err(`${input.name}: ${set.refused}\n`);
        failed++;
        continue;
      }
      for (const problem of set.problems) err(`${input.name}: ${problem.message}\n`);
      failed += set.problems.length;
      const scoped = input.namespace ? { ...ctx, defaultNamespace: input.namespace } : ctx;
      // One object at a time: CI logs read in file order, and the API server is not flooded.
      for (const target of set.targets) {
        const inspection = await inspect(scoped, target);
        const outcome = report(inspection, input.name, out, err);
        if (outcome === 'changed') changed++;
        else if (outcome === 'failed') failed++;
        else same++;
      }
    }
  } finally {
    ctx.rest.dispose();
  }
  err(
    `${contextName}: ${changed} object(s) would change, ${same} unchanged${failed ? `, ${failed} could not be checked` : ''}\n`,
  );
  return failed > 0 ? 3 : changed > 0 ? 1 : 0;
}

function report(
  inspection: Inspection,
  file: string,
  out: (s: string) => void,
  err: (s: string) => void,
): 'changed' | 'same' | 'failed' {
  const { comparison, label } = inspection;
  if (!comparison) {
    err(`${file}: ${label}: ${inspection.state}: ${inspection.message ?? ''}\n`);
    return 'failed';
  }
  if (inspection.state === 'conflict')
    err(
      `${file}: ${label}: other field managers own fields this changes (${describeConflicts(inspection.conflicts ?? [])}); applying it takes them over only when forced\n`,
    );
  if (comparison.state === 'same') return 'same';
  out(unifiedDiff(label, comparison));
  return 'changed';
}
