import * as vscode from 'vscode';
import { toWorkspaceEdit } from '../../adapters/vscode/convert';
import type { TextEdit } from '../../core/edit/text-edit';
import { applyFixes, type FixSelection } from '../../core/fixes/apply';
import type { AnalysisService } from '../../services/analysis/service';

export interface PlannedEdit {
  readonly document: vscode.TextDocument;
  readonly edits: readonly TextEdit[];
  readonly count: number;
  readonly rules: readonly string[];
}

/** Computes (does not apply) the fixes a selection makes in one document. */
export function planFixes(
  service: AnalysisService,
  document: vscode.TextDocument,
  selection: FixSelection,
): PlannedEdit | undefined {
  const result = applyFixes(document.getText(), selection, service.optionsFor(document));
  if (result.edits.length === 0) return undefined;
  return {
    document,
    edits: result.edits,
    count: result.applied.length,
    rules: [...new Set(result.applied.map((f) => f.rule))],
  };
}

export function workspaceEditOf(
  plan: PlannedEdit,
  label?: string,
  needsConfirmation = false,
): vscode.WorkspaceEdit {
  return toWorkspaceEdit(plan.document.uri, plan.document, plan.edits, label, needsConfirmation);
}

/** Several files in one edit for the refactor preview, where the user picks files to change. */
export function mergeEdits(plans: readonly PlannedEdit[]): vscode.WorkspaceEdit {
  const merged = new vscode.WorkspaceEdit();
  for (const plan of plans) {
    for (const [uri, edits] of workspaceEditOf(plan).entries()) {
      for (const e of edits)
        merged.replace(uri, e.range, e.newText, {
          label: `Shipshape: ${plan.rules.join(', ')}`,
          needsConfirmation: true,
        });
    }
  }
  return merged;
}
