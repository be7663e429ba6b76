import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCluster, type RunningCluster } from '../../scenarios/cli';
import { startCodeServer, type CodeServer } from './code-server';
import { renderToolSettings, repoRoot } from './paths';
import { freePort } from './process';
import { execFileSync } from 'node:child_process';

const log = (line: string) => process.stderr.write(`[demo] ${line}\n`);

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function portToUse(): Promise<number> {
  const wanted = Number(option('--port') ?? 8080);
  // 8080 unless it is taken: a stable address is easier to bookmark than a random one.
  const { createServer } = await import('node:net');
  const free = await new Promise<boolean>((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(wanted, '127.0.0.1', () => server.close(() => done(true)));
  });
  return free ? wanted : freePort();
}

async function main(): Promise<void> {
  const snapshot = option('--snapshot');
  if (snapshot && !existsSync(snapshot)) throw new Error(`no such snapshot: ${snapshot}`);
  const state = join(repoRoot, '.shipshape', 'demo');
  mkdirSync(state, { recursive: true });

  log('packaging the extension (.vsix)…');
  const vsix = join(state, 'shipshape.vsix');
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), vsix], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  // A fresh copy of the platform's manifests each run: the demo edits them.
  const workspace = join(state, 'workspace');
  rmSync(workspace, { recursive: true, force: true });
  cpSync(join(repoRoot, 'demo', 'workspace'), workspace, { recursive: true });
  const runbook = join(repoRoot, 'runbooks', 'stabilisation.runbook.yaml');
  if (existsSync(runbook)) cpSync(runbook, join(workspace, 'stabilisation.runbook.yaml'));

  let cluster: RunningCluster | undefined;
  const env: Record<string, string> = {};
  if (snapshot) {
    env['SHIPSHAPE_DEMO_SNAPSHOT'] = resolve(snapshot);
    env['KUBECONFIG'] = join(state, 'no-kubeconfig');
  } else {
    cluster = await runCluster({
      scenario: 'seeds',
      kubeconfig: join(state, 'kubeconfig'),
      metricsServer: true,
      log: (l) => log(l),
    });
    env['KUBECONFIG'] = cluster.kubeconfig;
    env['SHIPSHAPE_DEMO_KUBECONFIG'] = cluster.kubeconfig;
  }

  log('starting VS Code (code-server)…');
  const port = await portToUse();
  let server: CodeServer | undefined;
  try {
    server = await startCodeServer({
      port,
      env,
      logFile: join(state, 'code-server.log'),
      settings: renderToolSettings(),
    });
    server.install(vsix);
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
  const url = server.url(workspace);
  process.stdout.write(
    [
      '',
      'Shipshape demo is running.',
      '',
      `  Open:   ${url}`,
      `  ${snapshot ? `Snapshot: ${snapshot} (read-only)` : `Cluster:  kube-apiserver v1.36.3, kubeconfig ${cluster?.kubeconfig ?? ''}`}`,
      '  Stop:   Ctrl-C',
      '',
      'Try: the Shipshape icon in the activity bar (Clusters, Problems, Runbook); open',
      'data-platform/trino.yaml for the Harden and Fix lenses; right-click redis in the tree → Scale….',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    void Promise.allSettled([server?.stop(), cluster?.stop()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`[demo] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
