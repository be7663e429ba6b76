import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import * as vscode from 'vscode';
import { renderChart } from '../../adapters/render/helm';
import { DEFAULT_LIMITS } from '../../adapters/render/run';
import { toWorkspaceEdit } from '../../adapters/vscode/convert';
import { applyEdits, type TextEdit } from '../../core/edit/text-edit';
import { lintHelmRender, type RenderLint } from '../../core/render/helm-map';
import { valuesFixFor } from '../../core/render/values-fix';
import type { Logger } from '../../core/log';
import { allRules } from '../../core/rules/registry';
import type { Finding } from '../../core/rules/types';
import { renderPlanChart, type AppPlan } from '../../adapters/render/argo';
import { RENDERED_SOURCE, renderNamespace, type ChartsService } from '../../services/charts/service';
import { inside, type SourceRoot } from '../../services/charts/roots';

export const APPLY_VALUES_FIX = 'shipshape.charts.applyValuesFix';
const options = { rules: allRules };

interface Target {
  readonly rule: string;
  readonly kind: string | undefined;
  readonly name: string | undefined;
}

const targetOf = (f: Finding): Target => ({ rule: f.rule, kind: f.object.kind, name: f.object.name });
const stillThere = (findings: readonly { finding: Finding }[], t: Target) =>
  findings.some(
    (m) => m.finding.rule === t.rule && m.finding.object.kind === t.kind && m.finding.object.name === t.name,
  );

/** "Fix in values.yaml": the rendered finding's fix, written to the values line that produced it. */
export class ValuesFixActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly charts: ChartsService) {}

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    // The mapping is of the saved file: an unsaved edit may have moved the lines.
    if (document.isDirty || !context.diagnostics.some((d) => d.source === RENDERED_SOURCE)) return [];
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    for (const { root, result, mark } of this.charts.findingsOn(document.uri, range)) {
      const lint = mark.lint ?? result.lint;
      if (root.kind !== 'helm' || !lint || !mark.mapped?.finding.fix) continue;
      const fix = valuesFixFor(lint, mark.mapped, document.getText(), options);
      if (!fix) continue;
      const key = fix.changes.join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      const action = new vscode.CodeAction(
        `${fix.title} in ${basename(document.uri.fsPath)} (${fix.changes.join(', ')})`,
        vscode.CodeActionKind.QuickFix,
      );
      action.diagnostics = context.diagnostics.filter(
        (d) => d.source === RENDERED_SOURCE && d.code === mark.mapped?.finding.rule,
      );
      action.command = {
        title: action.title,
        command: APPLY_VALUES_FIX,
        arguments: [document.uri, root, fix.edits, targetOf(mark.mapped.finding), mark.plan?.app],
      };
      actions.push(action);
    }
    return actions;
  }
}

/**
 * Applies a values fix only once a render of the chart with the edited values no longer has the
 * finding; then saves, renders the workspace chart again and says what changed.
 */
export function registerValuesFix(charts: ChartsService, log: Logger): vscode.Disposable {
  return vscode.commands.registerCommand(
    APPLY_VALUES_FIX,
    async (uri: vscode.Uri, root: SourceRoot, edits: readonly TextEdit[], target: Target, app?: string) => {
      const document = await vscode.workspace.openTextDocument(uri);
      const helm = charts.toolPath('helm');
      if (!helm) return;
      const edited = applyEdits(document.getText(), edits);
      const verdict = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'Shipshape: checking the fix with helm template…',
        },
        () =>
          verify(
            helm,
            root,
            uri.fsPath,
            edited,
            target,
            charts.plansFor(root).find((p) => p.app === app),
          ),
      );
      if (verdict !== 'cleared') {
        const message = `Shipshape: not applied: with this change ${verdict}.`;
        log.warn(message);
        void vscode.window.showWarningMessage(message);
        return;
      }
      await vscode.workspace.applyEdit(toWorkspaceEdit(uri, document, edits));
      await document.save();
      const result = await charts.rerender(root);
      const lints = (result?.marks ?? []).flatMap((m) => (m.plan?.app === app && m.lint ? [m.lint] : []));
      const lint = lints[0] ?? result?.lint;
      const gone = lint && !stillThere(lint.findings, target);
      const message = gone
        ? `Shipshape: ${basename(uri.fsPath)} updated and the chart rendered again: ${target.rule} is gone for ${target.kind ?? ''} ${target.name ?? ''}.`
        : `Shipshape: ${basename(uri.fsPath)} updated, but the chart rendered again still reports ${target.rule} (Undo restores it).`;
      log.info(message);
      if (gone) void vscode.window.showInformationMessage(message);
      else void vscode.window.showWarningMessage(message);
    },
  );
}

/**
 * Renders a copy of the chart with the edited values file, the way the workspace renders it (its
 * Argo CD Application's value files and parameters, if any): 'cleared', or what went wrong.
 */
async function verify(
  helm: string,
  root: SourceRoot,
  file: string,
  text: string,
  target: Target,
  plan: AppPlan | undefined,
): Promise<string> {
  const outcome = await renderEditedCopy(helm, root, file, text, plan);
  if (!outcome.ok) return `the chart no longer renders (${outcome.error})`;
  return stillThere(outcome.lint.findings, target)
    ? `the rendered chart still reports ${target.rule}`
    : 'cleared';
}

/** A copy of the chart rendered and linted with one values file's text replaced. */
export async function renderEditedCopy(
  helm: string,
  root: SourceRoot,
  file: string,
  text: string,
  plan: AppPlan | undefined,
): Promise<{ ok: true; lint: RenderLint } | { ok: false; error: string }> {
  const work = mkdtempSync(join(tmpdir(), 'shipshape-values-fix-'));
  try {
    const copy = join(work, basename(root.dir));
    cpSync(root.dir, copy, { recursive: true, filter: (src) => !/[\\/](\.git|node_modules)$/.test(src) });
    // A value file outside the chart (`$values/envs/prod.yaml`) is edited in a copy of its own.
    const edited = inside(file, root.dir) ? join(copy, relative(root.dir, file)) : join(work, 'edited.yaml');
    writeFileSync(edited, text);
    const moved = (f: string) =>
      f === file ? edited : inside(f, root.dir) ? join(copy, relative(root.dir, f)) : f;
    const outcome = plan?.helm
      ? await renderPlanChart(
          helm,
          { ...plan, dir: copy, helm: { ...plan.helm, values: plan.helm.values.map(moved) } },
          DEFAULT_LIMITS,
          { probe: false },
        )
      : await renderChart({
          helm,
          chart: copy,
          release: basename(root.dir),
          namespace: renderNamespace(),
          values: [],
          set: [],
          limits: DEFAULT_LIMITS,
          probe: false,
        });
    if (!outcome.ok) return { ok: false, error: outcome.errors[0]?.message ?? 'helm template failed' };
    return { ok: true, lint: lintHelmRender(outcome.render, options) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
