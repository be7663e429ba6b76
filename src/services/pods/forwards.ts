import * as vscode from 'vscode';
import { PodRouter } from '../../adapters/k8s/pod-routes';
import { startPortForward, startRoutedPortForward, type PortForward } from '../../adapters/k8s/streams';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { Commands } from '../../constants';
import type { Pod } from '../../core/k8s/types';
import type { ForwardTarget, PodRoute } from '../../core/pods/forward-target';
import { forwardKey, statusLabel, type ActiveForward } from '../../core/pods/forward-view';
import type { ClusterSources, Source } from '../clusters/sources';

/**
 * A forward as the workspace remembers it: enough to start it again after a reload. `pod` is
 * the name of the object forwarded (a pod, Service or workload; `kind` absent means a pod, as
 * in forwards saved before the other kinds existed); `remotePort` its port.
 */
interface SavedForward {
  readonly context: string;
  readonly namespace: string;
  readonly kind?: string;
  readonly pod: string;
  readonly remotePort: number;
  readonly localPort: number;
  readonly targetPort?: number | string;
}

/** The pods behind a Service or workload now, from the watch cache; undefined: it is gone. */
export type PodsBehind = (source: Source, target: ForwardTarget) => readonly Pod[] | undefined;

const SAVED_KEY = 'shipshape.portForwards';

/** What can be done with an active forward, from the status bar or the Clusters view. */
export type ForwardAction = 'open' | 'copy' | 'stop';

const kindOf = (s: SavedForward) => s.kind ?? 'Pod';

const same = (a: SavedForward, b: SavedForward) =>
  a.context === b.context &&
  a.namespace === b.namespace &&
  kindOf(a) === kindOf(b) &&
  a.pod === b.pod &&
  a.remotePort === b.remotePort;

const targetOf = (s: SavedForward): ForwardTarget => ({
  kind: kindOf(s),
  namespace: s.namespace,
  name: s.pod,
  port: s.remotePort,
  ...(s.targetPort !== undefined ? { targetPort: s.targetPort } : {}),
});

/** `127.0.0.1:3000 → Service monitoring/grafana:3000 (now pod grafana-5d8f-x2:3000)`. */
const describe = (s: SavedForward, localPort = s.localPort, route?: PodRoute | null) => {
  const kind = kindOf(s);
  if (kind === 'Pod') return `127.0.0.1:${localPort} → ${s.namespace}/${s.pod}:${s.remotePort}`;
  const now = route === null ? ' (no ready pod now)' : route ? ` (pod ${route.pod}:${route.port} now)` : '';
  return `127.0.0.1:${localPort} → ${kind} ${s.namespace}/${s.pod}:${s.remotePort}${now}`;
};

interface Active {
  readonly saved: SavedForward;
  readonly forward: PortForward;
  readonly router?: PodRouter;
}

/** The pod a routed forward goes to, for `describe`: null once it has none. */
const routeOf = (f: Active): PodRoute | null | undefined =>
  f.router ? (f.router.current ?? null) : undefined;

/**
 * Active port-forwards: one status bar item listing them (click for Open in Browser / Copy
 * Address / Stop) and, through `list()` and `onDidChange`, a row each under their context in the
 * Clusters view with the same actions; remembered in the workspace state so a reload or a reconnect offers them
 * again. Restoring is offered, not automatic: a forward listens on a local port, and that should
 * not happen behind the user's back when the workspace opens.
 */
export class PortForwards implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly active: Active[] = [];
  private readonly status = this.store.add(
    vscode.window.createStatusBarItem('shipshape.portForwards', vscode.StatusBarAlignment.Left, 50),
  );
  /** Contexts whose saved forwards were offered this session: once is enough. */
  private readonly offered = new Set<string>();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  /** A forward started, stopped, or moved to another pod (the Clusters view lists them too). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly sources: ClusterSources,
    private readonly podsBehind: PodsBehind,
  ) {
    this.status.name = 'Shipshape port-forwards';
    this.status.command = Commands.showPortForwards;
    // The forwards stop with the window; the saved list stays for the next one.
    this.store.add({ dispose: () => void Promise.all(this.active.map((f) => f.forward.close())) });
    this.store.add(sources.onDidChange((source) => source && this.onSourceChange(source)));
  }

  private saved(): SavedForward[] {
    return this.state.get<SavedForward[]>(SAVED_KEY, []);
  }

  private async save(list: SavedForward[]): Promise<void> {
    await this.state.update(SAVED_KEY, list);
  }

  private onSourceChange(source: Source): void {
    // A Service or workload forward follows its pods as the watch sees them, so the status bar
    // names the pod the next connection goes to, before one is made.
    for (const f of this.active) {
      if (!f.router || f.saved.context !== source.label) continue;
      const pods = this.podsBehind(source, targetOf(f.saved));
      if (pods) f.router.refresh(pods);
    }
    this.offerRestore(source);
  }

  private show(): void {
    this.status.text = `$(plug) ${this.list()
      .map((f) => statusLabel(f))
      .join(', ')}`;
    this.status.tooltip = `Shipshape port-forwards (click for Open in Browser, Copy Address, Stop)\n${this.active
      .map((f) => describe(f.saved, f.forward.localPort, routeOf(f)))
      .join('\n')}`;
    if (this.active.length) this.status.show();
    else this.status.hide();
    this.changed.fire();
  }

  /** The active forwards as plain values, in the order they started. */
  list(): ActiveForward[] {
    return this.active.map((f) => {
      const route = routeOf(f);
      return {
        context: f.saved.context,
        target: targetOf(f.saved),
        localPort: f.forward.localPort,
        ...(route !== undefined ? { route } : {}),
      };
    });
  }

  private find(context: string, key: string): Active | undefined {
    return this.active.find((f) => f.saved.context === context && forwardKey(targetOf(f.saved)) === key);
  }

  /** The Clusters view's actions on one forward (the status bar's QuickPick offers the same). */
  async act(context: string, key: string, action: ForwardAction): Promise<void> {
    const entry = this.find(context, key);
    if (entry) await this.actOn(entry, action);
  }

  private async actOn(entry: Active, action: ForwardAction): Promise<void> {
    if (action === 'open') await this.openInBrowser(entry.forward.localPort);
    else if (action === 'copy') await vscode.env.clipboard.writeText(`127.0.0.1:${entry.forward.localPort}`);
    else await this.stop(this.active.indexOf(entry));
  }

  /**
   * Listens on `localPort` when it is free, else on any free port and says so: a port someone
   * else holds (another forward, a local dev server) is common and should not stop the forward.
   * A Service or workload forward sends each connection to a ready pod behind it.
   */
  async start(source: Source, target: ForwardTarget, localPort: number): Promise<void> {
    const rest = source.connection?.rest;
    if (!rest) return;
    const wanted: SavedForward = {
      context: source.label,
      namespace: target.namespace,
      ...(target.kind === 'Pod' ? {} : { kind: target.kind }),
      pod: target.name,
      remotePort: target.port,
      localPort,
      ...(target.targetPort !== undefined ? { targetPort: target.targetPort } : {}),
    };
    const existing = this.active.find((f) => same(f.saved, wanted));
    if (existing) {
      void vscode.window.showInformationMessage(
        `Shipshape: already forwarded: ${describe(existing.saved, existing.forward.localPort, routeOf(existing))}`,
      );
      return;
    }
    const router =
      target.kind === 'Pod'
        ? undefined
        : new PodRouter(
            target,
            () => this.podsBehind(source, target) ?? [],
            () => this.show(),
          );
    const listen = (port: number) =>
      router
        ? startRoutedPortForward(rest, router.pick, target.port, port)
        : startPortForward(rest, { namespace: target.namespace, name: target.name }, target.port, port);
    let forward: PortForward;
    let taken = false;
    try {
      forward = await listen(localPort);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || localPort === 0) throw error;
      taken = true;
      forward = await listen(0);
    }
    const saved = { ...wanted, localPort: forward.localPort };
    const entry: Active = { saved, forward, ...(router ? { router } : {}) };
    // Where the first connection will go, shown from the start.
    router?.refresh(this.podsBehind(source, target) ?? []);
    this.active.push(entry);
    this.show();
    await this.save([...this.saved().filter((s) => !same(s, saved)), saved]);
    const text = describe(saved, saved.localPort, routeOf(entry));
    const message = taken
      ? `Shipshape: local port ${localPort} is in use, so ${text} instead.`
      : `Shipshape: ${text}`;
    const open = 'Open in Browser';
    // Not awaited: a restore starts several forwards and must not wait for each message.
    void (
      taken
        ? vscode.window.showWarningMessage(message, open)
        : vscode.window.showInformationMessage(message, open)
    ).then((choice) => (choice === open ? this.openInBrowser(forward.localPort) : undefined));
  }

  private async openInBrowser(port: number): Promise<void> {
    // asExternalUri: in a remote or browser window the local port lives on the other side.
    const uri = await vscode.env.asExternalUri(vscode.Uri.parse(`http://127.0.0.1:${port}/`));
    await vscode.env.openExternal(uri);
  }

  async stop(index: number): Promise<void> {
    const [entry] = this.active.splice(index, 1);
    if (!entry) return;
    // Closed before the status bar says so: once it is gone from there, nothing listens.
    await entry.forward.close();
    this.show();
    await this.save(this.saved().filter((s) => !same(s, entry.saved)));
  }

  /** The status bar's QuickPick: a forward, then what to do with it. */
  async manage(): Promise<void> {
    if (!this.active.length) {
      void vscode.window.showInformationMessage('Shipshape: no port-forwards are active.');
      return;
    }
    const picked =
      this.active.length === 1
        ? this.active[0]
        : (
            await vscode.window.showQuickPick(
              this.active.map((f) => ({
                label: describe(f.saved, f.forward.localPort, routeOf(f)),
                entry: f,
              })),
              { title: 'Shipshape port-forwards' },
            )
          )?.entry;
    if (!picked) return;
    const address = `127.0.0.1:${picked.forward.localPort}`;
    const action = await vscode.window.showQuickPick(
      [
        { label: '$(globe) Open in Browser', id: 'open' as const },
        { label: '$(copy) Copy Address', id: 'copy' as const, description: address },
        { label: '$(debug-stop) Stop', id: 'stop' as const },
      ],
      { title: describe(picked.saved, picked.forward.localPort, routeOf(picked)) },
    );
    if (action) await this.actOn(picked, action.id);
  }

  /** Stop Port Forward…: straight to the list. */
  async pickAndStop(): Promise<void> {
    const picked = await vscode.window.showQuickPick(
      this.active.map((f, i) => ({ label: describe(f.saved, f.forward.localPort, routeOf(f)), i })),
      { title: 'Stop which port-forward?' },
    );
    if (picked) await this.stop(picked.i);
  }

  private offerRestore(source: Source): void {
    if (this.offered.has(source.label) || source.readonly) return;
    if (this.sources.status(source).state !== 'ready') return;
    const pending = this.saved().filter(
      (s) => s.context === source.label && !this.active.some((f) => same(f.saved, s)),
    );
    if (!pending.length) return;
    this.offered.add(source.label);
    void this.restore(source, pending);
  }

  private async restore(source: Source, pending: SavedForward[]): Promise<void> {
    const restore = 'Restore';
    const forget = 'Forget';
    const choice = await vscode.window.showInformationMessage(
      `Shipshape: restore ${pending.length} port-forward${pending.length === 1 ? '' : 's'} on ${source.label}? ${pending
        .map((s) => describe(s))
        .join(', ')}`,
      restore,
      forget,
    );
    if (choice === forget) await this.save(this.saved().filter((s) => !pending.some((p) => same(p, s))));
    if (choice !== restore) return;
    for (const s of pending) {
      const exists =
        kindOf(s) === 'Pod'
          ? this.sources
              .clusterState(source)
              ?.pods.some((p) => p.metadata?.namespace === s.namespace && p.metadata?.name === s.pod)
          : this.podsBehind(source, targetOf(s)) !== undefined;
      if (!exists) {
        const what = kindOf(s) === 'Pod' ? '' : `${kindOf(s)} `;
        void vscode.window.showWarningMessage(
          `Shipshape: ${what}${s.namespace}/${s.pod} no longer exists; its port-forward was not restored.`,
        );
        await this.save(this.saved().filter((x) => !same(x, s)));
        continue;
      }
      await this.start(source, targetOf(s), s.localPort).catch((error: unknown) => {
        void vscode.window.showErrorMessage(
          `Shipshape: could not restore ${describe(s)}: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }
  }

  dispose(): void {
    this.store.dispose();
  }
}
