import * as vscode from 'vscode';
import { DEFAULT_LIMITS, findTool } from '../../adapters/render/run';
import { severityOf } from '../../adapters/vscode/convert';
import { MANIFEST_EXCLUDE_GLOB } from '../../core/analysis/path-policy';
import type { Logger } from '../../core/log';
import { allRules } from '../../core/rules/registry';
import type { AnalysisService } from '../analysis/service';
import type { AppPlan } from '../../adapters/render/argo';
import { notShadowed } from '../../core/render/cluster-apps';
import type { ClusterSources } from '../clusters/sources';
import { ArgoApps, NAMESPACE_SETTING } from './apps';
import { LiveApps } from './live-apps';
import { renderRoot, type RootResult, type SourceMark } from './render';
import { inside, rootsFrom, rootsOf, type SourceRoot } from './roots';

export const RENDERED_SOURCE = 'Shipshape (rendered)';
const MARKERS = '**/{Chart.yaml,kustomization.yaml,kustomization.yml,Kustomization}';
const SAVE_DEBOUNCE_MS = 300;

interface RootState {
  controller: AbortController | undefined;
  timer: NodeJS.Timeout | undefined;
  result: RootResult | undefined;
}

/**
 * Renders charts and overlays with the user's `helm` / `kustomize` and publishes the findings on
 * the template, values, base or patch line that produced them. Nothing is rendered in a
 * restricted workspace: Helm plugins and post-renderers and Kustomize exec plugins run code.
 */
export class ChartsService implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('shipshape-rendered');
  private roots: SourceRoot[] = [];
  private readonly states = new Map<string, RootState>();
  private readonly told = new Set<string>();
  private readonly tools = new Map<SourceRoot['kind'], string | undefined>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires after each render is published (tests and quick fixes wait on it). */
  readonly onDidRender = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private discovered: Promise<void> | undefined;
  /** The workspace's Argo CD Applications: a root one points at renders the way it says. */
  private readonly apps: ArgoApps;

  /** The cluster's Argo CD Applications that point at a root (the current context's). */
  private readonly live: LiveApps;

  constructor(
    private readonly log: Logger,
    private readonly analysis: AnalysisService | undefined,
    clusters?: ClusterSources,
  ) {
    this.apps = new ArgoApps(log);
    this.live = new LiveApps(clusters, () => this.roots, log);
    const watcher = vscode.workspace.createFileSystemWatcher(MARKERS);
    this.disposables.push(
      this.diagnostics,
      this.live,
      // A live Application pointing at a root appeared, changed or went: that root renders again.
      this.live.onDidChange((dirs) => {
        for (const root of this.roots) if (dirs.includes(root.dir)) this.schedule(root, 0);
      }),
      this.emitter,
      watcher,
      watcher.onDidCreate(() => this.rediscover()),
      watcher.onDidDelete(() => this.rediscover()),
      vscode.workspace.onDidOpenTextDocument((d) => this.touched(d.uri, 0)),
      vscode.workspace.onDidSaveTextDocument((d) => {
        this.touched(d.uri, SAVE_DEBOUNCE_MS);
        if (vscode.workspace.isTrusted && d.uri.scheme === 'file') void this.appSaved(d.uri.fsPath);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.rediscover()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration('shipshape.helm.path') ||
          e.affectsConfiguration('shipshape.kustomize.path')
        ) {
          this.told.clear();
          this.tools.clear();
          for (const root of this.roots) this.schedule(root, 0);
        } else if (e.affectsConfiguration(NAMESPACE_SETTING))
          for (const root of this.roots)
            if (this.plansFor(root).length === 0 && this.states.get(root.dir)?.result) this.schedule(root, 0);
      }),
    );
    if (!vscode.workspace.isTrusted)
      this.log.info(
        'Charts and overlays are not rendered in a restricted workspace: Helm plugins and post-renderers and Kustomize exec plugins run code. Trust the workspace to see findings on templates and values.',
      );
    this.rediscover();
  }

  /** True when a file's findings come from its rendered chart (plain analysis leaves them out). */
  rendersFile(uri: vscode.Uri): boolean {
    if (!vscode.workspace.isTrusted || uri.scheme !== 'file') return false;
    return this.roots.some(
      (r) => r.kind === 'helm' && inside(uri.fsPath, r.dir) && this.toolFor(r.kind) !== undefined,
    );
  }

  ready(): Promise<void> {
    return this.discovered ?? Promise.resolve();
  }

  resultFor(root: SourceRoot): RootResult | undefined {
    return this.states.get(root.dir)?.result;
  }

  /** The rendered findings shown on a file's lines, with the render they came from. */
  findingsOn(
    uri: vscode.Uri,
    range: vscode.Range,
  ): { root: SourceRoot; result: RootResult; mark: SourceMark }[] {
    const out: { root: SourceRoot; result: RootResult; mark: SourceMark }[] = [];
    for (const root of this.roots) {
      const result = this.states.get(root.dir)?.result;
      for (const mark of result?.marks ?? [])
        if (
          mark.mapped &&
          mark.file === uri.fsPath &&
          mark.line >= range.start.line &&
          mark.line <= range.end.line
        )
          out.push({ root, result: result as RootResult, mark });
    }
    return out;
  }

  /** Renders a root again now and resolves once no render of it is pending. */
  rerender(root: SourceRoot): Promise<RootResult | undefined> {
    this.schedule(root, 0);
    return new Promise((resolve) => {
      const check = () => {
        const state = this.states.get(root.dir);
        if (state?.timer || state?.controller) return;
        sub.dispose();
        resolve(state?.result);
      };
      const sub = this.onDidRender(check);
    });
  }

  /** True while a render of the root is scheduled or running. */
  isRendering(root: SourceRoot): boolean {
    const state = this.states.get(root.dir);
    return state?.timer !== undefined || state?.controller !== undefined;
  }

  /**
   * The Argo CD Applications a root is rendered with (none: defaults): the workspace's first,
   * then the cluster's whose name no workspace Application has.
   */
  plansFor(root: SourceRoot): AppPlan[] {
    const workspace = this.apps.plansFor(root);
    return [
      ...workspace,
      ...notShadowed(
        this.live.plansFor(root),
        workspace.map((p) => p.app),
      ),
    ];
  }

  /** An Application file saved: the roots it names (before or after the edit) render again. */
  private async appSaved(file: string): Promise<void> {
    const dirs = await this.apps.update(file);
    for (const root of this.roots) if (dirs.includes(root.dir)) this.schedule(root, SAVE_DEBOUNCE_MS);
  }

  /** Every chart and overlay root found (after `ready()`), for live → source look-ups. */
  allRoots(): readonly SourceRoot[] {
    return this.roots;
  }

  /** A root's last render, or a render now when it has none yet (the user asked for it). */
  async resultNow(root: SourceRoot): Promise<RootResult | undefined> {
    return this.resultFor(root) ?? (await this.rerender(root));
  }

  toolPath(kind: SourceRoot['kind']): string | undefined {
    return this.toolFor(kind);
  }

  rootsFor(uri: vscode.Uri): SourceRoot[] {
    return uri.scheme === 'file' ? rootsOf(this.roots, uri.fsPath) : [];
  }

  private rediscover(): void {
    if (!vscode.workspace.isTrusted) return;
    this.discovered = Promise.resolve(vscode.workspace.findFiles(MARKERS, MANIFEST_EXCLUDE_GLOB)).then(
      async (uris) => {
        await this.apps.scan();
        this.roots = rootsFrom(uris.map((u) => u.fsPath));
        this.live.refresh();
        this.log.debug(`charts and overlays: ${this.roots.map((r) => `${r.kind} ${r.dir}`).join(', ')}`);
        for (const d of vscode.workspace.textDocuments) this.touched(d.uri, 0);
      },
      (error: unknown) => this.log.warn(`finding charts and overlays failed: ${String(error)}`),
    );
  }

  /** A file was opened or saved: its roots, and every root whose last render read it, render again. */
  private touched(uri: vscode.Uri, delay: number): void {
    if (!vscode.workspace.isTrusted || uri.scheme !== 'file') return;
    const roots = new Set(rootsOf(this.roots, uri.fsPath));
    for (const root of this.roots)
      if (this.states.get(root.dir)?.result?.marks.some((m) => m.file === uri.fsPath)) roots.add(root);
    // Opening a second file of an already rendered root shows what is there; saving renders again.
    for (const root of roots)
      if (delay > 0 || this.states.get(root.dir)?.result === undefined) this.schedule(root, delay);
  }

  /** Renders a root now (a quick fix re-renders after its edit). */
  renderNow(root: SourceRoot): Promise<void> {
    return this.run(root);
  }

  private schedule(root: SourceRoot, delay: number): void {
    const state = this.state(root);
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.run(root);
    }, delay);
  }

  private state(root: SourceRoot): RootState {
    let state = this.states.get(root.dir);
    if (!state) {
      state = { controller: undefined, timer: undefined, result: undefined };
      this.states.set(root.dir, state);
    }
    return state;
  }

  /**
   * The tool's path; `fresh` looks it up again (each render does). `rendersFile` runs on every
   * keystroke's publish, so it reads the last answer instead of stat-ing every PATH entry.
   */
  private toolFor(kind: SourceRoot['kind'], fresh = false): string | undefined {
    if (!fresh && this.tools.has(kind)) return this.tools.get(kind);
    const setting = vscode.workspace.getConfiguration('shipshape').get<string>(`${kind}.path`, '').trim();
    const tool = findTool(kind, setting || undefined);
    this.tools.set(kind, tool);
    return tool;
  }

  private async run(root: SourceRoot): Promise<void> {
    const state = this.state(root);
    const tool = this.toolFor(root.kind, true);
    if (!tool) {
      this.missing(root.kind);
      this.emitter.fire();
      return;
    }
    // The next save cancels a render still running: its process group is killed, its result dropped.
    state.controller?.abort();
    const controller = new AbortController();
    state.controller = controller;
    const started = performance.now();
    try {
      const settings = this.analysis?.settings;
      const options = settings
        ? { rules: allRules, severities: settings.severities, options: settings.options }
        : { rules: allRules };
      const how = { plans: this.plansFor(root), namespace: renderNamespace() };
      const result = await renderRoot(
        root,
        tool,
        options,
        { ...DEFAULT_LIMITS, signal: controller.signal },
        how,
      );
      if (controller.signal.aborted) return;
      state.result = result;
      this.log.debug(
        `rendered ${vscode.workspace.asRelativePath(root.dir)} in ${(performance.now() - started).toFixed(0)} ms: ${result.marks.length} findings`,
      );
      this.publish();
    } catch (error) {
      this.log.error(
        `rendering ${root.dir} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    } finally {
      if (state.controller === controller) state.controller = undefined;
      this.emitter.fire();
    }
  }

  private missing(kind: SourceRoot['kind']): void {
    if (this.told.has(kind)) return;
    this.told.add(kind);
    const message =
      kind === 'helm'
        ? 'Shipshape: helm was not found on PATH, so charts are not rendered. Install Helm 3 or 4 or set shipshape.helm.path; plain manifests are still analysed.'
        : 'Shipshape: kustomize was not found on PATH, so overlays are not rendered. Install kustomize v5 or set shipshape.kustomize.path; plain manifests are still analysed.';
    this.log.warn(message);
    void vscode.window.showWarningMessage(message);
  }

  /** Every root's marks, merged per file: a base read by two overlays shows a finding once. */
  private publish(): void {
    const byFile = new Map<string, Map<string, SourceMark>>();
    for (const state of this.states.values())
      for (const m of state.result?.marks ?? []) {
        const marks = byFile.get(m.file) ?? new Map<string, SourceMark>();
        marks.set(`${m.line}:${m.column}:${m.code}:${m.message}`, m);
        byFile.set(m.file, marks);
      }
    const next = new Set(byFile.keys());
    this.diagnostics.forEach((uri) => {
      if (!next.has(uri.fsPath)) this.diagnostics.delete(uri);
    });
    for (const [file, marks] of byFile)
      this.diagnostics.set(vscode.Uri.file(file), [...marks.values()].map(toDiagnostic));
  }

  dispose(): void {
    for (const state of this.states.values()) {
      clearTimeout(state.timer);
      state.controller?.abort();
    }
    for (const d of this.disposables) d.dispose();
  }
}

/** Where a root without an Argo CD Application is rendered (`helm template --namespace`). */
export function renderNamespace(): string {
  const value = vscode.workspace.getConfiguration('shipshape').get<string>('charts.namespace', 'default');
  return value.trim() || 'default';
}

function toDiagnostic(m: SourceMark): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(m.line, m.column, m.endLine, m.endColumn),
    m.message,
    severityOf(m.severity),
  );
  diagnostic.source = RENDERED_SOURCE;
  diagnostic.code = m.code;
  return diagnostic;
}
