import * as vscode from 'vscode';
import { Views } from '../../constants';
import type { HealthModel } from '../../services/clusters/health-model';
import { formatPercent, platformTooltip } from './render';
import type { ClusterSources } from '../../services/clusters/sources';

/** "$(pulse) 87.1% · 19" for the first connected cluster; click opens the Problems view. */
export class HealthStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'shipshape.health',
    vscode.StatusBarAlignment.Left,
    10,
  );

  constructor(
    private readonly sources: ClusterSources,
    private readonly model: HealthModel,
  ) {
    this.item.name = 'Shipshape platform health';
    this.item.command = `${Views.problems}.focus`;
  }

  update(): void {
    const source = this.sources.list().find((s) => s.connection || s.snapshot);
    const health = source ? this.model.health(source) : undefined;
    if (!source || !health) {
      this.item.hide();
      return;
    }
    const problems = health.problems.length;
    this.item.text = `$(pulse) ${formatPercent(health.healthPercent)}${problems > 0 ? ` · $(warning) ${problems}` : ''}`;
    this.item.tooltip = platformTooltip(source.label, health, 'Click to open the Shipshape Problems view.');
    this.item.backgroundColor =
      (health.healthPercent ?? 100) < 80
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : (health.healthPercent ?? 100) < 95
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
