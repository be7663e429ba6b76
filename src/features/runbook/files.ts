import * as vscode from 'vscode';
import { RUNBOOK_GLOB } from '../../core/analysis/path-policy';

/** Where a runbook comes from: a workspace file or the one Shipshape ships with. */
export interface RunbookFile {
  readonly uri: vscode.Uri;
  readonly label: string;
  readonly builtIn: boolean;
}

const SELECTED_KEY = 'shipshape.runbook.selected';
const BUILT_IN_NAME = 'stabilisation.runbook.yaml';

export function builtInRunbook(extensionUri: vscode.Uri): RunbookFile {
  return {
    uri: vscode.Uri.joinPath(extensionUri, 'runbooks', BUILT_IN_NAME),
    label: 'Built-in stabilisation runbook',
    builtIn: true,
  };
}

function workspaceFile(uri: vscode.Uri): RunbookFile {
  return { uri, label: vscode.workspace.asRelativePath(uri), builtIn: false };
}

export async function workspaceRunbooks(): Promise<RunbookFile[]> {
  const uris = await vscode.workspace.findFiles(RUNBOOK_GLOB, '**/node_modules/**', 50);
  return uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath)).map(workspaceFile);
}

/**
 * The runbook to show: the one the user picked in this workspace if it still exists, else the
 * first `*.runbook.yaml` in the workspace, else the built-in one. Picking is per workspace so a
 * team's repository brings its own runbook without any setting.
 */
export async function selectedRunbook(state: vscode.Memento, extensionUri: vscode.Uri): Promise<RunbookFile> {
  const found = await workspaceRunbooks();
  const picked = state.get<string>(SELECTED_KEY);
  if (picked === 'builtin') return builtInRunbook(extensionUri);
  return found.find((f) => f.uri.toString() === picked) ?? found[0] ?? builtInRunbook(extensionUri);
}

export async function pickRunbook(state: vscode.Memento, extensionUri: vscode.Uri): Promise<boolean> {
  const files = [...(await workspaceRunbooks()), builtInRunbook(extensionUri)];
  const choice = await vscode.window.showQuickPick(
    files.map((f) => ({
      label: f.label,
      description: f.builtIn ? 'ships with Shipshape' : '',
      file: f,
    })),
    {
      title: 'Show which runbook?',
      placeHolder: 'Workspace files named *.runbook.yaml, or the built-in one',
    },
  );
  if (!choice) return false;
  await state.update(SELECTED_KEY, choice.file.builtIn ? 'builtin' : choice.file.uri.toString());
  return true;
}

/** The text to evaluate: the open editor's (unsaved edits count), else the file on disk. */
export async function readRunbook(file: RunbookFile): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.uri.toString());
  if (open) return open.getText();
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(file.uri));
}

/**
 * Copies the built-in runbook into the workspace so a team can edit it (and commit it). Never
 * overwrites: an existing file is opened instead.
 */
export async function copyBuiltIn(
  state: vscode.Memento,
  extensionUri: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Open a folder first: the runbook copy is saved in it.');
    return undefined;
  }
  const target = vscode.Uri.joinPath(folder.uri, BUILT_IN_NAME);
  let exists = true;
  try {
    await vscode.workspace.fs.stat(target);
  } catch {
    exists = false;
  }
  if (!exists) await vscode.workspace.fs.copy(builtInRunbook(extensionUri).uri, target);
  else
    void vscode.window.showInformationMessage(`${BUILT_IN_NAME} already exists in the workspace: opened it.`);
  await state.update(SELECTED_KEY, target.toString());
  await vscode.window.showTextDocument(target, { preview: false });
  return target;
}
