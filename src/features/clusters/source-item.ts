import * as vscode from 'vscode';
import type { PlatformHealth } from '../../core/health/summary';
import { contextNotes, type ContextNotes } from '../../services/clusters/context-notes';
import { formatPercent, platformTooltip, severityIcon } from './render';
import type { Source, SourceStatus } from '../../services/clusters/sources';
import { statusLine } from './status-line';

/** The current context and snapshots open expanded: connected (or read) as soon as they show. */
export function startsExpanded(source: Source): boolean {
  return (source.context?.current ?? false) || source.kind === 'snapshot';
}

const whereFrom = (source: Source) =>
  source.context
    ? `${source.context.server} as ${source.context.user}`
    : `Snapshot ${source.path ?? ''} (read-only)`;

function healthFigures(item: vscode.TreeItem, source: Source, health: PlatformHealth): void {
  const problems = health.problems.length;
  item.description = `${formatPercent(health.healthPercent)} healthy · ${problems} problem${problems === 1 ? '' : 's'}${source.kind === 'snapshot' ? ' · snapshot' : ''}`;
  item.tooltip = platformTooltip(source.label, health, whereFrom(source));
}

function noFigures(item: vscode.TreeItem, source: Source, status: SourceStatus): void {
  const current = source.context?.current ?? false;
  item.description = status.state === 'disconnected' ? (current ? '' : 'expand to connect') : status.state;
  item.tooltip = source.context ? `${source.context.server} as ${source.context.user}` : source.path;
}

function contextIcon(source: Source, status: SourceStatus, worst: number): vscode.ThemeIcon {
  if (source.kind === 'snapshot') return severityIcon('archive', worst);
  if (status.state === 'blocked') return new vscode.ThemeIcon('lock');
  return severityIcon(source.context?.current ? 'cloud' : 'server-environment', worst);
}

/** A context or snapshot row: its health figures, or what keeps it from having any. */
export function sourceItem(
  source: Source,
  status: SourceStatus,
  health: PlatformHealth | undefined,
): vscode.TreeItem {
  const item = new vscode.TreeItem(
    source.label,
    startsExpanded(source)
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.contextValue = `shipshape:${source.kind}:${source.readonly ? 'ro' : 'rw'}${source.connection ? ':connected' : ''}`;
  if (health) healthFigures(item, source, health);
  else noFigures(item, source, status);
  const worst = health?.problems[0]?.severity ?? 0;
  item.iconPath = contextIcon(source, status, worst);
  // Health figures of a cluster we cannot read would be made up (an empty model reads
  // "0 problems"): the row says what is wrong instead.
  const line = status.state === 'failed' ? statusLine(status) : undefined;
  if (line?.summary) {
    item.description = line.summary;
    item.tooltip = line.tooltip;
    item.iconPath = severityIcon(source.context?.current ? 'cloud' : 'server-environment', 4);
  }
  // An error icon (failed, blocked, failing pods) says more than the TLS warning's.
  decorate(
    item,
    contextNotes(source.context),
    Boolean(line?.summary) || status.state === 'blocked' || worst >= 4,
  );
  return item;
}

/** Connection notes (TLS not verified) on a context row, whatever its health says. */
function decorate(item: vscode.TreeItem, notes: ContextNotes, keepIcon: boolean): void {
  if (!notes.warning) return;
  item.description = [item.description, notes.description].filter(Boolean).join(' · ');
  const lines = notes.tooltip.join('\n\n');
  if (item.tooltip instanceof vscode.MarkdownString) {
    item.tooltip.appendMarkdown('\n\n$(warning) ');
    item.tooltip.appendText(lines);
  } else {
    item.tooltip = [item.tooltip, lines].filter(Boolean).join('\n\n');
  }
  if (!keepIcon)
    item.iconPath = new vscode.ThemeIcon('unlock', new vscode.ThemeColor('editorWarning.foreground'));
}
