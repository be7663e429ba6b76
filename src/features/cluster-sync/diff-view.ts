import * as vscode from 'vscode';
import type { Inspection } from '../../core/sync/inspection';

export const CLUSTER_DIFF_SCHEME = 'shipshape-cluster';

/** What a side says about an object that has no comparison (forbidden, invalid…), as a comment. */
const note = (i: Inspection) => `# ${i.state}: ${(i.message ?? '').replace(/\s*\n\s*/g, ' ')}\n`;

/**
 * The live objects against what a server-side apply would make of them, in VS Code's diff
 * editor: one object in a plain diff, several in the multi-diff editor (one collapsible section
 * per object, unchanged ones too, so nothing of the file is hidden). Both sides are read-only
 * virtual documents built from the dry run's answer.
 */
export class ClusterDiffView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private counter = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(
    CLUSTER_DIFF_SCHEME,
    this,
  );

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  private uri(id: string, side: 'live' | 'planned', name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: CLUSTER_DIFF_SCHEME, path: `/${side}/${name}.yaml`, query: id });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  async open(inspections: readonly Inspection[], fileName: string, contextName: string): Promise<void> {
    const id = String(++this.counter);
    // Older diffs are dropped: a long session must not keep every diff's text.
    for (const key of [...this.texts.keys()].slice(0, -200)) this.texts.delete(key);
    const pairs = inspections.map((i) => {
      const name = i.label.replace(/[/\\]/g, '_').replace(/\s+/g, ' ');
      const live = i.comparison ? i.comparison.live : note(i);
      const planned = i.comparison ? i.comparison.planned : note(i);
      return { i, left: this.uri(id, 'live', name, live), right: this.uri(id, 'planned', name, planned) };
    });
    const [only] = pairs;
    if (pairs.length === 1 && only) {
      const created = only.i.state === 'missing' ? ' (would be created)' : '';
      await vscode.commands.executeCommand(
        'vscode.diff',
        only.left,
        only.right,
        `${only.i.label}: ${contextName} ↔ after apply (dry run)${created}`,
        { preview: true },
      );
      return;
    }
    await vscode.commands.executeCommand(
      'vscode.changes',
      `${fileName}: ${contextName} ↔ after apply (dry run)`,
      pairs.map((p) => [p.right, p.left, p.right]),
    );
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
