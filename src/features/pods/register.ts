import type * as vscode from 'vscode';
import type { Services } from '../../services/container';
import { registerPodCommands } from './commands';

/** Logs, exec, shell and port-forward on pods, workloads and Services of the Clusters view. */
export function registerPods({ clusters, health, forwards }: Services): vscode.Disposable {
  return registerPodCommands(clusters, health, forwards);
}
