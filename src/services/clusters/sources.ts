import * as vscode from 'vscode';
import { ClusterConnection, type ConnectionStatus } from '../../adapters/k8s/connection';
import { KubeError } from '../../adapters/k8s/errors';
import {
  contextsOf,
  forContext,
  insideAny,
  kubeconfigPaths,
  loadKubeconfig,
  type ContextInfo,
  type KubeconfigSource,
} from '../../adapters/k8s/kubeconfig';
import { readSnapshot } from '../../adapters/k8s/snapshot';
import { FilesWatcher } from '../../adapters/fs/watch-files';
import { DEFAULT_ARCHIVE_LIMITS, EventArchive } from '../../core/diagnose/event-archive';
import type { ClusterState } from '../../core/k8s/types';
import { redact, type Logger } from '../../core/log';
import { insecureLogLine } from './context-notes';
import { contextSources } from './context-sources';

/** A cluster to show: a kubeconfig context (live) or a snapshot file (read-only). */
export interface Source {
  readonly id: string;
  readonly label: string;
  readonly kind: 'context' | 'snapshot';
  /** Writes refused: a snapshot, or a context while the workspace is untrusted (follows trust). */
  readonly: boolean;
  /** Replaced on reload when the kubeconfig entry changes but the connection stays (current context). */
  context?: ContextInfo;
  readonly path?: string;
  connection?: ClusterConnection;
  snapshot?: ClusterState;
  /** Why this source cannot be used (exec plugin in an untrusted workspace, unreadable file…). */
  blocked?: string;
}

export type SourceStatus =
  | ConnectionStatus
  | { readonly state: 'disconnected' }
  | { readonly state: 'blocked'; readonly reason: string }
  | { readonly state: 'snapshot' };

const KUBECONFIG_KEY = 'shipshape.kubeconfigPath';
const SNAPSHOT_KEY = 'shipshape.snapshotPaths';
const PINNED_KEY = 'shipshape.pinnedNamespaces';

/**
 * Everything the Clusters view can show: contexts from the kubeconfig (connected lazily, the
 * current one at once) and opened snapshots. It never writes the user's kubeconfig.
 */
export class ClusterSources implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Source | undefined>();
  readonly onDidChange = this.emitter.event;
  private sources: Source[] = [];
  kubeconfig: KubeconfigSource | undefined;
  /** A problem with the kubeconfig itself (missing, malformed), shown in place of contexts. */
  kubeconfigError: KubeError | undefined;
  private readonly watcher = new FilesWatcher(() => {
    this.log.info('the kubeconfig changed on disk: reloading contexts');
    this.reload();
  });
  private readonly disposables: vscode.Disposable[] = [this.emitter, this.watcher];
  private readonly warnedInsecure = new Set<string>();
  /** Kept per cluster across connections (see ConnectionOptions.eventArchive). */
  private readonly archives = new Map<string, EventArchive>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: Logger,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('shipshape.kubeconfig') || e.affectsConfiguration('shipshape.namespaces'))
          this.reload();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reload()),
    );
  }

  list(): readonly Source[] {
    return this.sources;
  }

  get(id: string): Source | undefined {
    return this.sources.find((s) => s.id === id);
  }

  /** Where the kubeconfig comes from: setting, then the file the user opened, then the standard search. */
  kubeconfigPaths(): string[] {
    const setting = vscode.workspace.getConfiguration('shipshape').get<string>('kubeconfig');
    return kubeconfigPaths(setting || this.state.get<string>(KUBECONFIG_KEY));
  }

  async useKubeconfig(path: string): Promise<void> {
    await this.state.update(KUBECONFIG_KEY, path);
    this.reload();
  }

  async addSnapshot(path: string): Promise<void> {
    const paths = new Set(this.state.get<string[]>(SNAPSHOT_KEY, []));
    paths.add(path);
    await this.state.update(SNAPSHOT_KEY, [...paths]);
    this.reload();
  }

  async removeSnapshot(path: string): Promise<void> {
    await this.state.update(
      SNAPSHOT_KEY,
      this.state.get<string[]>(SNAPSHOT_KEY, []).filter((p) => p !== path),
    );
    this.reload();
  }

  pinned(context: string): string[] {
    const fromSettings = vscode.workspace.getConfiguration('shipshape').get<string[]>('namespaces', []);
    return [...new Set([...fromSettings, ...this.state.get<string[]>(`${PINNED_KEY}:${context}`, [])])];
  }

  async pin(source: Source, namespace: string): Promise<void> {
    if (!source.context) return;
    const key = `${PINNED_KEY}:${source.context.name}`;
    await this.state.update(key, [...new Set([...this.state.get<string[]>(key, []), namespace])]);
    source.connection?.pinNamespace(namespace);
    this.emitter.fire(source);
  }

  /** Re-reads kubeconfig and snapshots; keeps live connections whose context is unchanged. */
  reload(): void {
    const previous = new Map(this.sources.map((s) => [s.id, s]));
    const next: Source[] = [];
    this.kubeconfigError = undefined;
    this.kubeconfig = undefined;
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const trusted = vscode.workspace.isTrusted;
    try {
      const paths = this.kubeconfigPaths().filter((p) => trusted || !insideAny(p, folders));
      // `kubectl config use-context` and new credentials show up without a reload.
      this.watcher.watch(paths);
      if (paths.length > 0) {
        this.kubeconfig = loadKubeconfig(paths);
        const fromWorkspace = this.kubeconfig.paths.some((p) => insideAny(p, folders));
        const contexts = contextsOf(this.kubeconfig);
        const merged = contextSources(previous, contexts, { trusted, fromWorkspace });
        for (const old of merged.replaced) this.dropConnection(old);
        next.push(...merged.next);
        for (const context of contexts) {
          if (!context.insecure || this.warnedInsecure.has(context.name)) continue;
          this.warnedInsecure.add(context.name);
          this.log.warn(insecureLogLine(context));
        }
      }
    } catch (error) {
      this.kubeconfigError =
        error instanceof KubeError ? error : new KubeError('config', redact(String(error)));
      // "No kubeconfig found" is the normal first-run state: the welcome view explains it.
      if (this.kubeconfigError.message.startsWith('No kubeconfig')) this.kubeconfigError = undefined;
      else this.log.warn(this.kubeconfigError.message);
    }
    // `npm run demo -- --snapshot FILE` hands its snapshot over through the environment.
    const demoSnapshot = process.env['SHIPSHAPE_DEMO_SNAPSHOT'];
    const snapshotPaths = [
      ...new Set([...(demoSnapshot ? [demoSnapshot] : []), ...this.state.get<string[]>(SNAPSHOT_KEY, [])]),
    ];
    for (const path of snapshotPaths) {
      const id = `snapshot:${path}`;
      const old = previous.get(id);
      if (old) {
        next.push(old);
        continue;
      }
      const source: Source = {
        id,
        label: path.split(/[\\/]/).pop() ?? path,
        kind: 'snapshot',
        readonly: true,
        path,
      };
      try {
        source.snapshot = readSnapshot(path);
      } catch (error) {
        source.blocked = error instanceof Error ? error.message : String(error);
      }
      next.push(source);
    }
    for (const old of previous.values()) if (!next.includes(old)) this.dropConnection(old);
    this.sources = next;
    this.emitter.fire(undefined);
  }

  /** Connects a context (once); the current context is connected on first show. */
  connect(source: Source): void {
    if (
      source.kind !== 'context' ||
      source.connection ||
      source.blocked ||
      !this.kubeconfig ||
      !source.context
    )
      return;
    const connection = new ClusterConnection(
      forContext(this.kubeconfig, source.context.name),
      source.context.name,
      this.log,
      {
        pinnedNamespaces: [
          ...this.pinned(source.context.name),
          ...(source.context.namespace ? [source.context.namespace] : []),
        ],
        archiveEvents: true,
        eventArchive: this.archiveOf(source.context),
      },
    );
    source.connection = connection;
    // Owned by the connection: its dispose() drops every listener. Kept in `disposables`, each
    // reconnect left the old connection, and through it the old cluster state, reachable.
    connection.onDidChange(() => this.emitter.fire(source));
    connection.start();
    this.log.info(`connecting to context ${source.context.name} (${source.context.server})`);
    this.emitter.fire(source);
  }

  disconnect(source: Source): void {
    this.dropConnection(source);
    this.emitter.fire(source);
  }

  /** A source dropped from the list may still be held by a tree item: it keeps no connection. */
  /** The same context name on another server is another cluster: its events are not these. */
  private archiveOf(context: ContextInfo): EventArchive {
    const key = `${context.name}\n${context.server}`;
    const archive = this.archives.get(key) ?? new EventArchive(DEFAULT_ARCHIVE_LIMITS);
    this.archives.set(key, archive);
    return archive;
  }

  private dropConnection(source: Source): void {
    source.connection?.dispose();
    delete source.connection;
  }

  status(source: Source): SourceStatus {
    if (source.blocked) return { state: 'blocked', reason: source.blocked };
    if (source.kind === 'snapshot') return { state: 'snapshot' };
    return source.connection?.status() ?? { state: 'disconnected' };
  }

  clusterState(source: Source): ClusterState | undefined {
    return source.snapshot ?? source.connection?.state();
  }

  dispose(): void {
    for (const s of this.sources) s.connection?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
