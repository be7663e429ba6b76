import type * as vscode from 'vscode';
import type { ExtensionLogger } from '../adapters/vscode/logger';

/** What activation builds once and hands to every feature's `register`. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: ExtensionLogger;
}

export type FeatureRegistrar = (services: Services) => vscode.Disposable;
