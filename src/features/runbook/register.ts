import * as vscode from 'vscode';
import { Views } from '../../constants';
import { webviewHtml, webviewOptions } from '../../adapters/vscode/webview';
import { isHostBound, type ViewState } from '../../protocol/runbook';
import type { Services } from '../services';

export function registerRunbook({ context, log }: Services): vscode.Disposable {
  const provider: vscode.WebviewViewProvider = {
    resolveWebviewView(view) {
      view.webview.options = webviewOptions(context.extensionUri);
      view.webview.html = webviewHtml(view.webview, context.extensionUri, {
        title: 'Runbook',
        script: 'runbook.js',
        style: 'runbook.css',
      });
      view.webview.onDidReceiveMessage((message: unknown) => {
        if (!isHostBound(message)) {
          log.warn('runbook view: ignored a malformed message');
          return;
        }
        if (message.type === 'ready') {
          const state: ViewState = {
            title: 'Stabilisation runbook',
            notice: 'Open a cluster to evaluate the checks.',
          };
          void view.webview.postMessage({ type: 'state', state });
        }
      });
    },
  };
  return vscode.window.registerWebviewViewProvider(Views.runbook, provider);
}
