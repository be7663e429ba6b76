import * as vscode from 'vscode';
import { Commands, Views } from '../../constants';
import type { Services } from '../services';
import { DisposableStore } from '../../adapters/vscode/disposables';

/** Foundation shell of the Clusters view: the welcome content shows until a source is chosen. */
export function registerClusters({ log, context }: Services): vscode.Disposable {
  const store = new DisposableStore();
  const changed = store.add(new vscode.EventEmitter<void>());
  const provider: vscode.TreeDataProvider<string> = {
    onDidChangeTreeData: changed.event,
    getChildren: () => {
      const source = context.globalState.get<string>('shipshape.source');
      return source ? [source] : [];
    },
    getTreeItem: (label) => new vscode.TreeItem(label),
  };
  store.add(
    vscode.window.createTreeView(Views.clusters, { treeDataProvider: provider, showCollapseAll: true }),
  );
  const pick = async (title: string, filters?: Record<string, string[]>) => {
    const uris = await vscode.window.showOpenDialog({
      title,
      canSelectMany: false,
      ...(filters ? { filters } : {}),
    });
    const uri = uris?.[0];
    if (!uri) return;
    await context.globalState.update('shipshape.source', uri.fsPath);
    log.info(`source selected: ${uri.fsPath}`);
    changed.fire();
  };
  store.add(vscode.commands.registerCommand(Commands.openKubeconfig, () => pick('Open kubeconfig')));
  store.add(
    vscode.commands.registerCommand(Commands.openSnapshot, () =>
      pick('Open cluster snapshot', { JSON: ['json'] }),
    ),
  );
  store.add(vscode.commands.registerCommand(Commands.refresh, () => changed.fire()));
  store.add(
    vscode.commands.registerCommand(Commands.startDemoCluster, () =>
      vscode.window.showInformationMessage(
        'Run `npm run demo` in the Shipshape repository to start the demo cluster.',
      ),
    ),
  );
  return store;
}
