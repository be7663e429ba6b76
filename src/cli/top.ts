import { forContext, kubeconfigPaths, loadKubeconfig } from '../adapters/k8s/kubeconfig';
import { readNodeMetrics, readPodMetrics } from '../adapters/k8s/metrics';
import { KubeRest } from '../adapters/k8s/rest';
import type { Node, Pod } from '../core/k8s/types';
import { silentLogger } from '../core/log';
import { nodeUsage, podUsage } from '../core/usage/model';
import { nodesTable, podsTable, topNodeRows, topRows, type SortBy } from '../core/usage/top';
import { one, parseArgs, UsageError } from './args';

export const TOP_USAGE = `usage: shipshape top [--kubeconfig FILE] [--context NAME] [--namespace NS] [--containers]
                     [--sort memory|cpu] [--format text|json]

CPU and memory in use per pod (per container with --containers), from metrics.k8s.io as
\`kubectl top\` reads it, with each pod's limits and the share of its memory limit in use; the
busiest first (memory, or --sort cpu). Without --namespace it covers every namespace and the
nodes too. Needs metrics-server in the cluster: without it, says so and exits 1. Exit code 0;
1 when usage cannot be read; 2 on usage errors.`;

export async function top(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const args = parseArgs(argv, {
    values: ['kubeconfig', 'context', 'namespace', 'sort', 'format'],
    flags: ['containers', 'help'],
  });
  if (args.flags.has('help')) {
    out(`${TOP_USAGE}\n`);
    return 0;
  }
  const format = one(args, 'format', ['text', 'json']) ?? 'text';
  const sortBy = (one(args, 'sort', ['memory', 'cpu']) ?? 'memory') as SortBy;
  const namespace = one(args, 'namespace');
  const source = loadKubeconfig(kubeconfigPaths(one(args, 'kubeconfig')));
  const context = one(args, 'context') ?? source.kc.getCurrentContext();
  if (!source.kc.getContextObject(context))
    throw new UsageError(`no context "${context}" in ${source.paths.join(', ')}`);
  const rest = new KubeRest(forContext(source, context), silentLogger);
  try {
    const metrics = await readPodMetrics(rest, namespace);
    if (!metrics.available) {
      if (format === 'json')
        out(`${JSON.stringify({ context, available: false, reason: metrics.reason }, null, 2)}\n`);
      err(`shipshape top: ${context}: ${metrics.reason}\n`);
      return 1;
    }
    const podsPath = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods` : '/api/v1/pods';
    const pods = (await rest.request<{ items?: Pod[] }>('GET', podsPath, { what: 'list pods' }))?.items ?? [];
    const byKey = new Map(pods.map((p) => [`${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`, p]));
    const usage = metrics.items.map((m) =>
      podUsage(m, byKey.get(`${m.metadata?.namespace ?? ''}/${m.metadata?.name ?? ''}`)),
    );
    const rows = topRows(usage, { containers: args.flags.has('containers'), sortBy });
    let nodeRows: ReturnType<typeof topNodeRows> | undefined;
    if (!namespace) {
      const nodeMetrics = await readNodeMetrics(rest);
      const nodes = (await rest.request<{ items?: Node[] }>('GET', '/api/v1/nodes', { what: 'list nodes' }))
        ?.items;
      if (nodeMetrics.available)
        nodeRows = topNodeRows(
          nodeMetrics.items.map((m) =>
            nodeUsage(
              m,
              nodes?.find((n) => n.metadata?.name === m.metadata?.name),
              pods,
            ),
          ),
        );
    }
    if (format === 'json') {
      out(
        `${JSON.stringify({ context, available: true, pods: rows, ...(nodeRows ? { nodes: nodeRows } : {}) }, null, 2)}\n`,
      );
    } else {
      out(rows.length > 0 ? podsTable(rows) : `No pod usage${namespace ? ` in ${namespace}` : ''} yet.\n`);
      if (nodeRows && nodeRows.length > 0) out(`\n${nodesTable(nodeRows)}`);
    }
    return 0;
  } catch (error) {
    err(`shipshape top: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    rest.dispose();
  }
}
