import * as vscode from 'vscode';
import { gitRemotes, gitRoots, livePlan, type AppPlan } from '../../adapters/render/argo';
import { matchLiveApps, renderKey } from '../../core/render/cluster-apps';
import type { Logger } from '../../core/log';
import type { ClusterSources } from '../clusters/sources';
import type { SourceRoot } from './roots';

/** Watch events come in bursts; a chart is re-rendered once they settle. */
const SETTLE_MS = 500;

/**
 * The Argo CD Applications the current context serves whose `path` is a chart or overlay of the
 * workspace: each renders that root the way the live Application says (a workspace Application
 * of the same name wins). Read from the explorer's watches, never by asking the cluster itself;
 * a root renders again when one of its Applications changes its sources or destination.
 */
export class LiveApps implements vscode.Disposable {
  private byRoot = new Map<string, AppPlan[]>();
  private keys = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<string[]>();
  /** The root folders whose live Applications changed. */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private timer: NodeJS.Timeout | undefined;
  private readonly said = new Set<string>();
  private repos:
    { readonly for: string; readonly roots: string[]; readonly remotes: Map<string, string[]> } | undefined;

  constructor(
    private readonly sources: ClusterSources | undefined,
    private readonly roots: () => readonly SourceRoot[],
    private readonly log: Logger,
  ) {
    if (sources)
      this.disposables.push(
        sources.onDidChange(() => {
          this.timer ??= setTimeout(() => {
            this.timer = undefined;
            this.refresh();
          }, SETTLE_MS);
        }),
      );
  }

  plansFor(root: SourceRoot): AppPlan[] {
    return (this.byRoot.get(root.dir) ?? []).filter((p) => p.kind === root.kind);
  }

  /** Matches the watched Applications with the roots again (after the roots change, too). */
  refresh(): void {
    const current = this.sources
      ?.list()
      .find((s) => s.kind === 'context' && s.context?.current && s.connection && !s.blocked);
    const connection = current?.connection;
    // Still listing: what is known so far says nothing yet (a render with defaults would flicker).
    if (connection?.loading(true)) return;
    const context = current?.context?.name ?? '';
    const apps =
      connection && !connection.missing().has('applications') ? connection.state().applications : [];
    const roots = this.roots();
    const repos = apps.length > 0 ? this.repositories(roots) : undefined;
    const matches = repos
      ? matchLiveApps(apps, roots, repos.bases, repos.remotes, (why) => this.sayOnce(why))
      : [];
    const byRoot = new Map<string, AppPlan[]>();
    const keys = new Map<string, string[]>();
    for (const m of matches) {
      const plan = livePlan(m, context);
      if (!plan) continue;
      byRoot.set(plan.dir, [...(byRoot.get(plan.dir) ?? []), plan]);
      const object = apps.find((a) => `${a.metadata?.namespace ?? ''}/${a.metadata?.name}` === m.id);
      keys.set(plan.dir, [...(keys.get(plan.dir) ?? []), `${context}|${renderKey(object)}`]);
    }
    const next = new Map([...keys].map(([dir, k]) => [dir, k.sort().join('\n')]));
    const changed = [...new Set([...this.keys.keys(), ...next.keys()])].filter(
      (dir) => this.keys.get(dir) !== next.get(dir),
    );
    this.byRoot = byRoot;
    this.keys = next;
    if (changed.length === 0) return;
    for (const dir of changed)
      for (const plan of byRoot.get(dir) ?? [])
        this.log.info(
          `${vscode.workspace.asRelativePath(dir)} renders as Argo CD app ${plan.live?.id} in ${plan.live?.context} says: ${plan.live?.matched}`,
        );
    this.emitter.fire(changed);
  }

  /** Where an Application's path may start: the workspace folders and the git checkouts of the roots. */
  private repositories(roots: readonly SourceRoot[]): { bases: string[]; remotes: Map<string, string[]> } {
    const key = roots.map((r) => r.dir).join('\n');
    if (this.repos?.for !== key) {
      const repos = gitRoots(roots.map((r) => r.dir));
      this.repos = { for: key, roots: repos, remotes: gitRemotes(repos) };
    }
    return {
      bases: [...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), ...this.repos.roots],
      remotes: this.repos.remotes,
    };
  }

  /** Matching runs on every change of the cluster's Applications: each reason is logged once. */
  private sayOnce(why: string): void {
    if (this.said.has(why)) return;
    this.said.add(why);
    this.log.info(why);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
