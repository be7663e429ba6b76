import * as vscode from 'vscode';

/** The document a command acts on: the URI it was given (explorer, lens), else the active editor's. */
export async function documentFor(arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  if (typeof arg === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(arg));
  return vscode.window.activeTextEditor?.document;
}
