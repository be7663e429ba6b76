import * as vscode from 'vscode';
import { execOnce, openExec } from '../../adapters/k8s/streams';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { Commands } from '../../constants';
import { isProtectedContext } from '../../core/sync/protected';
import type { Container } from '../../core/k8s/types';
import { serviceTargetPort, type ForwardTarget } from '../../core/pods/forward-target';
import type { HealthModel } from '../../services/clusters/health-model';
import type { ClusterNode } from '../../services/clusters/nodes';
import { serviceOf } from '../../core/pods/service-pods';
import type { ClusterSources, Source } from '../../services/clusters/sources';
import { workloadOf } from '../../services/pods/behind';
import type { ForwardAction, PortForwards } from '../../services/pods/forwards';
import { registerWorkloadLogs } from './workload-logs';

interface PodTarget {
  readonly source: Source;
  readonly namespace: string;
  readonly name: string;
}

/** What Port Forward… was run on: a pod, a workload or a Service. */
interface ObjectTarget extends PodTarget {
  readonly kind: string;
}

function podOf(arg: unknown): PodTarget | undefined {
  const node = arg as ClusterNode | undefined;
  if (node?.type !== 'pod' || !node.namespace) return undefined;
  return { source: node.source, namespace: node.namespace, name: node.name };
}

function objectOf(arg: unknown): ObjectTarget | undefined {
  const node = arg as ClusterNode | undefined;
  if (node?.type === 'workload' || node?.type === 'service')
    return {
      source: node.source,
      namespace: node.namespace,
      name: node.name,
      kind: node.type === 'service' ? 'Service' : node.kind,
    };
  const pod = podOf(arg);
  return pod && { ...pod, kind: 'Pod' };
}

/** The container ports a pod or pod template declares, for the port QuickPick. */
const portItems = (containers: readonly Container[]) =>
  containers.flatMap((c) =>
    (c.ports ?? []).map((p) => ({
      label: String(p.containerPort),
      description: `${c.name} ${p.name ?? ''}`,
      port: p.containerPort ?? 0,
    })),
  );

/** Protected contexts are typed once per session before anything runs inside their pods. */
const unlocked = new Set<string>();

/**
 * Exec, shell and port-forward act inside the cluster: like the explorer's writes they need a
 * live, writable source (never a snapshot or a context an untrusted workspace brought in), and
 * a protected context's name typed once per session.
 */
async function allowed<T extends PodTarget>(target: T | undefined, from = 'a pod'): Promise<T | undefined> {
  if (!target) {
    void vscode.window.showWarningMessage(`Shipshape: run this from ${from} in the Clusters view.`);
    return undefined;
  }
  const { source } = target;
  if (source.readonly || !source.connection) {
    void vscode.window.showWarningMessage(
      source.kind === 'snapshot'
        ? 'Shipshape: snapshots have no running pods.'
        : !vscode.workspace.isTrusted
          ? 'Shipshape: exec and port-forward are disabled in an untrusted workspace. Trust the workspace to enable them.'
          : 'Shipshape: connect to the cluster first.',
    );
    return undefined;
  }
  const patterns = vscode.workspace.getConfiguration('shipshape').get<string[]>('protectedContexts', []);
  const context = source.label;
  if (isProtectedContext(context, patterns) && !unlocked.has(context)) {
    const typed = await vscode.window.showInputBox({
      title: `Inside pods on ${context}`,
      prompt: `${context} is a protected context (shipshape.protectedContexts). Type its name to continue.`,
      placeHolder: context,
      ignoreFocusOut: true,
    });
    if (typed !== context) return undefined;
    unlocked.add(context);
  }
  return target;
}

export function registerPodCommands(
  sources: ClusterSources,
  model: HealthModel,
  forwards: PortForwards,
): vscode.Disposable {
  const store = new DisposableStore();
  store.add(registerWorkloadLogs(sources, model));

  const pod = (t: PodTarget) =>
    sources
      .clusterState(t.source)
      ?.pods.find((p) => p.metadata?.namespace === t.namespace && p.metadata?.name === t.name);
  const pickContainer = async (t: PodTarget): Promise<string | undefined> => {
    const names = (pod(t)?.spec?.containers ?? []).map((c) => c.name);
    if (names.length <= 1) return names[0] ?? '';
    return vscode.window.showQuickPick(names, { title: `Container of ${t.name}` });
  };
  const reg = (id: string, fn: (arg: unknown) => unknown) =>
    store.add(vscode.commands.registerCommand(id, fn));

  reg(Commands.openShell, async (arg) => {
    const t = await allowed(podOf(arg));
    const container = t && (await pickContainer(t));
    if (!t || container === undefined || !t.source.connection) return;
    const rest = t.source.connection.rest;
    const write = new vscode.EventEmitter<string>();
    const close = new vscode.EventEmitter<number | void>();
    let session: Awaited<ReturnType<typeof openExec>> | undefined;
    // What is typed while the exec connection opens goes to the shell once it is there.
    const typedEarly: string[] = [];
    const pty: vscode.Pseudoterminal = {
      onDidWrite: write.event,
      onDidClose: close.event,
      open: (size) => {
        const command = ['sh', '-c', 'command -v bash >/dev/null && exec bash || exec sh'];
        openExec(
          rest,
          t,
          { command, stdin: true, tty: true, ...(container ? { container } : {}) },
          { stdout: (d) => write.fire(d.toString('utf8')), stderr: (d) => write.fire(d.toString('utf8')) },
        ).then(
          (s) => {
            session = s;
            if (size) s.resize(size.columns, size.rows);
            for (const data of typedEarly.splice(0)) s.write(data);
            void s.done.then((r) => {
              if (r.exitCode === undefined && r.message) write.fire(`\r\n${r.message}\r\n`);
              close.fire(r.exitCode ?? 1);
            });
          },
          (error: unknown) => {
            write.fire(
              `Could not open a shell: ${error instanceof Error ? error.message : String(error)}\r\n`,
            );
            close.fire(1);
          },
        );
      },
      close: () => session?.close(),
      handleInput: (data) => {
        if (session) session.write(data);
        else typedEarly.push(data);
      },
      setDimensions: (size) => session?.resize(size.columns, size.rows),
    };
    const terminal = vscode.window.createTerminal({
      name: `${t.name}${container ? ` [${container}]` : ''}`,
      pty,
    });
    terminal.show();
  });

  reg(Commands.runCommand, async (arg) => {
    const t = await allowed(podOf(arg));
    const container = t && (await pickContainer(t));
    if (!t || container === undefined || !t.source.connection) return;
    const line = await vscode.window.showInputBox({
      title: `Run in ${t.namespace}/${t.name}${container ? ` [${container}]` : ''}`,
      prompt: 'A command, run with sh -c (not logged)',
    });
    if (!line) return;
    const result = await execOnce(t.source.connection.rest, t, container || undefined, ['sh', '-c', line]);
    const text = [
      `# ${t.namespace}/${t.name}${container ? ` [${container}]` : ''}`,
      `# exit code: ${result.exitCode ?? `none (${result.message ?? 'not started'})`}`,
      '',
      result.stdout,
      result.stderr ? `--- stderr ---\n${result.stderr}` : '',
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'log' });
    await vscode.window.showTextDocument(doc, { preview: true });
  });

  /** The remote side: a pod or workload port, or a Service port (its targetPort resolved per pod). */
  const pickRemote = async (t: ObjectTarget): Promise<ForwardTarget | undefined> => {
    const state = sources.clusterState(t.source);
    const where = { kind: t.kind, namespace: t.namespace, name: t.name };
    if (t.kind === 'Service') {
      const service = state && serviceOf(state, t.namespace, t.name);
      if (!service?.spec?.selector || Object.keys(service.spec.selector).length === 0) {
        void vscode.window.showWarningMessage(
          `Shipshape: Service ${t.namespace}/${t.name} selects no pods by itself (no selector). Forward one of its pods instead.`,
        );
        return undefined;
      }
      const items = (service.spec.ports ?? []).map((p) => ({
        label: String(p.port),
        description: `${p.name ?? ''} → pod port ${String(p.targetPort ?? p.port)}`,
        port: p.port ?? 0,
      }));
      const picked =
        items.length === 1
          ? items[0]
          : await vscode.window.showQuickPick(items, { title: `Forward which port of Service ${t.name}?` });
      const targetPort = picked && serviceTargetPort(service, picked.port);
      return picked && targetPort !== undefined ? { ...where, port: picked.port, targetPort } : undefined;
    }
    const containers =
      t.kind === 'Pod'
        ? (pod(t)?.spec?.containers ?? [])
        : ((state && workloadOf(state, t.kind, t.namespace, t.name)?.spec?.template?.spec?.containers) ?? []);
    const items = portItems(containers);
    const picked = items.length
      ? (await vscode.window.showQuickPick(items, { title: `Forward which port of ${t.name}?` }))?.label
      : await vscode.window.showInputBox({ title: `Pod port of ${t.name} to forward` });
    const port = Number(picked);
    return Number.isInteger(port) && port > 0 ? { ...where, port } : undefined;
  };

  reg(Commands.portForward, async (arg) => {
    const t = await allowed(objectOf(arg), 'a pod, workload or Service');
    if (!t || !t.source.connection) return;
    const target = await pickRemote(t);
    if (!target) return;
    // The same number locally, as `kubectl port-forward 8080` does; taken → another, said so.
    const local = await vscode.window.showInputBox({
      title: `Local port for ${t.name}:${target.port}`,
      prompt: 'A port on 127.0.0.1 (0: any free port; if it is in use, another is picked)',
      value: String(target.port),
      validateInput: (v) => (/^\d+$/.test(v) && Number(v) <= 65535 ? undefined : 'A port number, 0–65535'),
    });
    if (local === undefined) return;
    await forwards.start(t.source, target, Number(local)).catch((error: unknown) => {
      void vscode.window.showErrorMessage(
        `Shipshape: port-forward failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  });

  reg(Commands.stopPortForward, () => forwards.pickAndStop());
  reg(Commands.showPortForwards, () => forwards.manage());
  // A forward's row in the Clusters view: the status bar's actions, without the QuickPick.
  const onRow = (action: ForwardAction) => (arg: unknown) => {
    const node = arg as ClusterNode | undefined;
    return node?.type === 'forward' ? forwards.act(node.source.label, node.key, action) : undefined;
  };
  reg(Commands.openPortForward, onRow('open'));
  reg(Commands.copyPortForwardAddress, onRow('copy'));
  reg(Commands.stopThisPortForward, onRow('stop'));
  return store;
}
