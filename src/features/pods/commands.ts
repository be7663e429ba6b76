import * as vscode from 'vscode';
import { execOnce, openExec, startPortForward, type PortForward } from '../../adapters/k8s/streams';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { Commands } from '../../constants';
import { isProtectedContext } from '../../core/sync/protected';
import type { ClusterNode } from '../clusters/nodes';
import type { ClusterSources, Source } from '../clusters/sources';

interface PodTarget {
  readonly source: Source;
  readonly namespace: string;
  readonly name: string;
}

function podOf(arg: unknown): PodTarget | undefined {
  const node = arg as ClusterNode | undefined;
  if (node?.type !== 'pod' || !node.namespace) return undefined;
  return { source: node.source, namespace: node.namespace, name: node.name };
}

/** Protected contexts are typed once per session before anything runs inside their pods. */
const unlocked = new Set<string>();

/**
 * Exec, shell and port-forward act inside the cluster: like the explorer's writes they need a
 * live, writable source (never a snapshot or a context an untrusted workspace brought in), and
 * a protected context's name typed once per session.
 */
async function allowed(target: PodTarget | undefined): Promise<PodTarget | undefined> {
  if (!target) {
    void vscode.window.showWarningMessage('Shipshape: run this from a pod in the Clusters view.');
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

export function registerPodCommands(sources: ClusterSources): vscode.Disposable {
  const store = new DisposableStore();
  const forwards: { label: string; forward: PortForward }[] = [];
  const status = store.add(vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50));
  status.command = Commands.stopPortForward;
  const showForwards = () => {
    status.text = `$(plug) ${forwards.map((f) => `${f.forward.localPort}→${f.label}`).join(', ')}`;
    status.tooltip = 'Shipshape port-forwards — click to stop one';
    if (forwards.length) status.show();
    else status.hide();
  };
  store.add({ dispose: () => void Promise.all(forwards.map((f) => f.forward.close())) });

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
      handleInput: (data) => session?.write(data),
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

  reg(Commands.portForward, async (arg) => {
    const t = await allowed(podOf(arg));
    if (!t || !t.source.connection) return;
    const ports = (pod(t)?.spec?.containers ?? []).flatMap((c) =>
      (c.ports ?? []).map((p) => ({
        label: String(p.containerPort),
        description: `${c.name} ${p.name ?? ''}`,
      })),
    );
    const picked = ports.length
      ? (await vscode.window.showQuickPick(ports, { title: `Forward which port of ${t.name}?` }))?.label
      : await vscode.window.showInputBox({ title: `Pod port of ${t.name} to forward` });
    const remote = Number(picked);
    if (!Number.isInteger(remote) || remote <= 0) return;
    // Port 0: the system picks a free local port.
    const forward = await startPortForward(t.source.connection.rest, t, remote, 0);
    forwards.push({ label: `${t.name}:${remote}`, forward });
    showForwards();
    void vscode.window.showInformationMessage(
      `Shipshape: 127.0.0.1:${forward.localPort} → ${t.namespace}/${t.name}:${remote}`,
    );
  });

  reg(Commands.stopPortForward, async () => {
    const picked = await vscode.window.showQuickPick(
      forwards.map((f, i) => ({ label: `${f.forward.localPort} → ${f.label}`, i })),
      { title: 'Stop which port-forward?' },
    );
    if (!picked) return;
    const [entry] = forwards.splice(picked.i, 1);
    await entry?.forward.close();
    showForwards();
  });
  return store;
}
