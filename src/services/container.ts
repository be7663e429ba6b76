import type * as vscode from 'vscode';
import type { DisposableStore } from '../adapters/vscode/disposables';
import type { ExtensionLogger } from '../adapters/vscode/logger';
import { FixPreview } from './fix-preview';
import { AnalysisService } from './analysis/service';
import { ChartsService } from './charts/service';
import { HealthModel } from './clusters/health-model';
import { ClusterSources } from './clusters/sources';
import { podsBehind } from './pods/behind';
import { PortForwards } from './pods/forwards';

/**
 * What more than one feature needs, built once by activation before any feature registers and
 * handed to every feature's `register`. Nothing is optional: a feature never checks whether
 * another one ran first, and no feature imports another's files (lint refuses it) — what two
 * features share lives here, in `src/services/`.
 */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: ExtensionLogger;
  /** Kubeconfig contexts and opened snapshots, with their live connections. */
  readonly clusters: ClusterSources;
  /** Platform health per source (the Clusters and Problems views, the runbook, pod commands). */
  readonly health: HealthModel;
  /** Active port-forwards: started by the pods feature, listed by the Clusters view. */
  readonly forwards: PortForwards;
  /** Manifest analysis of open documents and the workspace index. */
  readonly analysis: AnalysisService;
  /** The one diff preview of behaviour-changing edits (one content provider for all). */
  readonly preview: FixPreview;
  /** Helm charts and Kustomize overlays rendered with the user's tools. */
  readonly charts: ChartsService;
}

export type FeatureRegistrar = (services: Services) => vscode.Disposable;

/** Builds every shared service once; `store` owns them (disposed after the features that use them). */
export function createServices(
  context: vscode.ExtensionContext,
  log: ExtensionLogger,
  store: DisposableStore,
): Services {
  const clusters = store.add(new ClusterSources(context.globalState, log));
  const health = new HealthModel(clusters);
  const forwards = store.add(
    new PortForwards(context.workspaceState, clusters, (source, target) =>
      podsBehind(clusters, health, source, target),
    ),
  );
  const analysis = store.add(new AnalysisService(context.extensionUri, log));
  const preview = store.add(new FixPreview());
  const charts = store.add(new ChartsService(log, analysis, clusters));
  return { context, log, clusters, health, forwards, analysis, preview, charts };
}
