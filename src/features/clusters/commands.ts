import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { getObject, type ObjectRef } from '../../adapters/k8s/actions';
import { plans, refLabel as label } from '../../adapters/k8s/plans';
import { Commands } from '../../constants';
import { DisposableStore } from '../../adapters/vscode/disposables';
import type { Problem } from '../../core/health/summary';
import type { Logger } from '../../core/log';
import { LogViewer, liveUri } from './inspect';
import type { HealthModel } from '../../services/clusters/health-model';
import type { ClusterNode } from '../../services/clusters/nodes';
import type { ProblemNode } from '../../services/clusters/problem-node';
import type { ClusterSources, Source } from '../../services/clusters/sources';
import type { ClustersTree } from './tree';
import { confirmAndWrite } from './writes';

interface Target {
  readonly source: Source;
  readonly ref: ObjectRef;
}

/** A tree node or a problem → the object it is about. */
function targetOf(arg: unknown): Target | undefined {
  const node = arg as ClusterNode | ProblemNode | undefined;
  if (!node) return undefined;
  if ('problem' in node) {
    const p: Problem = node.problem;
    if (p.pod) return { source: node.source, ref: { kind: 'Pod', namespace: p.namespace, name: p.pod } };
    return { source: node.source, ref: { kind: p.owner.kind, namespace: p.namespace, name: p.owner.name } };
  }
  switch (node.type) {
    case 'pod':
      return { source: node.source, ref: { kind: 'Pod', namespace: node.namespace, name: node.name } };
    case 'workload':
      return { source: node.source, ref: { kind: node.kind, namespace: node.namespace, name: node.name } };
    case 'application':
      return {
        source: node.source,
        ref: { kind: 'Application', namespace: node.namespace, name: node.name },
      };
    case 'node':
      return { source: node.source, ref: { kind: 'Node', name: node.name } };
    case 'namespace':
      return { source: node.source, ref: { kind: 'Namespace', name: node.name } };
    default:
      return undefined;
  }
}

export function registerClusterCommands(
  sources: ClusterSources,
  model: HealthModel,
  tree: ClustersTree,
  view: vscode.TreeView<ClusterNode>,
  log: Logger,
): vscode.Disposable {
  const store = new DisposableStore();
  const logs = store.add(new LogViewer());
  const reg = (id: string, fn: (...args: never[]) => unknown) =>
    store.add(vscode.commands.registerCommand(id, fn));
  const need = (arg: unknown): Target | undefined => {
    const t = targetOf(arg);
    if (!t)
      void vscode.window.showWarningMessage(
        'Shipshape: run this from an item in the Clusters or Problems view.',
      );
    return t;
  };
  const pod = (t: Target) =>
    sources
      .clusterState(t.source)
      ?.pods.find((p) => p.metadata?.namespace === t.ref.namespace && p.metadata?.name === t.ref.name);

  reg(Commands.showLogs, (arg: unknown) => {
    const t = need(arg);
    if (t) void logs.show(t.source, t.ref, { follow: true });
  });
  reg(Commands.showPreviousLogs, async (arg: unknown) => {
    const t = need(arg);
    if (!t) return;
    const containers = (pod(t)?.status?.containerStatuses ?? [])
      .filter((c) => (c.restartCount ?? 0) > 0)
      .map((c) => c.name);
    const container =
      containers.length > 1
        ? await vscode.window.showQuickPick(containers, { title: 'Previous logs of which container?' })
        : containers[0];
    await logs.show(t.source, t.ref, { previous: true, ...(container ? { container } : {}) });
  });
  reg(Commands.describe, async (arg: unknown) => {
    const t = need(arg);
    if (t) await vscode.window.showTextDocument(liveUri(t.source, 'describe', t.ref), { preview: true });
  });
  reg(Commands.openLiveYaml, async (arg: unknown) => {
    const t = need(arg);
    if (!t) return;
    const doc = await vscode.workspace.openTextDocument(liveUri(t.source, 'yaml', t.ref));
    await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
    await vscode.window.showTextDocument(doc, { preview: true });
  });

  reg(Commands.restartRollout, async (arg: unknown) => {
    const t = need(arg);
    if (!t) return;
    await confirmAndWrite(sources, t.source, plans.restartRollout(t.ref, new Date()), log);
  });
  reg(Commands.scale, async (arg: unknown, replicasArg?: number) => {
    const t = need(arg);
    if (!t) return;
    const current = model
      .health(t.source)
      ?.workloads.find(
        (w) => w.kind === t.ref.kind && w.name === t.ref.name && w.namespace === t.ref.namespace,
      )?.desired;
    const input =
      replicasArg !== undefined
        ? String(replicasArg)
        : await vscode.window.showInputBox({
            title: `Scale ${label(t.ref)}`,
            prompt: `Replicas (now ${current ?? '?'})`,
            value: String(current ?? 1),
            validateInput: (v) =>
              /^\d+$/.test(v) && Number(v) <= 1000 ? undefined : 'A whole number from 0 to 1000',
          });
    if (input === undefined) return;
    await confirmAndWrite(sources, t.source, plans.scale(t.ref, current, Number(input)), log);
  });
  reg(Commands.deletePod, async (arg: unknown) => {
    const t = need(arg);
    if (!t) return;
    await confirmAndWrite(sources, t.source, plans.deletePod(t.ref, pod(t)?.metadata), log);
  });
  reg(Commands.forceDeletePod, async (arg: unknown) => {
    const t = need(arg);
    if (!t) return;
    const seen = pod(t)?.metadata;
    await confirmAndWrite(sources, t.source, plans.forceDeletePod(t.ref, seen?.finalizers ?? [], seen), log);
  });
  reg(Commands.deleteFailedJobs, async (arg: unknown) => {
    const t = need(arg);
    if (!t) return;
    const namespace = t.ref.kind === 'Namespace' ? t.ref.name : t.ref.namespace;
    const plan = plans.deleteFailedJobs(namespace, sources.clusterState(t.source)?.jobs ?? []);
    if (!plan)
      return vscode.window.showInformationMessage(`Shipshape: no failed Jobs in ${namespace ?? '?'}.`);
    await confirmAndWrite(sources, t.source, plan, log);
    return undefined;
  });
  for (const [id, suspend] of [
    [Commands.suspendCronJob, true],
    [Commands.resumeCronJob, false],
  ] as const) {
    reg(id, async (arg: unknown) => {
      const t = need(arg);
      if (!t) return;
      await confirmAndWrite(sources, t.source, plans.suspendCronJob(t.ref, suspend), log);
    });
  }
  reg(Commands.triggerCronJob, async (arg: unknown) => {
    const t = need(arg);
    if (!t?.source.connection) return;
    const cronJob = await getObject(t.source.connection.rest, t.ref);
    await confirmAndWrite(
      sources,
      t.source,
      plans.triggerCronJob(t.ref, cronJob, randomBytes(3).toString('hex')),
      log,
    );
  });
  reg(Commands.argoHardRefresh, async (arg: unknown) => {
    const t = need(arg);
    if (!t) return;
    await confirmAndWrite(sources, t.source, plans.argoHardRefresh(t.ref), log);
  });

  reg(Commands.filterProblems, () => setFilter(true));
  reg(Commands.filterAll, () => setFilter(false));
  const setFilter = (only: boolean) => {
    tree.onlyProblems = only;
    void vscode.commands.executeCommand('setContext', 'shipshape.onlyProblems', only);
    tree.refresh();
  };
  reg(Commands.pinNamespace, async (arg: unknown) => {
    const node = arg as ClusterNode | undefined;
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
  });
  const reveal = async (sourceId: string, ref: { kind: string; namespace?: string; name: string }) => {
    const source = sources.get(sourceId);
    const node = source ? tree.nodeFor(source, ref) : undefined;
    if (!node) return;
    try {
      await view.reveal(node, { select: true, focus: false, expand: true });
    } catch {
      // The object may have gone between the click and the reveal.
    }
  };
  reg(Commands.revealProblem, async (arg: { source: string; problem: Problem }) => {
    const p = arg.problem;
    await reveal(
      arg.source,
      p.pod
        ? { kind: 'Pod', namespace: p.namespace, name: p.pod }
        : { kind: p.owner.kind, namespace: p.namespace, name: p.owner.name },
    );
  });
  reg(Commands.revealObject, (arg: { source: string; kind: string; namespace?: string; name: string }) =>
    reveal(arg.source, arg),
  );
  return store;
}
