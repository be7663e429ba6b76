import * as vscode from 'vscode';
import { expandDefaults, snippetById } from '../../core/runbook/snippets';

/**
 * Inserts a runbook snippet with its tab stops into the YAML editor the operator last used
 * (the webview has focus when the button is clicked), or into a new YAML document.
 */
export async function insertSnippet(id: string, lastEditor: vscode.TextEditor | undefined): Promise<void> {
  const snippet = snippetById(id);
  if (!snippet) return;
  const visible =
    lastEditor && vscode.window.visibleTextEditors.includes(lastEditor) ? lastEditor : undefined;
  const editor =
    visible ??
    (await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument({ language: 'yaml', content: '' }),
    ));
  const separate =
    snippet.fullDocument && editor.document.getText().trim() !== '' && !atDocumentStart(editor);
  const prefix = separate ? (editor.selection.active.character > 0 ? '\n---\n' : '---\n') : '';
  const body = new vscode.SnippetString(prefix + snippet.body);
  await vscode.window.showTextDocument(editor.document, editor.viewColumn);
  await editor.insertSnippet(body);
}

/** A full object pasted mid-file needs its own YAML document. */
function atDocumentStart(editor: vscode.TextEditor): boolean {
  const line = editor.selection.active.line;
  if (line === 0) return true;
  return /^---\s*$/.test(editor.document.lineAt(line - 1).text) && editor.selection.active.character === 0;
}

export async function copySnippet(id: string): Promise<void> {
  const snippet = snippetById(id);
  if (!snippet) return;
  await vscode.env.clipboard.writeText(expandDefaults(snippet.body));
  vscode.window.setStatusBarMessage(`$(clippy) Copied snippet ${snippet.name}`, 3000);
}
