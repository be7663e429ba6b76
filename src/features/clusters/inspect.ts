import * as vscode from 'vscode';
import { stringify } from 'yaml';
import { eventsFor, getObject, streamLogs, type ObjectRef } from '../../adapters/k8s/actions';
import { KubeError } from '../../adapters/k8s/errors';
import { findInState } from '../../core/k8s/kinds';
import type { KubeEvent, KubeObject, Pod } from '../../core/k8s/types';
import type { Logger } from '../../core/log';
import type { ClusterSources, Source } from '../../services/clusters/sources';

export const LIVE_SCHEME = 'shipshape-live';

/** shipshape-live:/<source>/<view>/<kind>/<namespace>/<name>.<ext> — read-only virtual documents. */
export function liveUri(source: Source, view: 'yaml' | 'describe', ref: ObjectRef): vscode.Uri {
  const ext = view === 'yaml' ? 'yaml' : 'txt';
  const path = [
    encodeURIComponent(source.id),
    view,
    ref.kind,
    ref.namespace || '-',
    `${ref.name}.${ext}`,
  ].join('/');
  return vscode.Uri.from({ scheme: LIVE_SCHEME, path: `/${path}` });
}

function parseLiveUri(uri: vscode.Uri): { sourceId: string; view: string; ref: ObjectRef } | undefined {
  const [sourceId, view, kind, namespace, file] = uri.path.slice(1).split('/');
  if (!sourceId || !view || !kind || !namespace || !file) return undefined;
  const name = file.replace(/\.(yaml|txt)$/, '');
  return {
    sourceId: decodeURIComponent(sourceId),
    view,
    ref: { kind, name, ...(namespace === '-' ? {} : { namespace }) },
  };
}

/** Live YAML and describe views. Snapshots answer from the file; clusters from the API server. */
export class LiveDocuments implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly sources: ClusterSources,
    private readonly log: Logger,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parseLiveUri(uri);
    const source = parsed ? this.sources.get(parsed.sourceId) : undefined;
    if (!parsed || !source) return '# This cluster is no longer open in Shipshape.\n';
    try {
      const object = await this.fetch(source, parsed.ref);
      if (parsed.view === 'yaml')
        return `# Live ${parsed.ref.kind} from ${source.label} (read-only; fetched ${new Date().toLocaleTimeString()})\n${stringify(object, { lineWidth: 0 })}`;
      const events = source.connection
        ? await eventsFor(source.connection.rest, parsed.ref).catch(() => [] as KubeObject[])
        : eventsFromSnapshot(source, parsed.ref);
      return describe(object, events);
    } catch (error) {
      const message = error instanceof KubeError ? error.message : String(error);
      this.log.warn(`live view ${uri.toString()}: ${message}`);
      return `# Could not read ${parsed.ref.kind} ${parsed.ref.namespace ?? ''}/${parsed.ref.name}:\n# ${message}\n`;
    }
  }

  private async fetch(source: Source, ref: ObjectRef): Promise<Record<string, unknown>> {
    if (source.connection) return getObject(source.connection.rest, ref);
    const state = this.sources.clusterState(source);
    const found = state && findInState(state, ref.kind, ref.namespace, ref.name);
    if (!found) throw new Error('not in the snapshot');
    return found as Record<string, unknown>;
  }
}

function eventsFromSnapshot(source: Source, ref: ObjectRef): KubeEvent[] {
  return (source.snapshot?.events ?? []).filter(
    (e) => e.involvedObject?.name === ref.name && e.involvedObject.kind === ref.kind,
  );
}

/** A `kubectl describe`-like summary: what an operator reads first, then the events. */
export function describe(object: Record<string, unknown>, events: readonly KubeEvent[]): string {
  const o = object as KubeObject & {
    status?: Pod['status'] & Record<string, unknown>;
    spec?: Record<string, unknown>;
  };
  const lines: string[] = [];
  const meta = o.metadata ?? {};
  lines.push(
    `Name:        ${meta.name ?? ''}`,
    `Namespace:   ${meta.namespace ?? ''}`,
    `Kind:        ${o.kind ?? ''}`,
    `Created:     ${meta.creationTimestamp ?? ''}`,
  );
  if (meta.deletionTimestamp)
    lines.push(
      `Deleting:    since ${meta.deletionTimestamp}${meta.finalizers?.length ? ` (finalizers: ${meta.finalizers.join(', ')})` : ''}`,
    );
  if (meta.labels)
    lines.push(
      `Labels:      ${Object.entries(meta.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  if (meta.ownerReferences?.length)
    lines.push(`Owned by:    ${meta.ownerReferences.map((r) => `${r.kind}/${r.name}`).join(', ')}`);
  const status = o.status;
  if (status?.phase) lines.push(`Status:      ${status.phase}${status.reason ? ` (${status.reason})` : ''}`);
  if (status?.message) lines.push(`Message:     ${status.message}`);
  for (const c of status?.conditions ?? [])
    lines.push(
      `Condition:   ${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? ` — ${c.message}` : ''}`,
    );
  for (const cs of [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])]) {
    lines.push(
      '',
      `Container ${cs.name}:`,
      `  Image:     ${cs.image ?? ''}`,
      `  Ready:     ${String(cs.ready ?? false)}`,
      `  Restarts:  ${cs.restartCount ?? 0}`,
    );
    const state = cs.state?.waiting
      ? `Waiting (${cs.state.waiting.reason ?? ''}) ${cs.state.waiting.message ?? ''}`
      : cs.state?.running
        ? `Running since ${cs.state.running.startedAt ?? ''}`
        : cs.state?.terminated
          ? `Terminated (${cs.state.terminated.reason ?? ''}, exit ${cs.state.terminated.exitCode ?? '?'})`
          : 'unknown';
    lines.push(`  State:     ${state}`);
    const last = cs.lastState?.terminated;
    if (last)
      lines.push(
        `  Last:      Terminated (${last.reason ?? ''}, exit ${last.exitCode ?? '?'}) at ${last.finishedAt ?? '?'}`,
      );
  }
  const spec = o.spec as { replicas?: number } | undefined;
  if (spec?.replicas !== undefined) lines.push(`Replicas:    ${spec.replicas} desired`);
  lines.push('', 'Events:');
  if (events.length === 0) lines.push('  <none>');
  for (const e of [...events].sort((a, b) =>
    (a.lastTimestamp ?? a.eventTime ?? '').localeCompare(b.lastTimestamp ?? b.eventTime ?? ''),
  )) {
    lines.push(
      `  ${(e.lastTimestamp ?? e.eventTime ?? '').padEnd(22)} ${(e.type ?? '').padEnd(8)} ${(e.reason ?? '').padEnd(18)} ${e.count && e.count > 1 ? `(x${e.count}) ` : ''}${e.message ?? ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Streams a pod's logs into an output channel (kept to a handful; older ones are disposed). */
export class LogViewer implements vscode.Disposable {
  private readonly channels: { channel: vscode.OutputChannel; abort: AbortController }[] = [];

  async show(
    source: Source,
    pod: ObjectRef,
    options: { previous?: boolean; follow?: boolean; container?: string },
  ): Promise<void> {
    if (!source.connection) {
      void vscode.window.showWarningMessage(
        'Shipshape: logs need a live cluster (snapshots do not contain logs).',
      );
      return;
    }
    const title = `Logs: ${pod.namespace ?? ''}/${pod.name}${options.container ? ` [${options.container}]` : ''}${options.previous ? ' (previous)' : ''}`;
    const channel = vscode.window.createOutputChannel(title);
    const abort = new AbortController();
    this.channels.push({ channel, abort });
    while (this.channels.length > 5) {
      const old = this.channels.shift();
      old?.abort.abort();
      old?.channel.dispose();
    }
    channel.show(true);
    try {
      await streamLogs(
        source.connection.rest,
        pod,
        { ...options, tailLines: 500 },
        (text) => channel.append(text),
        abort.signal,
      );
      if (options.follow) channel.appendLine('— stream ended —');
    } catch (error) {
      const message = error instanceof KubeError ? (error.apiMessage ?? error.message) : String(error);
      channel.appendLine(`Could not read logs: ${message}`);
      channel.appendLine(
        "Logs are served by the node's kubelet through the API server; a pod that never started, or a node that is unreachable, has none to give.",
      );
    }
  }

  dispose(): void {
    for (const { channel, abort } of this.channels) {
      abort.abort();
      channel.dispose();
    }
  }
}
