import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { documentFor } from '../../adapters/vscode/documents';
import { sizeLimitNote } from '../../core/analysis/size-limit';
import { fixEdits } from '../../core/fixes/apply';
import type { Logger } from '../../core/log';
import { HARDEN_BUNDLE, allRules } from '../../core/rules/registry';
import type { Finding } from '../../core/rules/types';
import type { ObjectTarget } from './code-lens';
import { mergeEdits, planFixes, workspaceEditOf, type PlannedEdit } from './edits';
import type { FixPreview } from '../../services/fix-preview';
import { isManifestDocument, type AnalysisService } from '../../services/analysis/service';
import { MANIFEST_EXCLUDE_GLOB, MANIFEST_GLOB } from '../../core/analysis/path-policy';

const objectSelection = (t: ObjectTarget) => ({ documentIndex: t.documentIndex, listIndex: t.listIndex });

type Handler = (...args: never[]) => unknown;

/** What every analysis command is handed: one context, built once (rust-analyzer's command table). */
interface CommandContext {
  readonly service: AnalysisService;
  readonly log: Logger;
  readonly preview: () => boolean;
  readonly nothing: (what: string) => void;
  /** Behaviour-changing fixes are previewed as a diff first; safe ones apply at once (undoable). */
  readonly run: (plan: PlannedEdit | undefined, title: string, withPreview: boolean) => Promise<void>;
}

export function registerAnalysisCommands(
  service: AnalysisService,
  previewer: FixPreview,
  log: Logger,
): vscode.Disposable {
  const nothing = (what: string) =>
    void vscode.window.showInformationMessage(`Shipshape: nothing to ${what}.`);
  const ctx: CommandContext = {
    service,
    log,
    preview: () => service.settings.previewFixes,
    nothing,
    run: async (plan, title, withPreview) => {
      if (!plan) return nothing(title.toLowerCase());
      const applied = withPreview
        ? await previewer.confirm(plan.document, plan.edits, title)
        : await vscode.workspace.applyEdit(workspaceEditOf(plan));
      if (applied)
        log.info(`${title}: ${plan.count} fix(es) in ${plan.document.uri.fsPath} (${plan.rules.join(', ')})`);
    },
  };
  const table: Record<string, Handler> = {
    ...fileCommands(ctx),
    ...workloadCommands(ctx),
    [Commands.applyFinding]: (uri: string, finding: Finding) => applyFinding(ctx, uri, finding),
    [Commands.hardenWorkspace]: () => hardenWorkspace(ctx),
    [Commands.showRuleDocs]: (rule?: string) => showRuleDocs(service, rule),
  };
  const store = new DisposableStore();
  for (const [id, fn] of Object.entries(table)) store.add(vscode.commands.registerCommand(id, fn));
  return store;
}

/** Analyse, Fix all and Harden on a whole file. */
function fileCommands({ service, run, preview }: CommandContext): Record<string, Handler> {
  return {
    [Commands.analyseFile]: async (arg?: unknown) => {
      const document = await documentFor(arg);
      if (!document || !isManifestDocument(document))
        return vscode.window.showWarningMessage('Shipshape: open a Kubernetes YAML file to analyse.');
      const analysis = await service.analysed(document);
      const count = analysis?.findings.length ?? 0;
      const fixable = analysis?.findings.filter((f) => f.fix?.class === 'auto').length ?? 0;
      const choice = await vscode.window.showInformationMessage(
        `Shipshape: ${count} finding(s) in ${vscode.workspace.asRelativePath(document.uri)}${fixable ? `, ${fixable} with a safe fix` : ''}.`,
        ...(count > 0 ? ['Show Problems'] : []),
        ...(fixable > 0 ? ['Fix All'] : []),
      );
      if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
      if (choice === 'Fix All') await vscode.commands.executeCommand(Commands.fixFile, document.uri);
      return undefined;
    },
    [Commands.fixFile]: async (arg?: unknown) => {
      const document = await documentFor(arg);
      if (document)
        await run(planFixes(service, document, { classes: ['auto'] }), 'Fix all safe problems', false);
    },
    [Commands.hardenFile]: async (arg?: unknown) => {
      const document = await documentFor(arg);
      if (document)
        await run(
          planFixes(service, document, { rules: [...HARDEN_BUNDLE] }),
          `Harden every workload in ${vscode.workspace.asRelativePath(document.uri)}`,
          preview(),
        );
    },
  };
}

/** The lenses' actions on one object of a file. */
function workloadCommands({ service, run, preview }: CommandContext): Record<string, Handler> {
  const onObject = async (
    target: ObjectTarget,
    options: Parameters<typeof planFixes>[2],
    title: string,
    withPreview: boolean,
  ) => {
    const document = await documentFor(target.uri);
    if (document)
      await run(
        planFixes(service, document, { ...options, object: objectSelection(target) }),
        title,
        withPreview,
      );
  };
  return {
    [Commands.fixWorkload]: (target: ObjectTarget) =>
      onObject(target, { classes: ['auto'] }, `Fix ${target.name ?? 'workload'}`, false),
    [Commands.hardenWorkload]: (target: ObjectTarget) =>
      onObject(target, { rules: [...HARDEN_BUNDLE] }, `Harden ${target.name ?? 'workload'}`, preview()),
    [Commands.applyRuleFixes]: (target: ObjectTarget, rules: readonly string[]) => {
      const title = rules.includes('pdb-missing')
        ? 'Add a PodDisruptionBudget'
        : rules.includes('network-policy-missing')
          ? 'Add a NetworkPolicy'
          : 'Add resources & probes';
      return onObject(target, { rules }, `${title} for ${target.name ?? 'workload'}`, preview());
    },
  };
}

async function applyFinding(
  { service, run, preview, nothing }: CommandContext,
  uri: string,
  finding: Finding,
) {
  const document = await documentFor(uri);
  if (!document) return;
  const edits = fixEdits(document.getText(), finding, service.optionsFor(document));
  if (!edits) return nothing('fix: the problem is already gone');
  const behavioural = finding.fix?.class === 'harden' || finding.fix?.class === 'scaffold';
  await run(
    { document, edits, count: 1, rules: [finding.rule] },
    finding.fix?.title ?? 'Fix',
    behavioural && preview(),
  );
}

async function hardenWorkspace({ service, nothing }: CommandContext) {
  const uris = await vscode.workspace.findFiles(MANIFEST_GLOB, MANIFEST_EXCLUDE_GLOB, 2000);
  const plans: PlannedEdit[] = [];
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Shipshape: planning hardening…',
      cancellable: true,
    },
    async (_progress, token) => {
      for (const uri of uris) {
        if (token.isCancellationRequested) return;
        const document = await vscode.workspace.openTextDocument(uri);
        if (
          !isManifestDocument(document) ||
          sizeLimitNote(document.getText(), service.settings.maxFileBytes) !== undefined
        )
          continue;
        const plan = planFixes(service, document, { rules: [...HARDEN_BUNDLE] });
        if (plan) plans.push(plan);
      }
    },
  );
  if (plans.length === 0) return nothing('harden in this workspace');
  // The refactor preview lists every file unchecked: a workspace-wide change is opted into file by file.
  await vscode.workspace.applyEdit(mergeEdits(plans), { isRefactoring: true });
}

async function showRuleDocs(service: AnalysisService, rule?: string) {
  const id =
    rule ??
    (
      await vscode.window.showQuickPick(
        allRules.map((r) => ({ label: r.id, description: r.title, detail: r.docs.what })),
        { title: 'Shipshape rules' },
      )
    )?.label;
  if (id) await vscode.commands.executeCommand('markdown.showPreview', service.docsUri(id));
}
