import * as vscode from 'vscode';
import type { TextEdit } from '../../core/edit/text-edit';
import type { Finding, Severity } from '../../core/rules/types';
import type { ParseProblem } from '../../core/yaml/parse';

export function rangeOf(document: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(document.positionAt(start), document.positionAt(Math.max(start, end)));
}

export function severityOf(severity: Severity | 'error' | 'warning' | 'info'): vscode.DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    default:
      return vscode.DiagnosticSeverity.Information;
  }
}

export const DIAGNOSTIC_SOURCE = 'shipshape';

/** Finding → Diagnostic; the code links to the rule's documentation shipped with the extension. */
export function toDiagnostic(
  document: vscode.TextDocument,
  finding: Finding,
  docsUri: (rule: string) => vscode.Uri,
): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    rangeOf(document, finding.start, finding.end),
    finding.message,
    severityOf(finding.severity),
  );
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = { value: finding.rule, target: docsUri(finding.rule) };
  return diagnostic;
}

export function problemToDiagnostic(document: vscode.TextDocument, problem: ParseProblem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    rangeOf(document, problem.start, problem.end),
    problem.message,
    severityOf(problem.severity),
  );
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = problem.code.toLowerCase();
  return diagnostic;
}

/** A diagnostic `lines` lines further down (its document's text moved, its own lines did not). */
export function moveDiagnostic(diagnostic: vscode.Diagnostic, lines: number): vscode.Diagnostic {
  const { start, end } = diagnostic.range;
  const moved = new vscode.Diagnostic(
    new vscode.Range(start.translate(lines), end.translate(lines)),
    diagnostic.message,
    diagnostic.severity,
  );
  if (diagnostic.source !== undefined) moved.source = diagnostic.source;
  if (diagnostic.code !== undefined) moved.code = diagnostic.code;
  if (diagnostic.tags) moved.tags = diagnostic.tags;
  return moved;
}

export function toWorkspaceEdit(
  uri: vscode.Uri,
  document: vscode.TextDocument,
  edits: readonly TextEdit[],
  label?: string,
  needsConfirmation = false,
): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  const metadata = label ? { label, needsConfirmation } : undefined;
  for (const e of edits) {
    const range = rangeOf(document, e.start, e.end);
    if (metadata) edit.replace(uri, range, e.text, metadata);
    else edit.replace(uri, range, e.text);
  }
  return edit;
}
