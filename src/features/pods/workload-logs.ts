import * as vscode from 'vscode';
import { streamMergedLogs } from '../../adapters/k8s/merged-logs';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { Commands } from '../../constants';
import type { HealthModel } from '../../services/clusters/health-model';
import type { ClusterNode } from '../../services/clusters/nodes';
import type { ClusterSources } from '../../services/clusters/sources';
import { podsBehind } from '../../services/pods/behind';

/** Each container's last lines when the view opens; then everything new. */
const TAIL_LINES = 200;
/** The pods are read from the watch cache, so looking again often costs nothing. */
const POLL_MS = 1000;
/** Open merged views; older ones stop and close (as the pod log views do). */
const MAX_VIEWS = 3;

/**
 * Show Logs (all pods): a workload's pods in one output channel, each line led by its pod (what
 * stern gives), following new pods of the workload and restarted containers. Reading logs is
 * not an action inside the pods, so it needs no trust (like Show Logs on a pod).
 */
export function registerWorkloadLogs(sources: ClusterSources, model: HealthModel): vscode.Disposable {
  const store = new DisposableStore();
  const views: { channel: vscode.OutputChannel; abort: AbortController }[] = [];
  store.add({
    dispose: () => {
      for (const v of views.splice(0)) {
        v.abort.abort();
        v.channel.dispose();
      }
    },
  });
  store.add(
    vscode.commands.registerCommand(Commands.showWorkloadLogs, async (arg: unknown) => {
      const node = arg as ClusterNode | undefined;
      if (node?.type !== 'workload') {
        void vscode.window.showWarningMessage('Shipshape: run this from a workload in the Clusters view.');
        return;
      }
      const { source, kind, namespace, name } = node;
      const rest = source.connection?.rest;
      if (!rest) {
        void vscode.window.showWarningMessage(
          'Shipshape: logs need a live cluster (snapshots do not contain logs).',
        );
        return;
      }
      const channel = vscode.window.createOutputChannel(`Logs: ${namespace}/${name} (all pods)`, 'log');
      const abort = new AbortController();
      views.push({ channel, abort });
      while (views.length > MAX_VIEWS) {
        const old = views.shift();
        old?.abort.abort();
        old?.channel.dispose();
      }
      channel.appendLine(
        `# ${kind} ${namespace}/${name} in ${source.label}: the logs of its pods, each line led by its pod; new pods and restarts join as they come.`,
      );
      channel.show(true);
      let gone = false;
      await streamMergedLogs(
        rest,
        namespace,
        () => {
          const pods = podsBehind(sources, model, source, { kind, namespace, name });
          if (!pods && !gone) {
            gone = true;
            channel.appendLine(`— ${kind} ${namespace}/${name} is gone —`);
          }
          return pods ?? [];
        },
        { follow: true, tailLines: TAIL_LINES, pollMs: POLL_MS },
        {
          line: (prefix, text) => channel.appendLine(`${prefix} ${text}`),
          note: (text) => channel.appendLine(`— ${text} —`),
        },
        abort.signal,
      );
    }),
  );
  return store;
}
