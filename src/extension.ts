import * as vscode from 'vscode';
import { Commands } from './constants';
import { DisposableStore } from './adapters/vscode/disposables';
import { createLogger } from './adapters/vscode/logger';
import { createServices, type FeatureRegistrar } from './services/container';
import { registerLog } from './features/log/register';
import { registerClusters } from './features/clusters/register';
import { registerRunbook } from './features/runbook/register';
import { registerAnalysis } from './features/analysis/register';
import { registerClusterSync } from './features/cluster-sync/register';
import { registerDiagnose } from './features/diagnose/register';
import { registerCharts } from './features/charts/register';
import { registerPods } from './features/pods/register';

const features: readonly [string, FeatureRegistrar][] = [
  ['log', registerLog],
  ['clusters', registerClusters],
  ['pods', registerPods],
  ['diagnose', registerDiagnose],
  ['analysis', registerAnalysis],
  ['charts', registerCharts],
  ['runbook', registerRunbook],
  ['cluster sync', registerClusterSync],
];

/** Wiring only: build the shared services, then let each feature register what it owns. */
export function activate(context: vscode.ExtensionContext): void {
  const log = createLogger();
  const store = new DisposableStore();
  context.subscriptions.push(store);
  store.add(log);
  // Shared services first: every feature receives all of them, whatever order features start in.
  const services = createServices(context, log, store);
  for (const [name, register] of features) {
    try {
      store.add(register(services));
    } catch (error) {
      // One broken feature must not take the others down; the user hears about it once.
      log.error(
        `feature "${name}" failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      void vscode.window
        .showErrorMessage(
          `Shipshape: the ${name} feature could not start. The log has the details.`,
          'Show log',
        )
        .then((choice) => (choice ? vscode.commands.executeCommand(Commands.showLog) : undefined));
    }
  }
  const { version } = context.extension.packageJSON as { version: string };
  log.info(`Shipshape ${version} activated`);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
