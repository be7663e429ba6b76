import * as vscode from 'vscode';
import { Commands, Views } from '../../constants';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { webviewHtml, webviewOptions } from '../../adapters/vscode/webview';
import { isHostBound, type HostBound, type WebviewBound } from '../../protocol/runbook';
import type { Services } from '../../services/container';
import { RunbookController } from './controller';
import { registerRunbookDiagnostics } from './diagnostics';
import { RUNBOOK_GLOB } from '../../core/analysis/path-policy';
import { copyBuiltIn, pickRunbook } from './files';
import { copySnippet, insertSnippet } from './snippets';

/** The Runbook view: a phase checklist evaluated live against the cluster, with ready snippets. */
export function registerRunbook({ context, log, clusters, health }: Services): vscode.Disposable {
  const store = new DisposableStore();
  const controller = store.add(
    new RunbookController(context.workspaceState, context.extensionUri, clusters, health, log),
  );
  let lastEditor = vscode.window.activeTextEditor;
  store.add(
    vscode.window.onDidChangeActiveTextEditor((e) => {
      if (e) lastEditor = e;
    }),
  );
  store.add(registerRunbookDiagnostics((doc) => controller.takeText(doc.uri, doc.getText())));
  const watcher = store.add(vscode.workspace.createFileSystemWatcher(RUNBOOK_GLOB));
  for (const event of [watcher.onDidCreate, watcher.onDidDelete, watcher.onDidChange])
    store.add(event(() => void controller.reload()));

  const openRunbook = async () => {
    const file = controller.current;
    if (!file) return;
    await vscode.window.showTextDocument(file.uri, { preview: false });
    if (file.builtIn)
      void vscode.window
        .showInformationMessage(
          'This is the runbook Shipshape ships with. Copy it into the workspace to adapt it to your platform.',
          'Copy to workspace',
        )
        .then((choice) => (choice ? copyBuiltIn(context.workspaceState, context.extensionUri) : undefined));
  };

  const handle = async (message: HostBound, view: vscode.WebviewView): Promise<void> => {
    switch (message.type) {
      case 'ready':
        await controller.reload();
        return;
      case 'refresh':
        await controller.reload();
        return;
      case 'toggle':
        await controller.toggle(message.item, message.done);
        return;
      case 'insertSnippet':
        await insertSnippet(message.snippet, lastEditor);
        return;
      case 'copySnippet':
        await copySnippet(message.snippet);
        return;
      case 'reveal': {
        const source = controller.source();
        if (!source) return;
        await vscode.commands.executeCommand(`${Views.clusters}.focus`);
        // Named field by field: nothing from the webview may override the source.
        const { kind, name, namespace } = message.ref;
        await vscode.commands.executeCommand(Commands.revealObject, {
          kind,
          name,
          ...(namespace === undefined ? {} : { namespace }),
          source: source.id,
        });
        view.show(true);
        return;
      }
      case 'openRunbook':
        await openRunbook();
        return;
      case 'copyBuiltIn':
        await copyBuiltIn(context.workspaceState, context.extensionUri);
        await controller.reload();
        return;
    }
  };

  const provider: vscode.WebviewViewProvider = {
    resolveWebviewView(view) {
      view.webview.options = webviewOptions(context.extensionUri);
      view.webview.html = webviewHtml(view.webview, context.extensionUri, {
        title: 'Runbook',
        script: 'runbook.js',
        style: 'runbook.css',
      });
      controller.visible = view.visible;
      const post = (message: WebviewBound) => void view.webview.postMessage(message);
      const subscriptions = [
        controller.onDidChangeState((state) => post({ type: 'state', state })),
        view.onDidChangeVisibility(() => {
          controller.visible = view.visible;
          controller.schedule(0);
        }),
        view.webview.onDidReceiveMessage((message: unknown) => {
          if (!isHostBound(message)) {
            log.warn('runbook view: ignored a malformed message');
            return;
          }
          handle(message, view).catch((error: unknown) => {
            log.error(`runbook view: ${message.type} failed: ${String(error)}`);
            void vscode.window.showErrorMessage(`Shipshape: ${String(error)}`);
          });
        }),
      ];
      view.onDidDispose(() => {
        controller.visible = false;
        for (const s of subscriptions) s.dispose();
      });
    },
  };
  store.add(
    vscode.window.registerWebviewViewProvider(Views.runbook, provider, {
      webviewOptions: { retainContextWhenHidden: false },
    }),
  );
  for (const registration of [
    vscode.commands.registerCommand(Commands.pickRunbook, async () => {
      if (await pickRunbook(context.workspaceState, context.extensionUri)) await controller.reload();
    }),
    vscode.commands.registerCommand(Commands.pickRunbookSource, () => controller.pickSource()),
    vscode.commands.registerCommand(Commands.openRunbook, openRunbook),
    vscode.commands.registerCommand(Commands.copyBuiltInRunbook, async () => {
      await copyBuiltIn(context.workspaceState, context.extensionUri);
      await controller.reload();
    }),
    vscode.commands.registerCommand(Commands.refreshRunbook, () => controller.reload()),
  ])
    store.add(registration);
  return store;
}
