import { readForDiagnosis, readPreviousLogs } from '../adapters/k8s/diagnose-read';
import { forContext, kubeconfigPaths, loadKubeconfig } from '../adapters/k8s/kubeconfig';
import { KubeRest } from '../adapters/k8s/rest';
import { readSnapshotObjects } from '../adapters/k8s/snapshot';
import { diagnoseAll, diagnosePod, problemPods } from '../core/diagnose/diagnose';
import { inventoryFromObjects } from '../core/diagnose/inventory';
import { diagnosisMarkdown, diagnosisText } from '../core/diagnose/render';
import type { DiagnoseInput, Diagnosis } from '../core/diagnose/types';
import { latestTimestamp } from '../core/health/time';
import { stateFromObjects } from '../core/k8s/state';
import { silentLogger } from '../core/log';
import { one, parseArgs, UsageError } from './args';

export const DIAGNOSE_USAGE = `usage: shipshape diagnose (NAMESPACE/POD | --all) [--kubeconfig FILE] [--context NAME | --snapshot FILE|DIR] [--format text|json|markdown]

Explains why a pod is failing, with the evidence: Pending (the scheduler's filters node by node
and the smallest change that fits), crashes (exit code, termination message, probe failures),
Secret/ConfigMap references and in-cluster hostnames that do not resolve (with the near-miss that
exists), image pulls (the registry's answer, pull secrets, which nodes run the image), stuck
Terminating (each finalizer and who removes it); the events timeline and what to do. With
--context, the last lines of each restarted container's previous log are read too. --all
explains every problem pod. Secrets are read for their names and keys only, never their values.
Exit code 0; 1 when the cluster cannot be read or the pod is not found; 2 on usage errors.`;

async function loadInput(
  args: ReturnType<typeof parseArgs>,
  target: { namespace: string; pod: string } | undefined,
): Promise<{ input: DiagnoseInput; source: string }> {
  const snapshot = one(args, 'snapshot');
  if (snapshot) {
    const objects = readSnapshotObjects(snapshot);
    const state = stateFromObjects(objects);
    return {
      input: { state, inventory: inventoryFromObjects(objects), now: latestTimestamp(state, Date.now()) },
      source: `snapshot ${snapshot}`,
    };
  }
  const source = loadKubeconfig(kubeconfigPaths(one(args, 'kubeconfig')));
  const context = one(args, 'context') ?? source.kc.getCurrentContext();
  if (!source.kc.getContextObject(context))
    throw new UsageError(`no context "${context}" in ${source.paths.join(', ')}`);
  const rest = new KubeRest(forContext(source, context), silentLogger);
  const { objects, inventory } = await readForDiagnosis(rest);
  const input: DiagnoseInput = { state: stateFromObjects(objects), inventory, now: Date.now() };
  // Only the pods being explained: a log read is a round trip to a kubelet each.
  const pods = target
    ? input.state.pods.filter(
        (p) => p.metadata?.namespace === target.namespace && p.metadata?.name === target.pod,
      )
    : problemPods(input);
  const previousLogs = await readPreviousLogs(rest, pods);
  return { input: { ...input, inventory: { ...inventory, previousLogs } }, source: `context ${context}` };
}

export async function diagnoseCommand(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, {
    values: ['kubeconfig', 'context', 'snapshot', 'format'],
    flags: ['help', 'all'],
  });
  if (args.flags.has('help')) {
    out(`${DIAGNOSE_USAGE}\n`);
    return 0;
  }
  const format = one(args, 'format', ['text', 'json', 'markdown']) ?? 'text';
  const all = args.flags.has('all');
  const target = args.positional[0];
  if (all === (target !== undefined)) throw new UsageError('name one pod as NAMESPACE/POD, or pass --all');
  if (args.positional.length > 1) throw new UsageError('one pod at a time (or --all)');
  const [namespace, pod, ...rest] = (target ?? '').split('/');
  if (!all && (!namespace || !pod || rest.length > 0))
    throw new UsageError(`"${target ?? ''}" is not NAMESPACE/POD`);
  if (one(args, 'snapshot') && (one(args, 'context') || one(args, 'kubeconfig')))
    throw new UsageError('--snapshot reads a file: it cannot be combined with --kubeconfig or --context');
  let results: Diagnosis[];
  let source: string;
  try {
    const loaded = await loadInput(args, all ? undefined : { namespace: namespace ?? '', pod: pod ?? '' });
    source = loaded.source;
    if (all) results = diagnoseAll(loaded.input);
    else {
      const one = diagnosePod(loaded.input, namespace ?? '', pod ?? '');
      if (!one) {
        process.stderr.write(`shipshape diagnose: no pod ${target ?? ''} in ${source}\n`);
        return 1;
      }
      results = [one];
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(`shipshape diagnose: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (format === 'json') out(`${JSON.stringify({ source, diagnoses: results }, null, 2)}\n`);
  else if (format === 'markdown') out(`${results.map(diagnosisMarkdown).join('\n---\n\n')}`);
  else
    out(
      `Shipshape diagnose — ${source}: ${results.length} pod(s)\n\n${results.map(diagnosisText).join('\n\n')}\n`,
    );
  return 0;
}
