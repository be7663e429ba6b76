import * as vscode from 'vscode';
import type { ObjectRef } from '../../adapters/k8s/actions';
import { objectsOf } from '../../core/manifest/objects';
import { parseManifestFile } from '../../core/yaml/parse';
import { MANIFEST_EXCLUDE, MANIFEST_GLOB } from '../analysis/workspace-index';

/** Opens the workspace manifest that defines a live object (same kind and name; namespace if set). */
export async function openManifest(ref: ObjectRef): Promise<void> {
  const uris = await vscode.workspace.findFiles(MANIFEST_GLOB, MANIFEST_EXCLUDE, 5000);
  const matches: { uri: vscode.Uri; offset: number; exact: boolean }[] = [];
  for (const uri of uris) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    if (!text.includes(ref.name)) continue;
    for (const object of objectsOf(parseManifestFile(text))) {
      const id = object.identity;
      if (id.kind !== ref.kind || id.name !== ref.name) continue;
      if (id.namespace && ref.namespace && id.namespace !== ref.namespace) continue;
      matches.push({ uri, offset: object.node.range?.[0] ?? 0, exact: id.namespace === ref.namespace });
    }
  }
  matches.sort((a, b) => Number(b.exact) - Number(a.exact));
  const pick =
    matches.length > 1
      ? (
          await vscode.window.showQuickPick(
            matches.map((m) => ({ label: vscode.workspace.asRelativePath(m.uri), match: m })),
            { title: `Manifests defining ${ref.kind} ${ref.name}` },
          )
        )?.match
      : matches[0];
  if (!pick) {
    if (matches.length === 0)
      void vscode.window.showInformationMessage(
        `Shipshape: no manifest in this workspace defines ${ref.kind} ${ref.name}.`,
      );
    return;
  }
  const document = await vscode.workspace.openTextDocument(pick.uri);
  const position = document.positionAt(pick.offset);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
}
