import type * as vscode from 'vscode';
import type { ExtensionLogger } from '../adapters/vscode/logger';
import type { FixPreview } from './analysis/preview';
import type { AnalysisService } from './analysis/service';
import type { ChartsService } from './charts/service';
import type { HealthModel } from './clusters/model';
import type { ClusterSources } from './clusters/sources';

/** What activation builds once and hands to every feature's `register`. Features registered
 * earlier publish what later ones need (the runbook reads the clusters' sources and health). */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: ExtensionLogger;
  clusters?: ClusterSources;
  health?: HealthModel;
  analysis?: AnalysisService;
  preview?: FixPreview;
  charts?: ChartsService;
}

export type FeatureRegistrar = (services: Services) => vscode.Disposable;
