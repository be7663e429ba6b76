import * as vscode from 'vscode';
import { DisposableStore } from '../../adapters/vscode/disposables';
import type { Services } from '../../services/container';
import { ManifestCodeActions } from './code-actions';
import { ManifestCodeLenses } from './code-lens';
import { registerAnalysisCommands } from './commands';

const SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml' },
  { language: 'helm' },
  { language: 'helm-template' },
];

/** Manifest analysis: diagnostics, code lenses, quick fixes and the analyse/fix/harden commands. */
export function registerAnalysis(services: Services): vscode.Disposable {
  const { analysis: service, preview, log } = services;
  const store = new DisposableStore();
  store.add(vscode.languages.registerCodeLensProvider(SELECTOR, new ManifestCodeLenses(service)));
  store.add(
    vscode.languages.registerCodeActionsProvider(SELECTOR, new ManifestCodeActions(service), {
      providedCodeActionKinds: ManifestCodeActions.kinds,
    }),
  );
  store.add(registerAnalysisCommands(service, preview, log));
  return store;
}
