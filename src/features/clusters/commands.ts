import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { getObject, type ObjectRef } from '../../adapters/k8s/actions';
import { plans, refLabel as label } from '../../adapters/k8s/plans';
import { Commands } from '../../constants';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { refOf } from '../../core/explorer/ref';
import type { Problem } from '../../core/health/summary';
import type { Logger } from '../../core/log';
import { LogViewer, liveUri } from './inspect';
import type { HealthModel } from '../../services/clusters/health-model';
import type { ClusterNode } from '../../services/clusters/nodes';
import type { ClusterSources, Source } from '../../services/clusters/sources';
import type { ClustersTree } from './tree';
import { confirmAndWrite, type WritePlan } from './writes';

interface Target {
  readonly source: Source;
  readonly ref: ObjectRef;
}

type Handler = (...args: never[]) => unknown;

/** What every cluster command is handed: one context, built once (rust-analyzer's command table). */
interface CommandContext {
  readonly sources: ClusterSources;
  readonly model: HealthModel;
  readonly tree: ClustersTree;
  readonly view: vscode.TreeView<ClusterNode>;
  readonly logs: LogViewer;
  /** A write on the target's cluster: a modal naming the objects, a dry run, then for real. */
  readonly write: (t: Target, plan: WritePlan) => Promise<void>;
}

/** A tree node or a problem → the object it is about. */
function targetOf(arg: unknown): Target | undefined {
  const ref = refOf(arg)?.object;
  return ref && { source: (arg as { source: Source }).source, ref };
}

/** A command on the object of a Clusters or Problems item; run from elsewhere, it says where to run it. */
function onTarget<A extends unknown[]>(run: (t: Target, ...rest: A) => unknown) {
  return (arg: unknown, ...rest: A): unknown => {
    const t = targetOf(arg);
    if (t) return run(t, ...rest);
    void vscode.window.showWarningMessage(
      'Shipshape: run this from an item in the Clusters or Problems view.',
    );
    return undefined;
  };
}

const podOf = ({ sources }: CommandContext, t: Target) =>
  sources
    .clusterState(t.source)
    ?.pods.find((p) => p.metadata?.namespace === t.ref.namespace && p.metadata?.name === t.ref.name);

export function registerClusterCommands(
  sources: ClusterSources,
  model: HealthModel,
  tree: ClustersTree,
  view: vscode.TreeView<ClusterNode>,
  log: Logger,
): vscode.Disposable {
  const store = new DisposableStore();
  const ctx: CommandContext = {
    sources,
    model,
    tree,
    view,
    logs: store.add(new LogViewer()),
    write: async (t, plan) => {
      await confirmAndWrite(sources, t.source, plan, log);
    },
  };
  const table: Record<string, Handler> = {
    ...inspectCommands(ctx),
    ...writeCommands(ctx),
    ...cronJobCommands(ctx),
    ...viewCommands(ctx),
  };
  for (const [id, fn] of Object.entries(table)) store.add(vscode.commands.registerCommand(id, fn));
  return store;
}

/** Read-only looks at an object: logs, describe, live YAML. */
function inspectCommands(ctx: CommandContext): Record<string, Handler> {
  const { logs } = ctx;
  return {
    [Commands.showLogs]: onTarget((t) => void logs.show(t.source, t.ref, { follow: true })),
    [Commands.showPreviousLogs]: onTarget((t) => showPreviousLogs(ctx, t)),
    [Commands.describe]: onTarget((t) =>
      vscode.window.showTextDocument(liveUri(t.source, 'describe', t.ref), { preview: true }),
    ),
    [Commands.openLiveYaml]: onTarget((t) => openLiveYaml(t)),
  };
}

async function showPreviousLogs(ctx: CommandContext, t: Target): Promise<void> {
  const containers = (podOf(ctx, t)?.status?.containerStatuses ?? [])
    .filter((c) => (c.restartCount ?? 0) > 0)
    .map((c) => c.name);
  const container =
    containers.length > 1
      ? await vscode.window.showQuickPick(containers, { title: 'Previous logs of which container?' })
      : containers[0];
  await ctx.logs.show(t.source, t.ref, { previous: true, ...(container ? { container } : {}) });
}

async function openLiveYaml(t: Target): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(liveUri(t.source, 'yaml', t.ref));
  await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
  await vscode.window.showTextDocument(doc, { preview: true });
}

/** Writes on workloads, pods and Argo CD applications. */
function writeCommands(ctx: CommandContext): Record<string, Handler> {
  const { write } = ctx;
  return {
    [Commands.restartRollout]: onTarget((t) => write(t, plans.restartRollout(t.ref, new Date()))),
    [Commands.scale]: onTarget((t, replicas?: number) => scale(ctx, t, replicas)),
    [Commands.deletePod]: onTarget((t) => write(t, plans.deletePod(t.ref, podOf(ctx, t)?.metadata))),
    [Commands.forceDeletePod]: onTarget((t) => {
      const seen = podOf(ctx, t)?.metadata;
      return write(t, plans.forceDeletePod(t.ref, seen?.finalizers ?? [], seen));
    }),
    [Commands.deleteFailedJobs]: onTarget((t) => deleteFailedJobs(ctx, t)),
    [Commands.argoHardRefresh]: onTarget((t) => write(t, plans.argoHardRefresh(t.ref))),
  };
}

async function scale(
  { model, write }: CommandContext,
  t: Target,
  replicas: number | undefined,
): Promise<void> {
  const current = model
    .health(t.source)
    ?.workloads.find(
      (w) => w.kind === t.ref.kind && w.name === t.ref.name && w.namespace === t.ref.namespace,
    )?.desired;
  const input =
    replicas !== undefined
      ? String(replicas)
      : await vscode.window.showInputBox({
          title: `Scale ${label(t.ref)}`,
          prompt: `Replicas (now ${current ?? '?'})`,
          value: String(current ?? 1),
          validateInput: (v) =>
            /^\d+$/.test(v) && Number(v) <= 1000 ? undefined : 'A whole number from 0 to 1000',
        });
  if (input === undefined) return;
  await write(t, plans.scale(t.ref, current, Number(input)));
}

async function deleteFailedJobs({ sources, write }: CommandContext, t: Target): Promise<unknown> {
  const namespace = t.ref.kind === 'Namespace' ? t.ref.name : t.ref.namespace;
  const plan = plans.deleteFailedJobs(namespace, sources.clusterState(t.source)?.jobs ?? []);
  if (!plan) return vscode.window.showInformationMessage(`Shipshape: no failed Jobs in ${namespace ?? '?'}.`);
  await write(t, plan);
  return undefined;
}

/** Suspend, resume and run a CronJob now. */
function cronJobCommands({ write }: CommandContext): Record<string, Handler> {
  return {
    [Commands.suspendCronJob]: onTarget((t) => write(t, plans.suspendCronJob(t.ref, true))),
    [Commands.resumeCronJob]: onTarget((t) => write(t, plans.suspendCronJob(t.ref, false))),
    [Commands.triggerCronJob]: onTarget(async (t) => {
      if (!t.source.connection) return;
      const cronJob = await getObject(t.source.connection.rest, t.ref);
      await write(t, plans.triggerCronJob(t.ref, cronJob, randomBytes(3).toString('hex')));
    }),
  };
}

/** The tree itself: the problems filter, pinned namespaces, reveal links. */
function viewCommands(ctx: CommandContext): Record<string, Handler> {
  const reveal = (sourceId: string, ref: ObjectRef) => revealObject(ctx, sourceId, ref);
  return {
    [Commands.filterProblems]: () => setFilter(ctx, true),
    [Commands.filterAll]: () => setFilter(ctx, false),
    [Commands.pinNamespace]: (arg: unknown) => pinNamespace(ctx, arg as ClusterNode | undefined),
    // The Problems view's click: the problem's pod, else its owner (as in every command).
    [Commands.revealProblem]: (arg: { source: string; problem: Problem }) => {
      const ref = refOf(arg)?.object;
      return ref ? reveal(arg.source, ref) : undefined;
    },
    [Commands.revealObject]: (arg: { source: string } & ObjectRef) => reveal(arg.source, arg),
  };
}

function setFilter({ tree }: CommandContext, only: boolean): void {
  tree.onlyProblems = only;
  void vscode.commands.executeCommand('setContext', 'shipshape.onlyProblems', only);
  tree.refresh();
}

async function pinNamespace({ sources }: CommandContext, node: ClusterNode | undefined): Promise<void> {
  const source = node?.source ?? sources.list().find((s) => s.context?.current);
  if (!source?.context) return;
  const ns = await vscode.window.showInputBox({
    title: `Pin a namespace in ${source.label}`,
    prompt: 'For clusters where you may not list namespaces: Shipshape watches pinned namespaces directly.',
    validateInput: (v) =>
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v)
        ? undefined
        : 'A namespace name (lowercase letters, digits, dashes)',
  });
  if (ns) await sources.pin(source, ns);
}

async function revealObject(
  { sources, tree, view }: CommandContext,
  sourceId: string,
  ref: ObjectRef,
): Promise<void> {
  const source = sources.get(sourceId);
  const node = source ? tree.nodeFor(source, ref) : undefined;
  if (!node) return;
  try {
    await view.reveal(node, { select: true, focus: false, expand: true });
  } catch {
    // The object may have gone between the click and the reveal.
  }
}
