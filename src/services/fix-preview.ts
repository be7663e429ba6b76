import * as vscode from 'vscode';
import { applyEdits, changedLineCount, type TextEdit } from '../core/edit/text-edit';
import { toWorkspaceEdit } from '../adapters/vscode/convert';

export const PREVIEW_SCHEME = 'shipshape-preview';

/**
 * Shows a behaviour-changing edit as a real diff (the file against what it would become) and
 * applies it only when the user says so. VS Code's refactor preview starts such edits unchecked,
 * which reads as "nothing will happen"; a diff plus an explicit Apply says exactly what will.
 */
export class FixPreview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private counter = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '';
  }

  async confirm(document: vscode.TextDocument, edits: readonly TextEdit[], title: string): Promise<boolean> {
    const id = String(++this.counter);
    this.texts.set(id, applyEdits(document.getText(), edits));
    const name = document.uri.path.split('/').pop() ?? 'manifest';
    const previewUri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name}`, query: id });
    const version = document.version;
    try {
      await vscode.commands.executeCommand(
        'vscode.diff',
        document.uri,
        previewUri,
        `${name} ↔ ${title} (preview)`,
        { preview: true },
      );
      const lines = changedLineCount(document.getText(), edits);
      const choice = await vscode.window.showInformationMessage(
        `Shipshape: ${title}? The diff shows the change (${lines} line${lines === 1 ? '' : 's'}).`,
        'Apply',
        'Discard',
      );
      await this.closeDiff(previewUri);
      if (choice !== 'Apply') return false;
      if (document.version !== version) {
        void vscode.window.showWarningMessage(
          'Shipshape: the file changed while the preview was open; run the fix again.',
        );
        return false;
      }
      const applied = await vscode.workspace.applyEdit(toWorkspaceEdit(document.uri, document, edits));
      if (applied) await vscode.window.showTextDocument(document, { preview: false });
      return applied;
    } finally {
      this.texts.delete(id);
    }
  }

  private async closeDiff(previewUri: vscode.Uri): Promise<void> {
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const input = tab.input;
        if (input instanceof vscode.TabInputTextDiff && input.modified.toString() === previewUri.toString())
          await vscode.window.tabGroups.close(tab);
      }
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
