import * as vscode from 'vscode';
import { forwardsLabel, type ForwardRow } from '../../core/pods/forward-view';

/**
 * The "Port forwards (N)" row under a context and one row per forward: the status bar's list,
 * where the tree is, with Open in Browser, Copy Address and Stop on each (package.json menus on
 * `shipshape:portForward`).
 */

export function forwardsItem(count: number): vscode.TreeItem {
  const item = new vscode.TreeItem(forwardsLabel(count), vscode.TreeItemCollapsibleState.Expanded);
  item.iconPath = new vscode.ThemeIcon('radio-tower');
  item.tooltip = 'Active port-forwards on this context (also in the status bar)';
  return item;
}

export function forwardItem(row: ForwardRow | undefined): vscode.TreeItem {
  // A row for a forward stopped a moment ago, before the refresh that removes it.
  if (!row) return new vscode.TreeItem('stopped');
  const item = new vscode.TreeItem(row.label);
  item.description = row.description;
  item.tooltip = row.tooltip;
  item.iconPath = new vscode.ThemeIcon('plug');
  item.contextValue = 'shipshape:portForward';
  return item;
}
