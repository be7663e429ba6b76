import * as vscode from 'vscode';
import { readSnapshotList, writeSnapshotFile } from '../../adapters/k8s/snapshot-write';
import { keptSince } from '../../core/diagnose/event-archive';
import type { KubeEvent } from '../../core/k8s/types';
import type { Logger } from '../../core/log';
import type { ClusterNode } from '../../services/clusters/nodes';
import type { ClusterSources, Source } from '../../services/clusters/sources';

const stamp = (now: Date) => now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');

/**
 * Save Snapshot: the connected cluster as a `kubectl get … -A -o json` List, with every event
 * Shipshape kept while connected — the ones the API server has deleted too — so the incident can
 * be diagnosed later, offline (`shipshape diagnose --all --snapshot FILE`, or Open cluster
 * snapshot…). Secret and ConfigMap values are blanked as they are read.
 */
export async function saveSnapshot(arg: unknown, sources: ClusterSources, log: Logger): Promise<void> {
  const node = arg as ClusterNode | undefined;
  const source: Source | undefined =
    node && typeof node === 'object' && 'source' in node
      ? node.source
      : sources.list().find((s) => s.connection);
  const connection = source?.connection;
  if (!source || !connection) {
    void vscode.window.showWarningMessage(
      'Shipshape: Save Snapshot needs a connected cluster: connect a context in the Clusters view first.',
    );
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${source.label.replace(/[^\w.-]+/g, '_')}-${stamp(new Date())}.json`;
  const target = await vscode.window.showSaveDialog({
    title: `Save a snapshot of ${source.label} (Secret and ConfigMap values are left out)`,
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
    filters: { Snapshots: ['json'] },
  });
  if (!target) return;
  try {
    const { list, skipped } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Shipshape: reading ${source.label}…` },
      () => readSnapshotList(connection.rest, { archived: connection.eventArchive?.events() ?? [] }),
    );
    writeSnapshotFile(target.fsPath, list);
    const events = list.items.filter((i) => i['kind'] === 'Event');
    const kept = events.filter((e) => keptSince(e as KubeEvent)).length;
    log.info(
      `saved a snapshot of ${source.label} to ${target.fsPath}: ${list.items.length} objects${skipped.length ? `; not readable: ${skipped.join(', ')}` : ''}`,
    );
    void vscode.window.showInformationMessage(
      `Shipshape: saved ${list.items.length} objects of ${source.label} with ${events.length} events (${kept} kept after the API server deleted them). Secret and ConfigMap values are blanked.${skipped.length ? ` ${skipped.length} lists could not be read (see the log).` : ''}`,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn(`save snapshot of ${source.label}: ${message}`);
    void vscode.window.showErrorMessage(`Shipshape: could not save the snapshot: ${message}`);
  }
}
