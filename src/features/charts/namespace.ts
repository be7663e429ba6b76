import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { ClusterSources } from '../../services/clusters/sources';
import { renderNamespace } from '../../services/charts/service';

/**
 * "Set Render Namespace…": where a chart without an Argo CD Application is rendered. The
 * connected clusters' namespaces are offered when there are any; otherwise the name is typed.
 */
export function registerRenderNamespace(clusters: ClusterSources | undefined): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.setRenderNamespace, async () => {
    const current = renderNamespace();
    const known = new Set<string>();
    for (const source of clusters?.list() ?? []) {
      if (source.kind !== 'context' || !source.connection) continue;
      for (const ns of clusters?.clusterState(source)?.namespaces ?? []) {
        const name = (ns as { metadata?: { name?: unknown } }).metadata?.name;
        if (typeof name === 'string') known.add(name);
      }
    }
    let picked: string | undefined;
    if (known.size > 0) {
      const typed = '$(edit) Type another namespace…';
      const items = [...known].sort().map((label) => ({
        label,
        ...(label === current ? { description: 'current' } : {}),
      }));
      const choice = await vscode.window.showQuickPick([...items, { label: typed }], {
        title: 'Render charts without an Argo CD Application in namespace…',
        placeHolder: current,
      });
      if (!choice) return;
      picked = choice.label === typed ? await ask(current) : choice.label;
    } else picked = await ask(current);
    if (picked === undefined || picked === current) return;
    const target = vscode.workspace.workspaceFolders
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('shipshape').update('charts.namespace', picked, target);
  });
}

function ask(current: string): Thenable<string | undefined> {
  return vscode.window
    .showInputBox({
      title: 'Render charts without an Argo CD Application in namespace',
      value: current,
      // A namespace name is a DNS label: what `helm template --namespace` would accept for a real install.
      validateInput: (v) =>
        /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v.trim())
          ? undefined
          : 'A namespace name: lower-case letters, digits and "-", at most 63 characters',
    })
    .then((v) => v?.trim());
}
