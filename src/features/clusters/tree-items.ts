import * as vscode from 'vscode';
import type { ExplorerModel } from '../../core/explorer/view-model';
import type { NodeOf, NodeType } from '../../core/explorer/nodes';
import type { PlatformHealth } from '../../core/health/summary';
import type { ForwardRow } from '../../core/pods/forward-view';
import { forwardItem, forwardsItem } from './forward-rows';
import type { HealthModel } from '../../services/clusters/health-model';
import { GROUP_LABEL } from '../../services/clusters/nodes';
import {
  formatPercent,
  markdown,
  namespaceDescription,
  podIcon,
  podTooltip,
  severityIcon,
  workloadDescription,
} from './render';
import { serviceItem } from './services';
import { sourceItem } from './source-item';
import type { ClusterSources, Source } from '../../services/clusters/sources';
import { statusLine, type StatusLine } from './status-line';
import type { ClusterUsage } from './usage';
import { nodeUsageLine, podUsageLines, podUsageTooltip } from './usage-render';

/** What a renderer may read: the live sources, their health, usage and forwards. */
export interface RenderContext {
  readonly sources: ClusterSources;
  readonly model: HealthModel;
  readonly explorer: ExplorerModel<Source>;
  readonly usage: ClusterUsage | undefined;
  readonly forwardRows: (source: Source) => ForwardRow[];
}

type Renderer<T extends NodeType> = (
  node: NodeOf<T, Source>,
  ctx: RenderContext,
  health?: PlatformHealth,
) => vscode.TreeItem;

const { Collapsed, None } = vscode.TreeItemCollapsibleState;
const rw = (source: Source) => (source.readonly ? 'ro' : 'rw');

const SEVERITY_COLOR = { warning: 'editorWarning.foreground', error: 'errorForeground' } as const;

const lineIcon = (line: StatusLine) =>
  line.severity
    ? new vscode.ThemeIcon(line.icon, new vscode.ThemeColor(SEVERITY_COLOR[line.severity]))
    : new vscode.ThemeIcon(line.icon);

const message: Renderer<'message'> = (node, { sources }) => {
  const line = statusLine(sources.status(node.source));
  const item = new vscode.TreeItem(line?.text ?? '');
  if (line) item.iconPath = lineIcon(line);
  if (line?.command) item.command = { ...line.command };
  item.tooltip = line?.tooltip;
  return item;
};

const namespace: Renderer<'namespace'> = (node, { sources }, health) => {
  const status = sources.status(node.source);
  const forbidden = 'forbiddenNamespaces' in status ? status.forbiddenNamespaces.get(node.name) : undefined;
  const item = new vscode.TreeItem(node.name, forbidden ? None : Collapsed);
  item.contextValue = `shipshape:namespace:${rw(node.source)}`;
  if (forbidden) {
    item.description = 'forbidden';
    item.tooltip = forbidden.message;
    item.iconPath = new vscode.ThemeIcon('lock', new vscode.ThemeColor('editorWarning.foreground'));
    return item;
  }
  const ns = health?.namespaces.find((n) => n.name === node.name);
  item.description = ns ? namespaceDescription(ns) : '';
  item.iconPath = severityIcon(ns && ns.problems > 0 ? 'folder-active' : 'folder', ns?.worstSeverity ?? 0);
  if (ns)
    item.tooltip = markdown((md) => {
      md.appendMarkdown('**');
      md.appendText(ns.name);
      md.appendMarkdown(`** — ${formatPercent(ns.healthPercent)} healthy\n\n`);
      md.appendText(
        `${ns.counts.healthy} healthy of ${ns.counts.total - ns.counts.succeeded} counted pods; ${ns.problems} problem(s).`,
      );
    });
  return item;
};

const GROUP_ICON: Partial<Record<NodeOf<'group'>['kind'], string>> = {
  CronJob: 'watch',
  Job: 'tasklist',
  Pod: 'symbol-misc',
};

const group: Renderer<'group'> = (node, _ctx, health) => {
  const item = new vscode.TreeItem(GROUP_LABEL[node.kind], Collapsed);
  const all =
    node.kind === 'Pod'
      ? []
      : (health?.workloads ?? []).filter((w) => w.namespace === node.namespace && w.kind === node.kind);
  if (all.length > 0) item.description = `${all.filter((w) => w.healthy).length}/${all.length} healthy`;
  item.iconPath = new vscode.ThemeIcon(GROUP_ICON[node.kind] ?? 'layers');
  item.contextValue = `shipshape:group:${node.kind}:${rw(node.source)}`;
  return item;
};

const workload: Renderer<'workload'> = (node, _ctx, health) => {
  const w = health?.workloads.find(
    (x) => x.namespace === node.namespace && x.kind === node.kind && x.name === node.name,
  );
  const item = new vscode.TreeItem(node.name, w && w.pods.length > 0 ? Collapsed : None);
  item.description = w ? workloadDescription(w) : '';
  item.iconPath = severityIcon(node.kind === 'CronJob' ? 'watch' : 'symbol-class', w && !w.healthy ? 3 : 0);
  item.contextValue = `shipshape:workload:${node.kind}:${rw(node.source)}${w?.suspended ? ':suspended' : ''}`;
  item.tooltip = markdown((md) => {
    md.appendMarkdown('**');
    md.appendText(`${node.kind} ${node.namespace}/${node.name}`);
    md.appendMarkdown('**\n\n');
    if (w) md.appendText(workloadDescription(w));
  });
  return item;
};

const pod: Renderer<'pod'> = (node, { explorer, usage }) => {
  const index = explorer.index(node.source);
  const key = `${node.namespace}/${node.name}`;
  const found = index?.pods.get(key);
  const h = index?.podHealth.get(key);
  const item = new vscode.TreeItem(node.name);
  if (!found || !h) return item;
  item.description = h.summary;
  item.iconPath = podIcon(h);
  item.tooltip = podTooltip(node.namespace, node.name, h, index?.suggestions.get(key));
  item.contextValue = `shipshape:pod:${rw(node.source)}:${h.class}`;
  const used = usage?.pod(node.source, node.namespace, node.name);
  if (used) {
    const lines = podUsageLines(used.metrics, found);
    // A healthy pod's news is its usage, and a narrow sidebar cuts the end of the line.
    item.description = h.healthy
      ? `${lines.description} · ${h.summary}`
      : `${h.summary} · ${lines.description}`;
    podUsageTooltip(item.tooltip, lines, used.samples);
  }
  return item;
};

const services: Renderer<'services'> = (node) => {
  const item = new vscode.TreeItem('Services', Collapsed);
  item.iconPath = new vscode.ThemeIcon('plug');
  item.contextValue = `shipshape:group:Service:${rw(node.source)}`;
  return item;
};

const nodes: Renderer<'nodes'> = (node, { usage }, health) => {
  const item = new vscode.TreeItem('Nodes', Collapsed);
  const all = health?.nodes ?? [];
  item.description = `${all.filter((n) => n.ready).length}/${all.length} ready`;
  item.iconPath = new vscode.ThemeIcon('vm');
  // Said here once for the cluster, instead of on every pod and node.
  const missing = usage?.unavailable(node.source);
  if (missing) {
    item.description += ` · ${missing.replace(/ \(.*$/, '')}`;
    item.tooltip = missing;
  }
  return item;
};

const node: Renderer<'node'> = (row, { sources, usage }, health) => {
  const n = health?.nodes.find((x) => x.name === row.name);
  const item = new vscode.TreeItem(row.name);
  const troubles = [
    ...(n && !n.ready ? ['NotReady'] : []),
    ...(n?.pressures ?? []),
    ...(n?.unschedulable ? ['SchedulingDisabled'] : []),
  ];
  item.description = troubles.length > 0 ? troubles.join(' · ') : 'Ready';
  const used = usage?.node(row.source, row.name);
  const state = used ? sources.clusterState(row.source) : undefined;
  if (used && state) item.description += ` · ${nodeUsageLine(used, state)}`;
  item.iconPath = severityIcon('vm', n && !n.ready ? 4 : troubles.length > 0 ? 2 : 0);
  item.contextValue = 'shipshape:node';
  return item;
};

const applications: Renderer<'applications'> = (_node, _ctx, health) => {
  const apps = health?.applications ?? [];
  const item = new vscode.TreeItem('Argo CD applications', Collapsed);
  item.description = `${apps.filter((a) => a.sync === 'Synced').length}/${apps.length} synced`;
  item.iconPath = new vscode.ThemeIcon('git-merge');
  return item;
};

const application: Renderer<'application'> = (node, _ctx, health) => {
  const app = health?.applications.find((a) => a.namespace === node.namespace && a.name === node.name);
  const item = new vscode.TreeItem(node.name);
  item.description = app ? `${app.sync} · ${app.health}` : '';
  const bad = app && (app.sync !== 'Synced' || app.health !== 'Healthy');
  const severity = bad ? (app.health === 'Degraded' || app.health === 'Missing' ? 4 : 2) : 0;
  item.iconPath = severityIcon('git-merge', severity);
  item.contextValue = `shipshape:application:${rw(node.source)}`;
  return item;
};

/** One renderer per node type: a new node type is a new entry here (the compiler asks for it). */
const RENDERERS: { readonly [T in NodeType]: Renderer<T> } = {
  source: (node, { sources }, health) => sourceItem(node.source, sources.status(node.source), health),
  message,
  namespace,
  group,
  workload,
  pod,
  services,
  service: (node, { sources }) => serviceItem(sources.clusterState(node.source), node, rw(node.source)),
  nodes,
  node,
  forwards: (node, { forwardRows }) => forwardsItem(forwardRows(node.source).length),
  forward: (node, { forwardRows }) => forwardItem(forwardRows(node.source).find((r) => r.key === node.key)),
  applications,
  application,
};

export function renderNode<T extends NodeType>(node: NodeOf<T, Source>, ctx: RenderContext): vscode.TreeItem {
  const render = RENDERERS[node.type];
  return render(node, ctx, ctx.model.health(node.source));
}
