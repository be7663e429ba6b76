import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { Commands, Views } from '../../constants';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { redact } from '../../core/log';
import type { Services } from '../../services/container';
import { registerClusterCommands } from './commands';
import { LIVE_SCHEME, LiveDocuments } from './inspect';
import { ProblemsTree } from './problems';
import { formatPercent } from './render';
import { registerSignInPrompts } from './sign-in';
import { HealthStatusBar } from './status-bar';
import { ClustersTree } from './tree';
import { registerTopView } from './top-view';
import { ClusterUsage } from './usage';

/** The Clusters and Problems views, the status-bar health item, and every cluster action. */
export function registerClusters(services: Services): vscode.Disposable {
  const { context, log, clusters: sources, health: model, forwards } = services;
  const store = new DisposableStore();
  store.add(registerSignInPrompts(log));
  const usage = store.add(new ClusterUsage(sources, log));
  const tree = new ClustersTree(sources, model, usage, forwards);
  const problems = new ProblemsTree(sources, model, usage);
  const view = store.add(
    vscode.window.createTreeView(Views.clusters, { treeDataProvider: tree, showCollapseAll: true }),
  );
  store.add(tree.connectOnExpand(view));
  const problemsView = store.add(
    vscode.window.createTreeView(Views.problems, { treeDataProvider: problems }),
  );
  const statusBar = store.add(new HealthStatusBar(sources, model));
  store.add(
    vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, new LiveDocuments(sources, log)),
  );

  const update = () => {
    tree.refresh();
    problems.refresh();
    statusBar.update();
    const first = sources.list().find((s) => s.connection || s.snapshot);
    const health = first ? model.health(first) : undefined;
    view.description = health ? `${formatPercent(health.healthPercent)} healthy` : '';
    view.message = redact(sources.kubeconfigError?.message ?? '');
    const count = sources.list().reduce((n, s) => n + (model.health(s)?.problems.length ?? 0), 0);
    problemsView.badge = count > 0 ? { value: count, tooltip: `${count} problem(s)` } : undefined;
  };
  // Watch events arrive in bursts; the connection already debounces, this coalesces sources.
  let pending: NodeJS.Timeout | undefined;
  store.add(
    usage.onDidChange(() => {
      tree.refresh();
      problems.refresh();
    }),
  );
  store.add(forwards.onDidChange(() => tree.refresh()));
  store.add(
    sources.onDidChange(() => {
      usage.sourcesChanged();
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        update();
      }, 30);
    }),
  );
  store.add({ dispose: () => clearTimeout(pending) });
  // Ages ("3m ago") and stuck-Terminating verdicts move with the clock.
  const tick = setInterval(update, 30_000);
  store.add({ dispose: () => clearInterval(tick) });

  store.add(
    vscode.commands.registerCommand(Commands.openKubeconfig, async () => {
      const uris = await vscode.window.showOpenDialog({
        title: 'Open kubeconfig (Shipshape only reads it)',
        canSelectMany: false,
        openLabel: 'Use kubeconfig',
      });
      const uri = uris?.[0];
      if (uri) await sources.useKubeconfig(uri.fsPath);
    }),
  );
  store.add(
    vscode.commands.registerCommand(Commands.openSnapshot, async (arg?: vscode.Uri) => {
      const uri =
        arg ??
        (
          await vscode.window.showOpenDialog({
            title: 'Open cluster snapshot (kubectl get … -A -o json, or a folder of them)',
            canSelectFiles: true,
            canSelectFolders: true,
            canSelectMany: false,
            filters: { Snapshots: ['json', 'yaml', 'yml'] },
          })
        )?.[0];
      if (uri) await sources.addSnapshot(uri.fsPath);
    }),
  );
  store.add(
    vscode.commands.registerCommand(Commands.startDemoCluster, async () => {
      const live = process.env['SHIPSHAPE_DEMO_KUBECONFIG'];
      if (live && existsSync(live)) return sources.useKubeconfig(live);
      const snapshot = vscode.Uri.joinPath(context.extensionUri, 'demo', 'snapshot.json').fsPath;
      if (existsSync(snapshot)) {
        await sources.addSnapshot(snapshot);
        void vscode.window.showInformationMessage(
          'Shipshape: showing the demo platform as a read-only snapshot. The live demo (a real API server you can remediate) starts with `npm run demo` in the Shipshape repository.',
        );
        return undefined;
      }
      void vscode.window.showInformationMessage(
        'Shipshape: run `npm run demo` in the Shipshape repository to start the demo cluster.',
      );
      return undefined;
    }),
  );
  store.add(
    vscode.commands.registerCommand(Commands.refresh, (node?: { source?: { id: string } }) => {
      const targets = node?.source ? sources.list().filter((s) => s.id === node.source?.id) : sources.list();
      for (const s of targets) s.connection?.refresh();
      if (!node) sources.reload();
      update();
    }),
  );
  store.add(registerClusterCommands(sources, model, tree, view, log));
  store.add(registerTopView(usage, sources));
  void vscode.commands.executeCommand('setContext', 'shipshape.onlyProblems', false);
  sources.reload();
  return store;
}
