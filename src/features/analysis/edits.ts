import * as vscode from 'vscode';
import { toWorkspaceEdit } from '../../adapters/vscode/convert';
import { applyFixes, type FixSelection } from '../../core/fixes/apply';
import type { AnalysisService } from './service';

export interface PlannedEdit {
  readonly document: vscode.TextDocument;
  readonly edit: vscode.WorkspaceEdit;
  readonly count: number;
  readonly rules: readonly string[];
}

/** Computes (does not apply) the fixes a selection makes in one document. */
export function planFixes(
  service: AnalysisService,
  document: vscode.TextDocument,
  selection: FixSelection,
  label: string,
  needsConfirmation: boolean,
): PlannedEdit | undefined {
  const result = applyFixes(document.getText(), selection, service.optionsFor(document));
  if (result.edits.length === 0) return undefined;
  return {
    document,
    edit: toWorkspaceEdit(document.uri, document, result.edits, label, needsConfirmation),
    count: result.applied.length,
    rules: [...new Set(result.applied.map((f) => f.rule))],
  };
}

/**
 * Applies an edit; when it changes behaviour (harden, scaffolds) VS Code's refactor preview opens
 * first so the user sees every line before anything is written. Undo works either way.
 */
export async function applyEdit(edit: vscode.WorkspaceEdit, preview: boolean): Promise<boolean> {
  return vscode.workspace.applyEdit(edit, { isRefactoring: preview });
}

export function mergeEdits(plans: readonly PlannedEdit[]): vscode.WorkspaceEdit {
  const merged = new vscode.WorkspaceEdit();
  for (const plan of plans) {
    for (const [uri, edits] of plan.edit.entries()) {
      for (const e of edits)
        merged.replace(uri, e.range, e.newText, {
          label: `Shipshape: ${plan.rules.join(', ')}`,
          needsConfirmation: true,
        });
    }
  }
  return merged;
}
