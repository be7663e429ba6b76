import { ClusterConnection } from '../adapters/k8s/connection';
import { KubeError } from '../adapters/k8s/errors';
import { forContext, kubeconfigPaths, loadKubeconfig } from '../adapters/k8s/kubeconfig';
import { readSnapshot } from '../adapters/k8s/snapshot';
import { formatPercent } from '../core/health/format';
import { summarise, type PlatformHealth } from '../core/health/summary';
import { latestTimestamp } from '../core/health/time';
import type { ClusterState } from '../core/k8s/types';
import { silentLogger } from '../core/log';
import { one, parseArgs, UsageError } from './args';

export const HEALTH_USAGE = `usage: shipshape health [--kubeconfig FILE] [--context NAME] [--snapshot FILE|DIR] [--format text|json]

Summarises a cluster's health from the same model as the explorer: totals, health % (healthy /
(total − completed)), per-namespace health and the problems ranked by severity, each with a next
step. Default: the current context of the standard kubeconfig. --snapshot reads \`kubectl get
… -A -o json\` output (or a folder of it) instead of a cluster. Exit code 0; 1 when the cluster
cannot be read; 2 on usage errors.`;

/** Loads a ClusterState from a snapshot or, once, from a live cluster (LIST through the informers). */
export async function loadState(
  args: ReturnType<typeof parseArgs>,
): Promise<{ state: ClusterState; source: string; now: number; missing: Set<keyof ClusterState> }> {
  const snapshot = one(args, 'snapshot');
  if (snapshot) {
    const state = readSnapshot(snapshot);
    return {
      state,
      source: `snapshot ${snapshot}`,
      now: latestTimestamp(state, Date.now()),
      missing: new Set(),
    };
  }
  const source = loadKubeconfig(kubeconfigPaths(one(args, 'kubeconfig')));
  const context = one(args, 'context') ?? source.kc.getCurrentContext();
  if (!source.kc.getContextObject(context))
    throw new UsageError(`no context "${context}" in ${source.paths.join(', ')}`);
  const connection = new ClusterConnection(forContext(source, context), context, silentLogger, {
    debounceMs: 0,
  });
  connection.start();
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const status = connection.status();
      if (status.state === 'ready' && !connection.loading(true)) break;
      if (status.state === 'failed' || (status.state === 'stale' && Date.now() > deadline - 25_000))
        throw status.error ?? new KubeError('other', `cannot read context ${context}`);
      if (Date.now() > deadline)
        throw new KubeError('timeout', `context ${context} did not answer within 30 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Lists we may not read (RBAC) or that do not exist (no Argo CD CRD): checks on them are unknown.
    return {
      state: connection.state(),
      source: `context ${context}`,
      now: Date.now(),
      missing: connection.missing(),
    };
  } finally {
    connection.dispose();
  }
}

export function healthJson(health: PlatformHealth): unknown {
  return {
    pods: health.pods,
    healthPercent: health.healthPercent === null ? null : Math.round(health.healthPercent * 10) / 10,
    runningPercent: health.runningPercent === null ? null : Math.round(health.runningPercent * 10) / 10,
    namespaces: health.namespaces.map((n) => ({
      name: n.name,
      total: n.counts.total,
      healthy: n.counts.healthy,
      healthPercent: n.healthPercent === null ? null : Math.round(n.healthPercent * 10) / 10,
      problems: n.problems,
    })),
    problems: health.problems.map((p) => ({
      namespace: p.namespace,
      ...(p.pod !== undefined ? { pod: p.pod } : {}),
      reason: p.reason,
      ...(p.container !== undefined ? { container: p.container } : {}),
      ...(p.restarts !== undefined ? { restarts: p.restarts } : {}),
      owner: p.owner,
      ...(p.message !== undefined ? { message: p.message } : {}),
      suggestion: p.suggestion,
      kind: p.kind,
      severity: p.severity,
    })),
  };
}

export function healthText(health: PlatformHealth, source: string): string {
  const lines = [
    `Shipshape health — ${source}`,
    `  ${formatPercent(health.healthPercent)} healthy (${health.pods.healthy} of ${health.pods.total - health.pods.succeeded} counted pods; ${health.pods.succeeded} completed) · running ${health.pods.running}/${health.pods.total} (${formatPercent(health.runningPercent)})`,
    `  health % = healthy / (total − completed); a crash-looping pod is Running but not healthy`,
    '',
    'Namespaces (worst first):',
    ...health.namespaces
      .filter((n) => n.counts.total > 0 || n.problems > 0)
      .map(
        (n) =>
          `  ${n.name.padEnd(24)} ${formatPercent(n.healthPercent).padStart(6)}  ${String(n.counts.healthy).padStart(4)}/${String(n.counts.total - n.counts.succeeded).padEnd(4)} ${n.problems > 0 ? `${n.problems} problem(s)` : ''}`,
      ),
    '',
    `Problems (${health.problems.length}, most urgent first):`,
    ...health.problems.map(
      (p) =>
        `  ${p.reason.padEnd(24)} ${`${p.namespace ? `${p.namespace}/` : ''}${p.pod ?? `${p.owner.kind.toLowerCase()}/${p.owner.name}`}`.padEnd(56)} → ${p.suggestion}`,
    ),
  ];
  return lines.join('\n');
}

export async function health(argv: readonly string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, { values: ['kubeconfig', 'context', 'snapshot', 'format'], flags: ['help'] });
  if (args.flags.has('help')) {
    out(`${HEALTH_USAGE}\n`);
    return 0;
  }
  const format = one(args, 'format', ['text', 'json']) ?? 'text';
  if (one(args, 'snapshot') && (one(args, 'context') || one(args, 'kubeconfig')))
    throw new UsageError('--snapshot reads a file: it cannot be combined with --kubeconfig or --context');
  try {
    const { state, source, now } = await loadState(args);
    const report = summarise(state, now);
    out(
      format === 'json'
        ? `${JSON.stringify(healthJson(report), null, 2)}\n`
        : `${healthText(report, source)}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(`shipshape health: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
