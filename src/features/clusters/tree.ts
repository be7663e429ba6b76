import * as vscode from 'vscode';
import { Expansion } from '../../core/explorer/expansion';
import type { ObjectRef } from '../../core/explorer/ref';
import { ExplorerModel, type ExplorerSources } from '../../core/explorer/view-model';
import { forwardRows, type ActiveForward } from '../../core/pods/forward-view';
import type { HealthModel } from '../../services/clusters/health-model';
import { nodeId, parentOf, type ClusterNode } from '../../services/clusters/nodes';
import { servicesIn } from './services';
import { startsExpanded } from './source-item';
import type { ClusterSources, Source } from '../../services/clusters/sources';
import { statusLine } from './status-line';
import { renderNode, type RenderContext } from './tree-items';
import type { ClusterUsage } from './usage';

/** The active port-forwards, listed under their context while there are any. */
export interface ForwardList {
  list(): readonly ActiveForward[];
}

/** The view-model's questions, answered from the live sources and the health model. */
function explorerSources(
  sources: ClusterSources,
  model: HealthModel,
  rows: (source: Source) => readonly { key: string }[],
): ExplorerSources<Source> {
  return {
    list: () => sources.list(),
    state: (source) => sources.clusterState(source),
    health: (source) => model.health(source),
    clock: (source) => model.clock(source),
    hasStatusRow: (source) => statusLine(sources.status(source)) !== undefined,
    forbiddenNamespaces: (source) => {
      const status = sources.status(source);
      return 'forbiddenNamespaces' in status ? status.forbiddenNamespaces.keys() : [];
    },
    forwardKeys: (source) => rows(source).map((r) => r.key),
    services: servicesIn,
  };
}

/**
 * The Clusters view: the explorer view-model's nodes as TreeItems, one renderer per node type.
 * Reading children never connects; expanding a context does (`connectOnExpand`).
 */
export class ClustersTree implements vscode.TreeDataProvider<ClusterNode> {
  private readonly emitter = new vscode.EventEmitter<ClusterNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  readonly explorer: ExplorerModel<Source>;
  private readonly render: RenderContext;
  private readonly expansion = new Expansion();

  constructor(
    private readonly sources: ClusterSources,
    model: HealthModel,
    usage?: ClusterUsage,
    forwards?: ForwardList,
  ) {
    const rows = (source: Source) => forwardRows(forwards?.list() ?? [], source.label);
    this.explorer = new ExplorerModel(explorerSources(sources, model, rows));
    this.render = { sources, model, explorer: this.explorer, usage, forwardRows: rows };
  }

  get onlyProblems(): boolean {
    return this.explorer.onlyProblems;
  }

  set onlyProblems(only: boolean) {
    this.explorer.onlyProblems = only;
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  /** The row that shows an object, for "reveal" links from the Problems view and the runbook. */
  nodeFor(source: Source, ref: ObjectRef): ClusterNode | undefined {
    return this.explorer.nodeFor(source, ref);
  }

  getParent(node: ClusterNode): ClusterNode | undefined {
    return parentOf(node);
  }

  getChildren(node?: ClusterNode): ClusterNode[] {
    return this.explorer.children(node);
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    const item = renderNode(node, this.render);
    item.id = nodeId(node);
    return item;
  }

  /**
   * Expanding a context connects it. The current context starts expanded, so it connects when
   * the view shows it; an open context whose connection was replaced (kubeconfig edit) reconnects.
   */
  connectOnExpand(view: vscode.TreeView<ClusterNode>): vscode.Disposable {
    const connectOpen = () => {
      const list = this.sources.list();
      this.expansion.list(list.map((s) => ({ id: s.id, startsExpanded: startsExpanded(s) })));
      if (view.visible) for (const source of list) if (this.expansion.isOpen(source.id)) this.connect(source);
    };
    connectOpen();
    return vscode.Disposable.from(
      view.onDidExpandElement(({ element }) => {
        if (element.type !== 'source') return;
        this.expansion.expand(element.source.id);
        this.connect(element.source);
      }),
      view.onDidCollapseElement(({ element }) => {
        if (element.type === 'source') this.expansion.collapse(element.source.id);
      }),
      view.onDidChangeVisibility(connectOpen),
      this.sources.onDidChange(connectOpen),
    );
  }

  private connect(source: Source): void {
    if (source.kind === 'context') this.sources.connect(source);
  }
}
