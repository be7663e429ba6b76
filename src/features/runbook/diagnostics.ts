import * as vscode from 'vscode';
import { parseRunbook } from '../../core/runbook/parse';

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
} as const;

export const isRunbookDocument = (doc: vscode.TextDocument): boolean =>
  /\.runbook\.ya?ml$/i.test(doc.uri.path);

/**
 * Squiggles in `*.runbook.yaml` files as you type: unknown check kinds (with the nearest valid
 * one), duplicate ids, snippets that do not exist. The JSON schema gives completion and hovers
 * through the YAML extension when it is installed; these diagnostics work without it.
 */
export function registerRunbookDiagnostics(onText: (doc: vscode.TextDocument) => void): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('shipshape-runbook');
  const timers = new Map<string, NodeJS.Timeout>();
  const check = (doc: vscode.TextDocument) => {
    if (!isRunbookDocument(doc)) return;
    const { diagnostics } = parseRunbook(doc.getText());
    collection.set(
      doc.uri,
      diagnostics.map((d) => {
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(doc.positionAt(d.start), doc.positionAt(Math.max(d.end, d.start))),
          d.message,
          SEVERITY[d.severity],
        );
        diagnostic.source = 'shipshape';
        return diagnostic;
      }),
    );
    onText(doc);
  };
  const later = (doc: vscode.TextDocument) => {
    if (!isRunbookDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        check(doc);
      }, 250),
    );
  };
  for (const doc of vscode.workspace.textDocuments) check(doc);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => later(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => collection.delete(doc.uri)),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
}
