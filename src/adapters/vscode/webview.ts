import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A fresh nonce per render: the only thing allowed to run in our webviews is our own bundle. */
export function nonce(): string {
  return randomBytes(16).toString('base64');
}

export interface WebviewPage {
  readonly title: string;
  /** Bundle under dist/webview, e.g. `runbook.js`. */
  readonly script: string;
  /** Stylesheet under media/, e.g. `runbook.css`. */
  readonly style: string;
}

/**
 * The page shell. No data goes into this HTML: the script asks for state after it loads (the
 * "ready" handshake) and builds the DOM with textContent, so cluster strings can never become
 * markup. The CSP forbids inline script, eval, remote content and framing.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', page.script));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', page.style));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${n}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = page.title.replace(/[<>&"]/g, '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${title}</title>
</head>
<body>
<main id="root" aria-live="polite"></main>
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}
