import * as vscode from 'vscode';
import { DisposableStore } from '../../adapters/vscode/disposables';
import type { Services } from '../../services/container';
import { registerRenderNamespace } from './namespace';
import { registerValuesFix, ValuesFixActions } from './values-fix';
import { registerValuesHarden } from './values-harden';

/** Charts and overlays: rendered with the user's helm/kustomize, findings on the source lines. */
export function registerCharts(services: Services): vscode.Disposable {
  const { charts, analysis } = services;
  const store = new DisposableStore();
  store.add(
    vscode.languages.registerCodeActionsProvider(
      [{ language: 'yaml', scheme: 'file' }],
      new ValuesFixActions(charts),
      { providedCodeActionKinds: ValuesFixActions.kinds },
    ),
  );
  store.add(registerValuesFix(charts, services.log));
  store.add(registerValuesHarden(charts, services.analysis, services.preview, services.log));
  store.add(registerRenderNamespace(services.clusters));
  // Inside a chart Shipshape renders, the rendered findings replace the literal-only ones.
  analysis.renderedElsewhere = (uri) => charts.rendersFile(uri);
  void charts.ready().then(() => analysis.republish());
  store.add({ dispose: () => (analysis.renderedElsewhere = undefined) });
  return store;
}
