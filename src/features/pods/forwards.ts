import * as vscode from 'vscode';
import { startPortForward, type PortForward } from '../../adapters/k8s/streams';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { Commands } from '../../constants';
import type { ClusterSources, Source } from '../clusters/sources';

/** A forward as the workspace remembers it: enough to start it again after a reload. */
interface SavedForward {
  readonly context: string;
  readonly namespace: string;
  readonly pod: string;
  readonly remotePort: number;
  readonly localPort: number;
}

const SAVED_KEY = 'shipshape.portForwards';

const same = (a: SavedForward, b: SavedForward) =>
  a.context === b.context && a.namespace === b.namespace && a.pod === b.pod && a.remotePort === b.remotePort;

const describe = (s: SavedForward, localPort = s.localPort) =>
  `127.0.0.1:${localPort} → ${s.namespace}/${s.pod}:${s.remotePort}`;

/**
 * Active port-forwards: one status bar item listing them (click for Open in Browser / Copy
 * Address / Stop), remembered in the workspace state so a reload or a reconnect offers them
 * again. Restoring is offered, not automatic: a forward listens on a local port, and that should
 * not happen behind the user's back when the workspace opens.
 */
export class PortForwards implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly active: { saved: SavedForward; forward: PortForward }[] = [];
  private readonly status = this.store.add(
    vscode.window.createStatusBarItem('shipshape.portForwards', vscode.StatusBarAlignment.Left, 50),
  );
  /** Contexts whose saved forwards were offered this session: once is enough. */
  private readonly offered = new Set<string>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly sources: ClusterSources,
  ) {
    this.status.name = 'Shipshape port-forwards';
    this.status.command = Commands.showPortForwards;
    // The forwards stop with the window; the saved list stays for the next one.
    this.store.add({ dispose: () => void Promise.all(this.active.map((f) => f.forward.close())) });
    this.store.add(sources.onDidChange((source) => source && this.offerRestore(source)));
  }

  private saved(): SavedForward[] {
    return this.state.get<SavedForward[]>(SAVED_KEY, []);
  }

  private async save(list: SavedForward[]): Promise<void> {
    await this.state.update(SAVED_KEY, list);
  }

  private show(): void {
    this.status.text = `$(plug) ${this.active
      .map((f) => `${f.forward.localPort}→${f.saved.pod}:${f.saved.remotePort}`)
      .join(', ')}`;
    this.status.tooltip = `Shipshape port-forwards (click for Open in Browser, Copy Address, Stop)\n${this.active
      .map((f) => describe(f.saved, f.forward.localPort))
      .join('\n')}`;
    if (this.active.length) this.status.show();
    else this.status.hide();
  }

  /**
   * Listens on `localPort` when it is free, else on any free port and says so: a port someone
   * else holds (another forward, a local dev server) is common and should not stop the forward.
   */
  async start(
    source: Source,
    namespace: string,
    pod: string,
    remotePort: number,
    localPort: number,
  ): Promise<void> {
    const rest = source.connection?.rest;
    if (!rest) return;
    const wanted: SavedForward = { context: source.label, namespace, pod, remotePort, localPort };
    const existing = this.active.find((f) => same(f.saved, wanted));
    if (existing) {
      void vscode.window.showInformationMessage(
        `Shipshape: already forwarded: ${describe(existing.saved, existing.forward.localPort)}`,
      );
      return;
    }
    let forward: PortForward;
    let taken = false;
    try {
      forward = await startPortForward(rest, { namespace, name: pod }, remotePort, localPort);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || localPort === 0) throw error;
      taken = true;
      forward = await startPortForward(rest, { namespace, name: pod }, remotePort, 0);
    }
    const saved = { ...wanted, localPort: forward.localPort };
    this.active.push({ saved, forward });
    this.show();
    await this.save([...this.saved().filter((s) => !same(s, saved)), saved]);
    const message = taken
      ? `Shipshape: local port ${localPort} is in use, so ${describe(saved)} instead.`
      : `Shipshape: ${describe(saved)}`;
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
              this.active.map((f) => ({ label: describe(f.saved, f.forward.localPort), entry: f })),
              { title: 'Shipshape port-forwards' },
            )
          )?.entry;
    if (!picked) return;
    const address = `127.0.0.1:${picked.forward.localPort}`;
    const action = await vscode.window.showQuickPick(
      [
        { label: '$(globe) Open in Browser', id: 'open' },
        { label: '$(copy) Copy Address', id: 'copy', description: address },
        { label: '$(debug-stop) Stop', id: 'stop' },
      ],
      { title: describe(picked.saved, picked.forward.localPort) },
    );
    if (action?.id === 'open') await this.openInBrowser(picked.forward.localPort);
    else if (action?.id === 'copy') await vscode.env.clipboard.writeText(address);
    else if (action?.id === 'stop') await this.stop(this.active.indexOf(picked));
  }

  /** Stop Port Forward…: straight to the list. */
  async pickAndStop(): Promise<void> {
    const picked = await vscode.window.showQuickPick(
      this.active.map((f, i) => ({ label: describe(f.saved, f.forward.localPort), i })),
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
      const exists = this.sources
        .clusterState(source)
        ?.pods.some((p) => p.metadata?.namespace === s.namespace && p.metadata?.name === s.pod);
      if (!exists) {
        void vscode.window.showWarningMessage(
          `Shipshape: ${s.namespace}/${s.pod} no longer exists; its port-forward was not restored.`,
        );
        await this.save(this.saved().filter((x) => !same(x, s)));
        continue;
      }
      await this.start(source, s.namespace, s.pod, s.remotePort, s.localPort).catch((error: unknown) => {
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
