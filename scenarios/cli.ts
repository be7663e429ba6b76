/**
 * `npm run cluster [-- --scenario seeds|large] [--kubeconfig PATH] [--no-simulator] [--no-metrics-server]`: the real
 * control plane with a scenario loaded, in the foreground. Prints one line
 * `ready: <absolute kubeconfig path>` when everything is loaded; Ctrl-C or SIGTERM stops it all.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { silentLogger } from '../src/core/log';
import { repoRoot } from '../scripts/harness/paths';
import { startTestCluster, type TestCluster } from '../scripts/harness/testcluster';
import { loadScenario } from './loader';
import { startSimulator, type Simulator } from './simulator';

export interface RunningCluster {
  readonly kubeconfig: string;
  readonly cluster: TestCluster;
  readonly simulator?: Simulator;
  stop(): Promise<void>;
}

export async function runCluster(options: {
  scenario: 'seeds' | 'large';
  kubeconfig?: string;
  simulator?: boolean;
  /** The real metrics-server beside it, so usage (metrics.k8s.io) answers as in a real cluster. */
  metricsServer?: boolean;
  log?: (line: string) => void;
}): Promise<RunningCluster> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const kubeconfig = resolve(options.kubeconfig ?? join(repoRoot, '.shipshape', 'cluster', 'kubeconfig'));
  mkdirSync(dirname(kubeconfig), { recursive: true });
  log(
    `starting kube-apiserver v1.36.3 with embedded etcd${options.metricsServer ? ' and metrics-server' : ''}…`,
  );
  const cluster = await startTestCluster({
    kubeconfig,
    logFile: join(dirname(kubeconfig), 'apiserver.log'),
    ...(options.metricsServer ? { metricsServer: true } : {}),
  });
  try {
    log(`loading the ${options.scenario} scenario…`);
    const loaded = await loadScenario(kubeconfig, options.scenario);
    log(
      `loaded ${loaded.objects} objects (${loaded.writes} API writes with statuses) in ${(loaded.ms / 1000).toFixed(1)} s`,
    );
    // The simulator's warnings reach the terminal; its debug chatter does not.
    const logger = { ...silentLogger, warn: log, error: (e: string | Error) => log(String(e)) };
    const simulator = options.simulator === false ? undefined : startSimulator(kubeconfig, logger);
    await simulator?.settled();
    return {
      kubeconfig,
      cluster,
      ...(simulator ? { simulator } : {}),
      async stop() {
        await simulator?.stop();
        await cluster.stop();
      },
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const scenario = value('--scenario') ?? 'seeds';
  if (scenario !== 'seeds' && scenario !== 'large') {
    process.stderr.write(`unknown scenario "${scenario}" (seeds or large)\n`);
    process.exit(2);
  }
  const kubeconfig = value('--kubeconfig');
  const state: { running?: RunningCluster } = {};
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('stopping…\n');
    // While loading there is nothing to wind down: exiting takes the control plane with us (its
    // process group is killed on exit, and it stops when its stdin closes).
    if (!state.running) process.exit(130);
    void state.running.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Our parent (npm run, a supervisor) gone means nobody will ever send us a signal.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
  const running = await runCluster({
    scenario,
    simulator: !args.includes('--no-simulator'),
    metricsServer: !args.includes('--no-metrics-server'),
    ...(kubeconfig ? { kubeconfig } : {}),
  });
  state.running = running;
  process.stdout.write(`ready: ${running.kubeconfig}\n`);
}

if (process.argv[1]?.endsWith('cli.ts')) {
  main().catch((error: unknown) => {
    process.stderr.write(`cluster: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
