import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { HARDEN_BUNDLE, allRules } from '../../core/rules/registry';
import type { Logger } from '../../core/log';
import type { ObjectTarget } from './code-lens';
import { applyEdit, mergeEdits, planFixes, type PlannedEdit } from './edits';
import { isManifestDocument, type AnalysisService } from './service';
import { MANIFEST_EXCLUDE, MANIFEST_GLOB } from './workspace-index';

async function documentFor(arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  if (typeof arg === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(arg));
  return vscode.window.activeTextEditor?.document;
}

const objectSelection = (t: ObjectTarget) => ({ documentIndex: t.documentIndex, listIndex: t.listIndex });

export function registerAnalysisCommands(service: AnalysisService, log: Logger): vscode.Disposable {
  const store = new DisposableStore();
  const preview = () => service.settings.previewFixes;
  const nothing = (what: string) =>
    void vscode.window.showInformationMessage(`Shipshape: nothing to ${what}.`);
  const run = async (plan: PlannedEdit | undefined, what: string, withPreview: boolean) => {
    if (!plan) return nothing(what);
    const applied = await applyEdit(plan.edit, withPreview);
    if (applied)
      log.info(`${what}: ${plan.count} fix(es) in ${plan.document.uri.fsPath} (${plan.rules.join(', ')})`);
  };

  store.add(
    vscode.commands.registerCommand(Commands.analyseFile, async (arg?: unknown) => {
      const document = await documentFor(arg);
      if (!document || !isManifestDocument(document))
        return vscode.window.showWarningMessage('Shipshape: open a Kubernetes YAML file to analyse.');
      const analysis = service.analyse(document);
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
    }),
  );
  store.add(
    vscode.commands.registerCommand(Commands.fixFile, async (arg?: unknown) => {
      const document = await documentFor(arg);
      if (document)
        await run(
          planFixes(service, document, { classes: ['auto'] }, 'Shipshape: fix all', false),
          'fix',
          false,
        );
    }),
  );
  store.add(
    vscode.commands.registerCommand(Commands.hardenFile, async (arg?: unknown) => {
      const document = await documentFor(arg);
      if (document)
        await run(
          planFixes(service, document, { rules: [...HARDEN_BUNDLE] }, 'Shipshape: harden', preview()),
          'harden',
          preview(),
        );
    }),
  );
  store.add(
    vscode.commands.registerCommand(Commands.fixWorkload, async (target: ObjectTarget) => {
      const document = await documentFor(target.uri);
      if (document)
        await run(
          planFixes(
            service,
            document,
            { classes: ['auto'], object: objectSelection(target) },
            `Shipshape: fix ${target.name ?? ''}`,
            false,
          ),
          'fix',
          false,
        );
    }),
  );
  store.add(
    vscode.commands.registerCommand(Commands.hardenWorkload, async (target: ObjectTarget) => {
      const document = await documentFor(target.uri);
      if (!document) return;
      const plan = planFixes(
        service,
        document,
        { rules: [...HARDEN_BUNDLE], object: objectSelection(target) },
        `Shipshape: harden ${target.name ?? ''}`,
        preview(),
      );
      await run(plan, 'harden', preview());
    }),
  );
  store.add(
    vscode.commands.registerCommand(
      Commands.applyRuleFixes,
      async (target: ObjectTarget, rules: readonly string[]) => {
        const document = await documentFor(target.uri);
        if (!document) return;
        const plan = planFixes(
          service,
          document,
          { rules, object: objectSelection(target) },
          `Shipshape: ${rules.join(', ')}`,
          preview(),
        );
        await run(plan, rules.join(', '), preview());
      },
    ),
  );
  store.add(
    vscode.commands.registerCommand(Commands.hardenWorkspace, async () => {
      const uris = await vscode.workspace.findFiles(MANIFEST_GLOB, MANIFEST_EXCLUDE, 2000);
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
            if (!isManifestDocument(document) || document.getText().length > service.settings.maxFileBytes)
              continue;
            const plan = planFixes(
              service,
              document,
              { rules: [...HARDEN_BUNDLE] },
              'Shipshape: harden',
              true,
            );
            if (plan) plans.push(plan);
          }
        },
      );
      if (plans.length === 0) return nothing('harden in this workspace');
      // Always previewed: a workspace-wide change is reviewed before it is written.
      await applyEdit(mergeEdits(plans), true);
      return undefined;
    }),
  );
  store.add(
    vscode.commands.registerCommand(Commands.showRuleDocs, async (rule?: string) => {
      const id =
        rule ??
        (
          await vscode.window.showQuickPick(
            allRules.map((r) => ({ label: r.id, description: r.title, detail: r.docs.what })),
            { title: 'Shipshape rules' },
          )
        )?.label;
      if (!id) return;
      await vscode.commands.executeCommand('markdown.showPreview', service.docsUri(id));
    }),
  );
  return store;
}
