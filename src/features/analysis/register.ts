import * as vscode from 'vscode';
import { DisposableStore } from '../../adapters/vscode/disposables';
import type { Services } from '../services';
import { ManifestCodeActions } from './code-actions';
import { ManifestCodeLenses } from './code-lens';
import { registerAnalysisCommands } from './commands';
import { FixPreview } from './preview';
import { AnalysisService } from './service';

const SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml' },
  { language: 'helm' },
  { language: 'helm-template' },
];

/** Manifest analysis: diagnostics, code lenses, quick fixes and the analyse/fix/harden commands. */
export function registerAnalysis(services: Services): vscode.Disposable {
  const { context, log } = services;
  const store = new DisposableStore();
  const service = store.add(new AnalysisService(context.extensionUri, log));
  services.analysis = service;
  store.add(vscode.languages.registerCodeLensProvider(SELECTOR, new ManifestCodeLenses(service)));
  store.add(
    vscode.languages.registerCodeActionsProvider(SELECTOR, new ManifestCodeActions(service), {
      providedCodeActionKinds: ManifestCodeActions.kinds,
    }),
  );
  // One preview for every feature that previews manifest edits (one content provider).
  const preview = store.add(new FixPreview());
  services.preview = preview;
  store.add(registerAnalysisCommands(service, preview, log));
  return store;
}
