import * as vscode from 'vscode';
import type { PlatformHealth, WorkloadHealth } from '../../core/health/summary';
import type { ClusterState, Pod, WorkloadKind } from '../../core/k8s/types';
import type { HealthModel } from '../../services/clusters/health-model';
import { podHealth } from '../../core/health/memo';
import { GROUP_LABEL, GROUP_ORDER, nodeId, parentOf, type ClusterNode } from '../../services/clusters/nodes';
import {
  formatPercent,
  markdown,
  namespaceDescription,
  platformTooltip,
  podIcon,
  podTooltip,
  severityIcon,
  workloadDescription,
} from './render';
import type { ClusterSources, Source } from '../../services/clusters/sources';
import { contextNotes, type ContextNotes } from '../../services/clusters/context-notes';
import { statusLine, type StatusLine } from './status-line';
import type { ClusterUsage } from './usage';
import { nodeUsageLine, podUsageLines, podUsageTooltip } from './usage-render';
import { serviceItem, servicesIn } from './services';
import { forwardRows, type ActiveForward } from '../../core/pods/forward-view';
import { forwardItem, forwardsItem } from './forward-rows';

/** The active port-forwards, listed under their context while there are any. */
export interface ForwardList {
  list(): readonly ActiveForward[];
}

/** Per-health lookups, built once per health object (i.e. once per batch of cluster changes). */
interface TreeIndex {
  readonly pods: Map<string, Pod>;
  readonly workloads: Map<string, WorkloadHealth[]>;
  readonly owned: Set<string>;
  readonly suggestions: Map<string, string>;
}

const key = (ns: string, name: string) => `${ns}/${name}`;

const SEVERITY_COLOR = {
  warning: 'editorWarning.foreground',
  error: 'errorForeground',
} as const;

function lineIcon(line: StatusLine): vscode.ThemeIcon {
  return line.severity
    ? new vscode.ThemeIcon(line.icon, new vscode.ThemeColor(SEVERITY_COLOR[line.severity]))
    : new vscode.ThemeIcon(line.icon);
}

export class ClustersTree implements vscode.TreeDataProvider<ClusterNode> {
  private readonly emitter = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  onlyProblems = false;
  private readonly indexes = new WeakMap<PlatformHealth, TreeIndex>();

  constructor(
    private readonly sources: ClusterSources,
    private readonly model: HealthModel,
    private readonly usage?: ClusterUsage,
    private readonly forwards?: ForwardList,
  ) {}

  private forwardRows(source: Source) {
    return forwardRows(this.forwards?.list() ?? [], source.label);
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  private index(state: ClusterState, health: PlatformHealth): TreeIndex {
    let index = this.indexes.get(health);
    if (index) return index;
    const pods = new Map<string, Pod>();
    for (const pod of state.pods) pods.set(key(pod.metadata?.namespace ?? '', pod.metadata?.name ?? ''), pod);
    const workloads = new Map<string, WorkloadHealth[]>();
    const owned = new Set<string>();
    for (const w of health.workloads) {
      const list = workloads.get(w.namespace) ?? [];
      list.push(w);
      workloads.set(w.namespace, list);
      for (const pod of w.pods) owned.add(key(w.namespace, pod));
    }
    const suggestions = new Map<string, string>();
    for (const p of health.problems) if (p.pod) suggestions.set(key(p.namespace, p.pod), p.suggestion);
    index = { pods, workloads, owned, suggestions };
    this.indexes.set(health, index);
    return index;
  }

  /**
   * The tree node that shows an object, for "reveal" links from the Problems view and the
   * runbook. Objects the tree has no row for (quotas, PDBs, policies) reveal their namespace.
   */
  nodeFor(source: Source, ref: { kind: string; namespace?: string; name: string }): ClusterNode | undefined {
    const namespace = ref.namespace ?? '';
    switch (ref.kind) {
      case 'Node':
        return { type: 'node', source, name: ref.name };
      case 'Namespace':
        return { type: 'namespace', source, name: ref.name };
      case 'Application':
        return { type: 'application', source, namespace, name: ref.name };
      case 'Service':
        return { type: 'service', source, namespace, name: ref.name };
      case 'Pod': {
        const state = this.sources.clusterState(source);
        const health = this.model.health(source);
        const owner =
          state && health
            ? (this.index(state, health).workloads.get(namespace) ?? []).find((w) =>
                w.pods.includes(ref.name),
              )
            : undefined;
        return {
          type: 'pod',
          source,
          namespace,
          name: ref.name,
          ...(owner ? { owner: { kind: owner.kind, name: owner.name } } : {}),
        };
      }
      default:
        if ((GROUP_ORDER as readonly string[]).includes(ref.kind) && ref.kind !== 'Pod')
          return { type: 'workload', source, namespace, kind: ref.kind as WorkloadKind, name: ref.name };
        return namespace ? { type: 'namespace', source, name: namespace } : undefined;
    }
  }

  getParent(node: ClusterNode): ClusterNode | undefined {
    return parentOf(node);
  }

  getChildren(node?: ClusterNode): ClusterNode[] {
    if (!node) return this.sources.list().map((source) => ({ type: 'source', source }));
    const source = node.source;
    if (node.type === 'forwards')
      return this.forwardRows(source).map((r) => ({ type: 'forward', source, key: r.key }));
    if (node.type === 'source') {
      if (source.kind === 'context') this.sources.connect(source);
      const out: ClusterNode[] = [];
      const status = this.sources.status(source);
      if (statusLine(status)) out.push({ type: 'message', source, key: 'status' });
      // Forwards listen until stopped, whatever the connection does meanwhile: always listed.
      if (this.forwardRows(source).length > 0) out.push({ type: 'forwards', source });
      const health = this.model.health(source);
      const state = this.sources.clusterState(source);
      if (!health || !state) return out;
      const forbidden: ReadonlyMap<string, unknown> =
        'forbiddenNamespaces' in status ? status.forbiddenNamespaces : new Map<string, unknown>();
      for (const ns of health.namespaces) {
        if (this.onlyProblems && ns.problems === 0 && !forbidden.has(ns.name)) continue;
        out.push({ type: 'namespace', source, name: ns.name });
      }
      for (const name of forbidden.keys())
        if (!health.namespaces.some((n) => n.name === name)) out.push({ type: 'namespace', source, name });
      if (
        state.nodes.length > 0 &&
        (!this.onlyProblems || health.nodes.some((n) => !n.ready || n.pressures.length > 0))
      )
        out.push({ type: 'nodes', source });
      if (state.applications.length > 0) out.push({ type: 'applications', source });
      return out;
    }
    const health = this.model.health(source);
    const state = this.sources.clusterState(source);
    if (!health || !state) return [];
    const index = this.index(state, health);
    const now = this.model.clock(source);
    const bySeverity = severityOrder(now);
    switch (node.type) {
      case 'namespace': {
        const workloads = index.workloads.get(node.name) ?? [];
        const kinds = new Set<WorkloadKind | 'Pod'>(
          workloads.filter((w) => !this.onlyProblems || !w.healthy).map((w) => w.kind),
        );
        for (const [k, pod] of index.pods) {
          if (
            pod.metadata?.namespace === node.name &&
            !index.owned.has(k) &&
            (!this.onlyProblems || !podHealth(pod, now).healthy)
          )
            kinds.add('Pod');
        }
        const groups: ClusterNode[] = GROUP_ORDER.filter((k) => kinds.has(k)).map((kind) => ({
          type: 'group',
          source,
          namespace: node.name,
          kind,
        }));
        // Services have no health of their own: not a problem to filter for.
        if (!this.onlyProblems && servicesIn(state, node.name).length > 0)
          groups.push({ type: 'services', source, namespace: node.name });
        return groups;
      }
      case 'services':
        return servicesIn(state, node.namespace).map((s) => ({
          type: 'service',
          source,
          namespace: node.namespace,
          name: s.metadata?.name ?? '',
        }));
      case 'group': {
        if (node.kind === 'Pod') {
          return [...index.pods.entries()]
            .filter(([k, p]) => p.metadata?.namespace === node.namespace && !index.owned.has(k))
            .map(([, p]) => p)
            .filter((p) => !this.onlyProblems || !podHealth(p, now).healthy)
            .sort(bySeverity)
            .map((p) => ({ type: 'pod', source, namespace: node.namespace, name: p.metadata?.name ?? '' }));
        }
        return (index.workloads.get(node.namespace) ?? [])
          .filter((w) => w.kind === node.kind && (!this.onlyProblems || !w.healthy))
          .sort((a, b) => Number(a.healthy) - Number(b.healthy) || a.name.localeCompare(b.name))
          .map((w) => ({ type: 'workload', source, namespace: w.namespace, kind: w.kind, name: w.name }));
      }
      case 'workload': {
        const w = (index.workloads.get(node.namespace) ?? []).find(
          (x) => x.kind === node.kind && x.name === node.name,
        );
        return (w?.pods ?? [])
          .map((name) => index.pods.get(key(node.namespace, name)))
          .filter((p): p is Pod => p !== undefined && (!this.onlyProblems || !podHealth(p, now).healthy))
          .sort(bySeverity)
          .map((p) => ({
            type: 'pod',
            source,
            namespace: node.namespace,
            name: p.metadata?.name ?? '',
            owner: { kind: node.kind, name: node.name },
          }));
      }
      case 'nodes':
        return health.nodes.map((n) => ({ type: 'node', source, name: n.name }));
      case 'applications':
        return state.applications.map((a) => ({
          type: 'application',
          source,
          namespace: a.metadata?.namespace ?? '',
          name: a.metadata?.name ?? '',
        }));
      default:
        return [];
    }
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    const item = this.render(node);
    item.id = nodeId(node);
    return item;
  }

  private render(node: ClusterNode): vscode.TreeItem {
    const source = node.source;
    const rw = source.readonly ? 'ro' : 'rw';
    const health = this.model.health(source);
    switch (node.type) {
      case 'source': {
        const status = this.sources.status(source);
        const current = source.context?.current ?? false;
        const item = new vscode.TreeItem(
          source.label,
          current || source.kind === 'snapshot'
            ? vscode.TreeItemCollapsibleState.Expanded
            : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.contextValue = `shipshape:${source.kind}:${rw}${source.connection ? ':connected' : ''}`;
        if (health) {
          item.description = `${formatPercent(health.healthPercent)} healthy · ${health.problems.length} problem${health.problems.length === 1 ? '' : 's'}${source.kind === 'snapshot' ? ' · snapshot' : ''}`;
          item.tooltip = platformTooltip(
            source.label,
            health,
            source.context
              ? `${source.context.server} as ${source.context.user}`
              : `Snapshot ${source.path ?? ''} (read-only)`,
          );
        } else {
          item.description =
            status.state === 'disconnected' ? (current ? '' : 'expand to connect') : status.state;
          item.tooltip = source.context ? `${source.context.server} as ${source.context.user}` : source.path;
        }
        const worst = health?.problems[0]?.severity ?? 0;
        item.iconPath =
          source.kind === 'snapshot'
            ? severityIcon('archive', worst)
            : status.state === 'blocked'
              ? new vscode.ThemeIcon('lock')
              : severityIcon(current ? 'cloud' : 'server-environment', worst);
        // Health figures of a cluster we cannot read would be made up (an empty model reads
        // "0 problems"): the row says what is wrong instead.
        const line = status.state === 'failed' ? statusLine(status) : undefined;
        if (line?.summary) {
          item.description = line.summary;
          item.tooltip = line.tooltip;
          item.iconPath = severityIcon(current ? 'cloud' : 'server-environment', 4);
        }
        // An error icon (failed, blocked, failing pods) says more than the TLS warning's.
        decorate(
          item,
          contextNotes(source.context),
          Boolean(line?.summary) || status.state === 'blocked' || worst >= 4,
        );
        return item;
      }
      case 'message': {
        const line = statusLine(this.sources.status(source));
        const item = new vscode.TreeItem(line?.text ?? '');
        if (line) item.iconPath = lineIcon(line);
        if (line?.command) item.command = { ...line.command };
        item.tooltip = line?.tooltip;
        return item;
      }
      case 'namespace': {
        const ns = health?.namespaces.find((n) => n.name === node.name);
        const status = this.sources.status(source);
        const forbidden =
          'forbiddenNamespaces' in status ? status.forbiddenNamespaces.get(node.name) : undefined;
        const item = new vscode.TreeItem(
          node.name,
          forbidden ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.contextValue = `shipshape:namespace:${rw}`;
        if (forbidden) {
          item.description = 'forbidden';
          item.tooltip = forbidden.message;
          item.iconPath = new vscode.ThemeIcon('lock', new vscode.ThemeColor('editorWarning.foreground'));
          return item;
        }
        item.description = ns ? namespaceDescription(ns) : '';
        item.iconPath = severityIcon(
          ns && ns.problems > 0 ? 'folder-active' : 'folder',
          ns?.worstSeverity ?? 0,
        );
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
      }
      case 'group': {
        const item = new vscode.TreeItem(GROUP_LABEL[node.kind], vscode.TreeItemCollapsibleState.Collapsed);
        const all =
          node.kind === 'Pod'
            ? []
            : (health?.workloads ?? []).filter((w) => w.namespace === node.namespace && w.kind === node.kind);
        if (all.length > 0) item.description = `${all.filter((w) => w.healthy).length}/${all.length} healthy`;
        item.iconPath = new vscode.ThemeIcon(
          node.kind === 'CronJob'
            ? 'watch'
            : node.kind === 'Job'
              ? 'tasklist'
              : node.kind === 'Pod'
                ? 'symbol-misc'
                : 'layers',
        );
        item.contextValue = `shipshape:group:${node.kind}:${rw}`;
        return item;
      }
      case 'workload': {
        const w = health?.workloads.find(
          (x) => x.namespace === node.namespace && x.kind === node.kind && x.name === node.name,
        );
        const item = new vscode.TreeItem(
          node.name,
          w && w.pods.length > 0
            ? vscode.TreeItemCollapsibleState.Collapsed
            : vscode.TreeItemCollapsibleState.None,
        );
        item.description = w ? workloadDescription(w) : '';
        item.iconPath = severityIcon(
          node.kind === 'CronJob' ? 'watch' : 'symbol-class',
          w && !w.healthy ? 3 : 0,
        );
        item.contextValue = `shipshape:workload:${node.kind}:${rw}${w?.suspended ? ':suspended' : ''}`;
        item.tooltip = markdown((md) => {
          md.appendMarkdown('**');
          md.appendText(`${node.kind} ${node.namespace}/${node.name}`);
          md.appendMarkdown('**\n\n');
          if (w) md.appendText(workloadDescription(w));
        });
        return item;
      }
      case 'pod': {
        const state = this.sources.clusterState(source);
        const index = health && state ? this.index(state, health) : undefined;
        const pod = index?.pods.get(key(node.namespace, node.name));
        const item = new vscode.TreeItem(node.name);
        if (!pod) return item;
        const h = podHealth(pod, this.model.clock(source));
        item.description = h.summary;
        item.iconPath = podIcon(h);
        item.tooltip = podTooltip(
          node.namespace,
          node.name,
          h,
          index?.suggestions.get(key(node.namespace, node.name)),
        );
        item.contextValue = `shipshape:pod:${rw}:${h.class}`;
        const used = this.usage?.pod(source, node.namespace, node.name);
        if (used) {
          const lines = podUsageLines(used.metrics, pod);
          // A healthy pod's news is its usage, and a narrow sidebar cuts the end of the line.
          item.description = h.healthy
            ? `${lines.description} · ${h.summary}`
            : `${h.summary} · ${lines.description}`;
          podUsageTooltip(item.tooltip, lines, used.samples);
        }
        return item;
      }
      case 'services': {
        const item = new vscode.TreeItem('Services', vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('plug');
        item.contextValue = `shipshape:group:Service:${rw}`;
        return item;
      }
      case 'service':
        return serviceItem(this.sources.clusterState(source), node, rw);
      case 'nodes': {
        const item = new vscode.TreeItem('Nodes', vscode.TreeItemCollapsibleState.Collapsed);
        const nodes = health?.nodes ?? [];
        item.description = `${nodes.filter((n) => n.ready).length}/${nodes.length} ready`;
        item.iconPath = new vscode.ThemeIcon('vm');
        // Said here once for the cluster, instead of on every pod and node.
        const missing = this.usage?.unavailable(source);
        if (missing) {
          item.description += ` · ${missing.replace(/ \(.*$/, '')}`;
          item.tooltip = missing;
        }
        return item;
      }
      case 'node': {
        const n = health?.nodes.find((x) => x.name === node.name);
        const item = new vscode.TreeItem(node.name);
        const troubles = [
          ...(n && !n.ready ? ['NotReady'] : []),
          ...(n?.pressures ?? []),
          ...(n?.unschedulable ? ['SchedulingDisabled'] : []),
        ];
        item.description = troubles.length > 0 ? troubles.join(' · ') : 'Ready';
        const used = this.usage?.node(source, node.name);
        const state = used ? this.sources.clusterState(source) : undefined;
        if (used && state) item.description += ` · ${nodeUsageLine(used, state)}`;
        item.iconPath = severityIcon('vm', n && !n.ready ? 4 : troubles.length > 0 ? 2 : 0);
        item.contextValue = 'shipshape:node';
        return item;
      }
      case 'forwards':
        return forwardsItem(this.forwardRows(source).length);
      case 'forward':
        return forwardItem(this.forwardRows(source).find((r) => r.key === node.key));
      case 'applications': {
        const apps = health?.applications ?? [];
        const item = new vscode.TreeItem('Argo CD applications', vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `${apps.filter((a) => a.sync === 'Synced').length}/${apps.length} synced`;
        item.iconPath = new vscode.ThemeIcon('git-merge');
        return item;
      }
      case 'application': {
        const app = health?.applications.find((a) => a.namespace === node.namespace && a.name === node.name);
        const item = new vscode.TreeItem(node.name);
        item.description = app ? `${app.sync} · ${app.health}` : '';
        const bad = app && (app.sync !== 'Synced' || app.health !== 'Healthy');
        item.iconPath = severityIcon(
          'git-merge',
          bad ? (app.health === 'Degraded' || app.health === 'Missing' ? 4 : 2) : 0,
        );
        item.contextValue = `shipshape:application:${rw}`;
        return item;
      }
    }
  }
}

function severityOrder(now: number): (a: Pod, b: Pod) => number {
  return (a, b) =>
    podHealth(b, now).severity - podHealth(a, now).severity ||
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
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
