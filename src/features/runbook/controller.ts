import * as vscode from 'vscode';
import { latestTimestamp } from '../../core/health/time';
import { emptyClusterState, type ClusterState } from '../../core/k8s/types';
import type { Logger } from '../../core/log';
import { evaluate } from '../../core/runbook/evaluate';
import { parseRunbook, type ParsedRunbook } from '../../core/runbook/parse';
import type { ViewState } from '../../protocol/runbook';
import type { HealthModel } from '../../services/clusters/health-model';
import type { ClusterSources, Source } from '../../services/clusters/sources';
import { RunbookExecChecks } from './exec-checks';
import { readRunbook, selectedRunbook, type RunbookFile } from './files';
import { addSample, viewState } from './view-state';

const ALL_PARTS = Object.keys(emptyClusterState()) as (keyof ClusterState)[];
const SOURCE_KEY = 'shipshape.runbook.source';
const ticksKey = (file: RunbookFile) =>
  `shipshape.runbook.ticks:${file.builtIn ? 'builtin' : file.uri.toString()}`;
const samplesKey = (source: Source) => `shipshape.runbook.health:${source.id}`;

/**
 * Owns what the Runbook view shows: which runbook, which cluster it is checked against, the
 * operator's ticks and the health history. It re-evaluates after each debounced batch of cluster
 * changes (and every 30 s, for time-based checks) but only while someone is looking.
 */
export class RunbookController implements vscode.Disposable {
  private file: RunbookFile | undefined;
  private parsed: ParsedRunbook | undefined;
  private readonly emitter = new vscode.EventEmitter<ViewState>();
  readonly onDidChangeState = this.emitter.event;
  private latest: ViewState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private readonly exec: RunbookExecChecks;
  visible = false;

  constructor(
    private readonly state: vscode.Memento,
    private readonly extensionUri: vscode.Uri,
    private readonly sources: ClusterSources,
    private readonly health: HealthModel,
    private readonly log: Logger,
  ) {
    this.disposables.push(sources.onDidChange(() => this.schedule()));
    this.exec = new RunbookExecChecks(sources, log, () => this.schedule());
    this.disposables.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule(0)));
    const tick = setInterval(() => this.schedule(), 30_000);
    this.disposables.push({ dispose: () => clearInterval(tick) });
  }

  get current(): RunbookFile | undefined {
    return this.file;
  }

  /** Re-reads the runbook file (after a save, an edit, or a different pick). */
  async reload(): Promise<void> {
    try {
      this.file = await selectedRunbook(this.state, this.extensionUri);
      this.parsed = parseRunbook(await readRunbook(this.file));
    } catch (error) {
      this.log.warn(`runbook: cannot read ${this.file?.label ?? 'the runbook'}: ${String(error)}`);
      this.parsed = {
        diagnostics: [
          { message: `Cannot read the runbook: ${String(error)}`, start: 0, end: 0, severity: 'error' },
        ],
      };
    }
    this.schedule(0);
  }

  /** The text of the shown runbook changed in an editor: parse it as typed. */
  takeText(uri: vscode.Uri, text: string): void {
    if (this.file?.uri.toString() !== uri.toString()) return;
    this.parsed = parseRunbook(text);
    this.schedule();
  }

  /** The source the checks run against: the user's pick, else the first one with data. */
  source(): Source | undefined {
    const picked = this.sources.get(this.state.get<string>(SOURCE_KEY) ?? '');
    if (picked && !picked.blocked) return picked;
    const withData = this.sources.list().find((s) => s.connection || s.snapshot);
    if (withData) return withData;
    // Nothing open yet: the current context is what the Clusters view would connect first.
    const current = this.sources.list().find((s) => s.context?.current && !s.blocked);
    if (current && this.visible) this.sources.connect(current);
    return current;
  }

  async pickSource(): Promise<void> {
    const list = this.sources.list().filter((s) => !s.blocked);
    if (list.length === 0) {
      void vscode.window.showInformationMessage(
        'No cluster or snapshot to check against: open one in the Clusters view.',
      );
      return;
    }
    const choice = await vscode.window.showQuickPick(
      list.map((s) => ({
        label: s.label,
        description: s.kind === 'snapshot' ? 'snapshot' : (s.context?.server ?? ''),
        source: s,
      })),
      { title: 'Check the runbook against which cluster?' },
    );
    if (!choice) return;
    await this.state.update(SOURCE_KEY, choice.source.id);
    if (choice.source.kind === 'context') this.sources.connect(choice.source);
    this.schedule(0);
  }

  ticked(): Set<string> {
    return new Set(this.file ? this.state.get<string[]>(ticksKey(this.file), []) : []);
  }

  async toggle(item: string, done: boolean): Promise<void> {
    if (!this.file) return;
    const ticks = this.ticked();
    if (done) ticks.add(item);
    else ticks.delete(item);
    await this.state.update(ticksKey(this.file), [...ticks]);
    this.schedule(0);
  }

  schedule(delay = 150): void {
    if (!this.visible) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.publish(), delay);
  }

  viewState(): ViewState | undefined {
    return this.latest;
  }

  private async publish(): Promise<void> {
    if (!this.file || !this.parsed) return;
    const source = this.source();
    const clusterState = source ? this.sources.clusterState(source) : undefined;
    const status = source ? this.sources.status(source) : undefined;
    const missing = new Set<keyof ClusterState>(
      clusterState
        ? ([
            ...(status && 'unavailable' in status ? status.unavailable.keys() : []),
          ] as (keyof ClusterState)[])
        : ALL_PARTS,
    );
    const now =
      source?.kind === 'snapshot' && clusterState ? latestTimestamp(clusterState, Date.now()) : Date.now();
    const runbook = this.parsed.runbook;
    const exec = runbook && this.exec.facts(runbook, source, clusterState);
    const evaluation = runbook
      ? evaluate(runbook, clusterState ?? emptyClusterState(), now, {
          missing,
          ticked: this.ticked(),
          ...(exec ? { exec } : {}),
        })
      : undefined;
    const loading = source?.connection?.loading() ?? false;
    const platform = source && !loading ? this.health.health(source) : undefined;
    let samples: { t: number; v: number }[] = [];
    if (source && platform) {
      samples = this.state.get<{ t: number; v: number }[]>(samplesKey(source), []);
      if (platform.healthPercent !== null && source.kind === 'context' && status?.state === 'ready') {
        const next = addSample(samples, now, platform.healthPercent);
        if (next.length !== samples.length || next[next.length - 1] !== samples[samples.length - 1])
          await this.state.update(samplesKey(source), next);
        samples = next;
      }
    }
    const errors = this.parsed.diagnostics.filter((d) => d.severity === 'error').length;
    this.latest = viewState({
      runbook,
      file: { label: this.file.label, builtIn: this.file.builtIn, problems: errors },
      evaluation,
      ...(source && clusterState
        ? {
            source: {
              label: source.label,
              kind: source.kind,
              ...(status?.state === 'stale' ? { stale: true } : {}),
            },
          }
        : {}),
      ...(this.notice(source, clusterState, status) ?? {}),
      // Half-listed state would report "not found" for objects that are simply not loaded yet.
      ...(source && loading ? { waiting: `Reading ${source.label}…` } : {}),
      ...(platform ? { health: { percent: platform.healthPercent, samples } } : {}),
    });
    this.emitter.fire(this.latest);
  }

  private notice(
    source: Source | undefined,
    clusterState: ClusterState | undefined,
    status: ReturnType<ClusterSources['status']> | undefined,
  ): { notice: string } | undefined {
    if (!this.parsed?.runbook)
      return {
        notice: `${this.file?.label ?? 'The runbook'} could not be read: open it to see the problems.`,
      };
    if (!source)
      return { notice: 'Open a cluster or a snapshot in the Clusters view to evaluate the checks.' };
    if (status?.state === 'stale')
      return {
        notice: `Lost the connection to ${source.label} (${status.error?.message ?? 'no answer'}). Showing the last known state; retrying by itself.`,
      };
    if (status?.state === 'failed')
      return { notice: `Cannot read ${source.label}: ${status.error?.message ?? 'unknown error'}` };
    if (!clusterState || status?.state === 'connecting') return { notice: `Connecting to ${source.label}…` };
    return undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
