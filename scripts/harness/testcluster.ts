import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTool } from './paths';
import { isAlive, spawnManaged, waitForLine, type Managed } from './process';

export interface TestCluster {
  readonly server: string;
  readonly kubeconfig: string;
  readonly pid: number;
  readonly process: Managed;
  /** Where container logs live: see `writeContainerLog` in scripts/harness/pod-logs.ts. */
  readonly podLogs: string;
  /** The metrics-server serving metrics.k8s.io, when asked for (`metricsServer`). */
  readonly metricsServer?: string;
  stop(): Promise<void>;
}

export interface TestClusterOptions {
  /** Extra users with no RBAC grants (context `<name>@testcluster`). */
  readonly users?: readonly string[];
  /** Users whose client certificate has already expired. */
  readonly expiredUsers?: readonly string[];
  /** Where to write the kubeconfig; default: inside a temporary folder removed on stop. */
  readonly kubeconfig?: string;
  readonly logFile?: string;
  /** Fixed port (to restart a server where clients expect it). */
  readonly port?: number;
  /** Keep etcd data here, so a restarted server has the same objects and resourceVersions. */
  readonly dataDir?: string;
  /** Certificates and kubeconfig here (reused across restarts when given). */
  readonly workDir?: string;
  /** Also run the real kube-scheduler: it binds every Pod without a nodeName. */
  readonly scheduler?: boolean;
  /**
   * Run the real metrics-server (built once per version, scripts/ensure-metrics-server.mjs)
   * beside the API server, registered as the v1beta1.metrics.k8s.io APIService; it scrapes the
   * simulated nodes' /metrics/resource every 10 s, so usage answers within about 20 s.
   */
  readonly metricsServer?: boolean;
}

/**
 * Starts the real kube-apiserver (with embedded etcd) on a free loopback port and waits for
 * /readyz. The child also watches its stdin, so it dies with us even if we are killed.
 */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const bin = ensureTool('ensure-testcluster.mjs');
  const work = options.workDir ?? mkdtempSync(join(tmpdir(), 'shipshape-cluster-'));
  // We own etcd's folder too: the child removes its own temporary folder only after a graceful
  // shutdown, and a SIGKILL after the stop timeout left ~125 MB of WAL per run in /tmp.
  const data = options.dataDir ?? mkdtempSync(join(tmpdir(), 'shipshape-etcd-'));
  const args = ['--exit-on-stdin-close', '--work-dir', work, '--data-dir', data];
  if (options.port) args.push('--port', String(options.port));
  if (options.kubeconfig) args.push('--kubeconfig', options.kubeconfig);
  if (options.scheduler) args.push('--scheduler');
  for (const user of options.users ?? []) args.push('--user', user);
  for (const user of options.expiredUsers ?? []) args.push('--expired-user', user);
  if (options.metricsServer) args.push('--metrics-server', ensureTool('ensure-metrics-server.mjs'));
  const managed = spawnManaged(bin, args, options.logFile ? { logFile: options.logFile } : {});
  const cleanup = async () => {
    await managed.stop();
    if (!options.workDir) rmSync(work, { recursive: true, force: true });
    if (!options.dataDir) rmSync(data, { recursive: true, force: true });
  };
  try {
    const ready = await waitForLine(
      managed,
      /pod-logs: (\S+)\n(?:metrics-server: (\S+)\n)?server: (\S+)\nkubeconfig: (\S+)\nready\n/,
      120_000,
      'testcluster',
    );
    const pid = managed.child.pid ?? -1;
    return {
      podLogs: ready[1] ?? '',
      ...(ready[2] ? { metricsServer: ready[2] } : {}),
      server: ready[3] ?? '',
      kubeconfig: ready[4] ?? '',
      pid,
      process: managed,
      async stop() {
        await cleanup();
        if (isAlive(pid)) throw new Error(`testcluster (pid ${pid}) outlived stop()`);
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
