import type { ContainerStatus, KubeEvent, Pod } from '../k8s/types';
import { cause, evidence, note, type ContainerLog, type Finding } from './types';

/** What an exit code means, in the words an on-call engineer needs. */
export function explainExit(code: number | undefined, reason: string | undefined, signal?: number): string {
  if (reason === 'OOMKilled')
    return 'OOMKilled: the kernel killed it for using more memory than its limit (exit 137 = SIGKILL). Raise the memory limit or find the leak.';
  if (reason === 'StartError' || reason === 'ContainerCannotRun')
    return `${reason}: the runtime could not start the process — the command or entrypoint does not exist in the image, or is not executable.`;
  switch (code) {
    case undefined:
      return signal ? `Killed by signal ${signal}.` : 'No exit code recorded.';
    case 0:
      return 'Exit 0: the process finished successfully — a server that exits is restarted in a loop (wrong command, or a one-shot image).';
    case 1:
      return 'Exit 1: the application reported an error and quit — its last log lines say which (configuration, a dependency it cannot reach, a missing secret).';
    case 2:
      return 'Exit 2: misuse of a shell builtin or bad command-line arguments.';
    case 126:
      return 'Exit 126: the command was found but is not executable (permissions, wrong architecture, a script without a shebang).';
    case 127:
      return 'Exit 127: command not found — the entrypoint, or a script it runs, does not exist in the image (wrong path, wrong image variant).';
    case 128:
      return 'Exit 128: the runtime could not start the process (invalid entrypoint).';
    case 137:
      return 'Exit 137 = SIGKILL: killed from outside — a failed liveness probe, the kubelet, or the kernel (not recorded as OOMKilled, so likely the probe or a manual kill).';
    case 139:
      return 'Exit 139 = SIGSEGV: the process crashed (segmentation fault) — often a native library built for another CPU or libc.';
    case 143:
      return 'Exit 143 = SIGTERM: asked to stop and did — after a failed liveness probe or a deletion.';
    default:
      return code > 128
        ? `Exit ${code}: killed by signal ${code - 128}.`
        : `Exit ${code}: an application-specific error code — see its logs.`;
  }
}

const PROBE = /^(Liveness|Readiness|Startup) probe (failed|errored):?\s*(.*)$/i;

const statusesOf = (pod: Pod): ContainerStatus[] => [
  ...(pod.status?.initContainerStatuses ?? []),
  ...(pod.status?.containerStatuses ?? []),
];

/**
 * The containers whose previous instance ended and was replaced: the kubelet keeps that one log
 * (`previous=true`), and it holds what the process said before it died.
 */
export function previousLogsWanted(pod: Pod): string[] {
  return statusesOf(pod)
    .filter((s) => (s.restartCount ?? 0) > 0 && s.lastState?.terminated)
    .map((s) => s.name);
}

function previousLog(s: ContainerStatus, log: ContainerLog | undefined, message: string[]): Finding[] {
  if (!log) return [];
  if (log.lines.length === 0) return [note(`${s.name}'s previous container wrote no log lines.`)];
  // The kubelet copies the log tail into the message (FallbackToLogsOnError): said once is enough.
  if (log.lines.every((l) => message.includes(l.trim()))) return [];
  return [
    evidence(
      `Last ${log.lines.length} log lines of ${s.name}'s previous container (before restart ${s.restartCount ?? 0}):\n${log.lines.map((l) => `    ${l}`).join('\n')}`,
    ),
  ];
}

/** The crash of each failing container: how it ended last time, what it said, and its last log lines. */
export function explainCrash(
  pod: Pod,
  events: readonly KubeEvent[],
  logs: readonly ContainerLog[] = [],
): Finding[] {
  const out: Finding[] = [];
  const statuses = statusesOf(pod);
  const logOf = (container: string) =>
    logs.find(
      (l) =>
        l.namespace === pod.metadata?.namespace && l.pod === pod.metadata?.name && l.container === container,
    );
  for (const s of statuses) {
    const t = s.state?.terminated ?? s.lastState?.terminated;
    const waiting = s.state?.waiting?.reason;
    if (!t || (t.exitCode === 0 && !waiting)) continue;
    out.push(
      cause(
        `Container ${s.name}${s.restartCount ? ` (${s.restartCount} restarts)` : ''} last ended: ${explainExit(t.exitCode, t.reason, t.signal)}`,
      ),
    );
    const message = t.message ? t.message.trim().split('\n').slice(-8) : [];
    if (message.length > 0)
      out.push(
        evidence(`Its termination message / last log lines:\n${message.map((l) => `    ${l}`).join('\n')}`),
      );
    out.push(
      ...previousLog(
        s,
        logOf(s.name),
        message.map((l) => l.trim()),
      ),
    );
  }
  const probes = new Map<string, { text: string; count: number }>();
  for (const e of events) {
    const m = PROBE.exec(e.message ?? '');
    if (!m) continue;
    const key = `${m[1] ?? ''}: ${m[3] ?? ''}`;
    const prev = probes.get(key);
    probes.set(key, { text: e.message ?? '', count: (prev?.count ?? 0) + (e.count ?? 1) });
  }
  // Without a crash, a failing readiness probe is the whole story (Running but never Ready).
  const crashed = out.some((f) => f.level === 'cause');
  for (const { text, count } of probes.values()) {
    const liveness = /^Liveness/i.test(text);
    out.push(
      (liveness || !crashed ? cause : evidence)(
        `${text} (${count}×)${liveness ? ' — the kubelet kills the container when liveness fails: check the probe path, port and initialDelaySeconds against how long the app takes to start.' : ' — the pod gets no traffic until the probe passes: check what the endpoint depends on, and the probe path and port.'}`,
      ),
    );
  }
  if (statuses.length > 0 && out.length === 0)
    out.push(note('No termination recorded yet: read the logs (Show Previous Logs) for the reason.'));
  return out;
}
