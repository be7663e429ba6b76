import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { DIAGNOSTIC_SOURCE, toWorkspaceEdit } from '../../adapters/vscode/convert';
import { fixEdits } from '../../core/fixes/apply';
import type { Finding } from '../../core/rules/types';
import { planFixes, workspaceEditOf } from './edits';
import type { AnalysisService } from './service';

const FIX_ALL = vscode.CodeActionKind.SourceFixAll.append('shipshape');

/** Quick fixes per finding, "disable for this line", fix-all for the file and workspace hardening. */
export class ManifestCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL, vscode.CodeActionKind.RefactorRewrite];

  constructor(private readonly service: AnalysisService) {}

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const analysis = this.service.analyse(document);
    if (!analysis) return [];
    const only = context.only;
    if (only && FIX_ALL.contains(only)) return this.fixAll(document);
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
      actions.push(...this.fixAll(document));
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
    const edits = fixEdits(document.getText(), finding, this.service.optionsFor(document));
    if (!edits) return undefined;
    const fix = finding.fix;
    const behavioural = fix?.class === 'harden' || fix?.class === 'scaffold';
    const action = new vscode.CodeAction(fix?.title ?? 'Fix', vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    action.isPreferred = fix?.class === 'auto';
    action.edit = toWorkspaceEdit(
      document.uri,
      document,
      edits,
      `Shipshape: ${finding.rule}`,
      behavioural && this.service.settings.previewFixes,
    );
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

  private fixAll(document: vscode.TextDocument): vscode.CodeAction[] {
    const plan = planFixes(this.service, document, { classes: ['auto'] });
    if (!plan) return [];
    const action = new vscode.CodeAction(`Fix all safe Shipshape problems (${plan.count})`, FIX_ALL);
    action.edit = workspaceEditOf(plan);
    const quick = new vscode.CodeAction(action.title, vscode.CodeActionKind.QuickFix);
    quick.edit = workspaceEditOf(plan);
    return [action, quick];
  }
}
