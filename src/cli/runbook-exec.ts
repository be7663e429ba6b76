/**
 * Whether `shipshape runbook` runs the runbook's exec checks, and running them: only with the
 * runbook's own `allowExec: true` and the user's `--allow-exec`, and only against a live cluster.
 */
import { runExecChecks } from '../adapters/k8s/exec-checks';
import { forContext, kubeconfigPaths, loadKubeconfig } from '../adapters/k8s/kubeconfig';
import { KubeRest } from '../adapters/k8s/rest';
import type { ClusterState } from '../core/k8s/types';
import { silentLogger } from '../core/log';
import { EXEC_OFF, execChecksOf, type ExecFacts } from '../core/runbook/catalog/exec';
import type { Runbook } from '../core/runbook/types';
import { one, type parseArgs } from './args';

export async function cliExecFacts(
  runbook: Runbook,
  args: ReturnType<typeof parseArgs>,
  state: ClusterState,
): Promise<ExecFacts | undefined> {
  const checks = execChecksOf(runbook);
  // Without the runbook's consent the evaluation says so itself.
  if (checks.length === 0 || !runbook.allowExec) return undefined;
  if (one(args, 'snapshot')) return { results: new Map(), off: EXEC_OFF.snapshot };
  if (!args.flags.has('allow-exec')) return { results: new Map(), off: EXEC_OFF.cli };
  const source = loadKubeconfig(kubeconfigPaths(one(args, 'kubeconfig')));
  const context = one(args, 'context') ?? source.kc.getCurrentContext();
  const rest = new KubeRest(forContext(source, context), silentLogger);
  return { results: await runExecChecks(rest, checks, state) };
}
