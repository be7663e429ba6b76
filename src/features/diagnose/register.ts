import * as vscode from 'vscode';
import { readNamespaceForDiagnosis, readPreviousLogs } from '../../adapters/k8s/diagnose-read';
import { readSnapshotObjects } from '../../adapters/k8s/snapshot';
import { Commands } from '../../constants';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { diagnose } from '../../core/diagnose/diagnose';
import { mergeEvents } from '../../core/diagnose/event-archive';
import { inventoryFromObjects } from '../../core/diagnose/inventory';
import { diagnosisMarkdown, escapeMarkdown } from '../../core/diagnose/render';
import { ownerChain } from '../../core/diagnose/timeline';
import type { DiagnoseInput } from '../../core/diagnose/types';
import { classifyPod } from '../../core/health/pod';
import { latestTimestamp } from '../../core/health/time';
import { stateFromObjects } from '../../core/k8s/state';
import type { ClusterState, Pod } from '../../core/k8s/types';
import type { Logger } from '../../core/log';
import type { ClusterSources, Source } from '../../services/clusters/sources';
import type { Services } from '../../services/container';
import { saveSnapshot } from './snapshot';
import { targetOf, type Target } from './target';

export const DIAGNOSE_SCHEME = 'shipshape-diagnose';

/** shipshape-diagnose:/<source>/<kind>/<namespace>/<name>.md */
export function diagnoseUri(t: Target): vscode.Uri {
  const path = [encodeURIComponent(t.source.id), t.kind, t.namespace, `${t.name}.md`].join('/');
  return vscode.Uri.from({ scheme: DIAGNOSE_SCHEME, path: `/${path}` });
}

function parseUri(
  uri: vscode.Uri,
): { sourceId: string; kind: string; namespace: string; name: string } | undefined {
  const [sourceId, kind, namespace, file] = uri.path.slice(1).split('/');
  if (!sourceId || !kind || !namespace || !file) return undefined;
  return { sourceId: decodeURIComponent(sourceId), kind, namespace, name: file.replace(/\.md$/, '') };
}

/** The pods a target stands for: the pod itself, or a workload's pods that have a problem. */
function podsOf(
  state: ClusterState,
  t: { kind: string; namespace: string; name: string },
  now: number,
): Pod[] {
  const inNs = state.pods.filter((p) => p.metadata?.namespace === t.namespace);
  if (t.kind === 'Pod') return inNs.filter((p) => p.metadata?.name === t.name);
  const input: DiagnoseInput = { state, inventory: {}, now };
  return inNs.filter((p) => {
    const chain = ownerChain(p, input);
    return (
      chain.some((o) => o.kind === t.kind && o.metadata?.name === t.name) && classifyPod(p, now).severity > 0
    );
  });
}

/**
 * Diagnose pages as read-only virtual Markdown documents, shown in VS Code's own Markdown preview
 * (rendered: tables, no escapes in sight; its source a click away). Markdown, not our own webview:
 * cluster text stays text (escaped, never HTML we build) and the page can be copied into an
 * incident as is.
 */
class DiagnoseDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Diagnosing again reads the cluster again: an open page would otherwise keep its old content. */
  refresh(uri: vscode.Uri): void {
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()))
      this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }

  constructor(
    private readonly sources: ClusterSources,
    private readonly log: Logger,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parseUri(uri);
    const source = parsed ? this.sources.get(parsed.sourceId) : undefined;
    if (!parsed || !source) return '# This cluster is no longer open in Shipshape.\n';
    try {
      return await this.render(source, parsed);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn(`diagnose ${uri.toString()}: ${message}`);
      return `# Could not diagnose ${parsed.kind} ${parsed.namespace}/${parsed.name}\n\n${message.replace(/</g, '&lt;')}\n`;
    }
  }

  private async render(
    source: Source,
    t: { kind: string; namespace: string; name: string },
  ): Promise<string> {
    const base = this.sources.clusterState(source);
    if (!base) return '# This cluster is not loaded yet.\n';
    let input: DiagnoseInput;
    if (source.connection) {
      const now = Date.now();
      const names = podsOf(base, t, now).map((p) => p.metadata?.name ?? '');
      const extra = await readNamespaceForDiagnosis(source.connection.rest, t.namespace, names);
      const full = stateFromObjects([...extra.pods, ...extra.events]);
      const replaced = new Set(full.pods.map((p) => p.metadata?.name));
      input = {
        state: {
          ...base,
          pods: [
            ...base.pods.filter(
              (p) => p.metadata?.namespace !== t.namespace || !replaced.has(p.metadata?.name),
            ),
            ...full.pods,
          ],
          // What the API server has now, plus what Shipshape kept after its TTL deleted it.
          events: mergeEvents(
            [...base.events.filter((e) => e.metadata?.namespace !== t.namespace), ...full.events],
            source.connection.eventArchive?.events() ?? [],
          ),
        },
        inventory: extra.inventory,
        now,
      };
      const previousLogs = await readPreviousLogs(source.connection.rest, podsOf(input.state, t, now));
      input = { ...input, inventory: { ...input.inventory, previousLogs } };
    } else {
      // A snapshot's Secrets (if it has any) are reduced to their keys as the file is read.
      const inventory = source.path ? inventoryFromObjects(readSnapshotObjects(source.path)) : {};
      input = { state: base, inventory, now: latestTimestamp(base, Date.now()) };
    }
    const pods = podsOf(input.state, t, input.now);
    const header = `_${escapeMarkdown(`Shipshape Diagnose · ${source.label} · as of ${new Date(input.now).toISOString()} · read-only`)}_\n\n`;
    if (pods.length === 0)
      return `${header}# Diagnose: ${escapeMarkdown(`${t.kind} ${t.namespace}/${t.name}`)}\n\nNo pod with a problem belongs to it right now.\n`;
    return header + pods.map((p) => diagnosisMarkdown(diagnose(p, input))).join('\n---\n\n');
  }
}

export function registerDiagnose(services: Services): vscode.Disposable {
  const sources = services.clusters;
  const store = new DisposableStore();
  const provider = store.add(new DiagnoseDocuments(sources, services.log));
  store.add(vscode.workspace.registerTextDocumentContentProvider(DIAGNOSE_SCHEME, provider));
  store.add(
    vscode.commands.registerCommand(Commands.diagnose, async (arg: unknown) => {
      const t = targetOf(arg);
      if (!t) {
        void vscode.window.showWarningMessage(
          'Shipshape: run Diagnose from a pod, workload or problem in the Clusters or Problems view.',
        );
        return;
      }
      const uri = diagnoseUri(t);
      provider.refresh(uri);
      try {
        await vscode.commands.executeCommand('markdown.showPreview', uri);
      } catch (error) {
        // The built-in Markdown extension can be disabled: the source is the same page, unrendered.
        services.log.info(`diagnose: no Markdown preview (${String(error)}); opening the source`);
        const doc = await vscode.workspace.openTextDocument(uri);
        await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
        await vscode.window.showTextDocument(doc, { preview: false });
      }
    }),
  );
  store.add(
    vscode.commands.registerCommand(Commands.saveSnapshot, (arg: unknown) =>
      saveSnapshot(arg, sources, services.log),
    ),
  );
  return store;
}
