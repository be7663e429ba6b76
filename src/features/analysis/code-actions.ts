import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { DIAGNOSTIC_SOURCE, toWorkspaceEdit } from '../../adapters/vscode/convert';
import { fixEdits } from '../../core/fixes/apply';
import type { FileAnalysis } from '../../core/analysis/file-analysis';
import type { Finding } from '../../core/rules/types';
import { planFixes, workspaceEditOf } from './edits';
import type { AnalysisService } from '../../services/analysis/service';

const FIX_ALL = vscode.CodeActionKind.SourceFixAll.append('shipshape');

/**
 * An action whose edit is computed only when the user picks it (or VS Code applies it on save):
 * the lightbulb asks for actions on every cursor move, and a fix's edits cost a parse each.
 */
class LazyAction extends vscode.CodeAction {
  constructor(
    title: string,
    kind: vscode.CodeActionKind,
    readonly compute: () => vscode.WorkspaceEdit | undefined,
  ) {
    super(title, kind);
  }
}

/** Quick fixes per finding, "disable for this line", fix-all for the file and workspace hardening. */
export class ManifestCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL, vscode.CodeActionKind.RefactorRewrite];

  constructor(private readonly service: AnalysisService) {}

  resolveCodeAction(action: vscode.CodeAction): vscode.CodeAction {
    if (!(action instanceof LazyAction) || action.edit) return action;
    const edit = action.compute();
    if (edit) action.edit = edit;
    return action;
  }

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const analysis = this.service.analyse(document);
    if (!analysis) return [];
    const only = context.only;
    if (only && FIX_ALL.contains(only)) return this.fixAll(document, analysis);
    const actions: vscode.CodeAction[] = [];
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    for (const diagnostic of ours) {
      const rule = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : undefined;
      const finding = analysis.findings.find(
        (f) =>
          f.rule === rule &&
          document.positionAt(f.start).isEqual(diagnostic.range.start) &&
          f.message === diagnostic.message,
      );
      if (!finding) continue;
      if (finding.fix) {
        const action = this.quickFix(document, finding, diagnostic);
        if (action) actions.push(action);
      }
      actions.push(this.suppress(document, finding, diagnostic));
    }
    if (ours.some((d) => analysis.findings.some((f) => f.fix?.class === 'auto' && f.message === d.message)))
      actions.push(...this.fixAll(document, analysis));
    if (
      analysis.findings.some(
        (f) => f.fix?.class === 'harden' && document.positionAt(f.start).line === range.start.line,
      )
    ) {
      const harden = new vscode.CodeAction(
        'Harden all workloads in the workspace…',
        vscode.CodeActionKind.RefactorRewrite,
      );
      harden.command = { title: harden.title, command: Commands.hardenWorkspace };
      actions.push(harden);
    }
    return actions;
  }

  private quickFix(
    document: vscode.TextDocument,
    finding: Finding,
    diagnostic: vscode.Diagnostic,
  ): vscode.CodeAction | undefined {
    const fix = finding.fix;
    const behavioural = fix?.class === 'harden' || fix?.class === 'scaffold';
    const version = document.version;
    const action = new LazyAction(fix?.title ?? 'Fix', vscode.CodeActionKind.QuickFix, () => {
      // Offsets are of the version the lightbulb saw: after an edit, the same finding is found again.
      const current =
        document.version === version
          ? finding
          : this.service
              .analyse(document)
              ?.findings.find(
                (f) =>
                  f.rule === finding.rule &&
                  f.message === finding.message &&
                  f.object.name === finding.object.name,
              );
      const edits = current && fixEdits(document.getText(), current, this.service.optionsFor(document));
      if (!edits)
        void vscode.window.showInformationMessage('Shipshape: nothing to fix: the problem is already gone.');
      return edits
        ? toWorkspaceEdit(
            document.uri,
            document,
            edits,
            `Shipshape: ${finding.rule}`,
            behavioural && this.service.settings.previewFixes,
          )
        : undefined;
    });
    action.diagnostics = [diagnostic];
    action.isPreferred = fix?.class === 'auto';
    return action;
  }

  private suppress(
    document: vscode.TextDocument,
    finding: Finding,
    diagnostic: vscode.Diagnostic,
  ): vscode.CodeAction {
    const line = document.lineAt(document.positionAt(finding.start).line);
    const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex).replace(/- $/, '  ');
    const action = new vscode.CodeAction(
      `Disable ${finding.rule} for this line`,
      vscode.CodeActionKind.QuickFix,
    );
    action.diagnostics = [diagnostic];
    const edit = new vscode.WorkspaceEdit();
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    edit.insert(
      document.uri,
      line.range.start,
      `${indent}# shipshape-disable-next-line ${finding.rule}${eol}`,
    );
    action.edit = edit;
    return action;
  }

  /** The count is of the findings; the plan (parse → fix → parse until stable) waits for a pick. */
  private fixAll(document: vscode.TextDocument, analysis: FileAnalysis): vscode.CodeAction[] {
    const count = analysis.findings.filter((f) => f.fix?.class === 'auto').length;
    if (count === 0) return [];
    const title = `Fix all safe Shipshape problems (${count})`;
    const plan = () => {
      const planned = planFixes(this.service, document, { classes: ['auto'] });
      return planned ? workspaceEditOf(planned) : undefined;
    };
    return [
      new LazyAction(title, FIX_ALL, plan),
      new LazyAction(title, vscode.CodeActionKind.QuickFix, plan),
    ];
  }
}
