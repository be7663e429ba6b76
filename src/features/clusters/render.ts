import * as vscode from 'vscode';
import type { PodClass, PodHealth } from '../../core/health/pod';
import { formatPercent } from '../../core/health/format';
import type { NamespaceHealth, PlatformHealth, Problem, WorkloadHealth } from '../../core/health/summary';

export { formatPercent };

const COLOR = {
  error: new vscode.ThemeColor('errorForeground'),
  warning: new vscode.ThemeColor('editorWarning.foreground'),
  info: new vscode.ThemeColor('editorInfo.foreground'),
  ok: new vscode.ThemeColor('testing.iconPassed'),
  muted: new vscode.ThemeColor('disabledForeground'),
};

/** Each failure class gets its own glyph: CrashLoopBackOff and ImagePullBackOff must not look alike. */
const POD_ICONS: Record<PodClass, [string, vscode.ThemeColor]> = {
  healthy: ['pass', COLOR.ok],
  succeeded: ['check', COLOR.muted],
  crashloop: ['debug-restart', COLOR.error],
  image: ['cloud-download', COLOR.error],
  config: ['gear', COLOR.error],
  failed: ['error', COLOR.error],
  evicted: ['sign-out', COLOR.error],
  unschedulable: ['circle-slash', COLOR.warning],
  pending: ['clock', COLOR.warning],
  starting: ['sync', COLOR.info],
  notReady: ['warning', COLOR.warning],
  terminating: ['trash', COLOR.muted],
  stuckTerminating: ['trash', COLOR.error],
  restarting: ['history', COLOR.warning],
};

export function podIcon(health: PodHealth): vscode.ThemeIcon {
  const [id, color] = POD_ICONS[health.class] ?? ['circle-outline', COLOR.muted];
  return new vscode.ThemeIcon(id, color);
}

export function severityIcon(id: string, severity: number): vscode.ThemeIcon {
  const color =
    severity >= 4 ? COLOR.error : severity >= 2 ? COLOR.warning : severity >= 1 ? COLOR.info : COLOR.ok;
  return new vscode.ThemeIcon(id, color);
}

/** A Markdown tooltip where every cluster-provided string is escaped (names can hold markup). */
export function markdown(build: (md: vscode.MarkdownString) => void): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.supportHtml = false;
  build(md);
  return md;
}

export const HEALTH_DEFINITION =
  'Health % = healthy pods / (all pods − completed pods). A crash-looping pod is phase Running but not healthy.';

export function platformTooltip(
  label: string,
  health: PlatformHealth,
  extra?: string,
): vscode.MarkdownString {
  return markdown((md) => {
    md.appendMarkdown('**');
    md.appendText(label);
    md.appendMarkdown(`** — ${formatPercent(health.healthPercent)} healthy\n\n`);
    md.appendText(
      `${health.pods.healthy} healthy of ${health.pods.total - health.pods.succeeded} counted pods (${health.pods.succeeded} completed). `,
    );
    md.appendText(
      `Running: ${health.pods.running}/${health.pods.total} (${formatPercent(health.runningPercent)}) — the figure kubectl-based reports show.\n\n`,
    );
    md.appendText(
      `${health.problems.length} problem(s): ${health.pods.failing} failing, ${health.pods.pending} pending, ${health.pods.terminating} terminating, ${health.pods.notReady} not ready.`,
    );
    md.appendMarkdown('\n\n---\n\n');
    md.appendText(HEALTH_DEFINITION);
    if (extra) {
      md.appendMarkdown('\n\n');
      md.appendText(extra);
    }
  });
}

export function namespaceDescription(ns: NamespaceHealth): string {
  const parts = [formatPercent(ns.healthPercent)];
  if (ns.problems > 0) parts.push(`${ns.problems} problem${ns.problems === 1 ? '' : 's'}`);
  parts.push(`${ns.counts.total} pod${ns.counts.total === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

export function workloadDescription(w: WorkloadHealth): string {
  const parts = [`${w.ready}/${w.desired} ready`];
  if (w.suspended) parts.push('suspended');
  if (!w.healthy && w.reason) parts.push(w.reason);
  return parts.join(' · ');
}

export function podTooltip(
  namespace: string,
  name: string,
  health: PodHealth,
  suggestion: string | undefined,
): vscode.MarkdownString {
  return markdown((md) => {
    md.appendMarkdown('**');
    md.appendText(`${namespace}/${name}`);
    md.appendMarkdown('**\n\n');
    md.appendText(health.summary);
    if (health.message) {
      md.appendMarkdown('\n\n> ');
      md.appendText(health.message);
    }
    if (health.lastTermination) {
      const t = health.lastTermination;
      md.appendMarkdown('\n\n');
      md.appendText(
        `Last termination of ${t.container}: ${t.reason ?? 'unknown'}${t.exitCode !== undefined ? ` (exit ${t.exitCode})` : ''}${t.finishedAt ? ` at ${t.finishedAt}` : ''}`,
      );
    }
    md.appendMarkdown('\n\n');
    md.appendText(`Restarts: ${health.restarts}`);
    if (suggestion) {
      md.appendMarkdown('\n\n**Next step:** ');
      md.appendText(suggestion);
    }
  });
}

/** Reason and object: what a narrow sidebar must not cut off; the namespace leads the description. */
export function problemLabel(p: Problem): string {
  return `${p.reason} · ${p.pod ?? p.owner.name}`;
}

export function problemDescription(p: Problem): string {
  return p.namespace ? `${p.namespace} · ${p.suggestion}` : p.suggestion;
}
