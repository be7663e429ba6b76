import type * as vscode from 'vscode';
import type { ClusterConnection } from '../../adapters/k8s/connection';
import { Discovery, inspect, type SyncContext } from '../../adapters/k8s/sync';
import { redact } from '../../core/log';
import type { Inspection } from '../../core/sync/inspection';
import { applyTargets, type ApplyTarget } from '../../core/sync/targets';
import { parseManifestFile } from '../../core/yaml/parse';
import type { ClusterSources, Source } from '../../services/clusters/sources';

/** The cluster manifests are compared with and applied to: the kubeconfig's current context. */
export interface SyncTarget {
  readonly source: Source;
  readonly connection: ClusterConnection;
  readonly ctx: SyncContext;
  readonly contextName: string;
}

const discoveries = new WeakMap<ClusterConnection, Discovery>();

/** The current context, connected; or why there is none, in words for a message. */
export function currentTarget(sources: ClusterSources): SyncTarget | { readonly problem: string } {
  const source = sources.list().find((s) => s.kind === 'context' && s.context?.current);
  if (!source?.context)
    return {
      problem: sources.kubeconfigError
        ? redact(sources.kubeconfigError.message)
        : 'no kubeconfig context is selected. Open a kubeconfig or start the demo cluster first.',
    };
  if (source.blocked) return { problem: source.blocked };
  sources.connect(source);
  const connection = source.connection;
  if (!connection) return { problem: `cannot connect to ${source.label}.` };
  let discovery = discoveries.get(connection);
  if (!discovery) discoveries.set(connection, (discovery = new Discovery(connection.rest)));
  return {
    source,
    connection,
    contextName: source.context.name,
    ctx: {
      rest: connection.rest,
      discovery,
      defaultNamespace: source.context.namespace ?? 'default',
    },
  };
}

export type DocumentTargets =
  | { readonly refused: string }
  | { readonly targets: readonly ApplyTarget[]; readonly problems: readonly string[] };

export function documentTargets(document: vscode.TextDocument): DocumentTargets {
  const set = applyTargets(parseManifestFile(document.getText()));
  if ('refused' in set) return set;
  return { targets: set.targets, problems: set.problems.map((p) => p.message) };
}

/** What `inspectAll` needs of a cancellation token (VS Code's, or a test's). */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
}

/**
 * Inspects a few objects at a time: files with dozens of objects must not flood the server.
 * Once `token` is cancelled no further object is started; the result then lacks some objects.
 */
export async function inspectAll(
  ctx: SyncContext,
  targets: readonly ApplyTarget[],
  token?: CancelToken,
): Promise<Inspection[]> {
  const results: Inspection[] = new Array<Inspection>(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length && !token?.isCancellationRequested) {
      const i = next++;
      const target = targets[i];
      if (target) results[i] = await inspect(ctx, target);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return results.filter(Boolean);
}
